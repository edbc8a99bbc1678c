import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/** Helpers shared by the Video operations. */

export const MAX_PROMPT_LENGTH = 4000;
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
export const ORIENTATIONS = ['9:16', '16:9'] as const;
export const DURATIONS = [10, 15] as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** RunBlob counts characters the way Python does (code points), so we do too. */
export function promptProblem(prompt: unknown): string | null {
	if (typeof prompt !== 'string' || prompt.trim() === '') return 'The prompt is empty';
	const length = [...prompt].length;
	if (length > MAX_PROMPT_LENGTH) {
		return `The prompt has ${length} characters; RunBlob accepts at most ${MAX_PROMPT_LENGTH}`;
	}
	return null;
}

export function cleanGenerationId(
	ctx: IExecuteFunctions,
	value: unknown,
	itemIndex: number,
): string {
	const id = String(value ?? '').trim();
	if (!UUID.test(id)) {
		throw new NodeOperationError(ctx.getNode(), `"${id}" is not a RunBlob generation ID`, {
			itemIndex,
			description: 'A generation ID is a UUID such as 550e8400-e29b-41d4-a716-446655440000.',
		});
	}
	return id.toLowerCase();
}

/** Identifies an image by its first bytes; RunBlob accepts JPEG, PNG and WEBP only. */
export function sniffImageType(bytes: Buffer): 'image/jpeg' | 'image/png' | 'image/webp' | null {
	if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)
		return 'image/jpeg';
	if (
		bytes.length >= 8 &&
		bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
	) {
		return 'image/png';
	}
	if (
		bytes.length >= 12 &&
		bytes.toString('latin1', 0, 4) === 'RIFF' &&
		bytes.toString('latin1', 8, 12) === 'WEBP'
	) {
		return 'image/webp';
	}
	return null;
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

export const generationIdProperty: INodeProperties = {
	displayName: 'Generation ID',
	name: 'generationId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. 550e8400-e29b-41d4-a716-446655440000',
	description: 'The generation_id returned by Generate',
};

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
