import { TtlMap } from '../../../../shared/ttlMap';

/**
 * Which waiting runs this n8n process is resuming right now. Parallel copies of a run's final callback all find every
 * generation finished; the first one claims the resume, the others are told they did not resume it. n8n does the
 * same check itself ("already being resumed") but only after the node has answered, so the node keeps its own.
 *
 * Per process: in queue mode a copy handled by another process may still say `resumed: true` there, and n8n resumes
 * the run once regardless. A claim lapses after CLAIM_TTL_MS, so a resume that n8n could not start can be retried by a
 * later delivery (a run that did resume refuses further callbacks with 409 before the node runs).
 */

export const CLAIM_TTL_MS = 120_000;

/** The claimed waits of this process (a restart forgets them). */
export const resumeClaims = new TtlMap<string, true>({ ttlMs: CLAIM_TTL_MS, capacity: 10_000 });

/** Claims the resume of one waiting run (`runKey`: its resume endpoint). False when it is already claimed. */
export function claimResume(runKey: string, now = Date.now()): boolean {
	if (resumeClaims.has(runKey, now)) return false;
	resumeClaims.set(runKey, true, now);
	return true;
}

/** Whether the resume of a waiting run is claimed (a callback already found every result and is resuming it). */
export function isResumeClaimed(runKey: string, now = Date.now()): boolean {
	return resumeClaims.has(runKey, now);
}
