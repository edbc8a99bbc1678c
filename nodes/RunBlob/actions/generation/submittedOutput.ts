import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { Family } from '../../../shared/families';
import { normalise } from '../../../shared/families/normalise';
import type { Completion } from './completion';
import { rulesOf } from './versionRules';

/** What Generate outputs at once: version 1 keeps its original fields; later versions the normalised shape. */
export function submittedJson(
	ctx: IExecuteFunctions,
	family: Family,
	model: string,
	body: IDataObject,
	response: IDataObject,
	generationId: string,
	completion: Completion,
): IDataObject {
	if (!rulesOf(ctx).normalisedOutput) {
		return {
			generation_id: generationId,
			status: response.status ?? 'pending',
			price: response.price ?? null,
			prompt: body.prompt,
			orientation: body.orientation,
			duration: body.duration,
			completion,
		};
	}
	const source: IDataObject = { ...body, ...response, status: response.status ?? 'pending' };
	return {
		...normalise(family, source, { model, prompt: body.prompt }),
		generation_id: generationId,
		model,
		completion,
	};
}
