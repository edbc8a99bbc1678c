import type { IDataObject } from 'n8n-workflow';

/** The retry policy: which failures are worth repeating, and how long to wait in between. */

/** Reads are retried on 429, 5xx and network errors; the create call only when RunBlob provably did not act. */
export const RETRY = {
	attempts: 5,
	baseDelayMs: 500,
	maxDelayMs: 8_000,
	maxRetryAfterMs: 15_000,
};

/** Network errors where the request never reached RunBlob, so even a create call is safe to send again. */
export const NOT_SENT_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
]);

export const TRANSIENT_CODES = new Set([
	...NOT_SENT_CODES,
	'ECONNRESET',
	'ETIMEDOUT',
	'ECONNABORTED',
	'EPIPE',
	'ESOCKETTIMEDOUT',
]);

export function backoffMs(attempt: number): number {
	return Math.min(RETRY.maxDelayMs, RETRY.baseDelayMs * 2 ** (attempt - 1));
}

export function retryAfterMs(headers: IDataObject | undefined): number | undefined {
	const value = headers?.['retry-after'];
	if (value === undefined || value === null || value === '') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds) && seconds >= 0)
		return Math.min(seconds * 1000, RETRY.maxRetryAfterMs);
	const date = Date.parse(String(value));
	if (Number.isNaN(date)) return undefined;
	return Math.min(Math.max(0, date - Date.now()), RETRY.maxRetryAfterMs);
}

export function networkErrorCode(error: unknown): string {
	let current = error as { code?: unknown; cause?: unknown } | undefined;
	for (let depth = 0; current && depth < 5; depth++) {
		if (typeof current.code === 'string' && /^E[A-Z_]+$/.test(current.code)) return current.code;
		current = current.cause as typeof current;
	}
	return '';
}
