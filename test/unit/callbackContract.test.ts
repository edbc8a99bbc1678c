import {
	SIGNATURE_MAX_AGE_SECONDS,
	callbackAudience,
	isJsonContentType,
	normaliseGenerationId,
	parseCallbackPayload,
	signCallbackUrl,
	verifyCallbackSignature,
} from '../../nodes/shared/callbackContract';
import { normaliseGeneration } from '../../nodes/shared/families/normalise';
import { parseRunBlobTime } from '../../nodes/shared/time';
import { callbackUrlProblem, isLoopbackUrl } from '../../nodes/shared/urls';

const ID = '550e8400-e29b-41d4-a716-446655440000';
const success = {
	generation_id: ID,
	status: 'completed',
	prompt: 'A beautiful sunset over the ocean',
	video_url: 'https://cdn.runblob.io/videos/2025/11/550e8400.mp4',
	created_at: '2025-11-24T10:00:00.000000',
	completed_at: '2025-11-24T10:05:30.000000',
};
const failure = {
	generation_id: ID,
	status: 'failed',
	prompt: 'A beautiful sunset over the ocean',
	video_url: null,
	created_at: '2025-11-24T10:00:00.000000',
	completed_at: '2025-11-24T10:02:00.000000',
	error_message: 'Image contains photorealistic people. Please try with a different image.',
};

describe('parseCallbackPayload', () => {
	it("accepts RunBlob's documented success and failure payloads", () => {
		expect(parseCallbackPayload(success)).toMatchObject({ ok: true, payload: { status: 'completed' } });
		expect(parseCallbackPayload(failure)).toMatchObject({ ok: true, payload: { status: 'failed' } });
	});

	it.each([
		['not an object', 'hello', 'body'],
		['an array', [success], 'body'],
		['no generation_id', { ...success, generation_id: undefined }, 'generation_id'],
		['a non-UUID id', { ...success, generation_id: '1234' }, 'generation_id: must be a UUID'],
		['an unknown status', { ...success, status: 'processing' }, 'status: must be one of: completed, failed'],
		['completed without a video_url', { ...success, video_url: null }, 'video_url'],
		['completed with an http video_url', { ...success, video_url: 'http://cdn.runblob.io/v.mp4' }, 'video_url: must be an HTTPS URL'],
		['a mistyped prompt', { ...success, prompt: 42 }, 'prompt'],
		['a bad timestamp', { ...success, created_at: 'yesterday' }, 'created_at: must be an ISO-8601 timestamp'],
		['failed with a video_url', { ...failure, video_url: 'https://cdn.runblob.io/v.mp4' }, 'video_url'],
	])('rejects %s', (_name, body, expected) => {
		const result = parseCallbackPayload(body);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.errors.join('\n')).toContain(expected);
	});

	it('accepts plain-http loopback video URLs only in local-simulator mode', () => {
		const local = { ...success, video_url: 'http://127.0.0.1:4000/videos/a.mp4' };
		expect(parseCallbackPayload(local).ok).toBe(false);
		expect(parseCallbackPayload(local, { allowHttpVideoUrl: true }).ok).toBe(true);
		const remote = { ...success, video_url: 'http://evil.example/a.mp4' };
		expect(parseCallbackPayload(remote, { allowHttpVideoUrl: true }).ok).toBe(false);
	});
});

describe('normaliseGeneration', () => {
	/** Version 1's item for `success`: these fields, in this order. */
	const normalisedSuccess = {
		generation_id: ID,
		status: 'completed',
		prompt: success.prompt,
		video_url: success.video_url,
		created_at: '2025-11-24T10:00:00.000Z',
		completed_at: '2025-11-24T10:05:30.000Z',
		error_message: null,
		render_seconds: 330,
	};

	it('turns RunBlob timestamps into UTC ISO strings and computes render seconds', () => {
		expect(normaliseGeneration(success)).toEqual(normalisedSuccess);
		expect(normaliseGeneration(failure)).toMatchObject({ error_message: failure.error_message, render_seconds: 120 });
	});

	it('keeps version 1\'s item shape byte for byte: the same fields in the same order, no family or model', () => {
		expect(JSON.stringify(normaliseGeneration({ ...success, model: 'sora-2', family: 'sora', extra: 1 }))).toBe(
			JSON.stringify(normalisedSuccess),
		);
		expect(normaliseGeneration({ ...failure, video_url: '' }).video_url).toBe('');
	});

	it('reads times with and without zones and microseconds', () => {
		expect(parseRunBlobTime('2025-11-24T10:00:00.123456')?.toISOString()).toBe('2025-11-24T10:00:00.123Z');
		expect(parseRunBlobTime('2025-11-24T10:00:00+02:00')?.toISOString()).toBe('2025-11-24T08:00:00.000Z');
		expect(parseRunBlobTime('nope')).toBeNull();
	});

	// Every timestamp form in RunBlob's reference (§1.2 Sora, §2.1.2 Veo, §2.2.2 Kling "Z") and ISO-8601 variants.
	it.each([
		['2025-11-24T10:00:00.000000', '2025-11-24T10:00:00.000Z'],
		['2025-12-06T21:43:03.374000', '2025-12-06T21:43:03.374Z'],
		['2025-11-24T10:00:00Z', '2025-11-24T10:00:00.000Z'],
		['2025-11-24T10:00:00.5Z', '2025-11-24T10:00:00.500Z'],
		['2025-11-24 23:59:59.999999999', '2025-11-24T23:59:59.999Z'],
		['2025-11-24T12:00:00.250000+02:00', '2025-11-24T10:00:00.250Z'],
		['2025-11-24T05:30:00-0430', '2025-11-24T10:00:00.000Z'],
		['2024-02-29T00:00:00.000000', '2024-02-29T00:00:00.000Z'],
		['2000-02-29T00:00:00', '2000-02-29T00:00:00.000Z'],
		['2025-12-31T23:59:59.999999', '2025-12-31T23:59:59.999Z'],
		['2025-04-30T00:00:00', '2025-04-30T00:00:00.000Z'],
	])('accepts the real timestamp %s', (value, iso) => {
		expect(parseRunBlobTime(value)?.toISOString()).toBe(iso);
	});

	it.each([
		'2025-02-30T10:00:00.000000',
		'2025-02-29T10:00:00.000000',
		'1900-02-29T10:00:00',
		'2025-11-31T10:00:00.000000',
		'2025-04-31T00:00:00',
		'2025-13-01T00:00:00',
		'2025-00-10T00:00:00',
		'2025-11-00T00:00:00',
		'2025-11-24T24:00:00',
		'2025-11-24T23:60:00',
		'2025-11-24T23:59:60',
		'2025-11-24T10:00:00+25:00',
		'2025-11-24T10:00:00+02:75',
	])('rejects the impossible timestamp %s instead of rolling it over', (value) => {
		expect(parseRunBlobTime(value)).toBeNull();
		const result = parseCallbackPayload({ ...success, created_at: value });
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.errors).toEqual(['created_at: must be an ISO-8601 timestamp']);
	});
});

describe('generation ids are case-insensitive', () => {
	const upper = ID.toUpperCase();

	it('the payload carries the lower-case id', () => {
		const result = parseCallbackPayload({ ...success, generation_id: upper });
		expect(result).toMatchObject({ ok: true, payload: { generation_id: ID } });
	});

	it('the normalised item carries the lower-case id', () => {
		expect(normaliseGeneration({ ...success, generation_id: upper }).generation_id).toBe(ID);
		expect(normaliseGenerationId('Ab12-not-a-uuid')).toBe('Ab12-not-a-uuid');
		expect(normaliseGenerationId(undefined)).toBe('');
	});
});

describe('callback URL rules', () => {
	const real = 'https://platform.runblob.io';
	const sim = 'http://127.0.0.1:4000';
	it('requires HTTPS for RunBlob', () => {
		expect(callbackUrlProblem('https://n8n.example.com/webhook/x', real)).toBeNull();
		expect(callbackUrlProblem('http://n8n.example.com/webhook/x', real)).toMatch(/only calls HTTPS/);
		expect(callbackUrlProblem('http://127.0.0.1:5678/webhook/x', real)).toMatch(/only calls HTTPS/);
		expect(callbackUrlProblem('not a url', real)).toMatch(/not a valid URL/);
	});
	it('allows plain HTTP only between loopback addresses (a local simulator)', () => {
		expect(callbackUrlProblem('http://127.0.0.1:5678/webhook/x', sim)).toBeNull();
		expect(callbackUrlProblem('http://n8n.example.com/webhook/x', sim)).toMatch(/only calls HTTPS/);
		expect(isLoopbackUrl('http://localhost:1/')).toBe(true);
		expect(isLoopbackUrl('http://[::1]:1/')).toBe(true);
		expect(isLoopbackUrl('http://10.0.0.1/')).toBe(false);
	});
});

describe('signatures', () => {
	const secret = 'a-long-random-callback-secret';
	const now = Date.UTC(2026, 10, 26, 12, 0, 0);
	const url = 'https://n8n.example.com/webhook/3f2a/webhook';

	function check(signed: string, options: { secret?: string; at?: number; path?: string } = {}) {
		const parsed = new URL(signed);
		return verifyCallbackSignature(
			{ path: options.path ?? parsed.pathname, query: Object.fromEntries(parsed.searchParams) },
			options.secret ?? secret,
			options.at ?? now,
		);
	}

	it('accepts a URL it signed, keeping existing query parameters', () => {
		const signed = signCallbackUrl(`${url}?signature=n8n-token`, secret, now);
		expect(new URL(signed).searchParams.get('signature')).toBe('n8n-token');
		expect(check(signed)).toEqual({ valid: true });
	});

	it('binds the endpoint but not a path prefix added by a proxy', () => {
		const signed = signCallbackUrl(url, secret, now);
		expect(check(signed, { path: '/n8n/webhook/3f2a/webhook' })).toEqual({ valid: true });
		expect(check(signed, { path: '/webhook/other/webhook' })).toEqual({ valid: false, reason: 'mismatch' });
		expect(callbackAudience('https://x/webhook-waiting/17/runblob-callback?a=1')).toBe('17/runblob-callback');
	});

	it('rejects missing, malformed, forged, tampered and expired signatures', () => {
		expect(check(url)).toEqual({ valid: false, reason: 'missing' });
		expect(check(`${url}?rb_ts=abc&rb_sig=x`)).toEqual({ valid: false, reason: 'malformed' });
		expect(check(signCallbackUrl(url, 'another-secret', now))).toEqual({ valid: false, reason: 'mismatch' });
		const signed = new URL(signCallbackUrl(url, secret, now));
		signed.searchParams.set('rb_ts', String(Number(signed.searchParams.get('rb_ts')) + 1));
		expect(check(signed.toString())).toEqual({ valid: false, reason: 'mismatch' });
		const old = signCallbackUrl(url, secret, now - (SIGNATURE_MAX_AGE_SECONDS + 60) * 1000);
		expect(check(old)).toEqual({ valid: false, reason: 'expired' });
	});

	it('can skip the age check (resume URLs are bound to one execution instead)', () => {
		const old = new URL(signCallbackUrl(url, secret, 0));
		const query = Object.fromEntries(old.searchParams);
		expect(verifyCallbackSignature({ path: old.pathname, query }, secret, now, null)).toEqual({ valid: true });
	});
});

describe('isJsonContentType', () => {
	it.each([
		['application/json', true],
		['application/json; charset=utf-8', true],
		['Application/JSON', true],
		['application/cloudevents+json', true],
		['application/jsonp', false],
		['text/plain', false],
		[undefined, false],
	])('%s → %s', (header, expected) => {
		expect(isJsonContentType(header)).toBe(expected);
	});
});
