/**
 * Status reads of a waiting run's generations that are in flight in this process. Callbacks of one run often arrive
 * together; when two of them need the same sibling's status, the second waits for the first one's read instead of
 * asking RunBlob again. Only reads in flight are shared: a finished read is forgotten at once (a final status is kept
 * by reportedFinals.ts; a "still rendering" answer is never reused, it may be stale a moment later).
 */

const inFlight = new Map<string, Promise<unknown>>();

/** Runs `read` for (run, generation) unless the same read is already in flight; then resolves with that one. */
export async function sharedRead<T>(
	runKey: string,
	generationId: string,
	read: () => Promise<T>,
): Promise<T> {
	const key = `${runKey}\n${generationId}`;
	const pending = inFlight.get(key) as Promise<T> | undefined;
	if (pending) return await pending;
	const started = read();
	inFlight.set(key, started);
	try {
		return await started;
	} finally {
		inFlight.delete(key);
	}
}
