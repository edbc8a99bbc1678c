'use strict';
/**
 * The simulator's families other than Sora, checked against the reference (shared/reference/runblob-api.md §0, §2, §3,
 * §5), not against the package: endpoints, id/result/failure fields, payloads, retry schedules, validation shapes,
 * the documented variants, faults and the CDN. Everything runs over real HTTP on loopback.
 */
const crypto = require('node:crypto');
const http = require('node:http');
const { createSimulator } = require('../simulator');
const { imageBytes } = require('../simulator/images');
const { imageHeader } = require('./imageHeader');
const { KEY, request, createReceiver, sleep } = require('./helpers');

jest.setTimeout(20000);

const SLOW = { queueMs: 60000, processingMs: 60000 };
const FAST = { queueMs: 0, processingMs: 10 };
const PNG_B64 = imageBytes('in', 0, 'png').toString('base64');
const JPEG_B64 = imageBytes('in', 0, 'jpg').toString('base64');
const GIF_B64 = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1').toString('base64');
const ISO_PLAIN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;
const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/**
 * What the reference documents per family (§2, §3, §5): paths, id and result fields, the exact keys of the status
 * object and callback, the failure field, the callback schedule, bodies of 402/404, the result file type.
 */
const FAMILIES = {
	veo: {
		base: '/v1/veo',
		body: { prompt: 'a fox in the snow at dusk' },
		id: 'generation_id',
		price: '0.2500',
		statusKeys: ['generation_id', 'status', 'prompt', 'video_url', 'created_at', 'completed_at', 'seed', 'error'],
		callbackKeys: ['generation_id', 'status', 'prompt', 'video_url', 'created_at', 'completed_at', 'seed', 'error'],
		result: 'video_url',
		failure: { error: 'UNSAFE_CONTENT', message: 'UNSAFE_CONTENT' },
		delays: [30000, 30000, 30000, 30000],
		credits: { success: false, message: 'INSUFFICIENT_CREDITS' },
		notFound: { detail: 'TASK_NOT_FOUND' },
		contentType: 'video/mp4',
	},
	kling: {
		base: '/v1/kling',
		body: { prompt: 'a fox in the snow' },
		id: 'generation_id',
		price: '0.2500',
		statusKeys: ['generation_id', 'status', 'prompt', 'video_url', 'created_at', 'completed_at', 'version', 'duration'],
		callbackKeys: ['generation_id', 'status', 'video_url', 'completed_at'],
		result: 'video_url',
		failure: { message: 'CONTENT_POLICY_VIOLATION' },
		delays: [30000, 60000, 120000, 240000, 480000],
		credits: { detail: 'INSUFFICIENT_CREDITS' },
		notFound: { detail: 'Generation not found' },
		contentType: 'video/mp4',
	},
	'kling-o1-video': {
		base: '/v1/kling/o1-video',
		body: { prompt: 'a fox', duration: '5', aspect_ratio: '16:9' },
		id: 'generation_id',
		price: '0.30',
		statusKeys: ['generation_id', 'status', 'prompt', 'video_url', 'model'],
		callbackKeys: ['generation_id', 'status', 'video_url', 'model', 'message'],
		result: 'video_url',
		failure: { message: 'CONTENT_POLICY_VIOLATION' },
		delays: [30000, 30000, 30000, 30000],
		credits: { detail: 'INSUFFICIENT_CREDITS' },
		notFound: { detail: 'Generation not found' },
		contentType: 'video/mp4',
	},
	'kling-o3-video': {
		base: '/v1/kling/o3-video',
		body: { prompt: 'a fox' },
		id: 'generation_id',
		price: '0.1500',
		statusKeys: ['generation_id', 'status', 'prompt', 'video_url', 'model'],
		callbackKeys: ['generation_id', 'status', 'video_url', 'model', 'message'],
		result: 'video_url',
		failure: { message: 'CONTENT_POLICY_VIOLATION' },
		delays: [30000, 30000, 30000, 30000],
		credits: { detail: 'INSUFFICIENT_CREDITS' },
		notFound: { detail: 'GENERATION_NOT_FOUND' },
		contentType: 'video/mp4',
	},
	'nano-banana': {
		base: '/v1/gemini',
		body: { prompt: 'a cute orange cat' },
		id: 'task_uuid',
		price: '0.0200',
		statusKeys: ['task_uuid', 'status', 'prompt', 'result_image_url', 'message'],
		callbackKeys: ['task_uuid', 'status', 'result_image_url', 'message'],
		result: 'result_image_url',
		failure: { message: 'MODERATION_FAILED' },
		delays: [30000, 30000, 30000],
		credits: { detail: 'INSUFFICIENT_CREDITS' },
		notFound: { detail: 'Task not found' },
		contentType: 'image/png',
	},
	'chatgpt-images': {
		base: '/v1/chatgpt-images',
		body: { prompt: 'a poster' },
		id: 'task_uuid',
		price: '0.0123',
		statusKeys: ['task_uuid', 'status', 'prompt', 'result_image_url', 'message'],
		callbackKeys: ['task_uuid', 'status', 'prompt', 'result_image_url', 'message'],
		result: 'result_image_url',
		failure: { message: 'OPENAI_DECLINED' },
		delays: [30000, 30000, 30000, 30000],
		credits: { detail: 'INSUFFICIENT_CREDITS' },
		notFound: { detail: 'Task not found' },
		contentType: 'image/webp',
	},
	'kling-o1-photo': {
		base: '/v1/kling/o1-photo',
		body: { prompt: 'a portrait' },
		id: 'generation_id',
		idPattern: /^photo-[0-9a-f-]{36}$/,
		price: '0.0290',
		statusKeys: ['generation_id', 'status', 'prompt', 'image_url', 'model', 'message'],
		callbackKeys: ['generation_id', 'status', 'prompt', 'image_url', 'model', 'message'],
		result: 'image_url',
		failure: { message: 'CONTENT_POLICY_VIOLATION' },
		delays: [30000, 30000, 30000, 30000],
		credits: { detail: 'INSUFFICIENT_CREDITS' },
		notFound: { detail: 'Generation not found' },
		contentType: 'image/jpeg',
	},
	'kling-o3-photo': {
		base: '/v1/kling/o3-photo',
		body: { prompt: 'a portrait' },
		id: 'generation_id',
		price: '0.0500',
		statusKeys: ['generation_id', 'status', 'prompt', 'image_url', 'model', 'message'],
		callbackKeys: ['generation_id', 'status', 'prompt', 'image_url', 'model', 'message'],
		result: 'image_url',
		failure: { message: 'CONTENT_POLICY_VIOLATION' },
		delays: [30000, 30000, 30000, 30000],
		credits: { success: false, message: 'INSUFFICIENT_CREDITS' },
		notFound: { detail: 'Generation not found' },
		contentType: 'image/jpeg',
	},
};
const NAMES = Object.keys(FAMILIES);

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

/** @param {any} s @param {string} name @param {object} [extra] @param {object} [o] */
const create = (s, name, extra = {}, o = {}) => request(s.url, 'POST', `${FAMILIES[name].base}/generate`, { body: { ...FAMILIES[name].body, ...extra }, ...o });
/** @param {any} s @param {string} name @param {string} id */
const status = (s, name, id) => request(s.url, 'GET', `${FAMILIES[name].base}/generations/${id}`);
/** @param {any} s @param {string} base @param {object} body */
const post = (s, base, body) => request(s.url, 'POST', `${base}/generate`, { body });

/** @param {string} url */
function download(url) {
	return new Promise((resolve, reject) => {
		http
			.get(url, { agent: false }, (res) => {
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
			})
			.on('error', reject);
	});
}

describe.each(NAMES)('%s: endpoints', (name) => {
	const f = FAMILIES[name];

	test('create → 201 {id, status: pending, price}; status at the documented path with exactly the documented keys', async () => {
		const s = await sim({ timing: SLOW });
		const r = await create(s, name);
		expect(r.status).toBe(201);
		const id = r.json[f.id];
		expect(id).toMatch(f.idPattern || /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
		expect(r.json.status).toBe('pending');
		expect(r.json.price).toBe(f.price);
		expect(s.balance).toBeCloseTo(100 - Number(f.price), 6);
		const st = await status(s, name, id);
		expect(st.status).toBe(200);
		// Kling main's pending/processing example omits video_url and completed_at.
		const pendingKeys = name === 'kling' ? f.statusKeys.filter((k) => k !== 'video_url' && k !== 'completed_at') : f.statusKeys;
		expect(Object.keys(st.json).sort()).toEqual([...pendingKeys].sort());
		expect(st.json[f.id]).toBe(id);
		expect(st.json.status).toBe('pending');
		expect(s.get(id)).toMatchObject({ family: name, id, status: 'pending' });
		expect(s.counters()[name]).toEqual({ create: 1, status: 1, list: 0, created: 1, callbacks: 0 });
	});

	test('401 in both documented shapes; 402 and 404 in this family\'s shape; trailing slash → 307 to the documented path', async () => {
		const s = await sim({ timing: SLOW, balance: 0 });
		const none = await create(s, name, {}, { key: null });
		expect(none.status).toBe(401);
		expect(none.json).toEqual({ detail: 'Missing credentials' });
		s.configure({ variants: { authError: 'error' } });
		const bad = await create(s, name, {}, { key: 'sk-wrong' });
		expect(bad.status).toBe(401);
		expect(bad.json).toEqual({ error: 'Unauthorized', message: 'Invalid API key' });
		const noHeader = await request(s.url, 'GET', `${f.base}/generations/${crypto.randomUUID()}`, { key: null });
		expect(noHeader.json).toEqual({ error: 'Unauthorized', message: 'Authorization header required' });
		const basic = await request(s.url, 'GET', `${f.base}/generations/${crypto.randomUUID()}`, { headers: { authorization: 'Basic abc' } });
		expect(basic.json).toEqual({ error: 'Unauthorized', message: 'Invalid authorization format. Use: Bearer YOUR_API_KEY' });

		const poor = await create(s, name);
		expect(poor.status).toBe(402);
		expect(poor.json).toEqual(f.credits);
		expect(s.generations()).toHaveLength(0);
		expect(s.counters()[name]).toMatchObject({ create: 3, created: 0 });

		const missingId = name === 'kling-o1-photo' ? `photo-${crypto.randomUUID()}` : crypto.randomUUID();
		const nf = await status(s, name, missingId);
		expect(nf.status).toBe(404);
		expect(nf.json).toEqual(f.notFound);
		const slash = await request(s.url, 'GET', `${f.base}/generations/${missingId}/?x=1`);
		expect(slash.status).toBe(307);
		expect(slash.headers.location).toMatch(new RegExp(`${f.base}/generations/${missingId}\\?x=1$`));
	});

	test('pending → processing → completed; the result file streams from the CDN with the right content type', async () => {
		const s = await sim({ timing: { queueMs: 150, processingMs: 300 }, imageSize: 20000, videoSize: 5000 });
		const id = (await create(s, name)).json[f.id];
		expect((await status(s, name, id)).json.status).toBe('pending');
		await s.waitFor(() => s.get(id).status === 'processing', 3000);
		const mid = (await status(s, name, id)).json;
		expect(mid.status).toBe('processing');
		expect(mid[f.result] ?? null).toBeNull();
		await s.waitFor(() => s.get(id).status === 'completed', 3000);
		const done = (await status(s, name, id)).json;
		expect(Object.keys(done).sort()).toEqual([...f.statusKeys].sort());
		expect(done[f.result]).toMatch(new RegExp(`^${s.cdnUrl}/`));
		const file = await download(done[f.result]);
		expect(file.status).toBe(200);
		expect(file.headers['content-type']).toBe(f.contentType);
		expect(file.body.length).toBe(f.contentType.startsWith('image/') ? 20000 : 5000);
		if (f.contentType === 'video/mp4') expect(file.body.toString('latin1', 4, 8)).toBe('ftyp');
		// A real picture whose signature matches the Content-Type, of the fixtures' size.
		if (f.contentType.startsWith('image/')) expect(imageHeader(file.body)).toMatchObject({ format: f.contentType.slice(6), width: 320, height: 180 });
		for (const k of ['created_at', 'completed_at']) {
			if (k in done) expect(done[k]).toMatch(name === 'kling' ? ISO_Z : ISO_PLAIN);
		}
	});

	test('callbacks: documented success and failure payloads; the documented retry schedule, then marked failed', async () => {
		const ok = await receiver();
		// Nano Banana's 5 s answer window would be 10 ms at 0.002; 0.01 keeps it at 50 ms.
		const scale = name === 'nano-banana' ? 0.01 : 0.002;
		const s = await sim({ timing: SLOW, callbacks: { allowHttp: 'loopback', timeScale: scale } });
		const a = (await create(s, name, { callback_url: `${ok.url}/a` })).json[f.id];
		const b = (await create(s, name, { callback_url: `${ok.url}/b` })).json[f.id];
		s.finish(a);
		s.finish(b, { status: 'failed' });
		await s.waitFor(() => ok.received.length === 2, 3000);
		const okBody = ok.received.find((r) => r.url === '/a').body;
		expect(Object.keys(okBody).sort()).toEqual([...f.callbackKeys].sort());
		expect(okBody).toMatchObject({ [f.id]: a, status: 'completed', [f.result]: s.get(a).result_url });
		if ('message' in okBody) expect(okBody.message).toBeNull();
		const failBody = ok.received.find((r) => r.url === '/b').body;
		expect(failBody).toMatchObject({ [f.id]: b, status: 'failed', [f.result]: null, ...f.failure });

		// Every attempt fails: count and spacing follow the family's documented schedule (scaled by 0.002).
		const bad = await receiver({ failFirst: 1000, failStatus: 500 });
		const c = (await create(s, name, { callback_url: `${bad.url}/c` })).json[f.id];
		s.finish(c);
		await s.waitFor(() => s.get(c).webhook?.state === 'failed', 8000);
		expect(bad.received).toHaveLength(f.delays.length + 1);
		const gaps = bad.received.slice(1).map((r, i) => r.at - bad.received[i].at);
		f.delays.forEach((d, i) => expect(gaps[i]).toBeGreaterThanOrEqual(d * scale - 5));
		expect(s.deliveries.filter((d) => d.generation_id === c)).toHaveLength(f.delays.length + 1);
		expect(s.counters()[name].callbacks).toBe(s.deliveries.filter((d) => d.family === name).length);
	});
});

describe('retry windows that differ by family', () => {
	test('Nano Banana expects a 2xx within 5 s (scaled); the linear and exponential schedules are what the pages say', async () => {
		const slow = await receiver({ hang: true });
		const s = await sim({ timing: SLOW, callbacks: { allowHttp: 'loopback', timeScale: 0.02 } });
		const id = (await create(s, 'nano-banana', { callback_url: `${slow.url}/slow` })).json.task_uuid;
		s.finish(id);
		await s.waitFor(() => s.deliveries.length >= 1, 3000);
		const first = s.deliveries[0];
		expect(first.error).toMatch(/timeout after 100 ms/);
		expect(s.callbackOptionsFor('nano-banana')).toMatchObject({ timeoutMs: 5000, retryDelaysMs: [30000, 30000, 30000] });
		expect(s.callbackOptionsFor('sora')).toMatchObject({ timeoutMs: 30000, retryDelaysMs: [30000, 60000, 120000, 240000, 480000] });
		expect(s.callbackOptionsFor('kling').retryDelaysMs).toEqual([30000, 60000, 120000, 240000, 480000]);
		for (const n of ['veo', 'kling-o1-video', 'kling-o3-video', 'chatgpt-images', 'kling-o1-photo', 'kling-o3-photo']) {
			expect(s.callbackOptionsFor(n)).toMatchObject({ retryDelaysMs: [30000, 30000, 30000, 30000], timeoutMs: 30000, connectTimeoutMs: 10000 });
		}
	});

	test('callbacks.families overrides one family only', async () => {
		const s = await sim({ callbacks: { families: { veo: { retryDelaysMs: [1, 2] } } } });
		expect(s.callbackOptionsFor('veo').retryDelaysMs).toEqual([1, 2]);
		expect(s.callbackOptionsFor('kling-o1-video').retryDelaysMs).toEqual([30000, 30000, 30000, 30000]);
		await expect(sim({ callbacks: { families: { veo: { retryDelaysMs: 'x' } } } })).rejects.toThrow(/retryDelaysMs/);
	});
});

describe('Veo', () => {
	test('422 pydantic shapes; 400 codes for images and modes; model or model_type; seed echoed', async () => {
		const s = await sim({ timing: SLOW });
		const short = await post(s, '/v1/veo', { prompt: 'too short' });
		expect(short.status).toBe(422);
		expect(short.json.detail[0]).toMatchObject({ type: 'string_too_short', loc: ['body', 'prompt'] });
		const many = await post(s, '/v1/veo', { prompt: 'a fox in the snow', model: 'veo-4', aspect_ratio: '1:1', seed: -1, watermark_text: 'ab' });
		expect(many.json.detail.map((e) => e.loc[1]).sort()).toEqual(['aspect_ratio', 'model', 'seed', 'watermark_text']);
		const cases = [
			[{ bytes_image: 'not base64!' }, 'INVALID_IMAGE'],
			[{ bytes_image: GIF_B64 }, 'UNSUPPORTED_IMAGE_FORMAT'],
			[{ start_frame: PNG_B64 }, 'start_frame and end_frame are required together'],
			[{ bytes_image: PNG_B64, reference_images: [PNG_B64] }, 'Only one mode per request: bytes_image, start_frame + end_frame, or reference_images'],
			[{ model_type: 'veo-3-quality', reference_images: [PNG_B64] }, 'reference_images are only supported by veo-3-fast'],
		];
		for (const [extra, detail] of cases) {
			const r = await post(s, '/v1/veo', { prompt: 'a fox in the snow', ...extra });
			expect([r.status, r.json]).toEqual([400, { detail }]);
		}
		const big = await post(s, '/v1/veo', { prompt: 'a fox in the snow', bytes_image: Buffer.concat([imageBytes('x', 0, 'jpg'), Buffer.alloc(20 * 1024 * 1024)]).toString('base64') });
		expect(big.json).toEqual({ detail: 'IMAGE_TOO_LARGE' });
		const badId = await status(s, 'veo', 'not-a-uuid');
		expect([badId.status, badId.json]).toEqual([400, { detail: 'INVALID_TASK_ID' }]);
		expect(s.generations()).toHaveLength(0);

		const q = await post(s, '/v1/veo', { prompt: 'a fox in the snow', model_type: 'veo-3-quality', seed: 42, start_frame: PNG_B64, end_frame: JPEG_B64 });
		expect(q.status).toBe(201);
		expect(q.json).toMatchObject({ seed: 42, price: '0.5000' });
		expect(s.get(q.json.generation_id)).toMatchObject({ model: 'veo-3-quality', mode: 'frames' });
		const a = await post(s, '/v1/veo', { prompt: 'a fox in the snow', model: 'veo-3-fast', reference_images: [PNG_B64, JPEG_B64, PNG_B64] });
		expect(a.status).toBe(201);
		expect(s.get(a.json.generation_id).inputs).toHaveLength(3);
		expect(typeof a.json.seed).toBe('number');
		s.configure({ variants: { veoCreate: 'A' } });
		const va = await post(s, '/v1/veo', { prompt: 'a fox in the snow' });
		expect(Object.keys(va.json).sort()).toEqual(['generation_id', 'seed', 'status']);
	});

	test('each documented failure-field variant, in status and callback; TIMEOUT; refund', async () => {
		const rcv = await receiver();
		const s = await sim({ timing: SLOW, callbacks: { allowHttp: 'loopback', timeScale: 0.01 } });
		const want = {
			both: { error: 'PHOTOREAL_UPLOAD', message: 'PHOTOREAL_UPLOAD' },
			error: { error: 'PHOTOREAL_UPLOAD' },
			message: { error: null, message: 'PHOTOREAL_UPLOAD' },
			errorObject: { error: { message: 'PHOTOREAL_UPLOAD' } },
		};
		for (const [variant, fields] of Object.entries(want)) {
			s.configure({ variants: { veoFailure: variant } });
			const id = (await create(s, 'veo', { callback_url: `${rcv.url}/${variant}` })).json.generation_id;
			s.finish(id, { status: 'failed', code: 'PHOTOREAL_UPLOAD' });
			const st = (await status(s, 'veo', id)).json;
			expect(st).toMatchObject({ status: 'failed', video_url: null, ...fields });
			if (!('message' in fields)) expect(st).not.toHaveProperty('message');
			await s.waitFor(() => rcv.received.some((r) => r.url === `/${variant}`), 2000);
			expect(rcv.received.find((r) => r.url === `/${variant}`).body).toEqual(st);
		}
		s.configure({ variants: { veoFailure: 'both' } });
		const t = (await create(s, 'veo')).json.generation_id;
		const before = s.balance;
		s.finish(t, { status: 'failed', code: 'TIMEOUT' });
		expect((await status(s, 'veo', t)).json.error).toBe('TIMEOUT');
		expect(s.balance).toBeCloseTo(before + 0.25, 6);
		expect(s.get(t).refunded).toBe(true);
	});
});

describe('Kling main', () => {
	test('every documented model id; duration int 3–15 for kling_3*, "5"/"10" otherwise; "Validation error: …" shapes', async () => {
		const s = await sim({ timing: SLOW, balance: 1000 });
		const models = ['kling_3', 'kling_3_pro', 'kling_3_motion', 'kling_3_motion_pro', 'kling_2.6_motion', 'kling_2.6_motion_pro', 'kling_2.6', 'kling_2.5_turbo', 'kling_2.5_turbo_pro', 'kling_2.1', 'kling_2.1_pro', 'kling_2.1_master', 'kling_1.6', 'kling_1.6_pro'];
		for (const model of models) {
			const perSecond = model === 'kling_3' || model === 'kling_3_pro';
			const r = await post(s, '/v1/kling', { prompt: 'p', model, duration: perSecond ? 7 : '10', image_url: 'https://example.com/a.png' });
			expect([model, r.status]).toEqual([model, 201]);
			const st = (await status(s, 'kling', r.json.generation_id)).json;
			expect(st.duration).toBe(perSecond ? '7' : '10');
			expect(st.version).toBe(model.replace(/^kling_/, '').split('_')[0].replace(/^3$/, '3.0'));
			// [3rd-party]: Motion Control answers "price": "calculating".
			expect(r.json.price).toEqual(model.includes('motion') ? 'calculating' : expect.stringMatching(/^\d+\.\d{4}$/));
		}
		const dflt = await post(s, '/v1/kling', { prompt: 'p' });
		expect(s.get(dflt.json.generation_id)).toMatchObject({ model: 'kling_2.5_turbo', duration: '5' });
		const cases = [
			[{}, 'prompt is required'],
			[{ prompt: 'p', model: 'kling_9' }, expect.stringMatching(/^model must be one of kling_3, /)],
			[{ prompt: 'p', model: 'kling_3', duration: '5' }, 'duration must be an integer from 3 to 15 for kling_3'],
			[{ prompt: 'p', model: 'kling_3_pro', duration: 16 }, 'duration must be an integer from 3 to 15 for kling_3_pro'],
			[{ prompt: 'p', duration: 5 }, 'duration must be "5" or "10"'],
			[{ prompt: 'p', aspect_ratio: '4:3' }, 'aspect_ratio must be one of 16:9, 9:16, 1:1'],
			[{ prompt: 'x'.repeat(2501) }, 'prompt must be at most 2500 characters'],
			[{ prompt: 'p', model: 'kling_2.1_pro' }, 'kling_2.1_pro supports image-to-video only'],
			[{ prompt: 'p', model: 'kling_2.6', negative_prompt: 'blur' }, 'negative_prompt is not supported by kling_2.6'],
			[{ prompt: 'p', model: 'kling_2.5_turbo', cfg_scale: 0.5 }, 'cfg_scale is not supported by kling_2.5_turbo'],
			[{ prompt: 'p', model: 'kling_1.6', cfg_scale: 1.5 }, 'cfg_scale must be a number from 0 to 1'],
			[{ prompt: 'p', seed: 2147483648 }, 'seed must be an integer from 0 to 2147483647'],
		];
		for (const [body, msg] of cases) {
			const r = await post(s, '/v1/kling', body);
			expect([r.status, r.json]).toEqual([422, { detail: typeof msg === 'string' ? `Validation error: ${msg}` : expect.anything() }]);
			if (typeof msg !== 'string') expect(r.json.detail.replace('Validation error: ', '')).toEqual(msg);
		}
		const both = await post(s, '/v1/kling', { prompt: 'p', image_url: 'https://example.com/a.png', image_base64: PNG_B64 });
		expect([both.status, both.json]).toEqual([400, { detail: 'Cannot provide both image_base64 and image_url' }]);
		// Unconfirmed keys (motion references, …) are accepted and visible to tests.
		const motion = await post(s, '/v1/kling', { prompt: 'p', model: 'kling_3_motion', motion_video_url: 'https://example.com/m.mp4', image_url: 'https://example.com/a.png' });
		expect(s.get(motion.json.generation_id).request).toMatchObject({ motion_video_url: 'https://example.com/m.mp4' });
		const ok16 = await post(s, '/v1/kling', { prompt: 'p', model: 'kling_1.6', cfg_scale: 0.5, negative_prompt: 'blur', seed: 7 });
		expect(ok16.status).toBe(201);
	});

	test('failure field variants: error in status + message in callback (default), or one field, or none', async () => {
		const rcv = await receiver();
		const s = await sim({ timing: SLOW, callbacks: { allowHttp: 'loopback', timeScale: 0.01 } });
		for (const [variant, inStatus, inCallback] of [
			['default', { error: 'TIMEOUT' }, { message: 'TIMEOUT' }],
			['error', { error: 'TIMEOUT' }, { error: 'TIMEOUT' }],
			['message', { message: 'TIMEOUT' }, { message: 'TIMEOUT' }],
			['none', {}, {}],
		]) {
			s.configure({ variants: { klingFailure: variant } });
			const id = (await create(s, 'kling', { callback_url: `${rcv.url}/${variant}` })).json.generation_id;
			s.finish(id, { status: 'failed', code: 'TIMEOUT' });
			const st = (await status(s, 'kling', id)).json;
			expect(st).toEqual({ generation_id: id, status: 'failed', prompt: 'a fox in the snow', video_url: null, created_at: expect.stringMatching(ISO_Z), completed_at: expect.stringMatching(ISO_Z), version: '2.5', duration: '5', ...inStatus });
			await s.waitFor(() => rcv.received.some((r) => r.url === `/${variant}`), 2000);
			expect(rcv.received.find((r) => r.url === `/${variant}`).body).toEqual({ generation_id: id, status: 'failed', video_url: null, completed_at: st.completed_at, ...inCallback });
		}
		expect(s.generations().every((g) => g.refunded)).toBe(true);
	});
});

describe('Kling O1 and O3 video', () => {
	test('O1: duration and aspect_ratio required; images_urls (documented) and images_url (O3 spelling) both accepted; ≤ 5 images', async () => {
		const s = await sim({ timing: SLOW });
		const missing = await post(s, '/v1/kling/o1-video', { prompt: 'p' });
		expect(missing.status).toBe(422);
		expect(missing.json.detail.map((e) => [e.type, e.loc[1]])).toEqual([
			['missing', 'duration'],
			['missing', 'aspect_ratio'],
		]);
		const t2v3 = await post(s, '/v1/kling/o1-video', { prompt: 'p', duration: '3', aspect_ratio: '1:1' });
		expect(t2v3.status).toBe(400);
		for (const field of ['images_urls', 'images_url']) {
			const r = await post(s, '/v1/kling/o1-video', { prompt: 'p', duration: '3', aspect_ratio: '9:16', [field]: ['https://example.com/a.png'] });
			expect(r.status).toBe(201);
			expect(s.get(r.json.generation_id).inputs).toEqual([{ kind: 'url', url: 'https://example.com/a.png' }]);
		}
		const six = await post(s, '/v1/kling/o1-video', { prompt: 'p', duration: '5', aspect_ratio: '1:1', images_urls: ['https://e.com/1', 'https://e.com/2', 'https://e.com/3'], images_base64: [PNG_B64, PNG_B64, JPEG_B64] });
		expect([six.status, six.json]).toEqual([400, { detail: 'Maximum 5 images allowed, got 6' }]);
		const mixed = await post(s, '/v1/kling/o1-video', { prompt: 'p', duration: '10', aspect_ratio: '1:1', images_urls: ['https://e.com/1'], images_base64: [PNG_B64], keep_original_sound: false });
		expect(mixed.status).toBe(201);
		const fail = mixed.json.generation_id;
		s.finish(fail, { status: 'failed', code: 'TIMEOUT' });
		expect((await status(s, 'kling-o1-video', fail)).json).toEqual({ generation_id: fail, status: 'failed', prompt: 'p', video_url: null, model: 'kling_o1_video', message: 'TIMEOUT' });
		expect(s.get(fail).refunded).toBe(true);
	});

	test('O3: images_url / images_urls, MIXED_IMAGE_INPUTS, TOO_MANY_IMAGES, INVALID_DURATION, INVALID_MODEL, mode "pro", model names', async () => {
		const s = await sim({ timing: SLOW });
		const cases = [
			[{ images_url: ['https://e.com/1'], images_base64: [PNG_B64] }, 'MIXED_IMAGE_INPUTS'],
			[{ images_url: Array.from({ length: 6 }, (_, i) => `https://e.com/${i}`) }, 'Maximum 5 images allowed, got 6'],
			[{ duration: '7' }, 'Duration must be 5, 10, or 15 seconds'],
			[{ model: 'kling_o9' }, 'INVALID_MODEL'],
			[{ images_base64: ['%%%'] }, 'INVALID_IMAGE'],
		];
		for (const [extra, detail] of cases) {
			const r = await post(s, '/v1/kling/o3-video', { prompt: 'p', ...extra });
			expect([r.status, r.json]).toEqual([400, { detail }]);
		}
		const gif = await post(s, '/v1/kling/o3-video', { prompt: 'p', images_base64: [GIF_B64] });
		expect(gif.status).toBe(201);
		const variants = [
			[{}, 'kling-o3-video-5s'],
			[{ duration: '10', model: 'kling_o3_pro' }, 'kling-o3-video-10s-pro'],
			[{ duration: '15', mode: 'pro', images_urls: ['https://e.com/1'] }, 'kling-o3-video-15s-pro'],
			[{ duration: '10', images_url: ['https://e.com/1'] }, 'kling-o3-video-10s'],
		];
		for (const [extra, model] of variants) {
			const r = await post(s, '/v1/kling/o3-video', { prompt: 'p', ...extra });
			expect(r.status).toBe(201);
			expect((await status(s, 'kling-o3-video', r.json.generation_id)).json.model).toBe(model);
		}
		// The status object has no failure field ("see webhook").
		const id = (await post(s, '/v1/kling/o3-video', { prompt: 'p' })).json.generation_id;
		s.finish(id, { status: 'failed' });
		expect((await status(s, 'kling-o3-video', id)).json).toEqual({ generation_id: id, status: 'failed', prompt: 'p', video_url: null, model: 'kling-o3-video-5s' });
		expect(s.get(id).callback_payload).toEqual({ generation_id: id, status: 'failed', video_url: null, model: 'kling-o3-video-5s', message: 'CONTENT_POLICY_VIOLATION' });
	});
});

describe('image families', () => {
	test('Nano Banana: models, image limits per model (URL or data-URI), list with default 50 and bounds', async () => {
		const s = await sim({ timing: SLOW, balance: 1000 });
		const dataUri = `data:image/png;base64,${PNG_B64}`;
		const five = Array.from({ length: 5 }, () => 'https://e.com/a.png');
		expect((await post(s, '/v1/gemini', { prompt: 'p', images: five })).json).toEqual({ detail: 'Maximum 4 images allowed for model standard, got 5' });
		expect((await post(s, '/v1/gemini', { prompt: 'p', model: 'pro', images: [...five, dataUri, dataUri, dataUri] })).status).toBe(201);
		expect((await post(s, '/v1/gemini', { prompt: 'p', model: 'v2', images: [...five, dataUri, dataUri, dataUri, dataUri] })).status).toBe(400);
		expect((await post(s, '/v1/gemini', { prompt: 'p', images: ['ftp://x'] })).json).toEqual({ detail: 'Invalid image format' });
		const bad = await post(s, '/v1/gemini', { prompt: '', model: 'ultra', temperature: 2, aspect_ratio: '7:3', quality: '8k' });
		expect(bad.status).toBe(422);
		expect(bad.json.detail.map((e) => e.loc[1]).sort()).toEqual(['aspect_ratio', 'model', 'prompt', 'quality', 'temperature']);
		for (const model of ['standard', 'pro', 'v2', 'v2_lite', 'pro_vip', 'v2_vip']) {
			const r = await post(s, '/v1/gemini', { prompt: `m ${model}`, model, quality: '4k', aspect_ratio: '21:9', temperature: 0 });
			expect(r.status).toBe(201);
			expect(Object.keys(r.json).sort()).toEqual(['price', 'status', 'task_uuid']);
		}
		for (let i = 0; i < 55; i++) await post(s, '/v1/gemini', { prompt: `n${i}` });
		const list = await request(s.url, 'GET', '/v1/gemini/generations');
		expect(list.status).toBe(200);
		expect(list.json).toHaveLength(50);
		expect(list.json[0]).toEqual({ task_uuid: expect.any(String), status: 'pending', prompt: 'n54', result_image_url: null, message: null });
		expect((await request(s.url, 'GET', '/v1/gemini/generations?limit=3&offset=1')).json.map((g) => g.prompt)).toEqual(['n53', 'n52', 'n51']);
		expect((await request(s.url, 'GET', '/v1/gemini/generations?limit=101')).status).toBe(422);
		// No list is documented for the other new families.
		for (const base of ['/v1/veo', '/v1/kling', '/v1/kling/o1-video', '/v1/kling/o3-video', '/v1/chatgpt-images', '/v1/kling/o1-photo', '/v1/kling/o3-photo']) {
			expect((await request(s.url, 'GET', `${base}/generations`)).status).toBe(404);
		}
		expect(s.counters()['nano-banana'].list).toBe(3);
	});

	test('ChatGPT Images: up to 4 images as URL, data-URI or bare base64 (JPEG); bad images → 400 "Invalid image format"', async () => {
		const s = await sim({ timing: SLOW });
		const ok = await post(s, '/v1/chatgpt-images', { prompt: 'p', aspect_ratio: '4:3', images: ['https://e.com/a.png', `data:image/png;base64,${PNG_B64}`, JPEG_B64], model: 'chatgpt-2.5', quality: 'flare', background: 'transparent' });
		expect(ok.status).toBe(201);
		expect(s.get(ok.json.task_uuid).inputs.map((i) => i.kind)).toEqual(['url', 'base64', 'base64']);
		expect((await post(s, '/v1/chatgpt-images', { prompt: 'p', images: ['bm90IGFuIGltYWdl'] })).json).toEqual({ detail: 'Invalid image format' });
		expect((await post(s, '/v1/chatgpt-images', { prompt: 'p', images: Array(5).fill('https://e.com/a.png') })).status).toBe(400);
		expect((await post(s, '/v1/chatgpt-images', { prompt: 'p', aspect_ratio: '16:9' })).status).toBe(422);
		const id = ok.json.task_uuid;
		const before = s.balance;
		s.finish(id, { status: 'failed' });
		expect((await status(s, 'chatgpt-images', id)).json).toMatchObject({ status: 'failed', result_image_url: null, message: 'OPENAI_DECLINED' });
		expect(s.balance).toBeCloseTo(before + 0.0123, 6);
	});

	test('Kling O1 Photo and O3 Photo: image counts, mixing, resolutions, aspect ratios, multi-shots, prices', async () => {
		const s = await sim({ timing: SLOW });
		const o1 = [
			[{ images_url: Array(3).fill('https://e.com/a'), images_base64: Array(3).fill(PNG_B64) }, 400],
			[{ img_resolution: '4k' }, 422],
			[{ aspect_ratio: 'auto' }, 422],
			[{ images_url: ['https://e.com/a'], images_base64: [JPEG_B64], img_resolution: '1k', aspect_ratio: '21:9' }, 201],
			[{ images_urls: ['https://e.com/a'] }, 201],
		];
		for (const [extra, code] of o1) expect((await post(s, '/v1/kling/o1-photo', { prompt: 'p', ...extra })).status).toBe(code);
		const o3 = [
			[{ images_url: ['https://e.com/a'], images_base64: [PNG_B64] }, 400, { detail: 'MIXED_IMAGE_INPUTS' }],
			[{ images_url: Array(11).fill('https://e.com/a') }, 400, { detail: 'Maximum 10 images allowed, got 11' }],
			[{ img_resolution: '8k' }, 400, { detail: 'INVALID_RESOLUTION' }],
			[{ images_base64: ['nope'] }, 400, { detail: 'INVALID_IMAGE' }],
		];
		for (const [extra, code, body] of o3) {
			const r = await post(s, '/v1/kling/o3-photo', { prompt: 'p', ...extra });
			expect([r.status, r.json]).toEqual([code, body]);
		}
		const prices = [];
		for (const img_resolution of ['1k', '2k', '4k']) {
			const r = await post(s, '/v1/kling/o3-photo', { prompt: 'p', img_resolution, aspect_ratio: 'auto', prefer_multi_shots: true, images_url: Array(10).fill('https://e.com/a') });
			expect(r.status).toBe(201);
			prices.push(r.json.price);
		}
		expect(prices[2]).toBe('0.0500');
		expect(new Set(prices).size).toBe(3);
	});
});

describe('faults, finishing and counters across families', () => {
	test('429/5xx on create and a hanging status request, scoped by path; duplicate creates are visible in counters', async () => {
		const s = await sim({ timing: SLOW });
		s.injectFaults([
			{ status: 429, path: '/v1/kling/o3-video/generate', retryAfter: 2 },
			{ status: 503, path: '/v1/gemini/generate' },
			{ hang: true, method: 'GET', path: /^\/v1\/veo\/generations\// },
			{ status: 500, path: '/v1/kling/o1-video/generate', phase: 'after' },
		]);
		const r429 = await create(s, 'kling-o3-video');
		expect([r429.status, r429.headers['retry-after']]).toEqual([429, '2']);
		expect((await create(s, 'nano-banana')).status).toBe(503);
		const charged = await create(s, 'kling-o1-video');
		expect(charged.status).toBe(500);
		expect(s.generations({ family: 'kling-o1-video' })).toHaveLength(1); // created and charged, then the answer failed
		await create(s, 'kling-o1-video');
		expect(s.counters()['kling-o1-video']).toMatchObject({ create: 2, created: 2 });
		expect(s.counters()['kling-o3-video']).toMatchObject({ create: 1, created: 0 });

		const id = (await create(s, 'veo')).json.generation_id;
		const ac = new AbortController();
		const pending = fetch(`${s.url}/v1/veo/generations/${id}`, { headers: { authorization: `Bearer ${KEY}` }, signal: ac.signal }).catch((e) => e);
		await s.waitFor(() => s.requests.some((r) => r.hung), 2000);
		await sleep(200);
		ac.abort();
		expect((await pending).name).toBe('AbortError');
		expect(s.requests.find((r) => r.hung)).toMatchObject({ family: 'veo', status: null });
		expect((await status(s, 'veo', id)).status).toBe(200); // the fault was used up
	});

	test('callback faults (drop, dropAttempts, duplicate, delay) apply to every family; finishAll per family', async () => {
		const rcv = await receiver();
		const s = await sim({
			timing: SLOW,
			// This test is about faults, not answer windows: Nano Banana gets Sora's 30 s (300 ms here) instead of 5 s.
			callbacks: { allowHttp: 'loopback', timeScale: 0.01, families: { 'nano-banana': { timeoutMs: 30000 } } },
			callbackFaults: (rec) => ({ veo: { duplicate: 2 }, 'nano-banana': { dropAttempts: 1 }, 'kling-o1-photo': { drop: true }, 'chatgpt-images': { delayMs: 200 } })[rec.family] || null,
		});
		const ids = {};
		for (const name of ['veo', 'nano-banana', 'kling-o1-photo', 'chatgpt-images', 'kling-o3-photo']) {
			ids[name] = (await create(s, name, { callback_url: `${rcv.url}/${name}` })).json[FAMILIES[name].id];
		}
		const t0 = Date.now();
		expect(s.finishAll({ family: 'veo' }).map((g) => g.id)).toEqual([ids.veo]);
		expect(s.finishAll({ status: 'failed', code: 'MODERATION_FAILED' })).toHaveLength(4);
		await s.waitFor(() => rcv.received.filter((r) => r.url === '/veo').length >= 3 && rcv.received.some((r) => r.url === '/chatgpt-images') && rcv.received.some((r) => r.url === '/nano-banana') && s.deliveries.filter((d) => d.family === 'nano-banana').length >= 2, 5000);
		expect(rcv.received.find((r) => r.url === '/chatgpt-images').at - t0).toBeGreaterThanOrEqual(190);
		expect(s.deliveries.filter((d) => d.family === 'nano-banana').map((d) => [d.attempt, Boolean(d.dropped)])).toEqual([
			[1, true],
			[2, false],
		]);
		expect(rcv.received.find((r) => r.url === '/nano-banana').body).toEqual({ task_uuid: ids['nano-banana'], status: 'failed', result_image_url: null, message: 'MODERATION_FAILED' });
		expect(s.get(ids['kling-o1-photo']).webhook.state).toBe('dropped');
		expect(rcv.received.find((r) => r.url === '/kling-o3-photo').body).toMatchObject({ status: 'failed', message: 'MODERATION_FAILED' });
		expect(s.deliveries.filter((d) => d.family === 'veo' && d.duplicate)).toHaveLength(2);
		expect(s.counters().veo.callbacks).toBe(s.deliveries.filter((d) => d.family === 'veo').length);
	});

	test('transient failures: a matching prompt fails its first generations of a family, then completes; refunds per family', async () => {
		const s = await sim({ timing: FAST, outcome: { failPromptsMatching: 'refuse', transient: { promptsMatching: 'flaky', failures: 2 } } });
		const ids = [];
		for (let i = 0; i < 3; i++) {
			ids.push((await post(s, '/v1/sora', { prompt: 'a flaky boat' })).json.generation_id);
			await s.waitFor(() => ['completed', 'failed'].includes(s.get(ids[i]).status), 3000);
		}
		expect(ids.map((id) => s.get(id).status)).toEqual(['failed', 'failed', 'completed']);
		expect(s.get(ids[0]).error_message).toBe('Generation failed: upstream error');
		const o3 = (await post(s, '/v1/kling/o3-video', { prompt: 'a flaky boat' })).json.generation_id;
		const refused = (await post(s, '/v1/kling/o3-video', { prompt: 'refuse flaky' })).json.generation_id;
		await s.waitFor(() => s.get(o3).status === 'failed' && s.get(refused).status === 'failed', 3000);
		// Counted per family; the permanent failure comes first and stays.
		expect(s.get(o3)).toMatchObject({ failure: 'TASK_FAILED', refunded: true });
		expect(s.get(refused).failure).not.toBe('TASK_FAILED');
		expect(s.get(ids[0]).refunded).toBe(false); // Sora: no documented refund
	});

	test('outcome option and finish() over HTTP work per family; state() carries counters', async () => {
		const s = await sim({ timing: FAST, outcome: { failPromptsMatching: 'doom', errorCode: 'NON_ENGLISH_PROMPT' } });
		const a = (await post(s, '/v1/veo', { prompt: 'doom and gloom here' })).json.generation_id;
		const b = (await post(s, '/v1/sora', { prompt: 'doom' })).json.generation_id;
		await s.waitFor(() => s.get(a).status === 'failed' && s.get(b).status === 'failed', 3000);
		expect(s.get(a).failure).toBe('NON_ENGLISH_PROMPT');
		// Sora has no codes: its error_message takes the given text (errorMessage, else the code).
		expect(s.get(b).error_message).toBe('NON_ENGLISH_PROMPT');

		s.configure({ timing: SLOW });
		const c = (await create(s, 'kling-o3-photo')).json.generation_id;
		const fin = await request(s.url, 'POST', `/_sim/generations/${c}/finish`, { body: { status: 'failed', code: 'INVALID_IMAGE' } });
		expect(fin.status).toBe(200);
		expect(fin.json).toMatchObject({ family: 'kling-o3-photo', status: 'failed', message: 'INVALID_IMAGE' });
		const d = (await create(s, 'kling-o3-video')).json.generation_id;
		await create(s, 'kling-o1-photo');
		const all = await request(s.url, 'POST', '/_sim/finish-all', { body: { family: 'kling-o3-video', status: 'failed', code: 'TIMEOUT' } });
		expect(all.json.map((g) => [g.id, g.status, g.failure])).toEqual([[d, 'failed', 'TIMEOUT']]);
		expect(s.generations({ family: 'kling-o1-photo' })[0].status).toBe('pending');
		const state = (await request(s.url, 'GET', '/_sim/state')).json;
		expect(state.counters.veo).toMatchObject({ create: 1, created: 1 });
		expect(state.counters['kling-o3-photo']).toMatchObject({ create: 1, created: 1 });
	});
});

describe('image files', () => {
	/** @param {Buffer} buf @returns {{type: string, data: Buffer, crcOk: boolean}[]} */
	function pngChunks(buf) {
		const out = [];
		for (let off = 8; off < buf.length; ) {
			const len = buf.readUInt32BE(off);
			const type = buf.toString('latin1', off + 4, off + 8);
			const data = buf.subarray(off + 8, off + 8 + len);
			const crc = buf.readUInt32BE(off + 8 + len);
			out.push({ type, data, crcOk: crc === crc32Ref(buf.subarray(off + 4, off + 8 + len)) });
			off += 12 + len;
		}
		return out;
	}
	/** Bitwise CRC-32 (independent of the simulator's table version). @param {Buffer} b */
	function crc32Ref(b) {
		let c = ~0;
		for (const x of b) {
			c ^= x;
			for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
		}
		return ~c >>> 0;
	}

	const fixture = (/** @type {string} */ name) => require('node:fs').readFileSync(require('node:path').join(__dirname, '../simulator/media', name));

	test('PNG: the 320x180 fixture\'s chunks (CRCs valid, RGB pixels that inflate), padding in one private ancillary chunk, exact size', () => {
		const picture = pngChunks(fixture('picture.png'));
		for (const size of [0, 100, 5000, 300000]) {
			const buf = imageBytes('abc', size, 'png');
			expect(buf.length).toBe(Math.max(size, fixture('picture.png').length + 12 + 32));
			const chunks = pngChunks(buf);
			expect(chunks.every((c) => c.crcOk)).toBe(true);
			expect(chunks[0].type).toBe('IHDR');
			expect(chunks[0].data).toEqual(Buffer.from([0, 0, 1, 64, 0, 0, 0, 180, 8, 2, 0, 0, 0]));
			expect(chunks[chunks.length - 1].type).toBe('IEND');
			const pixels = require('node:zlib').inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
			expect(pixels.length).toBe(180 * (1 + 320 * 3));
			const extra = chunks.filter((c) => !picture.some((p) => p.type === c.type));
			expect(extra.map((c) => c.type)).toEqual(['rbPd']);
			expect(extra[0].type.charCodeAt(0) & 0x20).toBe(0x20); // ancillary: decoders skip it
			expect(extra[0].type.charCodeAt(1) & 0x20).toBe(0x20); // private
			expect(chunks.filter((c) => c.type !== 'rbPd').map((c) => c.data)).toEqual(picture.map((c) => c.data));
		}
	});

	test('JPEG: the 320x180 fixture with COM padding segments after APP0; well-formed segments, one frame, scan, EOI; exact size', () => {
		const picture = fixture('picture.jpg');
		for (const size of [0, 100, 70000, 200003]) {
			const buf = imageBytes('abc', size, 'jpg');
			expect(buf.length).toBe(Math.max(size, picture.length + 4 + 32));
			expect(buf.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
			const markers = [];
			const kept = [buf.subarray(0, 2)];
			let off = 2;
			while (buf[off + 1] !== 0xda) {
				expect(buf[off]).toBe(0xff);
				const marker = buf[off + 1];
				const end = off + 2 + buf.readUInt16BE(off + 2);
				markers.push(marker);
				if (marker !== 0xfe) kept.push(buf.subarray(off, end));
				off = end;
			}
			kept.push(buf.subarray(off));
			// Entropy-coded data: every 0xFF is stuffed (FF 00) or a restart marker, up to the final EOI.
			const scan = buf.subarray(off + 2 + buf.readUInt16BE(off + 2), -2);
			for (let i = scan.indexOf(0xff); i !== -1; i = scan.indexOf(0xff, i + 1)) expect(scan[i + 1] === 0 || (scan[i + 1] >= 0xd0 && scan[i + 1] <= 0xd7)).toBe(true);
			expect(buf.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
			expect(markers[0]).toBe(0xe0); // JFIF's APP0 stays first
			expect(markers.filter((m) => m !== 0xfe)).toEqual([0xe0, 0xdb, 0xc4, 0xc0]);
			expect(markers.filter((m) => m === 0xfe).length).toBe(Math.ceil((buf.length - picture.length) / 65537));
			expect(Buffer.concat(kept).equals(picture)).toBe(true); // without the padding: the fixture, byte for byte
			expect(imageHeader(buf)).toMatchObject({ format: 'jpeg', width: 320, height: 180 });
		}
	});

	test('WEBP: extended form (VP8X canvas = the VP8 frame), the fixture\'s VP8 chunk unchanged, one padding chunk; even sizes', () => {
		const picture = fixture('picture.webp');
		expect(imageHeader(picture)).toEqual({ format: 'webp', width: 320, height: 180, webpChunks: ['VP8 '] });
		for (const size of [0, 100, 5000, 70001, 200000]) {
			const buf = imageBytes('abc', size, 'webp');
			const smallest = picture.length + 18 + 8 + 32;
			expect(buf.length).toBe(Math.max(size + (size % 2), smallest));
			expect(imageHeader(buf)).toEqual({ format: 'webp', width: 320, height: 180, webpChunks: ['VP8X', 'VP8 ', 'rbPd'] });
			expect(buf[20]).toBe(0); // VP8X flags: no alpha, animation or metadata
			expect(buf.subarray(30, 30 + picture.length - 12).equals(picture.subarray(12))).toBe(true);
		}
	});

	test('each id gets its own file; the same id always the same bytes', () => {
		for (const ext of /** @type {const} */ (['png', 'jpg', 'webp'])) {
			expect(imageBytes('a', 0, ext).equals(imageBytes('b', 0, ext))).toBe(false);
			expect(imageBytes('a', 20000, ext).equals(imageBytes('a', 20000, ext))).toBe(true);
		}
	});

	test('the CDN serves each image family\'s picture with the Content-Type of its signature: PNG, WEBP, JPEG', async () => {
		const s = await sim({ timing: FAST });
		/** @type {Record<string, string>} */
		const served = {};
		for (const name of ['nano-banana', 'chatgpt-images', 'kling-o1-photo', 'kling-o3-photo']) {
			const id = (await create(s, name)).json[FAMILIES[name].id];
			await s.waitFor(() => s.get(id).status === 'completed', 3000);
			const file = await download(s.get(id).result_url);
			expect(file.status).toBe(200);
			const header = imageHeader(file.body);
			expect(file.headers['content-type']).toBe(`image/${header.format}`);
			expect(file.body.length).toBe(64 * 1024); // the default imageSize
			expect(header).toMatchObject({ width: 320, height: 180 });
			expect(s.get(id).result_url.endsWith(`.${header.format === 'jpeg' ? 'jpg' : header.format}`)).toBe(true);
			served[name] = header.format;
		}
		expect(served).toEqual({ 'nano-banana': 'png', 'chatgpt-images': 'webp', 'kling-o1-photo': 'jpeg', 'kling-o3-photo': 'jpeg' });
	});
});

describe('cli', () => {
	test('--image-size, --error-code and repeatable --variant reach the options; a bad variant is refused at start', async () => {
		const { optionsFromArgs } = require('../simulator/cli');
		expect(optionsFromArgs(['--job-timeout-scale', '0']).options).toEqual({ jobTimeoutScale: 0 });
		const r = optionsFromArgs(['--image-size', '2048', '--error-code', 'TIMEOUT', '--fail-prompts', 'x', '--variant', 'veoFailure=message', '--variant', 'authError=error']);
		expect(r).toMatchObject({ help: false, options: { imageSize: 2048, outcome: { errorCode: 'TIMEOUT', failPromptsMatching: 'x' }, variants: { veoFailure: 'message', authError: 'error' } } });
		expect(() => optionsFromArgs(['--variant', 'nonsense'])).toThrow(/name=value/);
		await expect(sim({ variants: { veoFailure: 'maybe' } })).rejects.toThrow(/veoFailure/);
	});
});

describe('hard timeouts', () => {
	test('Veo (10 min) and the Kling families (15 min) fail with TIMEOUT when unfinished by then (scaled); Sora and the task_uuid families never do', async () => {
		const rcv = await receiver();
		// 10 min × 0.0001 = 60 ms; 15 min × 0.0001 = 90 ms.
		const s = await sim({ timing: { queueMs: 0, processingMs: 60000 }, jobTimeoutScale: 0.0001, callbacks: { allowHttp: 'loopback', timeScale: 0.01 } });
		const ids = {};
		for (const name of ['veo', 'kling', 'kling-o1-video', 'kling-o3-video', 'kling-o1-photo', 'kling-o3-photo', 'nano-banana', 'chatgpt-images']) {
			ids[name] = (await create(s, name, { callback_url: `${rcv.url}/${name}` })).json[FAMILIES[name].id];
		}
		const sora = (await request(s.url, 'POST', '/v1/sora/generate', { body: { prompt: 'p' } })).json.generation_id;
		const timedOut = ['veo', 'kling', 'kling-o1-video', 'kling-o3-video', 'kling-o1-photo', 'kling-o3-photo'];
		await s.waitFor(() => timedOut.every((n) => s.get(ids[n]).status === 'failed'), 3000);
		for (const n of timedOut) expect([n, s.get(ids[n]).failure]).toEqual([n, 'TIMEOUT']);
		expect(s.get(ids.veo).completed_at).toBeTruthy();
		expect(s.get(ids['kling-o1-video']).refunded).toBe(true);
		await s.waitFor(() => rcv.received.some((r) => r.url === '/kling-o3-video'), 2000);
		expect(rcv.received.find((r) => r.url === '/kling-o3-video').body).toMatchObject({ status: 'failed', video_url: null, message: 'TIMEOUT' });
		for (const id of [ids['nano-banana'], ids['chatgpt-images'], sora]) expect(s.get(id).status).toBe('processing');

		// A job that finishes in time completes; scale 0 turns hard timeouts off.
		s.configure({ timing: { queueMs: 0, processingMs: 20 } });
		const quick = (await create(s, 'veo')).json.generation_id;
		await s.waitFor(() => s.get(quick).status === 'completed', 2000);
		s.configure({ timing: { queueMs: 0, processingMs: 300 }, jobTimeoutScale: 0 });
		const off = (await create(s, 'veo')).json.generation_id;
		await s.waitFor(() => s.get(off).status === 'completed', 2000);
		// Pending longer than the limit: fails straight from pending.
		s.configure({ timing: { queueMs: 60000, processingMs: 0 }, jobTimeoutScale: 0.0001 });
		const queued = (await create(s, 'kling')).json.generation_id;
		await s.waitFor(() => s.get(queued).status === 'failed', 2000);
		expect(s.get(queued)).toMatchObject({ failure: 'TIMEOUT', processing_started_at: null });
	});
});
