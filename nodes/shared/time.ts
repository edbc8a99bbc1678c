/** RunBlob's timestamps: some families write ISO-8601 with microseconds and no zone ("2025-11-24T10:00:00.000000"),
 * others end in `Z`. Zone-less times are read as UTC; outputs are always ISO-8601 UTC with `Z`. Dates that do not
 * exist (30 February) are refused, not rolled over by `Date`. */

const RUNBLOB_TIME =
	/^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?$/;

export function parseRunBlobTime(value: unknown): Date | null {
	if (typeof value !== 'string') return null;
	const match = RUNBLOB_TIME.exec(value.trim());
	if (!match) return null;
	const [, year, month, day, hour, minute, second, fraction = '', zone = 'Z'] = match;
	const fields = [year, month, day, hour, minute, second].map(Number);
	if (!isRealDateTime(fields) || !isRealZone(zone)) return null;
	const millis = fraction ? `.${fraction.slice(1, 4).padEnd(3, '0')}` : '';
	const offset = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`; // "+0200" → "+02:00"
	const parsed = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}${millis}${offset}`);
	return Number.isNaN(parsed.getTime()) ? null : parsed;
}

/** The wall-clock fields name a moment that exists: month 1–12, a day the month has, 00:00:00–23:59:59. */
function isRealDateTime([year, month, day, hour, minute, second]: number[]): boolean {
	if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
	const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate(); // 2000 is a leap year: February has 29
	if (day > daysInMonth) return false;
	const isLeapYear = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
	return !(month === 2 && day === 29 && !isLeapYear);
}

function isRealZone(zone: string): boolean {
	if (zone === 'Z') return true;
	const digits = zone.replace(':', '');
	return Number(digits.slice(1, 3)) <= 23 && Number(digits.slice(3, 5)) <= 59;
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
