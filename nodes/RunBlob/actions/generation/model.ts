import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Family } from '../../../shared/families';
import { V1_MODEL, allModels, familyOfModel } from '../../../shared/families';

/** The model of an item, and the family that declares it. Node version 1 has no Model field: its one model. */
export function modelFor(
	ctx: IExecuteFunctions,
	itemIndex: number,
): { model: string; family: Family } {
	const model =
		ctx.getNode().typeVersion >= 2
			? String(ctx.getNodeParameter('model', itemIndex, V1_MODEL)).trim()
			: V1_MODEL;
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

export function isVersion1(ctx: { getNode(): { typeVersion: number } }): boolean {
	return ctx.getNode().typeVersion < 2;
}
