/**
 * Submits items with bounded concurrency: RunBlob's create call takes hundreds of milliseconds, so a batch sent one
 * at a time spends most of its time waiting. Results keep the item order (output order and pairing are unchanged).
 *
 * Retrying is the transport's job (a 429 is repeated, an ambiguous create failure never is). When an item fails and
 * is not recovered (Continue On Fail off), no further item starts, the ones in flight are awaited — so every
 * generation created by this node is known before the caller reports the failure — and the first failure is returned.
 */

export const DEFAULT_SUBMISSION_CONCURRENCY = 8;
export const MAX_SUBMISSION_CONCURRENCY = 50;

export interface SubmissionOutcome<T> {
	/** One entry per item in item order; `undefined` for items that were never submitted or failed. */
	results: Array<T | undefined>;
	/** The first unrecovered failure, if any. */
	failure?: { index: number; error: unknown };
	/** Items whose submission failed besides the first failure (they ran in parallel with it). */
	alsoFailed: number[];
}

/**
 * @param submit sends item `i`; resolves with its result
 * @param recover turns a failure into a result (Continue On Fail), or returns undefined to stop the batch
 */
export async function submitAll<T>(
	count: number,
	concurrency: number,
	submit: (index: number) => Promise<T>,
	recover: (error: unknown, index: number) => T | undefined,
): Promise<SubmissionOutcome<T>> {
	const limit = Math.max(
		1,
		Math.min(MAX_SUBMISSION_CONCURRENCY, Math.floor(concurrency) || 1, count || 1),
	);
	const outcome: SubmissionOutcome<T> = {
		results: new Array<T | undefined>(count),
		alsoFailed: [],
	};
	let next = 0;
	const lane = async (): Promise<void> => {
		while (next < count && !outcome.failure) {
			const index = next++;
			try {
				outcome.results[index] = await submit(index);
			} catch (error) {
				const recovered = recover(error, index);
				if (recovered !== undefined) outcome.results[index] = recovered;
				else if (!outcome.failure) outcome.failure = { index, error };
				else outcome.alsoFailed.push(index);
			}
		}
	};
	await Promise.all(Array.from({ length: limit }, lane));
	return outcome;
}
