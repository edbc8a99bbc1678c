import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { normaliseGeneration } from '../../../shared/callbackContract';
import { apiRequest, getSettings } from '../../../shared/transport';
import { asNodeError, cleanGenerationId, errorItem } from './common';

const properties: INodeProperties[] = [
	{
		displayName: 'Generation ID',
		name: 'generationId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 550e8400-e29b-41d4-a716-446655440000',
		description: 'The generation_id returned by Generate',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['video'], operation: ['get'] } }, properties);

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const { baseUrl } = await getSettings(this);
	const results: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		let generationId: string | undefined;
		try {
			generationId = cleanGenerationId(this, this.getNodeParameter('generationId', i), i);
			const status = await apiRequest<IDataObject>(this, baseUrl, {
				method: 'GET',
				path: `/v1/sora/generations/${generationId}/`,
				generationId,
				itemIndex: i,
			});
			results.push({ json: withDerivedFields(status), pairedItem: { item: i } });
		} catch (error) {
			if (this.continueOnFail()) {
				results.push(errorItem(error as Error, i, generationId));
				continue;
			}
			throw asNodeError(this, error, i);
		}
	}
	return [results];
}

/** RunBlob's nine status fields as they come, plus render_seconds; timestamps stay in RunBlob's own format. */
export function withDerivedFields(status: IDataObject): IDataObject {
	return { ...status, render_seconds: normaliseGeneration(status).render_seconds };
}
