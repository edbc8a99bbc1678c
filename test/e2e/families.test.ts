// RunBlob's video families inside a real n8n, on the current and the oldest supported n8n (node version 2): Wait for
// Video with items of two families in one run (Veo and Kling O3), the RunBlob Trigger receiving a Kling O3 callback on
// the URL the node signed with its family, and a workflow saved with the version-1 node (test/e2e/saved/: the
// Sora example as it was saved before the examples moved to version 2, imported unchanged) still running.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { useSharedN8n } from './shared';
import { createSimulator } from '../simulator';
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
import type { Node, Workflow } from './workflows';

type N8n = Awaited<ReturnType<typeof useSharedN8n>>;
// The simulator's records are loosely typed JSON snapshots; the tests read them as such.
type Sim = any;

const SECRET = 'e2e-families-callback-secret';
/** 30 s and 10 s once scaled by the 0.01 time scale. */
const REAL_TIMEOUTS = { timeoutMs: 3_000_000, connectTimeoutMs: 1_000_000 };
const VIDEO_SIZE = 128 * 1024;

/** A RunBlob node of version 2 (the Model choice). */
function runBlobV2(name: string, parameters: Record<string, unknown>): Node {
	return { ...runBlobNode(name, parameters), typeVersion: 2 };
}

/** Turns `{ jobs: [{model, prompt}] }` posted to the webhook into one item per job. */
const splitJobs: Node = {
	id: '5b0f6c1e-2a3d-4e5f-8a9b-0c1d2e3f4a01',
	name: 'Jobs',
	type: 'n8n-nodes-base.code',
	typeVersion: 2,
	position: [200, 0],
	parameters: { jsCode: 'return $input.first().json.body.jobs.map((job) => ({ json: job }));' },
};

const o3Trigger = triggerNode('RunBlob Trigger', 'e2e-families-o3');

/** A version-1 workflow exactly as users saved it, its manual trigger swapped for a webhook of the same name. */
function savedExample(): Workflow {
	const file = path.join(__dirname, 'saved', 'v1-generate-video-and-wait.json');
	const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
	const nodes = saved.nodes.map((node: Node) =>
		node.type === 'n8n-nodes-base.manualTrigger'
			? { ...webhookNode(node.name, 'saved-sora-example'), position: node.position }
			: node,
	);
	return { id: 'e2eFamSavedSora1', name: saved.name, active: true, nodes, connections: saved.connections, settings: saved.settings ?? {} };
}

const WF = {
	waitMixed: chain('e2eFamWaitMixed1', 'wait for veo and kling o3', [
		webhookNode('Start', 'families-wait'),
		splitJobs,
		runBlobV2('RunBlob', {
			operation: 'generate',
			model: '={{ $json.model }}',
			prompt: '={{ $json.prompt }}',
			completion: 'waitForVideo',
			waitOptions: { downloadVideo: true, binaryPropertyName: 'video' },
		}),
		noOpNode('Done'),
	]),
	o3Trigger: chain('e2eFamO3Trigger1', 'kling o3 trigger', [o3Trigger, noOpNode('Received')]),
	o3Generate: chain('e2eFamO3Generat1', 'kling o3 notify trigger', [
		webhookNode('Start', 'families-o3'),
		runBlobV2('RunBlob', {
			operation: 'generate',
			model: 'kling_o3_pro',
			prompt: '={{ $json.body.prompt }}',
			o3Duration: '10',
			completion: 'notifyTrigger',
			triggerUrl: '={{ $json.body.triggerUrl }}',
		}),
	]),
	saved: savedExample(),
};

describe.each(RUNTIMES)('RunBlob video families in n8n runtime "%s"', (runtime) => {
	let sim: Sim;
	let n8n: N8n;

	beforeAll(async () => {
		sim = await createSimulator({
			port: 0,
			videoSize: VIDEO_SIZE,
			// RunBlob's retry schedules 100× faster, with the real 30 s per-delivery timeout (scaled too, it would be
			// 300 ms: a loaded test machine would then lose deliveries that RunBlob itself would not).
			callbacks: {
				allowHttp: 'loopback',
				timeScale: 0.01,
				...REAL_TIMEOUTS,
				families: Object.fromEntries(['veo', 'kling', 'kling-o1-video', 'kling-o3-video'].map((f) => [f, REAL_TIMEOUTS])),
			},
			timing: (record: { prompt: string }) => ({ queueMs: 100, processingMs: /slow/.test(record.prompt) ? 2500 : 600 }),
			outcome: (record: { prompt: string }) =>
				/fail/.test(record.prompt) ? { status: 'failed', code: 'CONTENT_POLICY_VIOLATION' } : { status: 'completed' },
		});
		n8n = await useSharedN8n({
			runtime,
			label: 'families',
			credentials: [
				credentialFixture(sim.url, SECRET),
				// the credential today's examples reference
				{ ...credentialFixture(sim.url, SECRET), id: 'runblobLocalSim1', name: 'RunBlob (local simulator)' },
			],
			workflows: Object.values(WF),
		});
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		await sim?.close();
		await n8n?.detach();
	}, 60_000);

	async function runViaWebhook(workflow: Workflow, webhookPath: string, body: unknown, timeoutMs = 60_000) {
		const before = new Set((await n8n.executions({ workflowId: workflow.id })).map((e) => e.id));
		const res = await n8n.http('POST', n8n.webhookUrl(webhookPath), { body });
		expect(res.status).toBe(200);
		const started = await n8n.waitForExecution((e) => !before.has(e.id), 30_000, { workflowId: workflow.id, includeData: false });
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const execution = await n8n.execution(String(started.id));
			if (!['waiting', 'running', 'new'].includes(execution.status)) return execution;
			if (Date.now() > deadline) throw new Error(`execution ${started.id} still ${execution.status}`);
			await sleep(250);
		}
	}

	test('Wait for Video: a Veo item and a Kling O3 item in one run resume once, in input order, with both videos', async () => {
		const execution = await runViaWebhook(WF.waitMixed, 'families-wait', {
			jobs: [
				{ model: 'veo-3-fast', prompt: 'a veo video of a lighthouse' },
				// rendered last, so its callback (the only place Kling O3 puts a failure's reason) resumes the run
				{ model: 'kling_o3', prompt: 'a slow kling o3 video that should fail' },
			],
		});
		expect(execution.status).toBe('success');
		const out = nodeOutput(execution, 'RunBlob', execution.data.resultData.runData.RunBlob.length - 1);
		expect(out).toHaveLength(2);
		const [veo, kling] = out;
		const veoRecord = sim.get(veo.json.generation_id);
		const klingRecord = sim.get(kling.json.generation_id);
		expect(veoRecord.family).toBe('veo');
		expect(klingRecord.family).toBe('kling-o3-video');
		expect(veo.json).toMatchObject({ family: 'veo', model: 'veo-3-fast', status: 'completed', video_url: veoRecord.video_url, error_message: null, price: Number(veoRecord.price) });
		expect(veo.binary.video).toMatchObject({ mimeType: 'video/mp4', fileName: `${veo.json.generation_id}.mp4` });
		expect(kling.json).toMatchObject({ family: 'klingO3', status: 'failed', video_url: null, error_message: 'CONTENT_POLICY_VIOLATION' });
		expect(kling.binary).toBeUndefined();
		expect(nodeOutput(execution, 'Done')).toHaveLength(2);
		// Every callback was acknowledged (RunBlob stopped retrying): the Veo one (first) without resuming, the Kling O3
		// one resuming. A callback may arrive before the run has parked (on a loaded machine submitting both can outlast
		// Veo's 0.7-s render here): n8n itself answers 409 "The execution … is running already" and RunBlob retries.
		// No attempt may fail in any other way.
		for (const record of [veoRecord, klingRecord]) expect(sim.get(record.generation_id).webhook.state).toBe('delivered');
		const failed = sim.deliveries
			.filter((d: any) => [veoRecord.generation_id, klingRecord.generation_id].includes(d.generation_id) && !d.ok)
			.map((d: any) => ({ attempt: d.attempt, status: d.status, error: d.error, answer: String(d.responseBody ?? '').slice(0, 200) }));
		for (const d of failed) expect(d).toMatchObject({ status: 409, answer: expect.stringContaining('is running already') });
	}, 120_000);

	test('RunBlob Trigger: a Kling O3 callback on the URL the node signed with its family starts one normalised item', async () => {
		const triggerUrl = n8n.webhookUrl(triggerPath(o3Trigger));
		const before = new Set((await n8n.executions({ workflowId: WF.o3Trigger.id })).map((e) => e.id));
		await runViaWebhook(WF.o3Generate, 'families-o3', { prompt: 'a kling o3 pro video of a harbour', triggerUrl });
		const record = sim.generations({ family: 'kling-o3-video' }).find((g: any) => g.prompt === 'a kling o3 pro video of a harbour');
		expect(new URL(record.callback_url).searchParams.get('rb_fam')).toBe('klingO3');
		const started = await n8n.waitForExecution((e) => !before.has(e.id), 30_000, { workflowId: WF.o3Trigger.id, status: 'success' });
		const execution = await n8n.execution(String(started.id));
		const [item] = nodeOutput(execution, 'RunBlob Trigger');
		const done = sim.get(record.generation_id);
		expect(item.json).toEqual({
			generation_id: record.generation_id,
			family: 'klingO3',
			// The node's model value (the workflow picked Kling O3 Pro), from RunBlob's label; the label kept apart.
			model: 'kling_o3_pro',
			runblob_model: done.callback_payload.model,
			status: 'completed',
			prompt: null,
			video_url: done.video_url,
			error_message: null,
			created_at: null,
			completed_at: null,
			render_seconds: null,
			price: null,
		});
		await sleep(500);
		expect((await n8n.executions({ workflowId: WF.o3Trigger.id })).filter((e) => !before.has(e.id))).toHaveLength(1);
	}, 90_000);

	test('a workflow saved with the version-1 node (test/e2e/saved/v1-generate-video-and-wait.json) runs unchanged', async () => {
		const savedNode = WF.saved.nodes.find((n) => n.type === 'n8n-nodes-runblob.runBlob')!;
		expect(savedNode.typeVersion).toBe(1);
		expect(savedNode.parameters).not.toHaveProperty('model');
		const execution = await runViaWebhook(WF.saved, 'saved-sora-example', {});
		expect(execution.status).toBe('success');
		const runs = execution.data.resultData.runData[savedNode.name];
		const [item] = nodeOutput(execution, savedNode.name, runs.length - 1);
		const record = sim.get(item.json.generation_id);
		expect(record.family).toBe('sora');
		expect(record.request).toMatchObject({ orientation: '16:9', duration: 10 });
		// version 1's output shape: no family/model fields, price as RunBlob's string
		expect(item.json).toEqual({
			generation_id: record.generation_id,
			status: 'completed',
			prompt: record.prompt,
			video_url: record.video_url,
			created_at: expect.stringMatching(/Z$/),
			completed_at: expect.stringMatching(/Z$/),
			error_message: null,
			render_seconds: expect.any(Number),
			price: record.price,
		});
		expect(item.binary.data).toMatchObject({ mimeType: 'video/mp4' });
	}, 120_000);
});
