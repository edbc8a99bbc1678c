import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { normaliseGeneration } from '../../../shared/callbackContract';
import { getGeneration, getSettings } from '../../../shared/transport';
import { cleanGenerationId, generationIdProperty, runPerItem } from './common';

const properties: INodeProperties[] = [generationIdProperty];

export const description = updateDisplayOptions(
	{ show: { resource: ['video'], operation: ['get'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	const { baseUrl } = await getSettings(this);
	return await runPerItem(this, items, async (i, current) => {
		current.generationId = cleanGenerationId(this, this.getNodeParameter('generationId', i), i);
		const status = await getGeneration(this, baseUrl, current.generationId, i);
		return [{ json: withDerivedFields(status), pairedItem: { item: i } }];
	});
}

/** RunBlob's nine status fields as they come, plus render_seconds; timestamps stay in RunBlob's own format. */
export function withDerivedFields(status: IDataObject): IDataObject {
	return { ...status, render_seconds: normaliseGeneration(status).render_seconds };
}
