import type { IDataObject, INodeExecutionData, IWebhookFunctions } from 'n8n-workflow';

import type { CallbackPayload, Rejection } from '../../../../shared/callbackContract';
import { isTerminalStatus, retryLater } from '../../../../shared/callbackContract';
import { readGenerationWithin } from '../../../../shared/families/api';
import { familyOf, idOf } from './pendingItems';
import { fromBothEnds } from './readOrder';
import { deferForReasons } from './reasonDeferrals';
import { finalOf, forgetRun, rememberFinal } from './reportedFinals';
import { isResumeClaimed } from './resumeClaims';
import { sharedRead } from './sharedReads';

/**
 * Is this callback the last one of its wait? Final statuses this process already heard of count as known
 * (reportedFinals.ts, read live: callbacks of one run are handled concurrently and share what each finds). RunBlob is
 * asked only about the others (callbacks may be lost, late or out of order), from both ends of the batch: the newest
 * unknown first (still rendering when renders finish in input order), then the oldest (still rendering when they
 * finish in reverse), so one or two reads usually find a generation that is still rendering. Within the answer
 * budget: a slow RunBlob gets a 503 in time, and RunBlob delivers this callback again later. A failure read without
 * the reason its own callback carries defers the resume once (reasonDeferrals.ts).
 */

export interface WaitKeys {
	/** The run's resume endpoint: what this process remembers final statuses under. */
	run: string;
	/** One wait of the run (a run may wait more than once): what a resume is claimed under. */
	wait: string;
}

export const ALREADY_RESUMING: Rejection = {
	status: 200,
	body: {
		received: true,
		resumed: false,
		message: 'Another callback delivery is already resuming the run with every result',
	},
};

/** Every generation's final status by id, or the answer to give when the wait is not over for this callback. */
export async function findFinals(
	ctx: IWebhookFunctions,
	baseUrl: string,
	keys: WaitKeys,
	waited: INodeExecutionData[],
	payload: CallbackPayload,
	deadline: number,
): Promise<{ known: Map<string, IDataObject> } | { answer: Rejection }> {
	if (isTerminalStatus(payload.status)) rememberFinal(keys.run, payload.generation_id, payload);
	const known = new Map<string, IDataObject>([[payload.generation_id, payload]]);
	/** Failures read from a status endpoint without a reason: not remembered, their callbacks may still bring it. */
	const unexplained: string[] = [];
	for (const item of fromBothEnds(waited)) {
		const id = idOf(item);
		if (known.has(id)) continue;
		// The run may have been resumed by a concurrent callback meanwhile: nothing left to find.
		if (isResumeClaimed(keys.wait)) return { answer: ALREADY_RESUMING };
		const remembered = finalOf(keys.run, id);
		if (remembered) {
			known.set(id, remembered as IDataObject);
			continue;
		}
		let status: IDataObject;
		try {
			status = await sharedRead(
				keys.run,
				id,
				async () => await readGenerationWithin(ctx, baseUrl, familyOf(item), id, deadline),
			);
		} catch (error) {
			return {
				answer: retryLater(
					`Could not check generation ${id} with RunBlob: ${(error as Error).message}`,
				),
			};
		}
		if (!isTerminalStatus(status.status)) {
			return {
				answer: {
					status: 200,
					body: {
						received: true,
						resumed: false,
						waiting_for: id,
						message: 'Other generations are still rendering',
					},
				},
			};
		}
		known.set(id, status);
		if (status.status === 'failed' && familyOf(item).read.errorMessage(status) === null)
			unexplained.push(id);
		else rememberFinal(keys.run, id, status);
	}
	// A callback handled meanwhile may have brought the reason (settleFinals uses it); the others defer the resume once.
	const missing = unexplained.filter((id) => !finalOf(keys.run, id));
	if (missing.length > 0 && deferForReasons(keys.run, payload.generation_id, missing)) {
		return {
			answer: retryLater(
				`Generation ${missing.join(', ')} failed; waiting for its callback, which carries the reason (RunBlob's next delivery of this callback resumes the run)`,
			),
		};
	}
	return { known };
}

/**
 * Once the run is claimed: a failure read from a status endpoint may lack the reason its callback carries (some
 * families report it only there); a callback of this run handled meanwhile may have brought it, and Resubmit decides
 * on the reason. The run's memory is then let go.
 */
export function settleFinals(runKey: string, known: Map<string, IDataObject>): void {
	for (const [id, status] of known) {
		const heard = finalOf(runKey, id);
		if (status.status === 'failed' && heard) known.set(id, heard as IDataObject);
	}
	forgetRun(runKey);
}
