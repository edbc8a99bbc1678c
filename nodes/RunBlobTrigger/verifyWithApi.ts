import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import type { CallbackPayload, Rejection } from '../shared/callbackContract';
import type { Family } from '../shared/families';
import { readGeneration } from '../shared/families/api';

/** "Verify with RunBlob API": re-reads the job from its family's status endpoint and trusts that over the body. */
export async function verifyWithApi(
	ctx: IWebhookFunctions,
	baseUrl: string,
	family: Family,
	payload: CallbackPayload,
): Promise<{ record: IDataObject } | { reply: Rejection }> {
	let record: IDataObject;
	try {
		record = await readGeneration(ctx, baseUrl, family, payload.generation_id);
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
		// RunBlob unreachable or failing: 503 makes RunBlob retry later instead of losing the callback.
		return {
			reply: {
				status: 503,
				body: { error: `Could not verify the callback with RunBlob: ${(error as Error).message}` },
			},
		};
	}
	const mismatch =
		record.status !== payload.status ||
		(payload.status === 'completed' && (record.video_url ?? null) !== (payload.video_url ?? null));
	if (mismatch) {
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
