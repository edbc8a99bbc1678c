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
import { modelFor } from './model';
import type { GenerationResource } from './resources';
import type { VersionRules } from './versionRules';
import { rulesOf } from './versionRules';

export const description = (resource: GenerationResource): INodeProperties[] =>
	updateDisplayOptions({ show: { resource: [resource.value], operation: ['get'] } }, [
		generationIdProperty,
	]);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	const { baseUrl } = await getSettings(this);
	const rules = rulesOf(this);
	return await runPerItem(this, items, async (i, current) => {
		const { family } = modelFor(this, i);
		current.generationId = cleanGenerationId(
			this,
			this.getNodeParameter('generationId', i),
			i,
			family,
		);
		const status = await readGeneration(this, baseUrl, family, current.generationId, i);
		return [{ json: outputOf(family, status, rules), pairedItem: { item: i } }];
	});
}

/**
 * Version 1: RunBlob's status fields as they come, plus render_seconds. Later: the normalised shape (UTC timestamps
 * with Z, price as a number) with the family's own fields, as everywhere else.
 */
export function outputOf(family: Family, status: IDataObject, rules: VersionRules): IDataObject {
	if (!rules.normalisedOutput) {
		return { ...status, render_seconds: normaliseGeneration(status).render_seconds };
	}
	return normalise(family, status);
}
