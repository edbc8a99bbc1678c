/** A failure after some generations were already paid for must name them, or they would be orphaned silently. */
export function withCreatedGenerations<E extends Error & { description?: string | null }>(
	error: E,
	created: Array<{ item: number; id: string }>,
	alsoFailed: number[] = [],
): E {
	// Items submitted in parallel with the failing one may have failed too; their own errors are not shown.
	const others = alsoFailed.length
		? ` Submitting item${alsoFailed.length > 1 ? 's' : ''} ${alsoFailed.join(', ')} failed as well.`
		: '';
	if (created.length === 0) {
		if (others) error.description = `${error.description ?? ''}${others}`.trim();
		return error;
	}
	const list = created.map(({ item, id }) => `item ${item}: ${id}`).join(', ');
	const note = `Generations already created by this node before the failure (they still render and were charged; read them with Get): ${list}.${others}`;
	error.description = error.description ? `${error.description} ${note}` : note;
	return error;
}
