import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError, jsonParse } from 'n8n-workflow';

import type { Family } from '../../../shared/families';
import type { Widen } from '../../../shared/families/types';
import { InputProblem } from '../../../shared/families/types';
import { rulesOf } from './versionRules';

/** RunBlob's request body for one item: the family builds and checks it; Additional Body Fields are added. */

export async function buildRequestBody(
	ctx: IExecuteFunctions,
	itemIndex: number,
	model: string,
	family: Family,
): Promise<IDataObject> {
	let body: IDataObject;
	try {
		body = await family.buildBody({
			ctx,
			itemIndex,
			model,
			param: <T>(name: string, fallback: T) =>
				ctx.getNodeParameter(name, itemIndex, fallback as never) as Widen<T>,
		});
	} catch (error) {
		// An InputProblem carries what to do about it; anything else (e.g. a missing binary field) is wrapped as is.
		throw new NodeOperationError(ctx.getNode(), error as Error, {
			itemIndex,
			message: (error as Error).message,
			description: error instanceof InputProblem ? error.description : undefined,
		});
	}
	if (!rulesOf(ctx).hasAdditionalBodyFields) return body;
	return { ...body, ...additionalFields(ctx, itemIndex, body) };
}

/** The escape hatch for keys RunBlob has not confirmed: added as they are, but never over a field the node sets. */
function additionalFields(
	ctx: IExecuteFunctions,
	itemIndex: number,
	body: IDataObject,
): IDataObject {
	const raw = ctx.getNodeParameter('additionalBodyFields', itemIndex, '{}') as unknown;
	let extra: unknown = raw;
	if (typeof raw === 'string') {
		try {
			extra = raw.trim() ? jsonParse(raw) : {};
		} catch {
			throw new NodeOperationError(ctx.getNode(), 'Additional Body Fields is not valid JSON', {
				itemIndex,
				description: 'Give a JSON object, for example {"negative_prompt": "blurry"}.',
			});
		}
	}
	if (!extra || typeof extra !== 'object' || Array.isArray(extra)) {
		throw new NodeOperationError(ctx.getNode(), 'Additional Body Fields must be a JSON object', {
			itemIndex,
			description: 'Give a JSON object, for example {"negative_prompt": "blurry"}.',
		});
	}
	const clash = Object.keys(extra).filter((key) => key in body || key === 'callback_url');
	if (clash.length > 0) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Additional Body Fields cannot set ${clash.join(', ')}: the node sets ${clash.length > 1 ? 'them' : 'it'}`,
			{ itemIndex, description: 'Use the node parameter instead, or remove the key.' },
		);
	}
	return extra as IDataObject;
}
