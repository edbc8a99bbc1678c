import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { Family } from '../../../shared/families';
import { readGeneration } from '../../../shared/families/api';
import { normalise, normaliseGeneration } from '../../../shared/families/normalise';
import { getSettings } from '../../../shared/transport';
import { cleanGenerationId, generationIdProperty, runPerItem } from './common';
import { isVersion1, modelFor } from './model';

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
	const v1 = isVersion1(this);
	return await runPerItem(this, items, async (i, current) => {
		const { family } = modelFor(this, i);
		current.generationId = cleanGenerationId(
			this,
			this.getNodeParameter('generationId', i),
			i,
			family,
		);
		const status = await readGeneration(this, baseUrl, family, current.generationId, i);
		return [{ json: outputOf(family, status, v1), pairedItem: { item: i } }];
	});
}

/**
 * Version 1: RunBlob's status fields as they come, plus render_seconds. Version 2: the normalised shape (UTC
 * timestamps with Z, price as a number) with the family's own fields, as everywhere else.
 */
export function outputOf(family: Family, status: IDataObject, v1: boolean): IDataObject {
	if (v1) return { ...status, render_seconds: normaliseGeneration(status).render_seconds };
	return normalise(family, status);
}
