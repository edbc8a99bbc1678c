import { createHmac, timingSafeEqual } from 'crypto';

import { FAMILIES } from '../families';

/**
 * Signing: RunBlob signs nothing, so the URLs we hand it carry our own HMAC. It binds the endpoint the URL points at
 * (its last two path segments: `<webhookId>/webhook` for a trigger, `<executionId>/<suffix>` for a waiting run — stable
 * behind path-prefixing proxies), the time it was issued and, when given, the RunBlob family whose callback it expects
 * (so a receiver validates against that family's schema and nobody can swap the family).
 */

/**
 * How long a signed trigger URL stays valid: the slowest family's render timeout (15 min) plus RunBlob's longest
 * callback retry window (15.5 min), with ample headroom.
 */
export const SIGNATURE_MAX_AGE_SECONDS = 72 * 3600;

const SIGNATURE_QUERY = {
	timestamp: 'rb_ts',
	signature: 'rb_sig',
	family: 'rb_fam',
} as const;

/** Every family id a signed URL may carry. */
function isFamilyId(value: unknown): boolean {
	return FAMILIES.some((family) => family.id === value);
}

export function callbackAudience(pathOrUrl: string): string {
	let path = pathOrUrl;
	try {
		path = new URL(pathOrUrl, 'http://audience.invalid').pathname;
	} catch {
		// keep the raw value: it is only ever compared, never fetched
	}
	return path.split('/').filter(Boolean).slice(-2).join('/');
}

function computeSignature(
	secret: string,
	audience: string,
	timestamp: string,
	family: string | undefined,
): string {
	// URLs issued before families existed carry no family and keep their v1 signature.
	const text =
		family === undefined ? `v1:${audience}:${timestamp}` : `v2:${audience}:${timestamp}:${family}`;
	return createHmac('sha256', secret).update(text).digest('base64url');
}

export function signCallbackUrl(
	url: string,
	secret: string,
	nowMs: number,
	family?: string,
): string {
	const parsed = new URL(url);
	const timestamp = String(Math.floor(nowMs / 1000));
	parsed.searchParams.delete(SIGNATURE_QUERY.family);
	if (family !== undefined) parsed.searchParams.set(SIGNATURE_QUERY.family, family);
	parsed.searchParams.set(SIGNATURE_QUERY.timestamp, timestamp);
	parsed.searchParams.set(
		SIGNATURE_QUERY.signature,
		computeSignature(secret, callbackAudience(url), timestamp, family),
	);
	return parsed.toString();
}

type SignatureCheck =
	| { valid: true; family?: string }
	| { valid: false; reason: 'missing' | 'malformed' | 'mismatch' | 'expired' };

export function verifyCallbackSignature(
	request: { path: string; query: Record<string, unknown> },
	secret: string,
	nowMs: number,
	maxAgeSeconds: number | null = SIGNATURE_MAX_AGE_SECONDS,
): SignatureCheck {
	const timestamp = request.query[SIGNATURE_QUERY.timestamp];
	const signature = request.query[SIGNATURE_QUERY.signature];
	const family = request.query[SIGNATURE_QUERY.family];
	if (timestamp === undefined && signature === undefined)
		return { valid: false, reason: 'missing' };
	if (
		typeof timestamp !== 'string' ||
		typeof signature !== 'string' ||
		!/^\d{1,12}$/.test(timestamp) ||
		(family !== undefined && !isFamilyId(family))
	) {
		return { valid: false, reason: 'malformed' };
	}
	const expected = Buffer.from(
		computeSignature(
			secret,
			callbackAudience(request.path),
			timestamp,
			family as string | undefined,
		),
	);
	const actual = Buffer.from(signature);
	// Compare equal-length buffers only; a length mismatch still costs one comparison.
	const matches =
		actual.length === expected.length
			? timingSafeEqual(actual, expected)
			: !timingSafeEqual(expected, expected);
	if (!matches) return { valid: false, reason: 'mismatch' };
	const ageSeconds = nowMs / 1000 - Number(timestamp);
	if (maxAgeSeconds !== null && (ageSeconds > maxAgeSeconds || ageSeconds < -300)) {
		return { valid: false, reason: 'expired' };
	}
	return family === undefined ? { valid: true } : { valid: true, family: family as string };
}
