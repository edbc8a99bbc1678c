'use strict';
/**
 * Tests of the RunBlob simulator itself, against the reference (shared/reference/runblob-api.md §0, §1, §4).
 * Everything runs over real HTTP on loopback.
 */
const http = require('node:http');
const crypto = require('node:crypto');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { createSimulator, videoBytes, videoSha256 } = require('../simulator');
const { PLAYABLE } = require('../simulator/video');
const { KEY, request, createReceiver, sleep } = require('./helpers');
const { RUNBLOB_STATUS_KEYS } = require('../support');

jest.setTimeout(15000);

const ISO_MICRO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;
const STATUS_KEYS = RUNBLOB_STATUS_KEYS;
const SLOW = { queueMs: 60000, processingMs: 60000 };

/** @type {import('../simulator/server').Simulator[]} */
let sims = [];
/** @type {{close: () => Promise<unknown>}[]} */
let receivers = [];

/** @param {import('../simulator/options').SimulatorOptions} [opts] */
async function sim(opts) {
	const s = await createSimulator(opts);
	sims.push(s);
	return s;
}
/** @param {Parameters<typeof createReceiver>[0]} [o] */
async function receiver(o) {
	const r = await createReceiver(o);
	receivers.push(r);
	return r;
}

afterEach(async () => {
	await Promise.all(sims.map((s) => s.close()));
	await Promise.all(receivers.map((r) => r.close()));
	sims = [];
	receivers = [];
});

/** @param {import('../simulator/server').Simulator} s @param {object} body @param {object} [o] */
const generate = (s, body, o) => request(s.url, 'POST', '/v1/sora/generate', { body, ...o });

/** @param {string} url @param {Record<string,string>} [headers] */
function download(url, headers = {}) {
	return new Promise((resolve, reject) => {
		http
			.get(url, { headers, agent: false }, (res) => {
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
			})
			.on('error', reject);
	});
}

/** @param {import('node:stream').Readable} stream */
async function collect(stream) {
	const chunks = [];
	for await (const c of stream) chunks.push(c);
	return Buffer.concat(chunks);
}

describe('authentication', () => {
	test('missing header → 401 Missing credentials; bad key or scheme → 401 Invalid API key, on every /v1 route', async () => {
		const s = await sim({ timing: SLOW });
		for (const [method, p] of [
			['POST', '/v1/sora/generate'],
			['GET', '/v1/sora/generations'],
			['GET', `/v1/sora/generations/${crypto.randomUUID()}/`],
			['GET', '/v1/data/balance'],
		]) {
			const body = method === 'POST' ? { prompt: 'x' } : undefined;
			const none = await request(s.url, method, p, { key: null, body });
			expect(none.status).toBe(401);
			expect(none.json).toEqual({ detail: 'Missing credentials' });
			const wrong = await request(s.url, method, p, { key: 'sk-wrong', body });
			expect(wrong.status).toBe(401);
			expect(wrong.json).toEqual({ detail: 'Invalid API key' });
			const basic = await request(s.url, method, p, { headers: { authorization: `Basic ${KEY}` }, body });
			expect(basic.status).toBe(401);
			expect(basic.json).toEqual({ detail: 'Invalid API key' });
		}
		expect(s.generations()).toHaveLength(0);
		expect(s.balance).toBe(100);
		expect(s.requests.every((r) => typeof r.authorization === 'boolean')).toBe(true);
	});

	test('API keys never appear in logs, state or events', async () => {
		const lines = [];
		const s = await sim({ apiKeys: ['sk-very-secret-1'], timing: { queueMs: 5, processingMs: 5 }, log: (m) => lines.push(m) });
		const events = [];
		s.on('status', (r) => events.push(r));
		const r = await generate(s, { prompt: 'p' }, { key: 'sk-very-secret-1' });
		expect(r.status).toBe(201);
		await s.waitFor(() => s.get(r.json.generation_id).status === 'completed');
		await request(s.url, 'GET', '/v1/data/balance', { key: 'sk-wrong-secret' });
		const all = JSON.stringify([lines, s.state(), events, (await request(s.url, 'GET', '/_sim/state')).text]);
		expect(all).not.toContain('sk-very-secret-1');
		expect(all).not.toContain('sk-wrong-secret');
		expect(lines.length).toBeGreaterThan(0);
	});
});

describe('POST /v1/sora/generate validation', () => {
	test('each 422 shape (pydantic v2 / FastAPI)', async () => {
		const s = await sim({ timing: SLOW });
		let r = await generate(s, { orientation: '9:16' });
		expect(r.status).toBe(422);
		expect(r.json.detail).toEqual([{ type: 'missing', loc: ['body', 'prompt'], msg: 'Field required', input: { orientation: '9:16' } }]);

		r = await generate(s, { prompt: '' });
		expect(r.json.detail).toEqual([
			{ type: 'string_too_short', loc: ['body', 'prompt'], msg: 'String should have at least 1 character', input: '', ctx: { min_length: 1 } },
		]);

		r = await generate(s, { prompt: 'a'.repeat(4001) });
		expect(r.json.detail[0]).toMatchObject({ type: 'string_too_long', loc: ['body', 'prompt'], msg: 'String should have at most 4000 characters' });
		expect((await generate(s, { prompt: '😀'.repeat(4000) })).status).toBe(201); // code points, as Python counts

		r = await generate(s, { prompt: 42 });
		expect(r.json.detail[0]).toMatchObject({ type: 'string_type', loc: ['body', 'prompt'] });

		r = await generate(s, { prompt: 'ok', orientation: '1:1' });
		expect(r.json.detail).toEqual([
			{ type: 'enum', loc: ['body', 'orientation'], msg: "Input should be '9:16' or '16:9'", input: '1:1', ctx: { expected: "'9:16' or '16:9'" } },
		]);

		r = await generate(s, { prompt: 'ok', duration: 5 });
		expect(r.json.detail).toEqual([
			{ type: 'enum', loc: ['body', 'duration'], msg: 'Input should be 10 or 15', input: 5, ctx: { expected: '10 or 15' } },
		]);
		r = await generate(s, { prompt: 'ok', duration: '10' });
		expect(r.status).toBe(422);
		expect(r.json.detail[0]).toMatchObject({ type: 'enum', input: '10' });

		// all field errors of one request together
		r = await generate(s, { prompt: '', orientation: 'x', duration: 7, callback_url: 'http://example.com/cb' });
		expect(r.status).toBe(422);
		expect(r.json.detail.map((e) => e.loc[1])).toEqual(['prompt', 'orientation', 'duration', 'callback_url']);

		// body decoding
		r = await request(s.url, 'POST', '/v1/sora/generate', { raw: '{"prompt": ', headers: { 'content-type': 'application/json' } });
		expect(r.status).toBe(422);
		expect(r.json.detail).toEqual([
			{ type: 'json_invalid', loc: ['body', 11], msg: 'JSON decode error', input: {}, ctx: { error: 'Expecting value' } },
		]);

		r = await request(s.url, 'POST', '/v1/sora/generate', { raw: 'prompt=hi', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
		expect(r.json.detail).toEqual([
			{ type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from', input: 'prompt=hi' },
		]);
		r = await generate(s, ['prompt']);
		expect(r.json.detail[0]).toMatchObject({ type: 'model_attributes_type', loc: ['body'], input: ['prompt'] });
		r = await request(s.url, 'POST', '/v1/sora/generate', {});
		expect(r.json.detail).toEqual([{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }]);

		expect(s.generations()).toHaveLength(1);
		expect(s.balance).toBeCloseTo(99.88, 6);
	});

	test('400 image errors; data-URI prefix accepted; nothing charged on errors', async () => {
		const s = await sim({ timing: SLOW });
		let r = await generate(s, { prompt: 'p', image_base64: 'aGVsbG8=', image_url: 'https://x.test/a.png' });
		expect(r.status).toBe(400);
		expect(r.json).toEqual({ detail: 'Cannot provide both image_base64 and image_url' });

		r = await generate(s, { prompt: 'p', image_base64: Buffer.from('GIF89a-not-allowed').toString('base64') });
		expect(r.status).toBe(400);
		expect(r.json).toEqual({ detail: 'Invalid image format' });
		r = await generate(s, { prompt: 'p', image_base64: '%%% not base64 %%%' });
		expect(r.json).toEqual({ detail: 'Invalid image format' });

		const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100)]);
		const tooBig = Buffer.concat([png, Buffer.alloc(10 * 1024 * 1024)]);
		r = await generate(s, { prompt: 'p', image_base64: tooBig.toString('base64') });
		expect(r.status).toBe(400);
		expect(r.json.detail).toMatch(/10MB/);
		expect(s.generations()).toHaveLength(0);
		expect(s.balance).toBe(100);

		r = await generate(s, { prompt: 'p', image_base64: `data:image/png;base64,${png.toString('base64')}` });
		expect(r.status).toBe(201);
		const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);
		expect((await generate(s, { prompt: 'p', image_base64: jpeg.toString('base64') })).status).toBe(201);
		const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 ')]);
		expect((await generate(s, { prompt: 'p', image_base64: webp.toString('base64') })).status).toBe(201);
		expect((await generate(s, { prompt: 'p', image_url: 'https://x.test/a.png' })).status).toBe(201);
		expect(s.get(r.json.generation_id).image).toMatchObject({ kind: 'base64', format: 'png' });
	});

	test('201 shape, 402 INSUFFICIENT_CREDITS, balance debit and GET /v1/data/balance', async () => {
		const s = await sim({ timing: SLOW, balance: 0.25 });
		let r = await generate(s, { prompt: 'ten seconds' });
		expect(r.status).toBe(201);
		expect(Object.keys(r.json).sort()).toEqual(['generation_id', 'price', 'status']);
		expect(r.json).toMatchObject({ status: 'pending', price: '0.1200' });
		expect(r.json.generation_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
		expect((await request(s.url, 'GET', '/v1/data/balance')).json).toEqual({ balance: '0.1300' });

		r = await generate(s, { prompt: 'fifteen', duration: 15 });
		expect(r.status).toBe(402);
		expect(r.json).toEqual({ detail: 'INSUFFICIENT_CREDITS' });
		expect(s.generations()).toHaveLength(1);

		r = await generate(s, { prompt: 'ten again', duration: 10, orientation: '16:9' });
		expect(r.status).toBe(201);
		expect((await request(s.url, 'GET', '/v1/data/balance')).json).toEqual({ balance: '0.0100' });
		expect((await generate(s, { prompt: 'no money' })).status).toBe(402);

		s.setBalance(1);
		r = await generate(s, { prompt: 'fifteen', duration: 15 });
		expect(r.json.price).toBe('0.1800');
		expect(s.balance).toBeCloseTo(0.82, 6);
	});
});

describe('reads', () => {
	test('404s, 405, per-key isolation and the trailing-slash redirect', async () => {
		const s = await sim({ timing: SLOW, apiKeys: [KEY, 'sk-other'] });
		const { json } = await generate(s, { prompt: 'mine' });
		const id = json.generation_id;

		let r = await request(s.url, 'GET', `/v1/sora/generations/${crypto.randomUUID()}/`);
		expect(r.status).toBe(404);
		expect(r.json).toEqual({ detail: 'Generation not found' });
		expect((await request(s.url, 'GET', '/v1/sora/generations/not-a-uuid/')).json).toEqual({ detail: 'Generation not found' });
		expect((await request(s.url, 'GET', `/v1/sora/generations/${id}/`, { key: 'sk-other' })).status).toBe(404);
		expect((await request(s.url, 'GET', '/v1/sora/generations', { key: 'sk-other' })).json).toEqual([]);
		expect((await request(s.url, 'GET', `/v1/sora/generations/${id}/`)).status).toBe(200);

		r = await request(s.url, 'GET', '/v1/nope');
		expect(r.status).toBe(404);
		expect(r.json).toEqual({ detail: 'Not Found' });
		r = await request(s.url, 'GET', '/v1/sora/generate');
		expect(r.status).toBe(405);
		expect(r.json).toEqual({ detail: 'Method Not Allowed' });
		expect(r.headers.allow).toBe('POST');
		expect((await request(s.url, 'DELETE', `/v1/sora/generations/${id}/`)).status).toBe(405);

		r = await request(s.url, 'GET', `/v1/sora/generations/${id}?x=1`, { key: null });
		expect(r.status).toBe(307);
		expect(r.headers.location).toBe(`${s.url}/v1/sora/generations/${id}/?x=1`);
		r = await request(s.url, 'GET', '/v1/sora/generations/?limit=1');
		expect(r.status).toBe(307);
		expect(r.headers.location).toBe(`${s.url}/v1/sora/generations?limit=1`);
	});

	test('list: newest first, limit/offset, default 20, 422 bounds', async () => {
		const s = await sim({ timing: SLOW });
		const ids = [];
		for (let i = 0; i < 22; i++) ids.push((await generate(s, { prompt: `p${i}` })).json.generation_id);
		const newest = [...ids].reverse();
		let r = await request(s.url, 'GET', '/v1/sora/generations');
		expect(r.status).toBe(200);
		expect(Array.isArray(r.json)).toBe(true);
		expect(r.json).toHaveLength(20);
		expect(r.json.map((g) => g.generation_id)).toEqual(newest.slice(0, 20));
		expect(Object.keys(r.json[0]).sort()).toEqual(STATUS_KEYS);
		r = await request(s.url, 'GET', '/v1/sora/generations?limit=2&offset=3');
		expect(r.json.map((g) => g.generation_id)).toEqual(newest.slice(3, 5));
		r = await request(s.url, 'GET', '/v1/sora/generations?limit=100&offset=21');
		expect(r.json.map((g) => g.generation_id)).toEqual([ids[0]]);
		expect((await request(s.url, 'GET', '/v1/sora/generations?offset=50')).json).toEqual([]);

		r = await request(s.url, 'GET', '/v1/sora/generations?limit=101');
		expect(r.status).toBe(422);
		expect(r.json.detail).toEqual([
			{ type: 'less_than_equal', loc: ['query', 'limit'], msg: 'Input should be less than or equal to 100', input: '101', ctx: { le: 100 } },
		]);
		r = await request(s.url, 'GET', '/v1/sora/generations?limit=0&offset=-1');
		expect(r.json.detail).toEqual([
			{ type: 'greater_than_equal', loc: ['query', 'limit'], msg: 'Input should be greater than or equal to 1', input: '0', ctx: { ge: 1 } },
			{ type: 'greater_than_equal', loc: ['query', 'offset'], msg: 'Input should be greater than or equal to 0', input: '-1', ctx: { ge: 0 } },
		]);
		r = await request(s.url, 'GET', '/v1/sora/generations?limit=abc');
		expect(r.json.detail[0]).toMatchObject({ type: 'int_parsing', loc: ['query', 'limit'], input: 'abc' });
	});
});

describe('lifecycle', () => {
	test('the state follows the clock: a read applies transitions whose timers have not fired (a busy machine runs them late)', async () => {
		const s = await sim({ timing: { queueMs: 200, processingMs: 200 } });
		s.timers.after = () => null; // every timer "late": none ever fires
		const get = async (id) => (await request(s.url, 'GET', `/v1/sora/generations/${id}/`)).json;
		const id = (await generate(s, { prompt: 'late timers' })).json.generation_id;
		expect(await get(id)).toMatchObject({ status: 'pending' });
		await sleep(300);
		const mid = await get(id);
		expect(mid).toMatchObject({ status: 'processing', video_url: null });
		expect(mid.progress_pct).toBeGreaterThan(0); // counted from the end of its queue time, not from this read
		await sleep(200);
		expect(await get(id)).toMatchObject({ status: 'completed', progress_pct: 100 });
		const listed = (await request(s.url, 'GET', '/v1/sora/generations')).json;
		expect(listed.find((g) => g.generation_id === id)).toMatchObject({ status: 'completed' });

		// Finished the moment it is created: the first read says completed.
		const instant = await sim({ timing: { queueMs: 0, processingMs: 0 } });
		instant.timers.after = () => null;
		const now = (await generate(instant, { prompt: 'instant' })).json.generation_id;
		expect((await request(instant.url, 'GET', `/v1/sora/generations/${now}/`)).json).toMatchObject({ status: 'completed', progress_pct: 100 });
	});

	test('pending (queue position) → processing (progress_pct rising) → completed', async () => {
		const s = await sim({ timing: { queueMs: 300, processingMs: 600 } });
		const statuses = [];
		s.on('status', (r) => statuses.push(`${r.generation_id.slice(0, 4)}:${r.status}`));
		const a = (await generate(s, { prompt: 'first' })).json.generation_id;
		const b = (await generate(s, { prompt: 'second' })).json.generation_id;
		const get = async (id) => (await request(s.url, 'GET', `/v1/sora/generations/${id}/`)).json;

		let ga = await get(a);
		const gb = await get(b);
		expect(Object.keys(ga).sort()).toEqual(STATUS_KEYS);
		expect(ga).toMatchObject({ status: 'pending', progress_pos_in_queue: 1, progress_pct: null, video_url: null, completed_at: null, error_message: null, prompt: 'first' });
		expect(gb).toMatchObject({ status: 'pending', progress_pos_in_queue: 2 });
		expect(ga.created_at).toMatch(ISO_MICRO);

		await s.waitFor(() => s.get(a).status === 'processing', 2000);
		await sleep(100);
		ga = await get(a);
		expect(ga).toMatchObject({ status: 'processing', progress_pos_in_queue: null, video_url: null, completed_at: null });
		expect(ga.progress_pct).toBeGreaterThanOrEqual(0);
		expect(ga.progress_pct).toBeLessThanOrEqual(99);
		await sleep(250);
		const later = await get(a);
		expect(later.progress_pct).toBeGreaterThan(ga.progress_pct);

		await s.waitFor(() => s.get(b).status === 'completed', 3000);
		ga = await get(a);
		expect(ga).toMatchObject({ status: 'completed', progress_pct: 100, progress_pos_in_queue: null, error_message: null });
		expect(ga.completed_at).toMatch(ISO_MICRO);
		expect(ga.video_url).toMatch(new RegExp(`^${s.cdnUrl}/videos/\\d{4}/\\d{2}/${a}\\.mp4$`));
		expect(new URL(ga.video_url).origin).not.toBe(new URL(s.url).origin);
		expect(statuses).toEqual(expect.arrayContaining([`${a.slice(0, 4)}:processing`, `${a.slice(0, 4)}:completed`]));
	});

	test('failed outcome (function and data form), refundFailed, finish(), per-generation timing', async () => {
		const s = await sim({
			timing: (rec) => (rec.prompt.includes('fast') ? { queueMs: 0, processingMs: 10 } : SLOW),
			outcome: (req) => (req.prompt.includes('people') ? { status: 'failed', error_message: 'Image contains photorealistic people.' } : { status: 'completed' }),
		});
		const f = (await generate(s, { prompt: 'fast people' })).json.generation_id;
		const slow = (await generate(s, { prompt: 'slow' })).json.generation_id;
		await s.waitFor(() => s.get(f).status === 'failed', 2000);
		const g = (await request(s.url, 'GET', `/v1/sora/generations/${f}/`)).json;
		expect(g).toMatchObject({ status: 'failed', video_url: null, progress_pct: null, progress_pos_in_queue: null, error_message: 'Image contains photorealistic people.' });
		expect(g.completed_at).toMatch(ISO_MICRO);
		expect(s.balance).toBeCloseTo(99.76, 6); // no refund by default

		s.configure({ refundFailed: true, outcome: { failPromptsMatching: '^slow$', errorMessage: 'nope' } });
		expect(s.get(slow).status).toBe('pending');
		s.finish(slow, { status: 'failed', error_message: 'forced' });
		expect(s.get(slow)).toMatchObject({ status: 'failed', error_message: 'forced', refunded: true });
		expect(s.balance).toBeCloseTo(99.88, 6);
		expect(() => s.finish(slow)).toThrow(/already failed/);

		const d = (await generate(s, { prompt: 'fast slow' })).json.generation_id; // data-form outcome: no match
		const e = (await generate(s, { prompt: 'slow' })).json.generation_id;
		s.finish(e);
		await s.waitFor(() => s.get(d).status === 'completed', 2000);
		expect(s.get(e).status).toBe('completed'); // finish() default outcome is completed
	});
});

describe('callbacks', () => {
	test('payload, headers, exact URL; retries on failure following the scaled schedule', async () => {
		const rcv = await receiver({ failFirst: 3 });
		const s = await sim({
			timing: { queueMs: 0, processingMs: 10 },
			// 30/60/120 s → 60/120/240 ms; the per-delivery timeout is scaled too, so it is set to 5 s after scaling: a busy
			// machine's slow answer is not one more failed attempt.
			callbacks: { allowHttp: 'loopback', timeScale: 0.002, timeoutMs: 2_500_000 },
		});
		const cb = `${rcv.url}/hook/abc?token=a%2Fb&x=1`;
		const id = (await generate(s, { prompt: 'retry me', callback_url: cb })).json.generation_id;
		await s.waitFor(() => s.get(id).webhook?.state === 'delivered', 5000);
		expect(rcv.received).toHaveLength(4);
		const attempts = s.deliveries.filter((d) => d.generation_id === id);
		expect(attempts.map((d) => [d.attempt, d.status, d.ok])).toEqual([
			[1, 500, false],
			[2, 500, false],
			[3, 500, false],
			[4, 200, true],
		]);
		const gaps = rcv.received.slice(1).map((r, i) => r.at - rcv.received[i].at);
		[60, 120, 240].forEach((want, i) => {
			expect(gaps[i]).toBeGreaterThanOrEqual(want - 5);
			expect(gaps[i]).toBeLessThan(want + 400); // loose: CI machines stall
		});
		const req = rcv.received[3];
		expect(req.method).toBe('POST');
		expect(req.url).toBe('/hook/abc?token=a%2Fb&x=1');
		expect(req.headers['content-type']).toBe('application/json');
		expect(req.headers['user-agent']).toBe('RunBlob-Webhook/1.0');
		expect(req.headers.authorization).toBeUndefined();
		const g = s.get(id);
		expect(req.body).toEqual({
			generation_id: id,
			status: 'completed',
			prompt: 'retry me',
			video_url: g.video_url,
			created_at: g.created_at,
			completed_at: g.completed_at,
		});
		expect(Object.keys(req.body)).not.toContain('error_message');
		expect(attempts[0].body).toEqual(req.body);
	});

	test('failure payload; webhook marked failed after the initial attempt + 5 retries', async () => {
		const rcv = await receiver({ failFirst: 100, failStatus: 503 });
		const s = await sim({
			timing: { queueMs: 0, processingMs: 5 },
			outcome: { status: 'failed', errorMessage: 'Image contains photorealistic people. Please try with a different image.' },
			callbacks: { allowHttp: 'loopback', timeScale: 0.0005 },
		});
		const id = (await generate(s, { prompt: 'p', callback_url: `${rcv.url}/cb` })).json.generation_id;
		await s.waitFor(() => s.get(id).webhook?.state === 'failed', 5000);
		expect(rcv.received).toHaveLength(6);
		expect(s.get(id).webhook).toMatchObject({ state: 'failed', attempts: 6 });
		expect(rcv.received[0].body).toEqual({
			generation_id: id,
			status: 'failed',
			prompt: 'p',
			video_url: null,
			created_at: s.get(id).created_at,
			completed_at: s.get(id).completed_at,
			error_message: 'Image contains photorealistic people. Please try with a different image.',
		});
		await sleep(300);
		expect(rcv.received).toHaveLength(6);
	});

	test('timeouts and network errors count as failures', async () => {
		const hang = await receiver({ hang: true });
		const s = await sim({
			timing: { queueMs: 0, processingMs: 5 },
			callbacks: { allowHttp: true, timeScale: 0.005, retryDelaysMs: [1000] }, // timeout 150 ms, retry after 5 ms
		});
		const id = (await generate(s, { prompt: 'p', callback_url: `${hang.url}/slow` })).json.generation_id;
		await s.waitFor(() => s.get(id).webhook?.state === 'failed', 3000);
		const ds = s.deliveries.filter((d) => d.generation_id === id);
		expect(ds).toHaveLength(2);
		expect(ds[0].error).toMatch(/timeout/);
		expect(ds[0].finishedAt - ds[0].startedAt).toBeGreaterThanOrEqual(140);

		const closed = await receiver();
		const deadUrl = `${closed.url}/gone`;
		await closed.close();
		const id2 = (await generate(s, { prompt: 'p', callback_url: deadUrl })).json.generation_id;
		await s.waitFor(() => s.get(id2).webhook?.state === 'failed', 3000);
		expect(s.deliveries.find((d) => d.generation_id === id2)?.error).toMatch(/ECONNREFUSED/);
	});

	test('dropAttempts, drop, duplicate and delayMs faults; per-generation via callbackFaults(record)', async () => {
		const rcv = await receiver();
		const s = await sim({
			timing: { queueMs: 0, processingMs: 5 },
			// RunBlob's schedule 1:1000, but the real 30 s per-delivery timeout: scaled too (30 ms), a busy machine's slow
			// answer would count as one more failed attempt.
			callbacks: { allowHttp: 'loopback', retryDelaysMs: [30, 60, 120, 240, 480] },
			callbackFaults: (rec) =>
				rec.prompt === 'lose2' ? { dropAttempts: 2 } : rec.prompt === 'never' ? { drop: true } : rec.prompt === 'dup' ? { duplicate: 3 } : rec.prompt === 'late' ? { delayMs: 300 } : null,
		});
		const cb = (tag) => `${rcv.url}/cb?tag=${tag}`;
		const lose2 = (await generate(s, { prompt: 'lose2', callback_url: cb('lose2') })).json.generation_id;
		const never = (await generate(s, { prompt: 'never', callback_url: cb('never') })).json.generation_id;
		const dup = (await generate(s, { prompt: 'dup', callback_url: cb('dup') })).json.generation_id;
		const late = (await generate(s, { prompt: 'late', callback_url: cb('late') })).json.generation_id;
		await s.waitFor(() => [lose2, dup].every((id) => s.get(id).webhook?.state === 'delivered'), 3000);
		await s.waitFor(() => rcv.received.filter((r) => r.url.endsWith('dup')).length === 4, 3000);

		expect(s.deliveries.filter((d) => d.generation_id === lose2).map((d) => [d.attempt, Boolean(d.dropped), d.ok])).toEqual([
			[1, true, false],
			[2, true, false],
			[3, false, true],
		]);
		expect(rcv.received.filter((r) => r.url.endsWith('lose2'))).toHaveLength(1);
		const dups = rcv.received.filter((r) => r.url.endsWith('dup'));
		expect(new Set(dups.map((r) => r.raw)).size).toBe(1);
		expect(s.deliveries.filter((d) => d.generation_id === dup && d.duplicate)).toHaveLength(3);

		expect(s.get(late).webhook?.state).not.toBe('delivered');
		await s.waitFor(() => s.get(late).webhook?.state === 'delivered', 2000);
		const lateArrival = rcv.received.find((r) => r.url.endsWith('late'));
		expect(lateArrival.at - Date.parse(s.get(late).completed_at + 'Z')).toBeGreaterThanOrEqual(290);

		expect(s.get(never).webhook?.state).toBe('dropped');
		expect(rcv.received.filter((r) => r.url.endsWith('never'))).toHaveLength(0);
		expect(s.deliveries.filter((d) => d.generation_id === never)).toHaveLength(0);
	});

	test('HTTPS only by default; loopback allowance; allowHttp true', async () => {
		const s = await sim({ timing: SLOW });
		let r = await generate(s, { prompt: 'p', callback_url: 'http://127.0.0.1:9/cb' });
		expect(r.status).toBe(422);
		expect(r.json).toEqual({
			detail: [
				{
					type: 'url_scheme',
					loc: ['body', 'callback_url'],
					msg: "URL scheme should be 'https'",
					input: 'http://127.0.0.1:9/cb',
					ctx: { expected_schemes: "'https'" },
				},
			],
		});
		r = await generate(s, { prompt: 'p', callback_url: 'not a url' });
		expect(r.json.detail[0]).toMatchObject({ type: 'url_parsing', loc: ['body', 'callback_url'] });
		expect((await generate(s, { prompt: 'p', callback_url: 'https://hooks.example.com/x?y=1' })).status).toBe(201);

		s.configure({ callbacks: { allowHttp: 'loopback' } });
		for (const u of ['http://127.0.0.1:1/cb', 'http://localhost:1/cb', 'http://[::1]:1/cb', 'http://127.8.9.10/cb']) {
			expect((await generate(s, { prompt: 'p', callback_url: u })).status).toBe(201);
		}
		for (const u of ['http://example.com/cb', 'http://10.0.0.1/cb', 'http://128.0.0.1/cb']) {
			r = await generate(s, { prompt: 'p', callback_url: u });
			expect(r.status).toBe(422);
			expect(r.json.detail[0].type).toBe('url_scheme');
		}
		expect((await generate(s, { prompt: 'p', callback_url: 'ftp://127.0.0.1/cb' })).status).toBe(422);

		s.configure({ callbacks: { allowHttp: true } });
		expect((await generate(s, { prompt: 'p', callback_url: 'http://example.com/cb' })).status).toBe(201);
		r = await generate(s, { prompt: 'p', callback_url: 'ftp://example.com/cb' });
		expect(r.json.detail[0].msg).toBe("URL scheme should be 'http' or 'https'");
	});

	test('an https callback_url is delivered over TLS (connection attempt recorded)', async () => {
		const plain = await receiver(); // speaks plain HTTP: the TLS handshake must fail
		const s = await sim({ timing: { queueMs: 0, processingMs: 5 }, callbacks: { retryDelaysMs: [] } });
		const port = new URL(plain.url).port;
		const id = (await generate(s, { prompt: 'p', callback_url: `https://127.0.0.1:${port}/cb` })).json.generation_id;
		await s.waitFor(() => s.get(id).webhook?.state === 'failed', 3000);
		expect(s.deliveries[0].error).toBeTruthy();
		expect(s.deliveries[0].status).toBeUndefined();
	});
});

describe('API fault injection', () => {
	test('429 with Retry-After, 500, 503, filters and counts', async () => {
		const s = await sim({ timing: SLOW });
		s.injectFaults([{ status: 429, count: 2, method: 'GET', path: '/v1/data/balance' }]);
		let r = await request(s.url, 'GET', '/v1/data/balance');
		expect(r.status).toBe(429);
		expect(r.json).toEqual({ detail: 'Too Many Requests' });
		expect(r.headers['retry-after']).toBe('1');
		expect((await request(s.url, 'POST', '/v1/sora/generate', { body: { prompt: 'p' } })).status).toBe(201); // not matched
		expect((await request(s.url, 'GET', '/v1/data/balance')).status).toBe(429);
		expect((await request(s.url, 'GET', '/v1/data/balance')).status).toBe(200);

		s.injectFaults([{ status: 500 }, { status: 503, path: /generations/ }, { status: 429, retryAfter: 7, headers: { 'x-extra': 'y' } }]);
		r = await request(s.url, 'GET', '/v1/sora/generations');
		expect([r.status, r.json]).toEqual([500, { detail: 'Internal Server Error' }]);
		r = await request(s.url, 'GET', '/v1/sora/generations');
		expect([r.status, r.json]).toEqual([503, { detail: 'Service temporarily unavailable' }]);
		r = await request(s.url, 'GET', '/v1/data/balance', { key: null });
		expect([r.status, r.headers['retry-after'], r.headers['x-extra']]).toEqual([429, '7', 'y']);

		s.injectFaults({ status: 418, body: { custom: true } });
		r = await request(s.url, 'GET', '/v1/data/balance');
		expect([r.status, r.json]).toEqual([418, { custom: true }]);
		expect(s.requests.filter((q) => q.fault !== undefined)).toHaveLength(6);
	});

	test('drop destroys the socket; delayMs answers late; phase "after" creates and charges, then fails', async () => {
		const s = await sim({ timing: SLOW });
		s.injectFaults([{ drop: true, method: 'POST' }]);
		await expect(generate(s, { prompt: 'p' })).rejects.toThrow(/socket hang up|ECONNRESET/);
		expect(s.generations()).toHaveLength(0);
		await s.waitFor(() => s.requests.some((q) => q.dropped), 1000);

		s.injectFaults([{ delayMs: 250 }]);
		const t0 = Date.now();
		expect((await request(s.url, 'GET', '/v1/data/balance')).status).toBe(200);
		expect(Date.now() - t0).toBeGreaterThanOrEqual(240);

		s.injectFaults([{ status: 500, phase: 'after', path: '/v1/sora/generate' }]);
		const r = await generate(s, { prompt: 'charged but lost' });
		expect(r.status).toBe(500);
		expect(s.generations()).toHaveLength(1);
		expect(s.balance).toBeCloseTo(99.88, 6);
		s.injectFaults([{ drop: true, phase: 'after', path: '/v1/sora/generate' }]);
		await expect(generate(s, { prompt: 'charged, answer dropped' })).rejects.toThrow();
		await s.waitFor(() => s.generations().length === 2, 1000);
	});
});

describe('CDN', () => {
	test('streams a 50 MiB video whose sha256 matches videoSha256, with bounded heap and no Authorization', async () => {
		const size = 50 * 1024 * 1024;
		const s = await sim({ timing: { queueMs: 0, processingMs: 1 }, videoSize: size });
		const id = (await generate(s, { prompt: 'big' })).json.generation_id;
		await s.waitFor(() => s.get(id).status === 'completed', 2000);
		const videoUrl = s.get(id).video_url;
		if (global.gc) global.gc();
		const baseline = process.memoryUsage().heapUsed;
		let peak = baseline;
		const hash = crypto.createHash('sha256');
		let received = 0;
		const res = await new Promise((resolve, reject) => http.get(videoUrl, { agent: false }, resolve).on('error', reject));
		expect(res.statusCode).toBe(200);
		expect(res.headers['content-type']).toBe('video/mp4');
		expect(res.headers['content-length']).toBe(String(size));
		let first;
		for await (const chunk of res) {
			if (!first) first = Buffer.from(chunk.subarray(0, PLAYABLE.length + 8));
			hash.update(chunk);
			received += chunk.length;
			if ((received & 0xfffff) < chunk.length) peak = Math.max(peak, process.memoryUsage().heapUsed);
		}
		expect(received).toBe(size);
		expect(hash.digest('hex')).toBe(await videoSha256(id, size));
		expect(peak - baseline).toBeLessThan(size / 4);
		// The real video first (players show it), then a `free` box that players skip, up to the file's size.
		expect(first.subarray(4, 32).toString('latin1')).toBe('ftypisom\u0000\u0000\u0002\u0000isomiso2avc1mp41');
		expect(first.subarray(0, PLAYABLE.length).equals(PLAYABLE)).toBe(true);
		expect(first.readUInt32BE(PLAYABLE.length)).toBe(size - PLAYABLE.length);
		expect(first.subarray(PLAYABLE.length + 4, PLAYABLE.length + 8).toString('latin1')).toBe('free');
		expect(s.cdnRequests).toHaveLength(1);
		expect(s.cdnRequests[0]).toMatchObject({ method: 'GET', status: 200, authorization: false, bytesSent: size });
	});

	test('HEAD, Range (206 / suffix / 416), 404s, Authorization recorded', async () => {
		const size = 300 * 1024 + 7;
		const s = await sim({ timing: { queueMs: 0, processingMs: 1 }, videoSize: size, outcome: { failPromptsMatching: 'fail' } });
		const id = (await generate(s, { prompt: 'ok' })).json.generation_id;
		const bad = (await generate(s, { prompt: 'fail' })).json.generation_id;
		await s.waitFor(() => s.get(id).status === 'completed' && s.get(bad).status === 'failed', 2000);
		const url = s.get(id).video_url;
		const full = await collect(videoBytes(id, size));
		expect(full.length).toBe(size);

		const head = await new Promise((resolve, reject) =>
			http.request(url, { method: 'HEAD', agent: false }, (res) => { res.resume(); resolve(res); }).on('error', reject).end(),
		);
		expect(head.statusCode).toBe(200);
		expect(head.headers['content-length']).toBe(String(size));
		expect(head.headers['accept-ranges']).toBe('bytes');

		let r = await download(url, { range: 'bytes=65530-131080' });
		expect(r.status).toBe(206);
		expect(r.headers['content-range']).toBe(`bytes 65530-131080/${size}`);
		expect(r.body.equals(full.subarray(65530, 131081))).toBe(true);
		r = await download(url, { range: 'bytes=-100' });
		expect(r.status).toBe(206);
		expect(r.body.equals(full.subarray(size - 100))).toBe(true);
		r = await download(url, { range: `bytes=${size - 10}-` });
		expect(r.body.equals(full.subarray(size - 10))).toBe(true);
		r = await download(url, { range: `bytes=${size}-` });
		expect(r.status).toBe(416);
		expect(r.headers['content-range']).toBe(`bytes */${size}`);
		r = await download(url, { authorization: `Bearer ${KEY}` });
		expect(r.status).toBe(200);
		expect(r.body.equals(full)).toBe(true);
		expect(s.cdnRequests.at(-1).authorization).toBe(true);
		expect(s.cdnRequests.filter((q) => q.authorization)).toHaveLength(1);

		expect((await download(`${s.cdnUrl}/videos/2025/11/${bad}.mp4`)).status).toBe(404);
		expect((await download(`${s.cdnUrl}/videos/2025/11/${crypto.randomUUID()}.mp4`)).status).toBe(404);
		expect((await download(`${s.cdnUrl}/other`)).status).toBe(404);

		// videoBytes ranges equal slices of the whole file, across block boundaries
		for (const [a, b] of [[0, 10], [30, 50], [65535, 65537], [131071, 200000], [size - 3, size - 1]]) {
			expect((await collect(videoBytes(id, size, { start: a, end: b }))).equals(full.subarray(a, b + 1))).toBe(true);
		}
		// deterministic, different per id
		expect((await collect(videoBytes(id, 1000))).equals(full.subarray(0, 1000))).toBe(false); // header encodes size
		expect(await videoSha256(id, 4096)).toBe(await videoSha256(id, 4096));
		expect(await videoSha256(id, 4096)).not.toBe(await videoSha256(bad, 4096));
	});

	test('multi-GiB videos: 64-bit free box header after the playable video, HEAD and Range reads without generating the whole file', async () => {
		const size = 5 * 1024 * 1024 * 1024 + 3;
		const s = await sim({ timing: { queueMs: 0, processingMs: 1 }, videoSize: () => size });
		const id = (await generate(s, { prompt: 'huge' })).json.generation_id;
		await s.waitFor(() => s.get(id).status === 'completed', 2000);
		const url = s.get(id).video_url;
		const t0 = Date.now();
		const at = PLAYABLE.length;
		let r = await download(url, { range: `bytes=${at}-${at + 15}` });
		expect(r.status).toBe(206);
		expect(r.headers['content-range']).toBe(`bytes ${at}-${at + 15}/${size}`);
		expect(r.body.readUInt32BE(0)).toBe(1); // largesize form
		expect(r.body.subarray(4, 8).toString('latin1')).toBe('free');
		expect(r.body.readBigUInt64BE(8)).toBe(BigInt(size - at));
		r = await download(url, { range: 'bytes=-70000' });
		expect(r.body.length).toBe(70000);
		expect(r.body.equals(await collect(videoBytes(id, size, { start: size - 70000, end: size - 1 })))).toBe(true);
		expect(Date.now() - t0).toBeLessThan(1000);
	});

	test('publicCdnBase overrides the video_url host', async () => {
		const s = await sim({ timing: { queueMs: 0, processingMs: 1 }, publicCdnBase: 'https://cdn.example.test/' });
		const id = (await generate(s, { prompt: 'p' })).json.generation_id;
		await s.waitFor(() => s.get(id).status === 'completed', 2000);
		expect(s.get(id).video_url).toMatch(new RegExp(`^https://cdn\\.example\\.test/videos/\\d{4}/\\d{2}/${id}\\.mp4$`));
		expect((await download(`${s.cdnUrl}${s.get(id).video_path}`)).status).toBe(200);
	});
});

describe('control API and lifecycle of the simulator', () => {
	test('GET /_sim/state, POST /_sim/config, /_sim/faults, /_sim/generations/:id/finish, /_sim/reset', async () => {
		const rcv = await receiver();
		// 0.01: a 300 ms answer window; at 0.001 (30 ms) a loaded machine times the one expected delivery out.
		const s = await sim({ timing: SLOW, callbacks: { allowHttp: 'loopback', timeScale: 0.01 } });
		const ctl = (method, p, body) => request(s.url, method, `/_sim${p}`, { key: null, body });

		let r = await ctl('POST', '/config', { balance: 3, outcome: { failPromptsMatching: 'doomed', errorMessage: 'bad luck' }, videoSize: 1234 });
		expect(r.status).toBe(200);
		expect(s.balance).toBe(3);
		const id = (await generate(s, { prompt: 'doomed', callback_url: `${rcv.url}/cb` })).json.generation_id;

		r = await ctl('POST', `/generations/${id}/finish`, { status: 'failed', error_message: 'forced failure' });
		expect(r.status).toBe(200);
		expect(r.json).toMatchObject({ generation_id: id, status: 'failed', error_message: 'forced failure' });
		expect((await ctl('POST', `/generations/${id}/finish`, {})).status).toBe(409);
		expect((await ctl('POST', `/generations/${crypto.randomUUID()}/finish`, {})).status).toBe(404);
		await s.waitFor(() => rcv.received.length === 1, 2000);
		expect(rcv.received[0].body).toMatchObject({ status: 'failed', error_message: 'forced failure' });

		r = await ctl('POST', '/faults', [{ status: 503, count: 1, pathRegex: '^/v1/data/' }]);
		expect(r.status).toBe(200);
		expect((await request(s.url, 'GET', '/v1/data/balance')).status).toBe(503);

		r = await ctl('GET', '/state');
		expect(r.status).toBe(200);
		expect(r.json.balance).toBe('2.8800');
		expect(r.json.generations).toHaveLength(1);
		expect(r.json.generations[0]).toMatchObject({ generation_id: id, status: 'failed' });
		expect(r.json.deliveries).toHaveLength(1);
		expect(r.json.url).toBe(s.url);
		expect(r.json.cdnUrl).toBe(s.cdnUrl);

		expect((await ctl('POST', '/config', { callbacks: { allowHttp: 'sometimes' } })).status).toBe(400);
		expect((await ctl('POST', '/config', { callbacks: { timeScale: 0 } })).status).toBe(400);
		expect((await ctl('POST', '/config', { faults: [{ status: 500 }, { bogus: 1 }] })).status).toBe(400);
		expect(s.faults).toHaveLength(0); // an invalid batch queues nothing
		expect((await ctl('POST', '/config', { faults: [{ status: 500, path: '/v1/data/balance' }] })).status).toBe(200);
		expect((await request(s.url, 'GET', '/v1/data/balance')).status).toBe(500);
		expect((await ctl('POST', '/faults', [{ count: 2 }])).status).toBe(400);
		expect((await ctl('GET', '/nope')).status).toBe(404);

		r = await ctl('POST', '/reset');
		expect(r.status).toBe(200);
		expect(s.generations()).toHaveLength(0);
		expect(s.deliveries).toHaveLength(0);
		expect(s.balance).toBe(100);
		expect(s.options.outcome).toBeUndefined();
	});

	test('close() is fast, cancels timers and pending callbacks, and is idempotent', async () => {
		const rcv = await receiver({ failFirst: 1 });
		const s = await createSimulator({ timing: { queueMs: 0, processingMs: 5 }, callbacks: { allowHttp: 'loopback', timeScale: 1 } });
		const id = (await generate(s, { prompt: 'p', callback_url: `${rcv.url}/cb` })).json.generation_id;
		s.configure({ timing: SLOW });
		await generate(s, { prompt: 'queued' });
		await s.waitFor(() => s.get(id).webhook?.state === 'retrying', 2000); // next attempt 30 s away
		// keep a CDN download half-read to prove open streams are destroyed
		s.configure({ videoSize: 64 * 1024 * 1024 });
		const big = (await generate(s, { prompt: 'big' })).json.generation_id;
		s.finish(big);
		const res = await new Promise((resolve) => http.get(s.get(big).video_url, { agent: false }, resolve));
		res.pause();
		res.on('error', () => {});
		await sleep(150);
		// backpressure: with the client not reading, the CDN stops generating after socket buffers fill up
		const sent = s.cdnRequests[0].bytesSent;
		expect(sent).toBeGreaterThan(0);
		expect(sent).toBeLessThan(24 * 1024 * 1024);
		expect(s.cdnRequests[0].finishedAt).toBeNull();
		const t0 = Date.now();
		await s.close();
		await s.close();
		expect(Date.now() - t0).toBeLessThan(500);
		expect(s.timers.size).toBe(0);
		await sleep(50);
		expect(rcv.received).toHaveLength(1);
		await expect(request(s.url, 'GET', '/v1/data/balance')).rejects.toThrow();
	});

	test('waitFor rejects on timeout; listener errors do not break the simulator', async () => {
		const s = await sim({ timing: { queueMs: 0, processingMs: 5 } });
		s.on('status', () => {
			throw new Error('listener bug');
		});
		await expect(s.waitFor(() => false, 60)).rejects.toThrow(/60 ms/);
		const id = (await generate(s, { prompt: 'p' })).json.generation_id;
		await expect(s.waitFor((x) => x.get(id).status === 'completed' && x.get(id), 2000)).resolves.toMatchObject({ generation_id: id });
	});

	test('cli.js prints the URLs as one JSON line and exits cleanly on SIGTERM', async () => {
		const cli = path.join(__dirname, '..', 'simulator', 'cli.js');
		const child = spawn(process.execPath, [cli, '--queue-ms', '0', '--processing-ms', '5', '--api-key', 'sk-cli', '--balance', '1', '--allow-http', 'loopback'], {
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		try {
			const line = await new Promise((resolve, reject) => {
				let buf = '';
				child.stdout.on('data', (c) => {
					buf += c;
					if (buf.includes('\n')) resolve(buf.split('\n')[0]);
				});
				child.on('exit', (code) => reject(new Error(`cli exited early (${code})`)));
			});
			const info = JSON.parse(line);
			expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
			expect(info.cdnUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
			expect(info.cdnUrl).not.toBe(info.url);
			expect(line).not.toContain('sk-cli');
			expect((await request(info.url, 'GET', '/v1/data/balance', { key: 'sk-cli' })).json).toEqual({ balance: '1.0000' });
			expect((await request(info.url, 'POST', '/v1/sora/generate', { key: 'sk-cli', body: { prompt: 'p', callback_url: 'http://localhost:1/x' } })).status).toBe(201);
			const exit = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
			child.kill('SIGTERM');
			expect(await exit).toEqual({ code: 0, signal: null });
		} finally {
			if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
		}
	});
});
