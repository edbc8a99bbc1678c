import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Family } from '../../../shared/families';
import { allModels, familyOfModel } from '../../../shared/families';
import { VERSION_1_MODEL, rulesOf } from './versionRules';

/** The model of an item, and the family that declares it (a node without a Model field: version 1's model). */
export function modelFor(
	ctx: IExecuteFunctions,
	itemIndex: number,
): { model: string; family: Family } {
	const model = rulesOf(ctx).hasModelField
		? String(ctx.getNodeParameter('model', itemIndex, VERSION_1_MODEL)).trim()
		: VERSION_1_MODEL;
	const family = familyOfModel(model);
	if (!family) {
		throw new NodeOperationError(
			ctx.getNode(),
			`"${model}" is not a RunBlob model this node knows`,
			{
				itemIndex,
				description: `Choose a model from the list, or give one of: ${allModels().join(', ')}.`,
			},
		);
	}
	return { model, family };
}
