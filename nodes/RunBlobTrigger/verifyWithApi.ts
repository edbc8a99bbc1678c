import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import type { CallbackPayload, Rejection } from '../shared/callbackContract';
import { retryLater } from '../shared/callbackContract';
import type { Family } from '../shared/families';
import { readGenerationWithin } from '../shared/families/api';

/**
 * "Verify with RunBlob API": re-reads the job from its family's status endpoint, within the answer budget, and
 * trusts that record over the callback body; a body whose status or result URL(s) disagree with it gets a 409.
 */
export async function verifyWithApi(
	ctx: IWebhookFunctions,
	baseUrl: string,
	family: Family,
	payload: CallbackPayload,
	deadline: number,
): Promise<{ record: IDataObject } | { reply: Rejection }> {
	let record: IDataObject;
	try {
		record = await readGenerationWithin(ctx, baseUrl, family, payload.generation_id, deadline);
	} catch (error) {
		const httpCode = Number((error as { httpCode?: unknown }).httpCode);
		if (httpCode === 404) {
			return {
				reply: {
					status: 400,
					body: { error: `RunBlob has no generation ${payload.generation_id}` },
				},
			};
		}
		// RunBlob unreachable, failing or too slow: 503 in time makes RunBlob retry later instead of losing the callback.
		return {
			reply: retryLater(`Could not verify the callback with RunBlob: ${(error as Error).message}`),
		};
	}
	if (disagrees(family, record, payload)) {
		return {
			reply: {
				status: 409,
				body: {
					error: `The callback does not match RunBlob's record of generation ${payload.generation_id}`,
					runblob_status: String(record.status ?? ''),
				},
			},
		};
	}
	return { record: { ...payload, ...record } };
}

/** A different status, or for a completed job any of the family's result fields with another URL. */
function disagrees(family: Family, record: IDataObject, payload: CallbackPayload): boolean {
	if (record.status !== payload.status) return true;
	if (payload.status !== 'completed') return false;
	return family.read.resultFields.some(
		(field) => (record[field] ?? null) !== (payload[field] ?? null),
	);
}
