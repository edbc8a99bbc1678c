import { TtlMap } from '../../../../shared/ttlMap';

/**
 * Some families give a failure's reason only in its callback (Kling O3 Video's status object: "see webhook"). The
 * generations of a batch often finish together, so the callback that finds every generation finished may have read a
 * failure from its status endpoint while that failure's own callback is still on its way: resuming then would drop the
 * reason, and Resubmit would take a refusal for an upstream error. So the first time this process meets such a failure
 * in a run, the present callback is asked to come again later (503, as when a status read fails); meanwhile the
 * failure's callback arrives and resumes the run with its reason. If it never comes, RunBlob's next delivery of the
 * present callback resumes the run without it. Once per failure, delivering callback and process: a delay of one
 * retry interval, not a wait for a callback that may never come. Per delivering callback, because when two failures finish with the batch, the first failure's own
 * callback may be the one that reads the second: it waits too, and the second one's callback resumes with both reasons.
 */

/** How long a deferral is remembered (longer than RunBlob's retry schedules). */
export const DEFERRAL_TTL_MS = 60 * 60_000;

export const reasonDeferrals = new TtlMap<string, true>({
	ttlMs: DEFERRAL_TTL_MS,
	capacity: 10_000,
});

/**
 * Records that this process deferred a run's resume, on the callback of generation `deliveredId`, for these failures;
 * true when at least one of them had not been deferred on that callback before (then the resume is to wait).
 */
export function deferForReasons(
	runKey: string,
	deliveredId: string,
	generationIds: string[],
	now = Date.now(),
): boolean {
	let fresh = false;
	for (const id of generationIds) {
		const key = `${runKey}\n${deliveredId}\n${id}`;
		if (reasonDeferrals.has(key, now)) continue;
		reasonDeferrals.set(key, true, now);
		fresh = true;
	}
	return fresh;
}
