// The RunBlob Trigger inside a real n8n, on the current and the oldest supported n8n: Generate ("Notify a RunBlob
// Trigger") in one workflow, RunBlob (the simulator) calling the trigger of another — signed, validated and exactly once.
import { signCallbackUrl } from '../../nodes/shared/callbackContract';
import { useSharedN8n } from './shared';
import { createSimulator, videoBytes } from '../simulator';
import {
	RUNTIMES,
	SETUP_TIMEOUT_MS,
	chain,
	credentialFixture,
	noOpNode,
	nodeOutput,
	runBlobNode,
	sleep,
	triggerNode,
	triggerPath,
	webhookNode,
} from './workflows';

type N8n = Awaited<ReturnType<typeof useSharedN8n>>;
// The simulator's records are loosely typed JSON snapshots; the tests read them as such.
type Sim = any;

const SECRET = 'e2e-trigger-callback-secret';
const VIDEO_SIZE = 300 * 1024;
const trigger = triggerNode('RunBlob Trigger', 'e2e-trigger-main');
const completedOnly = triggerNode('Completed Only', 'e2e-trigger-completed', { events: ['completed'] });
const downloading = triggerNode('Downloading Trigger', 'e2e-trigger-download', {
	events: ['completed'],
	options: { downloadVideo: true, binaryPropertyName: 'video' },
});

/** A downstream node that reads the downloaded bytes back through n8n's binary helpers (FNV-1a over every byte). */
const readVideoNode = {
	id: '9d3f0e8a-1c2b-4a5d-8e7f-0a1b2c3d4e5f',
	name: 'Read Video',
	type: 'n8n-nodes-base.code',
	typeVersion: 2,
	position: [220, 0] as [number, number],
	parameters: {
		jsCode: [
			"const bytes = await this.helpers.getBinaryDataBuffer(0, 'video');",
			'let h = 0x811c9dc5;',
			'for (const b of bytes) { h ^= b; h = Math.imul(h, 0x01000193) >>> 0; }',
			'return [{ json: { size: bytes.length, fnv: h, mimeType: $input.first().binary.video.mimeType } }];',
		].join('\n'),
	},
};

const WF = {
	trigger: chain('e2eTrigMain00001', 'trigger main', [trigger, noOpNode('Received')]),
	completedOnly: chain('e2eTrigCompOnly1', 'trigger completed only', [completedOnly, noOpNode('Received')]),
	downloading: chain('e2eTrigDownload1', 'trigger with download', [downloading, readVideoNode]),
	generate: chain('e2eTrigGenerate1', 'generate and notify', [
		webhookNode('Start', 'notify-trigger'),
		runBlobNode('RunBlob', {
			operation: 'generate',
			prompt: '={{ $json.body.prompt }}',
			completion: 'notifyTrigger',
			triggerUrl: '={{ $json.body.triggerUrl }}',
		}),
	]),
};

describe.each(RUNTIMES)('RunBlob Trigger in n8n runtime "%s"', (runtime) => {
	let sim: Sim;
	let n8n: N8n;

	beforeAll(async () => {
		sim = await createSimulator({
			port: 0,
			timing: { queueMs: 100, processingMs: 300 },
			videoSize: VIDEO_SIZE,
			// RunBlob's retry schedule (30/60/120/240/480 s) 100× faster, with its real 30 s per-delivery timeout (scaled
			// too, it would be 300 ms: a loaded test machine then loses deliveries that RunBlob itself would not).
			callbacks: { allowHttp: 'loopback', retryDelaysMs: [300, 600, 1200, 2400, 4800], timeoutMs: 30_000 },
			outcome: (request: { prompt: string }) =>
				/fail/.test(request.prompt) ? { status: 'failed', error_message: 'Content policy' } : { status: 'completed' },
			callbackFaults: (record: { prompt: string }) =>
				/retry/.test(record.prompt) ? { dropAttempts: 2, duplicate: 3 } : {},
		});
		n8n = await useSharedN8n({
			runtime,
			label: 'trigger',
			credentials: [credentialFixture(sim.url, SECRET)],
			workflows: Object.values(WF),
			readyPaths: [triggerPath(trigger), triggerPath(completedOnly), triggerPath(downloading)],
		});
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		await sim?.close();
		await n8n?.detach();
	}, 60_000);

	const triggerUrl = () => n8n.webhookUrl(triggerPath(trigger));

	async function triggerExecutions(workflowId = WF.trigger.id) {
		return n8n.executions({ workflowId });
	}

	/** Starts a generation through the Generate workflow and returns its simulator record once RunBlob has it. */
	async function generate(prompt: string, url = triggerUrl()) {
		const res = await n8n.http('POST', n8n.webhookUrl('notify-trigger'), { body: { prompt, triggerUrl: url } });
		expect(res.status).toBe(200);
		return sim.waitFor(() => sim.generations().find((g: any) => g.prompt === prompt), 15_000);
	}

	/** Waits until RunBlob has stopped delivering the generation's callback (delivered, or out of retries). */
	async function deliveriesSettled(id: string) {
		await sim.waitFor(() => ['delivered', 'failed'].includes(sim.get(id)?.webhook?.state), 30_000);
		await sleep(300); // let any duplicate deliveries in flight land
	}

	async function readExecutionsFor(generationId: string) {
		const found = [];
		for (const summary of await triggerExecutions()) {
			const execution = await n8n.execution(summary.id);
			const [item] = nodeOutput(execution, 'RunBlob Trigger');
			if (item?.json.generation_id === generationId) found.push({ execution, item });
		}
		return found;
	}

	/**
	 * The executions whose trigger output names this generation, read once the first is there (n8n stores a run a
	 * moment after it answered the callback: on a busy machine, seconds), then again half a second later for any copy.
	 */
	async function executionFor(generationId: string, timeoutMs = 20_000) {
		const deadline = Date.now() + timeoutMs;
		while ((await readExecutionsFor(generationId)).length === 0 && Date.now() < deadline) await sleep(250);
		await sleep(500);
		return readExecutionsFor(generationId);
	}

	test('a completed and a failed generation each start exactly one execution with the normalised item', async () => {
		const done = await generate('a lighthouse at dawn');
		const failed = await generate('please fail this one');
		expect(new URL(done.callback_url).searchParams.get('rb_sig')).toBeTruthy(); // signed with the Callback Secret
		await deliveriesSettled(done.generation_id);
		await deliveriesSettled(failed.generation_id);
		await n8n.waitForExecution(() => true, 15_000, { workflowId: WF.trigger.id, status: 'success' });
		await sleep(500);

		const [completedRun, ...extraCompleted] = await executionFor(done.generation_id);
		expect(extraCompleted).toHaveLength(0);
		const record = sim.get(done.generation_id);
		expect(completedRun.item.json).toEqual({
			generation_id: done.generation_id,
			status: 'completed',
			prompt: 'a lighthouse at dawn',
			video_url: record.video_url,
			created_at: new Date(`${record.created_at.slice(0, 23)}Z`).toISOString(),
			completed_at: new Date(`${record.completed_at.slice(0, 23)}Z`).toISOString(),
			error_message: null,
			render_seconds: expect.any(Number),
			family: 'sora',
			model: 'sora-2',
			runblob_model: null,
			price: null,
		});
		expect(nodeOutput(completedRun.execution, 'Received')).toHaveLength(1);

		const [failedRun, ...extraFailed] = await executionFor(failed.generation_id);
		expect(extraFailed).toHaveLength(0);
		expect(failedRun.item.json).toMatchObject({ status: 'failed', error_message: 'Content policy', video_url: null });
	}, 90_000);

	test("RunBlob's retry schedule with lost attempts and duplicate deliveries still yields one execution", async () => {
		const before = (await triggerExecutions()).length;
		const generation = await generate('retry me until it lands');
		await deliveriesSettled(generation.generation_id);
		const deliveries = sim.deliveries.filter((d: any) => d.generation_id === generation.generation_id);
		expect(deliveries.filter((d: any) => d.dropped)).toHaveLength(2); // attempts 1 and 2 were lost
		// attempt 3 plus its 3 duplicates (which may still be landing under load)
		await sim.waitFor(() => sim.deliveries.filter((d: any) => d.generation_id === generation.generation_id && d.ok).length >= 4, 15_000);
		// Retries follow RunBlob's schedule (30 s, 60 s after the previous attempt, here scaled 1:100).
		const starts = deliveries.filter((d: any) => !d.duplicate).map((d: any) => d.startedAt).sort();
		expect(starts[1] - starts[0]).toBeGreaterThanOrEqual(280);
		expect(starts[2] - starts[1]).toBeGreaterThanOrEqual(580);
		expect(await executionFor(generation.generation_id)).toHaveLength(1);
		expect((await triggerExecutions()).length).toBe(before + 1);
	}, 90_000);

	test('events that are not selected are acknowledged without an execution', async () => {
		const url = signCallbackUrl(n8n.webhookUrl(triggerPath(completedOnly)), SECRET, Date.now());
		const failedBody = {
			generation_id: '0d6b6a4e-3f0a-4c55-9b43-0c0de0000001',
			status: 'failed',
			prompt: 'x',
			video_url: null,
			created_at: '2026-11-26T10:00:00.000000',
			completed_at: '2026-11-26T10:01:00.000000',
			error_message: 'nope',
		};
		const res = await n8n.http('POST', url, { body: failedBody });
		expect(res.status).toBe(200);
		await sleep(500);
		expect(await triggerExecutions(WF.completedOnly.id)).toHaveLength(0);
	}, 30_000);

	test('a corpus of 120 malformed, forged, unsigned and replayed requests starts nothing and gets no 5xx', async () => {
		const known = sim.generations().find((g: any) => g.status === 'completed' && g.callback_url?.includes(triggerPath(trigger)));
		const valid = known.callback_payload;
		const signed = signCallbackUrl(triggerUrl(), SECRET, Date.now());
		const before = (await triggerExecutions()).length;

		const requests: Array<{ name: string; url: string; body: unknown; headers?: Record<string, string> }> = [];
		const add = (name: string, body: unknown, url = signed, headers?: Record<string, string>) =>
			requests.push({ name, url, body, headers });

		// Forged, unsigned, tampered, expired, signed for another endpoint, signed with another secret.
		const unsigned = triggerUrl();
		add('unsigned', valid, unsigned);
		add('wrong secret', valid, signCallbackUrl(triggerUrl(), 'not-the-secret', Date.now()));
		add('expired', valid, signCallbackUrl(triggerUrl(), SECRET, Date.now() - 80 * 3600_000));
		add('other endpoint', valid, signCallbackUrl(n8n.webhookUrl(triggerPath(completedOnly)), SECRET, Date.now()).replace(triggerPath(completedOnly), triggerPath(trigger)));
		for (let i = 0; i < 43; i++) {
			const u = new URL(signed);
			const sig = u.searchParams.get('rb_sig')!;
			u.searchParams.set('rb_sig', sig.slice(0, i) + (sig[i] === 'A' ? 'B' : 'A') + sig.slice(i + 1));
			add(`flipped signature char ${i}`, valid, u.toString());
		}
		for (const ts of ['', 'abc', '-1', '99999999999999', '1.5']) {
			const u = new URL(signed);
			u.searchParams.set('rb_ts', ts);
			add(`timestamp "${ts}"`, valid, u.toString());
		}
		// Not RunBlob's shape.
		const fields = ['generation_id', 'status', 'prompt', 'video_url', 'created_at'];
		for (const field of fields) {
			const { [field]: _removed, ...rest } = valid;
			add(`missing ${field}`, rest);
			for (const wrong of [42, true, ['x'], { a: 1 }]) add(`${field} = ${JSON.stringify(wrong)}`, { ...valid, [field]: wrong });
		}
		for (const id of ['', '1234', 'not-a-uuid', '550e8400e29b41d4a716446655440000', '550e8400-e29b-41d4-a716-44665544000Z', '../etc/passwd']) {
			add(`generation_id "${id}"`, { ...valid, generation_id: id });
		}
		for (const status of ['pending', 'processing', 'COMPLETED', 'done', '', 'cancelled']) add(`status "${status}"`, { ...valid, status });
		for (const videoUrl of ['http://cdn.runblob.io/a.mp4', 'ftp://cdn.runblob.io/a.mp4', 'cdn.runblob.io/a.mp4', 'javascript:alert(1)', 'http://169.254.169.254/latest']) {
			add(`video_url ${videoUrl}`, { ...valid, video_url: videoUrl });
		}
		for (const time of ['yesterday', '2025-13-45T99:00:00', '1700000000']) add(`created_at ${time}`, { ...valid, created_at: time });
		add('oversized prompt', { ...valid, prompt: 'x'.repeat(70 * 1024) });
		for (const body of [[], [valid], 'hello', 42, null, {}]) add(`body ${JSON.stringify(body)?.slice(0, 20)}`, body);
		add('text/plain', JSON.stringify(valid), signed, { 'content-type': 'text/plain' });
		add('form encoded', 'generation_id=x&status=completed', signed, { 'content-type': 'application/x-www-form-urlencoded' });
		add('broken JSON', '{"generation_id": "', signed, { 'content-type': 'application/json' });
		// Replays of the genuine callback: acknowledged, never a second execution.
		for (let i = 0; i < 10; i++) add(`replay ${i}`, valid, known.callback_url);
		expect(requests.length).toBeGreaterThanOrEqual(100);

		const statuses = new Map<string, number>();
		for (const request of requests) {
			const res = await n8n.http('POST', request.url, { body: request.body, headers: request.headers });
			statuses.set(request.name, res.status);
		}
		const serverErrors = [...statuses].filter(([, status]) => status >= 500);
		expect(serverErrors).toEqual([]);
		const accepted = [...statuses].filter(([name, status]) => status < 400 && !name.startsWith('replay'));
		expect(accepted).toEqual([]);
		expect(statuses.get('unsigned')).toBe(401);
		expect(statuses.get('missing status')).toBe(400);

		await sleep(1000);
		expect((await triggerExecutions()).length).toBe(before);
		expect((await n8n.http('GET', '/healthz')).status).toBe(200);
		// Still healthy: a genuine new generation starts its one execution.
		const fresh = await generate('after the storm');
		await deliveriesSettled(fresh.generation_id);
		expect(await executionFor(fresh.generation_id)).toHaveLength(1);
	}, 300_000); // 120 sequential requests; on a loaded 2-core machine n8n 2.41 took more than 120 s

	test('Download Video: the next node reads the exact video bytes from n8n\'s binary store', async () => {
		const generation = await generate('download me', n8n.webhookUrl(triggerPath(downloading)));
		await deliveriesSettled(generation.generation_id);
		const execution = await n8n.waitForExecution(() => true, 20_000, { workflowId: WF.downloading.id, status: 'success' });
		const [item] = nodeOutput(execution, 'Downloading Trigger');
		expect(item.json).toMatchObject({ generation_id: generation.generation_id, status: 'completed' });
		expect(item.binary.video).toMatchObject({ mimeType: 'video/mp4', fileName: `${generation.generation_id}.mp4` });

		let h = 0x811c9dc5;
		for await (const chunk of videoBytes(generation.generation_id, VIDEO_SIZE)) {
			for (const b of chunk as Buffer) h = Math.imul(h ^ b, 0x01000193) >>> 0;
		}
		expect(nodeOutput(execution, 'Read Video')[0].json).toEqual({ size: VIDEO_SIZE, fnv: h, mimeType: 'video/mp4' });
		// RunBlob got its answer before the download, and the API key never went to the CDN.
		const delivery = sim.deliveries.find((d: any) => d.generation_id === generation.generation_id && d.ok);
		expect(delivery.status).toBe(200);
		expect(sim.cdnRequests.every((r: any) => !r.authorization)).toBe(true);
	}, 60_000);
});
