import { TtlMap } from '../../../../shared/ttlMap';

/**
 * Final statuses that RunBlob already reported to this n8n process, per waiting run, so the resume webhook asks
 * RunBlob only about the generations it has not heard of (O(N) reads per run instead of O(N²) when renders finish in
 * order). A final status never changes, so a remembered one is as good as a fresh read.
 *
 * Memory only, per process: after a restart, or when callbacks of one run land on different processes (queue mode),
 * the resume webhook simply reads what this process has not seen — more reads, same answer.
 */

/** A run's memory lapses this long after its last callback (a run waits at most as long as its wait limit). */
export const REPORTED_TTL_MS = 6 * 60 * 60_000;
/** Upper bound of remembered generations over all runs; the least recently used runs are forgotten first. */
export const MAX_REPORTED = 50_000;

/** Per run (its resume endpoint): the final statuses by generation id. Weighed by generation. */
export const reportedRuns = new TtlMap<string, Map<string, Record<string, unknown>>>({
	ttlMs: REPORTED_TTL_MS,
	capacity: MAX_REPORTED,
	weigh: (finals) => finals.size,
});

/** Remembers a final status of one generation of a waiting run (`runKey`: its resume endpoint). */
export function rememberFinal(
	runKey: string,
	generationId: string,
	record: Record<string, unknown>,
	now = Date.now(),
): void {
	const finals = reportedRuns.get(runKey, now) ?? new Map<string, Record<string, unknown>>();
	finals.set(generationId, record);
	reportedRuns.set(runKey, finals, now);
}

/** The remembered final status of one generation of a run, if any. */
export function finalOf(
	runKey: string,
	generationId: string,
	now = Date.now(),
): Record<string, unknown> | undefined {
	return reportedRuns.get(runKey, now)?.get(generationId);
}

/** Forgets a run once it has resumed. */
export function forgetRun(runKey: string): void {
	reportedRuns.delete(runKey);
}
