import type { IDataObject, IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { Family } from '../../../shared/families';
import { UUID_ID } from '../../../shared/families/inputs';

/** Helpers shared by the Video operations. */

export { generationIdProperty } from '../../../shared/descriptions';

export function cleanGenerationId(
	ctx: IExecuteFunctions,
	value: unknown,
	itemIndex: number,
	family: Family,
): string {
	const id = String(value ?? '').trim();
	if (!family.idPattern.test(id)) {
		throw new NodeOperationError(ctx.getNode(), `"${id}" is not a RunBlob generation ID`, {
			itemIndex,
			description:
				family.idPattern === UUID_ID
					? `A ${family.displayName} generation ID is a UUID such as 550e8400-e29b-41d4-a716-446655440000.`
					: `Use the generation_id that Generate returned for ${family.displayName}.`,
		});
	}
	// UUIDs are compared in lower case everywhere (RunBlob's own ids are lower case).
	return family.idPattern === UUID_ID ? id.toLowerCase() : id;
}

/** The error item `continueOnFail` emits: paired to its input and naming the generation when there is one. */
export function errorItem(
	error: Error,
	itemIndex: number,
	generationId?: string,
): INodeExecutionData {
	const json: IDataObject = { error: error.message };
	const description = (error as { description?: unknown }).description;
	if (typeof description === 'string' && description) json.description = description;
	const httpCode = (error as { httpCode?: unknown }).httpCode;
	if (typeof httpCode === 'string' && httpCode) json.httpCode = httpCode;
	if (generationId) json.generation_id = generationId;
	return { json, pairedItem: { item: itemIndex } };
}

/** Wraps anything thrown into an n8n error carrying the item index, so n8n shows which item failed. */
export function asNodeError(
	ctx: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.context) error.context.itemIndex = itemIndex;
		return error;
	}
	if (error instanceof Error && (error as { httpCode?: unknown }).httpCode !== undefined) {
		return new NodeApiError(ctx.getNode(), error as unknown as JsonObject, {
			itemIndex,
			message: error.message,
		});
	}
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}

/**
 * The per-item loop of the read operations: each input item yields its output items, paired by the callback; a
 * failure becomes an error item (Continue On Fail) naming the generation the callback was working on, or is thrown.
 */
export async function runPerItem(
	ctx: IExecuteFunctions,
	items: INodeExecutionData[],
	run: (itemIndex: number, current: { generationId?: string }) => Promise<INodeExecutionData[]>,
): Promise<INodeExecutionData[][]> {
	const results: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		const current: { generationId?: string } = {};
		try {
			results.push(...(await run(i, current)));
		} catch (error) {
			if (ctx.continueOnFail()) {
				results.push(errorItem(error as Error, i, current.generationId));
				continue;
			}
			throw asNodeError(ctx, error, i);
		}
	}
	return [results];
}
