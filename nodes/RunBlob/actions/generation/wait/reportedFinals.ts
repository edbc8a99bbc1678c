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

interface RunMemory {
	expires: number;
	finals: Map<string, Record<string, unknown>>;
}

const runs = new Map<string, RunMemory>();
let total = 0;

function drop(runKey: string): void {
	const memory = runs.get(runKey);
	if (!memory) return;
	total -= memory.finals.size;
	runs.delete(runKey);
}

/** Remembers a final status of one generation of a waiting run (`runKey`: its resume endpoint). */
export function rememberFinal(
	runKey: string,
	generationId: string,
	record: Record<string, unknown>,
	now = Date.now(),
): void {
	let memory = runs.get(runKey);
	if (memory)
		runs.delete(runKey); // re-inserted below: Map order is least recently used first
	else memory = { expires: 0, finals: new Map() };
	if (!memory.finals.has(generationId)) total++;
	memory.finals.set(generationId, record);
	memory.expires = now + REPORTED_TTL_MS;
	runs.set(runKey, memory);
	for (const [key, other] of runs) {
		if (total <= MAX_REPORTED && other.expires > now) break;
		if (key === runKey) break;
		drop(key);
	}
}

/** The final statuses remembered for a run (a copy), by generation id. */
export function reportedFinals(
	runKey: string,
	now = Date.now(),
): Map<string, Record<string, unknown>> {
	const memory = runs.get(runKey);
	if (!memory) return new Map();
	if (memory.expires <= now) {
		drop(runKey);
		return new Map();
	}
	return new Map(memory.finals);
}

/** The remembered final status of one generation of a run, if any. */
export function finalOf(
	runKey: string,
	generationId: string,
	now = Date.now(),
): Record<string, unknown> | undefined {
	const memory = runs.get(runKey);
	return memory && memory.expires > now ? memory.finals.get(generationId) : undefined;
}

/** Forgets a run once it has resumed. */
export function forgetRun(runKey: string): void {
	drop(runKey);
}

/** Forgets everything, as a restart does. */
export function forgetAllReported(): void {
	runs.clear();
	total = 0;
}

/** How many generations are remembered (for tests). */
export function reportedCount(): number {
	return total;
}
