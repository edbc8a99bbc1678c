/**
 * Forged or broken callbacks at a waiting run's resume URL: each is refused with the right 4xx, returns no
 * workflowData, never throws, costs no request to RunBlob, and leaves the run waiting — the genuine callback
 * afterwards still resumes it.
 */
import { randomUUID } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { RunBlob } from '../../nodes/RunBlob/RunBlob.node';
import { signCallbackUrl } from '../../nodes/shared/callbackContract';
import { REFRESH_MIN_INTERVAL_MS } from '../../nodes/shared/settingsCache';
import { TestCredentialsHelper, runWebhook } from '../helpers/n8n';
import type { WebhookRequestInit } from '../helpers/n8n';
import {
	createHeldSimulator,
	LOCAL_N8N,
	completedPayload,
	failedPayload,
	jsonRequest,
	pathAndQuery,
	startWaitingRun,
	without,
	type Payload,
} from './callbackFixtures';
import { forgetWebhookSettings } from '../helpers/processMemory';

type Sim = Awaited<ReturnType<typeof createHeldSimulator>>;
type WaitingRun = Awaited<ReturnType<typeof startWaitingRun>>;

let sim: Sim;

beforeAll(async () => {
	sim = await createHeldSimulator();
});
afterAll(async () => {
	await sim.close();
});
// Each run builds its own credential under the same id: forget the per-process copy (settingsCache.ts).
beforeEach(() => forgetWebhookSettings());

const callbackOf = (id: string) => sim.get(id)!.callback_payload as Payload;
const apiRequests = () => sim.requests.length;

async function send(waiting: WaitingRun, request: WebhookRequestInit) {
	let thrown: unknown;
	let outcome: Awaited<ReturnType<typeof runWebhook>> | undefined;
	try {
		outcome = await runWebhook({ nodeType: new RunBlob(), runExecutionData: waiting.run.runExecutionData, request });
	} catch (error) {
		thrown = error;
	}
	expect(thrown).toBeUndefined();
	return outcome!;
}

/** Same URL, with the query changed. */
function withQuery(waiting: WaitingRun, edit: (query: URLSearchParams) => void): string {
	const url = new URL(waiting.callbackUrl);
	edit(url.searchParams);
	return `${url.pathname}${url.search}`;
}

describe('forged callbacks leave the run waiting', () => {
	let waiting: WaitingRun;
	let other: WaitingRun;
	let ids: string[];

	beforeAll(async () => {
		// Two waiting runs with the same credential: A is attacked, B provides real but foreign URLs and generations.
		waiting = await startWaitingRun(sim, ['a0', 'a1']);
		other = await startWaitingRun(sim, ['b0']);
		ids = waiting.ids as string[];
		sim.finish(ids[0]);
		sim.finish(ids[1], { status: 'failed', error_message: 'a1 failed' });
		sim.finish(other.ids[0]!);
	});

	type Forgery = [name: string, status: number, error: RegExp, request: () => WebhookRequestInit];
	const forgeries: Forgery[] = [
		[
			'no rb_ts / rb_sig',
			401,
			/^Invalid RunBlob callback signature \(missing\); the execution keeps waiting$/,
			() => jsonRequest(callbackOf(ids[0]), { path: withQuery(waiting, (q) => (q.delete('rb_ts'), q.delete('rb_sig'))) }),
		],
		[
			'rb_sig missing',
			401,
			/\(malformed\)/,
			() => jsonRequest(callbackOf(ids[0]), { path: withQuery(waiting, (q) => q.delete('rb_sig')) }),
		],
		[
			'rb_sig altered',
			401,
			/\(mismatch\)/,
			() =>
				jsonRequest(callbackOf(ids[0]), {
					path: withQuery(waiting, (q) => q.set('rb_sig', `${q.get('rb_sig')!.slice(0, -2)}xx`)),
				}),
		],
		[
			'rb_ts altered',
			401,
			/\(mismatch\)/,
			() => jsonRequest(callbackOf(ids[0]), { path: withQuery(waiting, (q) => q.set('rb_ts', String(Number(q.get('rb_ts')) - 1))) }),
		],
		[
			'only n8n’s own resume token (the bare resume URL + our suffix)',
			401,
			/\(missing\)/,
			() => {
				const url = new URL(waiting.callbackUrl);
				return jsonRequest(callbackOf(ids[0]), { path: `${url.pathname}?signature=${url.searchParams.get('signature')}` });
			},
		],
		[
			'signed with a guessed key',
			401,
			/\(mismatch\)/,
			() => jsonRequest(callbackOf(ids[0]), { path: pathAndQuery(signCallbackUrl(new URL(waiting.callbackUrl).href.split('?')[0], 'guess', Date.now())) }),
		],
		[
			'signature of another execution (run B’s URL query on run A’s path)',
			401,
			/\(mismatch\)/,
			() =>
				jsonRequest(callbackOf(ids[0]), {
					path: `${new URL(waiting.callbackUrl).pathname}${new URL(other.callbackUrl).search}`,
				}),
		],
		[
			'valid signature, but the generation belongs to another run',
			409,
			/^Generation [0-9a-f-]{36} does not belong to this execution$/,
			() => jsonRequest(callbackOf(other.ids[0]!)),
		],
		[
			'valid signature, unknown generation',
			409,
			/does not belong to this execution/,
			() => jsonRequest(completedPayload({ generation_id: randomUUID(), video_url: 'https://cdn.runblob.io/v.mp4' })),
		],
		['malformed body: an array', 400, /^Not a valid RunBlob callback$/, () => jsonRequest([callbackOf(ids[0])])],
		['malformed body: null', 400, /^Not a valid RunBlob callback$/, () => jsonRequest(null)],
		['malformed body: a string', 400, /^Not a valid RunBlob callback$/, () => jsonRequest('completed')],
		['malformed body: no generation_id', 400, /^Not a valid RunBlob callback$/, () => jsonRequest(without(callbackOf(ids[0]), 'generation_id'))],
		['malformed body: status "processing"', 400, /^Not a valid RunBlob callback$/, () => jsonRequest({ ...callbackOf(ids[0]), status: 'processing' })],
		['malformed body: non-UUID id', 400, /^Not a valid RunBlob callback$/, () => jsonRequest({ ...callbackOf(ids[0]), generation_id: '../x' })],
		['malformed body: completed without a video_url', 400, /^Not a valid RunBlob callback$/, () => jsonRequest({ ...callbackOf(ids[0]), video_url: null })],
		['malformed body: video_url not a URL', 400, /^Not a valid RunBlob callback$/, () => jsonRequest({ ...callbackOf(ids[0]), video_url: 'not a url' })],
		['malformed body: video_url on another host over http', 400, /^Not a valid RunBlob callback$/, () => jsonRequest({ ...callbackOf(ids[0]), video_url: 'http://evil.example/v.mp4' })],
		['malformed body: failed with a video_url', 400, /^Not a valid RunBlob callback$/, () => jsonRequest(failedPayload({ generation_id: ids[1], video_url: 'https://cdn.runblob.io/x.mp4' }))],
		[
			'wrong content type (text/plain)',
			415,
			/Content-Type: application\/json/,
			() => ({ ...jsonRequest(callbackOf(ids[0])), headers: { 'content-type': 'text/plain' } }),
		],
		[
			'wrong content type (form)',
			415,
			/Content-Type: application\/json/,
			() => ({ ...jsonRequest(callbackOf(ids[0])), headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
		],
		[
			'oversized body',
			413,
			/larger than 65536 bytes/,
			() => jsonRequest({ ...callbackOf(ids[0]), prompt: 'x'.repeat(70_000) }),
		],
	];

	it.each(forgeries)('%s → %i', async (_name, status, error, build) => {
		const request = build();
		const before = apiRequests();
		const { result, response } = await send(waiting, { path: waiting.callbackPath, ...request });

		expect(result).toEqual({ noWebhookResponse: true });
		expect(result.workflowData).toBeUndefined();
		expect(response.statusCode).toBe(status);
		expect(response.ended).toBe(true);
		expect((response.body as IDataObject).error).toMatch(error);
		if (status === 400) expect(Array.isArray((response.body as IDataObject).details)).toBe(true);
		// refused before asking RunBlob anything
		expect(apiRequests()).toBe(before);
	});

	it('after all of them, the genuine callback still resumes the run', async () => {
		const { result } = await send(waiting, jsonRequest(callbackOf(ids[1]), { path: waiting.callbackPath }));
		expect(result.workflowData![0].map((item) => [item.json.generation_id, item.json.status])).toEqual([
			[ids[0], 'completed'],
			[ids[1], 'failed'],
		]);
	});
});

describe('resume URL signing key', () => {
	it('with a Callback Secret, the URL is signed with it and never expires while the run waits', async () => {
		const secret = 'resume-secret-xyz';
		const waiting = await startWaitingRun(sim, ['s0'], { callbackSecret: secret });
		const id = waiting.ids[0]!;
		sim.finish(id);
		const base = new URL(waiting.callbackUrl);
		const signature = base.searchParams.get('signature');
		base.search = '';
		if (signature) base.searchParams.set('signature', signature);

		// signed with the secret 10 days ago (a long wait limit): accepted
		const old = await send(waiting, jsonRequest(callbackOf(id), { path: pathAndQuery(signCallbackUrl(base.href, secret, Date.now() - 10 * 86400_000)) }));
		expect(old.result.workflowData![0][0].json.generation_id).toBe(id);

		// a URL signed with the API-key-derived key (what an URL without a secret would carry) is refused
		const { createHmac } = await import('node:crypto');
		const derived = createHmac('sha256', 'sk-sim-test-key').update('runblob-resume-url-signing-v1').digest('base64url');
		const refused = await send(waiting, jsonRequest(callbackOf(id), { path: pathAndQuery(signCallbackUrl(base.href, derived, Date.now())) }));
		expect(refused.response.statusCode).toBe(401);
		expect(refused.result.workflowData).toBeUndefined();
	});

	it('the URL given to RunBlob is bound to its execution id, not to n8n’s base URL or prefix', async () => {
		const waiting = await startWaitingRun(sim, ['p0']);
		const id = waiting.ids[0]!;
		sim.finish(id);
		const url = new URL(waiting.callbackUrl);
		// behind a path-prefixing proxy n8n sees an extra leading segment; the signature still matches
		const prefixed = `/n8n${url.pathname}${url.search}`;
		const { result } = await send(waiting, jsonRequest(callbackOf(id), { path: prefixed }));
		expect(result.workflowData![0][0].json.generation_id).toBe(id);
		expect(url.href.startsWith(`${LOCAL_N8N}webhook-waiting/${waiting.run.executionId}/`)).toBe(true);
	});
});

describe('cost per callback: the resume reads the credential once per process', () => {
	it('early callbacks and forged ones read no credential; a URL signed after a secret change works at once', async () => {
		const reads = jest.spyOn(TestCredentialsHelper.prototype, 'getDecrypted');
		try {
			const waiting = await startWaitingRun(sim, ['c0', 'c1', 'c2'], { callbackSecret: 'first-secret' });
			const [a, b, c] = waiting.ids as string[];
			// Each request to RunBlob is authenticated by n8n, which reads the credential; nothing else should.
			const readsBesidesRequests = () => reads.mock.calls.length - apiRequests();
			const before = readsBesidesRequests();
			sim.finish(a);
			const early = await send(waiting, jsonRequest(callbackOf(a), { path: waiting.callbackPath }));
			expect(early.response.body).toMatchObject({ received: true, resumed: false });
			const afterFirst = readsBesidesRequests();
			expect(afterFirst).toBe(before + 1);

			const forgedPath = pathAndQuery(signCallbackUrl(waiting.callbackUrl.split('&rb_')[0]!, 'another-secret', Date.now()));
			for (let i = 0; i < 3; i++) {
				const forged = await send(waiting, jsonRequest(callbackOf(a), { path: forgedPath }));
				expect(forged.response.statusCode).toBe(401);
			}
			sim.finish(b);
			expect((await send(waiting, jsonRequest(callbackOf(b), { path: waiting.callbackPath }))).response.body).toMatchObject({ resumed: false });
			expect(readsBesidesRequests()).toBe(afterFirst);

			sim.finish(c);
			const last = await send(waiting, jsonRequest(callbackOf(c), { path: waiting.callbackPath }));
			expect(last.result.workflowData![0].map((item) => item.json.generation_id)).toEqual([a, b, c]);
			expect(readsBesidesRequests()).toBe(afterFirst);

			// The secret changes: a URL signed with the new one is refused by the cached key, so the credential is read
			// again (once, rate-limited) and the callback accepted.
			const later = Date.now() + REFRESH_MIN_INTERVAL_MS;
			const clock = jest.spyOn(Date, 'now').mockReturnValue(later);
			try {
				const rotated = await startWaitingRun(sim, ['r0'], { callbackSecret: 'second-secret' });
				const afterStart = readsBesidesRequests();
				sim.finish(rotated.ids[0]!);
				const accepted = await send(rotated, jsonRequest(callbackOf(rotated.ids[0]!), { path: rotated.callbackPath }));
				expect(accepted.response.body).toEqual({ received: true, resumed: true });
				expect(readsBesidesRequests()).toBe(afterStart + 1);
			} finally {
				clock.mockRestore();
			}
		} finally {
			reads.mockRestore();
		}
	});
});
