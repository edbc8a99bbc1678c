/**
 * RunBlob Trigger with the RunBlob simulator as RunBlob's API and CDN (real HTTP on loopback):
 * - "Verify With RunBlob API": RunBlob's own record wins; disagreeing callbacks get 409 and release their claim;
 *   RunBlob unreachable → 503 (RunBlob retries later); unknown generation → 400.
 * - "Download Video": RunBlob gets its 200 before the download starts; the stored bytes are the CDN's; the API key
 *   never goes to the CDN.
 */
import { randomUUID } from 'node:crypto';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { RunBlobTrigger } from '../../nodes/RunBlobTrigger/RunBlobTrigger.node';
import { ANSWER_BUDGET } from '../../nodes/shared/callbackContract';
import { getN8nRuntime, runWebhook } from '../helpers/n8n';
import { createSimulator, videoSha256 } from '../simulator';
import {
	closedPort,
	completedPayload,
	createGeneration,
	credentialTypes,
	failedPayload,
	jsonRequest,
	normalised,
	triggerItem,
	recordResponses,
	runBlobCredential,
	sha256,
	triggerPath,
	useFastRetries,
	useShortAnswerBudget,
	type Payload,
	watchAnswerBeforeStore,
} from './callbackFixtures';
import { forgetDeliveries, forgetWebhookSettings } from '../helpers/processMemory';

// Every test builds its own credential under the same id: forget the per-process copy (settingsCache.ts) as an edit
// of the credential followed by its cache lapsing would.
beforeEach(() => forgetWebhookSettings());

type Sim = Awaited<ReturnType<typeof createSimulator>>;

const VIDEO_SIZE = 256 * 1024 + 17;
const OTHER_KEY = 'sk-sim-other-key';
let sim: Sim;

useFastRetries();
useShortAnswerBudget();

beforeAll(async () => {
	sim = await createSimulator({
		apiKeys: ['sk-sim-test-key', OTHER_KEY],
		// Generations stay "processing" until a test finishes them.
		timing: { queueMs: 0, processingMs: 3_600_000 },
		videoSize: VIDEO_SIZE,
	});
});
afterAll(async () => {
	await sim.close();
});
beforeEach(() => {
	forgetDeliveries();
	sim.faultQueue.clear();
});

function trigger(options: INodeParameters, baseUrl = sim.url) {
	const identity = { workflowId: `wf-${randomUUID()}`, nodeId: randomUUID(), webhookId: randomUUID() };
	const staticData: IDataObject = {};
	const deliver = async (body: Payload) =>
		await runWebhook({
			nodeType: new RunBlobTrigger(),
			parameters: { events: ['completed', 'failed'], options },
			credentials: runBlobCredential({ baseUrl }),
			credentialTypes,
			mode: 'webhook',
			...identity,
			staticData,
			request: jsonRequest(body, { path: triggerPath(identity.webhookId) }),
		});
	return { staticData, deliver };
}

/** Whether the trigger now treats this callback as a duplicate (its claim was kept). */
async function claimed(t: { deliver: (body: Payload) => Promise<{ response: { body: unknown } }> }, body: Payload) {
	const again = await t.deliver(body);
	return (again.response.body as IDataObject | undefined)?.duplicate === true;
}

async function processing(prompt = 'a paper boat'): Promise<string> {
	const id = await createGeneration(sim.url, { prompt });
	await sim.waitFor((s) => s.get(id)?.status === 'processing');
	return id;
}

async function finished(status: 'completed' | 'failed', prompt = 'a paper boat', error_message?: string) {
	const id = await processing(prompt);
	sim.finish(id, { status, error_message });
	return sim.get(id)!;
}

const statusGets = (id: string) =>
	sim.requests.filter((r) => r.method === 'GET' && r.path === `/v1/sora/generations/${id}/`);

describe('Verify With RunBlob API', () => {
	it('a matching completed callback is accepted and the output comes from RunBlob’s record', async () => {
		const record = await finished('completed', 'what RunBlob rendered');
		// The body agrees on status and video_url but lies about everything else.
		const body = {
			...record.callback_payload!,
			prompt: 'what the body claims',
			created_at: '2020-01-01T00:00:00.000000',
			completed_at: '2020-01-01T00:00:01.000000',
		};
		const t = trigger({ verifyWithApi: true });
		const { result, response } = await t.deliver(body);

		expect(response).toMatchObject({ statusCode: 200, ended: true, body: { received: true } });
		expect(result.workflowData![0]).toHaveLength(1);
		expect(result.workflowData![0][0].json).toEqual(triggerItem(record as unknown as Payload, { progress_pct: record.progress_pct }));
		expect(result.workflowData![0][0].json.prompt).toBe('what RunBlob rendered');
		expect(statusGets(record.generation_id)).toHaveLength(1);
		expect(statusGets(record.generation_id)[0].authorization).toBe(true);
		expect(await claimed(t, body)).toBe(true);
	});

	it('a matching failed callback takes RunBlob’s error_message', async () => {
		const record = await finished('failed', 'a portrait', 'Rejected by the safety system.');
		const { result } = await trigger({ verifyWithApi: true }).deliver({
			...record.callback_payload!,
			error_message: 'forged reason',
		});
		expect(result.workflowData![0][0].json).toMatchObject({
			generation_id: record.generation_id,
			status: 'failed',
			error_message: 'Rejected by the safety system.',
			prompt: 'a portrait',
		});
	});

	it('body says completed, RunBlob says processing → 409, no execution; the later true callback is accepted', async () => {
		const id = await processing();
		const early = completedPayload({ generation_id: id, video_url: `${sim.cdnUrl}/videos/2025/11/${id}.mp4` });
		const t = trigger({ verifyWithApi: true });

		const rejected = await t.deliver(early);
		expect(rejected.result).toEqual({ noWebhookResponse: true });
		expect(rejected.response).toMatchObject({
			statusCode: 409,
			ended: true,
			body: { error: `The callback does not match RunBlob's record of generation ${id}`, runblob_status: 'processing' },
		});
		// Same forged body again: still checked against RunBlob (the claim was released), still refused.
		expect((await t.deliver(early)).response.statusCode).toBe(409);

		sim.finish(id);
		const genuine = await t.deliver(sim.get(id)!.callback_payload!);
		expect(genuine.result.workflowData![0][0].json).toMatchObject({ generation_id: id, status: 'completed' });
		expect(genuine.result.workflowData![0][0].json.video_url).toBe(sim.get(id)!.video_url);
		expect(await claimed(t, sim.get(id)!.callback_payload!)).toBe(true);
	});

	it('a different video_url → 409; then the genuine callback is accepted', async () => {
		const record = await finished('completed');
		const t = trigger({ verifyWithApi: true });
		const forged = await t.deliver({ ...record.callback_payload!, video_url: 'https://evil.example/videos/x.mp4' });
		expect(forged.response).toMatchObject({ statusCode: 409, body: { runblob_status: 'completed' } });
		expect(forged.result.workflowData).toBeUndefined();

		const genuine = await t.deliver(record.callback_payload!);
		expect(genuine.result.workflowData![0]).toHaveLength(1);
	});

	it('body says failed, RunBlob says completed → 409', async () => {
		const record = await finished('completed');
		const { result, response } = await trigger({ verifyWithApi: true }).deliver(
			failedPayload({ generation_id: record.generation_id }),
		);
		expect(response).toMatchObject({ statusCode: 409, body: { runblob_status: 'completed' } });
		expect(result.workflowData).toBeUndefined();
	});

	it('a generation RunBlob does not know → 400', async () => {
		const id = randomUUID();
		const { result, response } = await trigger({ verifyWithApi: true }).deliver(completedPayload({ generation_id: id }));
		expect(response).toMatchObject({ statusCode: 400, ended: true, body: { error: `RunBlob has no generation ${id}` } });
		expect(result.workflowData).toBeUndefined();
		expect(statusGets(id).map((r) => r.status)).toEqual([404]);
	});

	it('a generation of another API key (404 for ours) → 400', async () => {
		const id = await createGeneration(sim.url, { prompt: 'someone else' }, OTHER_KEY);
		await sim.waitFor((s) => s.get(id)?.status === 'processing');
		sim.finish(id);
		const { result, response } = await trigger({ verifyWithApi: true }).deliver(sim.get(id)!.callback_payload!);
		expect(response.statusCode).toBe(400);
		expect(result.workflowData).toBeUndefined();
	});

	it.each([503, 500, 502, 429])('RunBlob answering %i on every attempt → 503 + Retry-After in time, no execution; its retry later succeeds', async (status) => {
		const record = await finished('completed');
		const t = trigger({ verifyWithApi: true });
		sim.injectFaults({ status, count: 10_000, retryAfter: 0, method: 'GET', path: `/v1/sora/generations/${record.generation_id}/` });

		const started = Date.now();
		const failing = await t.deliver(record.callback_payload!);
		const took = Date.now() - started;
		expect(failing.result).toEqual({ noWebhookResponse: true });
		expect(failing.response.statusCode).toBe(503);
		expect(failing.response.headers['retry-after']).toBe('30');
		expect((failing.response.body as IDataObject).error).toMatch(/^Could not verify the callback with RunBlob: RunBlob (answered HTTP \d{3}|is rate limiting)/);
		// retried while the budget lasted, then answered within it
		expect(statusGets(record.generation_id).length).toBeGreaterThanOrEqual(2);
		expect(statusGets(record.generation_id).every((r) => r.status === status)).toBe(true);
		expect(took).toBeLessThan(ANSWER_BUDGET.ms + 1_000);
		sim.faultQueue.clear();
		const retried = await t.deliver(record.callback_payload!);
		expect(retried.result.workflowData![0]).toHaveLength(1);
	});

	it('RunBlob dropping the connection on every attempt → 503', async () => {
		const record = await finished('failed');
		sim.injectFaults({ drop: true, count: 10_000, method: 'GET', path: `/v1/sora/generations/${record.generation_id}/` });
		const { result, response } = await trigger({ verifyWithApi: true }).deliver(record.callback_payload!);
		expect(response.statusCode).toBe(503);
		expect(result.workflowData).toBeUndefined();
	});

	it('RunBlob unreachable (closed port) → 503, no execution', async () => {
		const port = await closedPort();
		const { result, response } = await trigger({ verifyWithApi: true }, `http://127.0.0.1:${port}`).deliver(
			completedPayload({ video_url: `http://127.0.0.1:${port}/videos/x.mp4` }),
		);
		expect(result).toEqual({ noWebhookResponse: true });
		expect(response).toMatchObject({ statusCode: 503, ended: true });
		expect((response.body as IDataObject).error).toMatch(/Could not reach RunBlob \(ECONNREFUSED\)/);
	});

	it('a status read that hangs past the budget → 503 in time (each attempt has its own short timeout)', async () => {
		const record = await finished('completed');
		const path = `/v1/sora/generations/${record.generation_id}/`;
		// RunBlob's API answers 503 only after 10 s — longer than the whole answer budget.
		sim.injectFaults({ status: 503, delayMs: 10_000, count: 10_000, method: 'GET', path });
		const t = trigger({ verifyWithApi: true });
		const started = Date.now();
		const { result, response } = await t.deliver(record.callback_payload!);
		expect(Date.now() - started).toBeLessThan(ANSWER_BUDGET.ms + 1_000);
		expect(response).toMatchObject({ statusCode: 503, ended: true });
		expect(result.workflowData).toBeUndefined();
		// more than one attempt fitted: the first one was cut off by its own timeout, not the budget
		expect(statusGets(record.generation_id).length).toBeGreaterThanOrEqual(2);
		sim.faultQueue.clear();
		expect((await t.deliver(record.callback_payload!)).result.workflowData![0]).toHaveLength(1);
	});
});

describe('a copy of a callback arriving while the first delivery is still verifying', () => {
	it('is never told "duplicate" before an execution exists: both get 503 while RunBlob hangs; later exactly one run', async () => {
		const record = await finished('completed');
		const path = `/v1/sora/generations/${record.generation_id}/`;
		sim.injectFaults({ status: 503, delayMs: 10_000, count: 10_000, method: 'GET', path });
		const t = trigger({ verifyWithApi: true });
		const first = t.deliver(record.callback_payload!);
		await sim.waitFor(() => statusGets(record.generation_id).length >= 1);
		const copy = await t.deliver(record.callback_payload!);
		expect(copy.response.statusCode).toBe(503);
		expect(copy.response.body).not.toMatchObject({ duplicate: true });
		expect((copy.response.body as IDataObject).error).toMatch(/still being processed|Could not verify/);
		expect((await first).response.statusCode).toBe(503);

		sim.faultQueue.clear();
		const retries = await Promise.all([t.deliver(record.callback_payload!), t.deliver(record.callback_payload!)]);
		expect(retries.filter((r) => r.result.workflowData !== undefined)).toHaveLength(1);
		expect(retries.map((r) => r.response.body)).toContainEqual({ received: true, duplicate: true });
	});

	it('waits for the first delivery and answers "duplicate" once its execution was handed to n8n', async () => {
		const record = await finished('completed');
		const path = `/v1/sora/generations/${record.generation_id}/`;
		sim.injectFaults({ delayMs: 400, count: 1, method: 'GET', path }); // a slow but successful read
		const t = trigger({ verifyWithApi: true });
		const order: string[] = [];
		const first = t.deliver(record.callback_payload!).then((r) => {
			order.push('first');
			return r;
		});
		await sim.waitFor(() => statusGets(record.generation_id).length >= 1);
		const copy = await t.deliver(record.callback_payload!).then((r) => {
			order.push('copy');
			return r;
		});
		expect((await first).result.workflowData![0]).toHaveLength(1);
		expect(copy.response.body).toEqual({ received: true, duplicate: true });
		expect(order).toEqual(['first', 'copy']);
		expect(statusGets(record.generation_id)).toHaveLength(1); // the copy did not read RunBlob itself
	});

	it('takes over when the first delivery is rejected, and starts the one execution itself', async () => {
		const record = await finished('completed');
		const path = `/v1/sora/generations/${record.generation_id}/`;
		// The first read is answered late with a 404 (as if the record were not visible yet), then RunBlob is fine.
		sim.injectFaults({ status: 404, delayMs: 300, count: 1, method: 'GET', path });
		const t = trigger({ verifyWithApi: true });
		const first = t.deliver(record.callback_payload!);
		await sim.waitFor(() => statusGets(record.generation_id).length >= 1);
		const copy = await t.deliver(record.callback_payload!);
		expect((await first).response.statusCode).toBe(400);
		expect(copy.result.workflowData![0]).toHaveLength(1);
		expect(copy.response.body).toEqual({ received: true });
	});
});

describe('without verification', () => {
	it('without the option, RunBlob is not asked', async () => {
		const record = await finished('completed');
		const before = sim.requests.length;
		const { result } = await trigger({}).deliver(record.callback_payload!);
		expect(result.workflowData![0]).toHaveLength(1);
		expect(sim.requests.length).toBe(before);
	});
});

describe('Download Video', () => {
	it('answers RunBlob 200 first, then streams the CDN bytes into binary data (no API key to the CDN)', async () => {
		const record = await finished('completed', 'a download');
		const id = record.generation_id;
		const watch = await watchAnswerBeforeStore();
		const { runtime, events } = watch;
		const cdnBefore = sim.cdnRequests.length;
		let result;
		let response;
		try {
			({ result, response } = await trigger({ downloadVideo: true }).deliver(record.callback_payload!));
		} finally {
			watch.restore();
		}

		expect(events).toEqual(['answered 200', 'binary store started']);
		expect(response).toMatchObject({ statusCode: 200, body: { received: true }, ended: true });
		expect(result.noWebhookResponse).toBe(true);
		expect(result.workflowData).toHaveLength(1);
		expect(result.workflowData![0]).toHaveLength(1);
		const item = result.workflowData![0][0];
		expect(item.json).toEqual(triggerItem(record as unknown as Payload));
		const binary = item.binary!.data;
		expect(binary).toMatchObject({ mimeType: 'video/mp4', fileName: `${id}.mp4`, fileExtension: 'mp4' });
		const stored = await runtime.binaryDataService.getAsBuffer(binary);
		expect(stored.length).toBe(VIDEO_SIZE);
		expect(sha256(stored)).toBe(await videoSha256(id, VIDEO_SIZE));

		const cdn = sim.cdnRequests.slice(cdnBefore);
		expect(cdn).toHaveLength(1);
		expect(cdn[0]).toMatchObject({ method: 'GET', path: record.video_path, authorization: false, status: 200 });
		// the CDN request started only after RunBlob had its answer
		expect(cdn[0].startedAt).toBeGreaterThanOrEqual(watch.answeredAt);
	});

	it('honours "Put Video in Field" and works together with verification', async () => {
		const record = await finished('completed', 'verified download');
		const { result, readBinary } = await trigger({
			downloadVideo: true,
			verifyWithApi: true,
			binaryPropertyName: 'video',
		}).deliver(record.callback_payload!);
		const item = result.workflowData![0][0];
		expect(Object.keys(item.binary!)).toEqual(['video']);
		expect(sha256(await readBinary(item.binary!.video))).toBe(await videoSha256(record.generation_id, VIDEO_SIZE));
		const cdn = sim.cdnRequests.filter((r) => r.path === record.video_path);
		expect(cdn.every((r) => r.authorization === false)).toBe(true);
	});

	it('a failed generation has nothing to download: a normal run with the normal answer', async () => {
		const record = await finished('failed');
		const cdnBefore = sim.cdnRequests.length;
		const { result, response } = await trigger({ downloadVideo: true }).deliver(record.callback_payload!);
		expect(response).toMatchObject({ statusCode: 200, ended: true, body: { received: true } });
		expect(result.workflowData![0][0].binary).toBeUndefined();
		expect(result.workflowData![0][0].json.status).toBe('failed');
		expect(sim.cdnRequests.length).toBe(cdnBefore);
	});

	it('a video the CDN does not have still starts the run, with download_error', async () => {
		const id = randomUUID();
		const body = completedPayload({ generation_id: id, video_url: `${sim.cdnUrl}/videos/2025/11/${id}.mp4` });
		const { result, response } = await trigger({ downloadVideo: true }).deliver(body);
		expect(response).toMatchObject({ statusCode: 200, body: { received: true } });
		const item = result.workflowData![0][0];
		expect(item.binary).toBeUndefined();
		expect(item.json.download_error).toMatch(new RegExp(`^The video file is not available at .*${id}\\.mp4 \\(generation ${id}\\)$`));
	});
});
