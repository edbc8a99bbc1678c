/**
 * RunBlob Trigger `webhook()` against a generated corpus of bad requests. Every one must get a 4xx with a JSON
 * `error` written to the response, start nothing (`workflowData` undefined) and never throw (a throw would make n8n
 * start a failed execution).
 *
 * "Malformed JSON as the server would parse it": n8n's body parser answers 422 itself when a JSON body does not parse
 * (UnprocessableRequestError, before any node runs), so what reaches the node is whatever JSON.parse produced — any
 * JSON value, not necessarily an object — or an empty object for an empty body.
 */
import { randomUUID } from 'node:crypto';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { SIGNATURE_MAX_AGE_SECONDS, signCallbackUrl } from '../../nodes/shared/callbackContract';
import { RunBlobTrigger } from '../../nodes/RunBlobTrigger/RunBlobTrigger.node';
import { runWebhook } from '../helpers/n8n';
import type { WebhookRequestInit } from '../helpers/n8n';
import {
	WEBHOOK_BASE,
	completedPayload,
	credentialTypes,
	failedPayload,
	runBlobCredential,
	signedTriggerPath,
	triggerPath,
	without,
	type Payload,
} from './callbackFixtures';
import { forgetDeliveries, forgetWebhookSettings } from '../helpers/processMemory';

// Every test builds its own credential under the same id: forget the per-process copy (settingsCache.ts) as an edit
// of the credential followed by its cache lapsing would.
beforeEach(() => forgetWebhookSettings());

const SECRET = 'corpus-callback-secret-0123456789';
const WEBHOOK_ID = '5b0e2f1c-9a7d-4c3e-8f21-6d4b3a2c1e0f';
const PATH = triggerPath(WEBHOOK_ID);

interface BadCase {
	name: string;
	status: 400 | 401 | 403 | 413 | 415;
	/** What the JSON error must say. */
	error: RegExp;
	/** For 400: a fragment of the field-level details. */
	detail?: string;
	request: WebhookRequestInit;
	callbackSecret?: string;
	options?: INodeParameters;
}

function json(body: unknown, extra: Partial<WebhookRequestInit> = {}): WebhookRequestInit {
	return {
		method: 'POST',
		path: PATH,
		headers: { 'content-type': 'application/json' },
		body,
		rawBody: Buffer.from(JSON.stringify(body) ?? ''),
		...extra,
	};
}

const cases: BadCase[] = [];
const add = (c: BadCase) => cases.push(c);
const shape = (name: string, body: unknown, detail: string) =>
	add({ name, status: 400, error: /^Not a valid RunBlob callback$/, detail, request: json(body) });

// --- 1. Bodies that are not JSON objects (what JSON.parse gives for valid non-object JSON) ---------------------------
for (const [name, value] of [
	['null', null],
	['an empty array', []],
	['an array holding a valid payload', [completedPayload()]],
	['a JSON string', 'completed'],
	['a JSON string holding a payload', JSON.stringify(completedPayload())],
	['a number', 42],
	['zero', 0],
	['true', true],
	['false', false],
	['an empty string', ''],
] as Array<[string, unknown]>) {
	shape(`non-object body: ${name}`, value, 'body must be a JSON object');
}
shape('an empty object (empty body)', {}, 'status: must be one of');
add({
	name: 'an empty body (n8n leaves {} as the parsed body)',
	status: 400,
	error: /^Not a valid RunBlob callback$/,
	detail: 'status: must be one of',
	request: { method: 'POST', path: PATH, headers: { 'content-type': 'application/json' }, body: {}, rawBody: Buffer.alloc(0) },
});

// --- 2. Wrong content type (the body itself is a valid payload, so only the content-type check can catch it) --------
for (const contentType of [
	'text/plain',
	'text/plain; charset=utf-8',
	'text/html',
	'text/json',
	'application/x-www-form-urlencoded',
	'multipart/form-data; boundary=xyz',
	'application/xml',
	'application/octet-stream',
	'application/javascript',
	'',
]) {
	const payload = completedPayload();
	add({
		name: `content type "${contentType}"`,
		status: 415,
		error: /Content-Type: application\/json/,
		request: {
			method: 'POST',
			path: PATH,
			headers: contentType ? { 'content-type': contentType } : {},
			body: payload,
			rawBody: Buffer.from(JSON.stringify(payload)),
		},
	});
}
{
	const payload = completedPayload();
	add({
		name: 'no content-type header at all',
		status: 415,
		error: /Content-Type: application\/json/,
		request: { method: 'POST', path: PATH, headers: {}, body: payload, rawBody: Buffer.from(JSON.stringify(payload)) },
	});
}

// --- 3. Missing required fields ------------------------------------------------------------------------------------
for (const field of ['generation_id', 'status', 'prompt', 'created_at', 'video_url']) {
	shape(`completed without ${field}`, without(completedPayload(), field), field === 'status' ? 'status' : field);
}
for (const field of ['generation_id', 'status', 'prompt', 'created_at']) {
	shape(`failed without ${field}`, without(failedPayload(), field), field);
}

// --- 4. Mistyped fields --------------------------------------------------------------------------------------------
const mistyped: Array<[string, unknown]> = [
	['generation_id', 123],
	['generation_id', null],
	['generation_id', { id: 'x' }],
	['generation_id', [randomUUID()]],
	['prompt', 42],
	['prompt', null],
	['prompt', ['a', 'b']],
	['prompt', { text: 'a' }],
	['prompt', true],
	['created_at', 1732442400],
	['created_at', null],
	['created_at', 'yesterday'],
	['created_at', '2025-11-24'],
	['created_at', '2025-13-45T99:00:00.000000'],
	['created_at', '2025-02-30T10:00:00.000000'],
	['created_at', '2025-11-31T10:00:00.000000'],
	['created_at', '2025-11-24T24:00:00.000000'],
	['created_at', ''],
	['completed_at', 1732442730],
	['completed_at', 'soon'],
	['completed_at', '2026-02-29T00:00:00Z'],
	['completed_at', true],
	['video_url', 42],
	['video_url', { href: 'https://cdn.runblob.io/v.mp4' }],
	['video_url', true],
	['error_message', 42],
	['error_message', { code: 'E1' }],
	['error_message', ['bad']],
];
for (const [field, value] of mistyped) {
	shape(`completed with ${field} = ${JSON.stringify(value)}`, { ...completedPayload(), [field]: value }, field);
}
shape('failed with a video_url', failedPayload({ video_url: 'https://cdn.runblob.io/videos/2025/11/x.mp4' }), 'video_url');
shape('failed with error_message 500', failedPayload({ error_message: 500 }), 'error_message');
shape('failed with created_at as a number', failedPayload({ created_at: 0 }), 'created_at');
shape('status as a number', completedPayload({ status: 1 }), 'status');
shape('status null', completedPayload({ status: null }), 'status');
shape('status true', completedPayload({ status: true }), 'status');
shape('status as an array', completedPayload({ status: ['completed'] }), 'status');

// --- 5. Non-UUID generation ids ------------------------------------------------------------------------------------
for (const id of [
	'',
	'abc',
	'1234',
	'550e8400-e29b-41d4-a716-44665544000',
	'550e8400-e29b-41d4-a716-4466554400000',
	'550e8400e29b41d4a716446655440000',
	'{550e8400-e29b-41d4-a716-446655440000}',
	'550e8400-e29b-41d4-a716-44665544000g',
	' 550e8400-e29b-41d4-a716-446655440000',
	'550e8400-e29b-41d4-a716-446655440000\n',
	"'; DROP TABLE generations; --",
	'../../../etc/passwd',
	'x'.repeat(5000),
]) {
	shape(`generation_id ${JSON.stringify(id.length > 40 ? `${id.slice(0, 10)}…` : id)}`, completedPayload({ generation_id: id }), 'generation_id: must be a UUID');
}

// --- 6. Unknown statuses --------------------------------------------------------------------------------------------
for (const status of [
	'pending',
	'processing',
	'COMPLETED',
	'Completed',
	'completed ',
	'success',
	'succeeded',
	'error',
	'timed_out',
	'cancelled',
	'',
]) {
	shape(`status ${JSON.stringify(status)}`, completedPayload({ status }), 'status: must be one of: completed, failed');
}

// --- 7. completed without an HTTPS video_url (credential = real RunBlob, so no loopback exception) ------------------
for (const url of [
	'http://cdn.runblob.io/videos/2025/11/x.mp4',
	'http://127.0.0.1:8080/videos/x.mp4',
	'http://localhost/videos/x.mp4',
	'ftp://cdn.runblob.io/x.mp4',
	'javascript:alert(1)',
	'file:///etc/passwd',
	'data:video/mp4;base64,AAAA',
	'ws://cdn.runblob.io/x.mp4',
	'cdn.runblob.io/videos/x.mp4',
	'//cdn.runblob.io/videos/x.mp4',
	'',
]) {
	shape(`completed with video_url ${JSON.stringify(url)}`, completedPayload({ video_url: url }), 'video_url');
}
shape('completed with video_url null', completedPayload({ video_url: null }), 'video_url');

// --- 8. Oversized bodies (> 64 KiB raw) -----------------------------------------------------------------------------
for (const [name, payload] of [
	['a 70 000-character prompt', completedPayload({ prompt: 'p'.repeat(70_000) })],
	['one byte over 64 KiB', null],
	['a 1 MiB extra field', completedPayload({ junk: 'j'.repeat(1024 * 1024) })],
	['a failure with a 100 KiB error_message', failedPayload({ error_message: 'e'.repeat(100 * 1024) })],
] as Array<[string, Payload | null]>) {
	let body = payload;
	if (!body) {
		const base = completedPayload({ prompt: '' });
		body = { ...base, prompt: 'x'.repeat(64 * 1024 + 1 - Buffer.byteLength(JSON.stringify(base))) };
		expect(Buffer.byteLength(JSON.stringify(body))).toBe(64 * 1024 + 1);
	}
	add({ name: `oversized: ${name}`, status: 413, error: /larger than 65536 bytes/, request: json(body) });
}
{
	const payload = completedPayload();
	add({
		name: 'oversized: 64 KiB of whitespace around a valid payload',
		status: 413,
		error: /larger than 65536 bytes/,
		request: {
			...json(payload),
			rawBody: Buffer.from(`${' '.repeat(64 * 1024)}${JSON.stringify(payload)}`),
		},
	});
}

// --- 9. Signatures (the credential has a Callback Secret) -----------------------------------------------------------
function signed(secret: string, nowMs: number, url = `${WEBHOOK_BASE}${PATH}`): URL {
	return new URL(signCallbackUrl(url, secret, nowMs));
}
function withQuery(query: string): string {
	return `${PATH}${query}`;
}
const now = Date.now();
const good = signed(SECRET, now);
const goodTs = good.searchParams.get('rb_ts')!;
const goodSig = good.searchParams.get('rb_sig')!;
const flip = (s: string) => `${s.slice(0, 10)}${s[10] === 'A' ? 'B' : 'A'}${s.slice(11)}`;
const other = signed(SECRET, now, `${WEBHOOK_BASE}/webhook/${randomUUID()}/webhook`);
const signatureCases: Array<[string, string, string]> = [
	['unsigned', PATH, 'missing'],
	['only rb_ts', withQuery(`?rb_ts=${goodTs}`), 'malformed'],
	['only rb_sig', withQuery(`?rb_sig=${goodSig}`), 'malformed'],
	['empty rb_sig', withQuery(`?rb_ts=${goodTs}&rb_sig=`), 'mismatch'],
	['a made-up rb_sig', withQuery(`?rb_ts=${goodTs}&rb_sig=not-the-signature`), 'mismatch'],
	['one character of rb_sig changed', withQuery(`?rb_ts=${goodTs}&rb_sig=${flip(goodSig)}`), 'mismatch'],
	['rb_sig truncated', withQuery(`?rb_ts=${goodTs}&rb_sig=${goodSig.slice(0, -1)}`), 'mismatch'],
	['rb_sig with a byte appended', withQuery(`?rb_ts=${goodTs}&rb_sig=${goodSig}A`), 'mismatch'],
	['rb_ts tampered (+1 s)', withQuery(`?rb_ts=${Number(goodTs) + 1}&rb_sig=${goodSig}`), 'mismatch'],
	['rb_ts tampered (moved forward a day)', withQuery(`?rb_ts=${Number(goodTs) + 86400}&rb_sig=${goodSig}`), 'mismatch'],
	['signed with another secret', `${PATH}${signed('some-other-secret', now).search}`, 'mismatch'],
	['signed for another trigger (webhook id)', `${PATH}${other.search}`, 'mismatch'],
	['signed for the test URL of another path', `${PATH}${signed(SECRET, now, `${WEBHOOK_BASE}/webhook-test/${WEBHOOK_ID}/other`).search}`, 'mismatch'],
	['expired (signed 73 h ago)', `${PATH}${signed(SECRET, now - (SIGNATURE_MAX_AGE_SECONDS + 3600) * 1000).search}`, 'expired'],
	['expired by one minute', `${PATH}${signed(SECRET, now - (SIGNATURE_MAX_AGE_SECONDS + 60) * 1000).search}`, 'expired'],
	['issued an hour in the future', `${PATH}${signed(SECRET, now + 3600 * 1000).search}`, 'expired'],
	['non-numeric rb_ts', withQuery(`?rb_ts=abc&rb_sig=${goodSig}`), 'malformed'],
	['negative rb_ts', withQuery(`?rb_ts=-1&rb_sig=${goodSig}`), 'malformed'],
	['13-digit rb_ts', withQuery(`?rb_ts=1234567890123&rb_sig=${goodSig}`), 'malformed'],
	['rb_sig given twice', withQuery(`?rb_ts=${goodTs}&rb_sig=${goodSig}&rb_sig=${goodSig}`), 'malformed'],
	['rb_ts given twice', withQuery(`?rb_ts=${goodTs}&rb_ts=${goodTs}&rb_sig=${goodSig}`), 'malformed'],
];
for (const [name, path, reason] of signatureCases) {
	add({
		name: `signature: ${name}`,
		status: 401,
		error: new RegExp(`^Invalid RunBlob callback signature \\(${reason}\\)$`),
		callbackSecret: SECRET,
		request: json(completedPayload(), { path }),
	});
}

// --- 10. IP allowlist --------------------------------------------------------------------------------------------
const allowlisted: Array<[string, string]> = [
	['203.0.113.0/24', '198.51.100.7'],
	['203.0.113.0/24', '203.0.114.1'],
	['203.0.113.0/24', '127.0.0.1'],
	['203.0.113.0/24', '::1'],
	['203.0.113.0/24', '::ffff:198.51.100.7'],
	['203.0.113.0/24', '2001:db8::1'],
	['203.0.113.0/24', 'not-an-ip'],
	['203.0.113.5', '203.0.113.6'],
	['2001:db8::/32', '2001:db9::1'],
	['2001:db8::/32', '203.0.113.1'],
	['203.0.113.0/24, bogus-entry', '203.0.113.9'],
	['203.0.113.0/33', '203.0.113.9'],
];
for (const [ipAllowlist, ip] of allowlisted) {
	add({
		name: `allowlist "${ipAllowlist}" refuses ${ip}`,
		status: 403,
		error: /^IP address is not allowed to call this trigger$/,
		options: { ipAllowlist },
		request: json(completedPayload(), { ip }),
	});
}
{
	// The allowlist runs before anything else: a refused IP never learns whether its signature would have passed.
	add({
		name: 'allowlist refuses before the signature is checked',
		status: 403,
		error: /^IP address is not allowed/,
		options: { ipAllowlist: '203.0.113.0/24' },
		callbackSecret: SECRET,
		request: json(completedPayload(), { ip: '198.51.100.1', path: signedTriggerPath(WEBHOOK_ID, SECRET) }),
	});
	add({
		name: 'a bad signature is refused before the body is read',
		status: 401,
		error: /signature \(missing\)/,
		callbackSecret: SECRET,
		request: json('not even an object'),
	});
	add({
		name: 'oversized is refused before the content type',
		status: 413,
		error: /larger than/,
		request: {
			method: 'POST',
			path: PATH,
			headers: { 'content-type': 'text/plain' },
			body: 'x'.repeat(70_000),
			rawBody: Buffer.from('x'.repeat(70_000)),
		},
	});
}

describe(`RunBlob Trigger rejects a corpus of ${cases.length} bad requests`, () => {
	beforeEach(() => forgetDeliveries());

	it('has at least 100 cases with unique names', () => {
		expect(cases.length).toBeGreaterThanOrEqual(100);
		expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
	});

	it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
		const staticData: IDataObject = {};
		let outcome: Awaited<ReturnType<typeof runWebhook>> | undefined;
		let thrown: unknown;
		try {
			outcome = await runWebhook({
				nodeType: new RunBlobTrigger(),
				parameters: { events: ['completed', 'failed'], options: c.options ?? {} },
				credentials: runBlobCredential({ callbackSecret: c.callbackSecret ?? '' }),
				credentialTypes,
				mode: 'webhook',
				webhookId: WEBHOOK_ID,
				staticData,
				request: c.request,
			});
		} catch (error) {
			thrown = error;
		}
		expect(thrown).toBeUndefined();
		const { result, response } = outcome!;

		expect(result.workflowData).toBeUndefined();
		expect(result).toEqual({ noWebhookResponse: true });
		expect(response.statusCode).toBe(c.status);
		expect(response.ended).toBe(true);
		expect(String(response.headers['content-type'])).toMatch(/^application\/json/);
		const body = response.body as { error?: unknown; details?: unknown };
		expect(typeof body.error).toBe('string');
		expect(body.error).toMatch(c.error);
		if (c.detail !== undefined) {
			expect(Array.isArray(body.details)).toBe(true);
			expect((body.details as string[]).join('\n')).toContain(c.detail);
		}
		// A rejected callback leaves no de-duplication key behind (RunBlob's retry must still be able to succeed).
	});

	it('control: the same harness accepts a valid, signed, allowlisted request', async () => {
		const { result, response } = await runWebhook({
			nodeType: new RunBlobTrigger(),
			parameters: { events: ['completed', 'failed'], options: { ipAllowlist: '203.0.113.0/24' } },
			credentials: runBlobCredential({ callbackSecret: SECRET }),
			credentialTypes,
			mode: 'webhook',
			webhookId: WEBHOOK_ID,
			request: json(completedPayload(), { ip: '203.0.113.10', path: signedTriggerPath(WEBHOOK_ID, SECRET) }),
		});
		expect(response).toMatchObject({ statusCode: 200, ended: true, body: { received: true } });
		expect(result.workflowData![0]).toHaveLength(1);
	});
});
