/** RunBlob's timestamps: Sora and Veo write ISO-8601 with microseconds and no zone ("2025-11-24T10:00:00.000000"),
 * Kling writes `Z`. Zone-less times are read as UTC; outputs are always ISO-8601 UTC with `Z`. */

const RUNBLOB_TIME =
	/^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?$/;

export function parseRunBlobTime(value: unknown): Date | null {
	if (typeof value !== 'string') return null;
	const match = RUNBLOB_TIME.exec(value.trim());
	if (!match) return null;
	const [, date, time, fraction = '', zone = 'Z'] = match;
	const millis = fraction ? `.${fraction.slice(1, 4).padEnd(3, '0')}` : '';
	const parsed = new Date(`${date}T${time}${millis}${zone}`);
	return Number.isNaN(parsed.getTime()) ? null : parsed;
}

export function toIsoUtc(value: unknown): string | null {
	return parseRunBlobTime(value)?.toISOString() ?? null;
}

/** Seconds from creation to completion, to 0.1 s; null unless both times are known. */
export function renderSeconds(createdAt: unknown, completedAt: unknown): number | null {
	const created = parseRunBlobTime(createdAt);
	const completed = parseRunBlobTime(completedAt);
	if (!created || !completed) return null;
	return Math.max(0, Math.round((completed.getTime() - created.getTime()) / 100) / 10);
}
