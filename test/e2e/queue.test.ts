// Queue mode, on the current and the oldest supported n8n: PostgreSQL + Redis + a main process that does not serve
// production webhooks + one worker + one webhook processor (a second one joins for the last scenario), the package
// installed in every process, RunBlob (the simulator) calling the cluster through a round-robin balancer.
// One cluster per n8n version is shared by the scenarios, in order; Postgres and Redis are shared by both versions.
import { startCluster } from './queue/cluster';
import { startPostgres } from './services/postgres';
import { startRedis } from './services/redis';
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
	splitPromptsNode,
	triggerNode,
	triggerPath,
	webhookNode,
} from './workflows';

type Cluster = Awaited<ReturnType<typeof startCluster>>;
// The simulator's records are loosely typed JSON snapshots; the tests read them as such.
type Sim = any;

const SECRET = 'e2e-queue-callback-secret';
const VIDEO_SIZE = 256 * 1024;
/**
 * RunBlob's retry schedule (30/60/120/240/480 s) 10× faster: attempts at 0, 3, 9, 21, 45 and 93 s — room for a
 * webhook-processor restart inside the window even on a loaded machine.
 */
const TIME_SCALE = 0.1;

/** Reads every item's downloaded video back through n8n's binary helpers (FNV-1a over every byte). */
const readVideosNode = {
	id: '5b0c3a7e-6d1f-4e2a-9c8b-7a6f5e4d3c2b',
	name: 'Read Videos',
	type: 'n8n-nodes-base.code',
	typeVersion: 2,
	position: [880, 0] as [number, number],
	parameters: {
		jsCode: [
			'const out = [];',
			'const items = $input.all();',
			'for (let i = 0; i < items.length; i++) {',
			"  const bytes = await this.helpers.getBinaryDataBuffer(i, 'data');",
			'  let h = 0x811c9dc5;',
			'  for (const b of bytes) { h ^= b; h = Math.imul(h, 0x01000193) >>> 0; }',
			'  out.push({ json: { generation_id: items[i].json.generation_id, size: bytes.length, fnv: h }, pairedItem: { item: i } });',
			'}',
			'return out;',
		].join('\n'),
	},
};

async function fnvOf(generationId: string): Promise<number> {
	let h = 0x811c9dc5;
	for await (const chunk of videoBytes(generationId, VIDEO_SIZE)) {
		for (const b of chunk as Buffer) h = Math.imul(h ^ b, 0x01000193) >>> 0;
	}
	return h;
}

const trigger = triggerNode('RunBlob Trigger', 'e2e-queue-trigger');
const WF = {
	wait: chain('e2eQueueWait0001', 'queue wait for video', [
		webhookNode('Start', 'queue-wait'),
		splitPromptsNode(),
		runBlobNode('RunBlob', {
			operation: 'generate',
			prompt: '={{ $json.prompt }}',
			orientation: '16:9',
			duration: 10,
			completion: 'waitForVideo',
			downloadVideo: true,
		}),
		readVideosNode,
	]),
	resubmit: chain('e2eQueueResubmit', 'queue resubmit failed generations', [
		webhookNode('Start', 'queue-resubmit'),
		splitPromptsNode(),
		{
			...runBlobNode('RunBlob', {
				operation: 'generate',
				model: 'sora-2',
				prompt: '={{ $json.prompt }}',
				completion: 'waitForVideo',
				waitOptions: { resubmitAttempts: 1 },
			}),
			typeVersion: 2,
		},
		noOpNode('Done'),
	]),
	trigger: chain('e2eQueueTrigger1', 'queue trigger', [trigger, noOpNode('Received')]),
	notify: chain('e2eQueueNotify01', 'queue generate and notify', [
		webhookNode('Start', 'queue-notify'),
		runBlobNode('RunBlob', {
			operation: 'generate',
			prompt: '={{ $json.body.prompt }}',
			completion: 'notifyTrigger',
			triggerUrl: '={{ $json.body.triggerUrl }}',
		}),
	]),
};

/** The generation_id of a callback body seen by the balancer ('' for anything else). */
function generationOf(body: string): string {
	try {
		return String(JSON.parse(body).generation_id ?? '');
	} catch {
		return '';
	}
}

let postgres: Awaited<ReturnType<typeof startPostgres>>;
let redis: Awaited<ReturnType<typeof startRedis>>;

beforeAll(async () => {
	[postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
}, 120_000);

afterAll(async () => {
	await Promise.all([postgres?.stop(), redis?.stop()]);
}, 60_000);

describe.each(RUNTIMES)('queue mode in n8n runtime "%s"', (runtime) => {
	let sim: Sim;
	let cluster: Cluster;

	beforeAll(async () => {
		sim = await createSimulator({
			port: 0,
			videoSize: VIDEO_SIZE,
			// RunBlob's retry schedule scaled by TIME_SCALE, with its real 30 s per-delivery timeout: scaled too (3 s), a
			// resume on a loaded webhook processor outlasts it, and RunBlob would then retry instead of acknowledging.
			callbacks: {
				allowHttp: 'loopback',
				retryDelaysMs: [30_000, 60_000, 120_000, 240_000, 480_000].map((ms) => ms * TIME_SCALE),
				timeoutMs: 30_000,
			},
			// "dup" callbacks arrive three times; "slow" ones render for ten minutes (finished by the test).
			callbackFaults: (record: { prompt: string }) => (/dup/.test(record.prompt) ? { duplicate: 2 } : {}),
			// "#n" renders finish in reverse order of n.
			timing: (record: { prompt: string }) => {
				if (/slow/.test(record.prompt)) return { queueMs: 200, processingMs: 600_000 };
				const n = Number(/#(\d)/.exec(record.prompt)?.[1] ?? 0);
				return { queueMs: 100, processingMs: 400 + (6 - n) * 250 };
			},
			// "flaky" prompts fail their first generation (an upstream error a resubmission fixes).
			outcome: { transient: { promptsMatching: 'flaky' } },
		});
		cluster = await startCluster({
			runtime,
			label: 'queue',
			postgres,
			redis,
			credentials: [credentialFixture(sim.url, SECRET)],
			workflows: Object.values(WF),
		});
		await waitForTrigger();
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		await cluster?.stop();
		await sim?.close();
	}, 120_000);

	const main = () => cluster.main;
	const triggerUrl = () => cluster.webhookUrl(triggerPath(trigger));

	async function waitForTrigger() {
		const deadline = Date.now() + 30_000;
		while (!(await cluster.webhookRegistered(triggerPath(trigger)))) {
			if (Date.now() > deadline) throw new Error('the trigger webhook is not registered on every webhook processor');
			await sleep(200);
		}
	}

	/** Posts to a production webhook through the balancer and returns the new execution's id. */
	async function startWait(prompts: string[]) {
		const before = new Set((await main().executions({ workflowId: WF.wait.id })).map((e) => e.id));
		const res = await cluster.http('POST', cluster.webhookUrl('queue-wait'), { body: { prompts } });
		expect(res.status).toBe(200);
		const started = await main().waitForExecution((e) => !before.has(e.id), 60_000, { workflowId: WF.wait.id, includeData: false });
		return String(started.id);
	}

	async function untilStatus(executionId: string, done: (status: string) => boolean, timeoutMs = 90_000) {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const execution = await main().execution(executionId, { includeData: true });
			if (done(execution.status)) return execution;
			if (Date.now() > deadline) throw new Error(`execution ${executionId} still ${execution.status}`);
			await sleep(250);
		}
	}
	const finished = (id: string, timeoutMs?: number) =>
		untilStatus(id, (s) => !['waiting', 'running', 'new'].includes(s), timeoutMs);

	/** Starts a generation that notifies the trigger; resolves to its simulator record. */
	async function generateForTrigger(prompt: string) {
		const res = await cluster.http('POST', cluster.webhookUrl('queue-notify'), { body: { prompt, triggerUrl: triggerUrl() } });
		expect(res.status).toBe(200);
		return sim.waitFor(() => sim.generations().find((g: any) => g.prompt === prompt), 60_000);
	}

	/** Trigger executions per generation_id (all of them finished). */
	async function triggerRunsByGeneration() {
		const byGeneration = new Map<string, string[]>();
		for (const summary of await main().executions({ workflowId: WF.trigger.id })) {
			const execution = await finished(summary.id, 60_000);
			const [item] = nodeOutput(execution, 'RunBlob Trigger');
			const id = String(item?.json.generation_id);
			byGeneration.set(id, [...(byGeneration.get(id) ?? []), summary.id]);
		}
		return byGeneration;
	}

	async function deliveriesSettled(ids: string[], timeoutMs = 90_000) {
		await sim.waitFor(() => ids.every((id) => ['delivered', 'failed'].includes(sim.get(id)?.webhook?.state)), timeoutMs);
		await sleep(1000); // duplicates in flight land, their executions get enqueued
	}

	test('Wait for Video, 5 items: callbacks out of order and duplicated reach the webhook processor; one resume on the worker; the next node reads the exact bytes from database binary mode', async () => {
		const prompts = ['dup clip #1', 'dup clip #2', 'dup clip #3', 'dup clip #4', 'dup clip #5'];
		const executionId = await startWait(prompts);
		const execution = await finished(executionId);
		expect(execution.status).toBe('success');
		expect(execution.mode).toBe('webhook'); // a production execution, so the resume is enqueued for a worker

		const items = nodeOutput(execution, 'RunBlob');
		expect(items.map((item: any) => item.json.prompt)).toEqual(prompts);
		expect(items.map((item: any) => item.json.status)).toEqual(Array(5).fill('completed'));
		expect(items.map((item: any) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
		for (const item of items) expect(item.binary.data.id).toMatch(/^database:/); // queue mode's binary default
		const read = nodeOutput(execution, 'Read Videos');
		const ids = items.map((item: any) => item.json.generation_id);
		expect(read.map((r: any) => r.json)).toEqual(
			await Promise.all(ids.map(async (id: string) => ({ generation_id: id, size: VIDEO_SIZE, fnv: await fnvOf(id) }))),
		);
		// Exactly one resume: one run of each node after the wait.
		expect(execution.data.resultData.runData.RunBlob).toHaveLength(1);
		expect(execution.data.resultData.runData['Read Videos']).toHaveLength(1);

		// RunBlob finished them in reverse order and delivered each callback three times, all to the webhook processor.
		const firstDelivery = ids.map((id: string) =>
			Math.min(...sim.deliveries.filter((d: any) => d.generation_id === id).map((d: any) => d.startedAt)),
		);
		expect([...firstDelivery].sort((a, b) => b - a)).toEqual(firstDelivery);
		// Every generation called back, and the copies RunBlob sends after an acknowledged delivery arrived too. (How
		// many copies depends on timing: the first callback may already find every render finished and resume the run,
		// after which n8n answers 409 and RunBlob sends no copies of that delivery, only retries.)
		await sim.waitFor(() => sim.deliveries.filter((d: any) => ids.includes(d.generation_id) && d.duplicate).length >= 2, 30_000);
		const callbacks = cluster.balancer.requests.filter((r: any) => r.path.startsWith(`/webhook-waiting/${executionId}/`));
		expect(new Set(sim.deliveries.filter((d: any) => ids.includes(d.generation_id)).map((d: any) => d.generation_id))).toEqual(new Set(ids));
		expect(callbacks.length).toBeGreaterThanOrEqual(7);
		expect(new Set(callbacks.map((r: any) => r.backend))).toEqual(new Set([0]));
		// The worker ran it twice — up to the wait, then the one resume — and finished it.
		const worker = cluster.workers[0].logs();
		expect(worker.match(new RegExp(`Worker started execution ${executionId} `, 'g'))).toHaveLength(2);
		expect(worker).toContain(`Worker finished execution ${executionId} `);
	}, 180_000);

	test('Resubmit Failed Generations: the resubmission round runs on the worker, once, with duplicated failure callbacks', async () => {
		const prompts = ['dup flaky q #1', 'dup steady q #2', 'dup flaky q #3'];
		const creates = () => sim.requests.filter((r: any) => r.method === 'POST' && r.path === '/v1/sora/generate').length;
		const before = creates();
		const known = new Set((await main().executions({ workflowId: WF.resubmit.id })).map((e) => e.id));
		expect((await cluster.http('POST', cluster.webhookUrl('queue-resubmit'), { body: { prompts } })).status).toBe(200);
		const started = await main().waitForExecution((e) => !known.has(e.id), 60_000, { workflowId: WF.resubmit.id, includeData: false });
		const execution = await finished(String(started.id));
		expect(execution.status).toBe('success');
		const items = nodeOutput(execution, 'RunBlob');
		expect(items.map((item: any) => [item.json.prompt, item.json.status, item.json.attempts.length])).toEqual([
			[prompts[0], 'completed', 2],
			[prompts[1], 'completed', 1],
			[prompts[2], 'completed', 2],
		]);
		await sleep(2000); // duplicated and retried failure callbacks land
		expect(creates() - before).toBe(5);
		// The worker ran it three times: up to the wait, the resubmission round, the final resume.
		expect(cluster.workers.flatMap((w: any) => w.logs().match(new RegExp(`Worker started execution ${started.id} `, 'g')) ?? [])).toHaveLength(3);
	}, 180_000);

	test('the worker is killed while a run waits; a new worker finishes the run when the callback arrives', async () => {
		const prompt = 'slow render across a worker crash';
		const executionId = await startWait([prompt]);
		await untilStatus(executionId, (s) => s === 'waiting', 60_000);
		const generation = await sim.waitFor(() => sim.generations().find((g: any) => g.prompt === prompt), 10_000);
		expect(new URL(generation.callback_url).origin).toBe(cluster.publicUrl); // built on the worker from the public URL

		const crashed = cluster.workers[0];
		await crashed.kill();
		expect(crashed.pid()).toBeNull();
		const replacement = await cluster.addWorker();
		sim.finish(generation.generation_id, { status: 'completed' });

		const execution = await finished(executionId);
		expect(execution.status).toBe('success');
		expect(nodeOutput(execution, 'RunBlob')[0].json).toMatchObject({ generation_id: generation.generation_id, status: 'completed' });
		expect(nodeOutput(execution, 'Read Videos')[0].json).toEqual({
			generation_id: generation.generation_id,
			size: VIDEO_SIZE,
			fnv: await fnvOf(generation.generation_id),
		});
		// The crashed worker had handed the run back when it parked; the new worker ran the resume.
		expect(crashed.logs()).toContain(`Worker started execution ${executionId} `);
		expect(replacement.logs()).toContain(`Worker started execution ${executionId} `);
		expect(replacement.logs()).toContain(`Worker finished execution ${executionId} `);
	}, 180_000);

	/** Finishes a generation now and waits until `attempts` deliveries of its callback have reached n8n. */
	async function finishAndAwait(id: string, attempts: number) {
		sim.finish(id, { status: 'completed' });
		await sim.waitFor(() => reachedN8n(id).length >= attempts, 60_000);
	}
	/** Deliveries of a generation's callback that n8n processed (answered 200, whether or not RunBlob heard it). */
	const reachedN8n = (id: string) =>
		cluster.balancer.requests.filter((r: any) => generationOf(r.body) === id && r.status === 200);

	test("the Trigger on the webhook processor: RunBlob's retries and duplicates across a webhook-processor restart start one execution per generation", async () => {
		// Until the webhook processor has restarted, RunBlob never hears n8n's answers: every attempt reaches n8n and
		// RunBlob retries on its schedule. Afterwards the next attempt succeeds, with two duplicate copies.
		let restarted = false;
		const watched = new Set<string>();
		cluster.balancer.setLoseAnswer((req: { body: string }) => !restarted && watched.has(generationOf(req.body)));
		const ids: string[] = [];
		for (const prompt of ['slow dup restart #1', 'slow dup restart #2']) {
			const id = (await generateForTrigger(prompt)).generation_id;
			watched.add(id);
			ids.push(id);
		}
		// One generation after the other (attempts 1 and 2 of each reach n8n), so no two callbacks are saved at once.
		for (const id of ids) await finishAndAwait(id, 2);
		await cluster.webhooks[0].restart();
		const restartedAt = Date.now();
		restarted = true;
		await deliveriesSettled(ids, 150_000);
		cluster.balancer.setLoseAnswer(null);

		for (const id of ids) {
			expect(reachedN8n(id).filter((r: any) => r.at < restartedAt).length).toBeGreaterThanOrEqual(2);
			// RunBlob's next retry (and its duplicates) reached the restarted process.
			expect(reachedN8n(id).filter((r: any) => r.at >= restartedAt).length).toBeGreaterThanOrEqual(1);
			expect(sim.get(id).webhook.state).toBe('delivered');
		}
		const runs = await triggerRunsByGeneration();
		for (const id of ids) expect(runs.get(id)).toHaveLength(1);
	}, 300_000);

	test('two webhook processors, deliveries alternating between them: RunBlob\'s retries start no extra execution', async () => {
		await cluster.addWebhookProcessor();
		await waitForTrigger();
		cluster.balancer.setRotationKey((req: { body: string }) => generationOf(req.body));
		// Attempts 1 and 2 reach n8n but RunBlob hears nothing; attempt 3 succeeds. Attempts alternate between the two
		// processes (3 s and 6 s apart); one generation at a time.
		const answers = new Map<string, number>();
		const watched = new Set<string>();
		cluster.balancer.setLoseAnswer((req: { body: string }) => {
			const id = generationOf(req.body);
			if (!watched.has(id)) return false;
			answers.set(id, (answers.get(id) ?? 0) + 1);
			return (answers.get(id) ?? 0) <= 2;
		});
		const ids: string[] = [];
		for (const prompt of ['slow alternate retry #1', 'slow alternate retry #2']) {
			const id = (await generateForTrigger(prompt)).generation_id;
			watched.add(id);
			ids.push(id);
		}
		for (const id of ids) {
			await finishAndAwait(id, 3);
			await deliveriesSettled([id]);
		}
		cluster.balancer.setLoseAnswer(null);

		const runs = await triggerRunsByGeneration();
		for (const id of ids) {
			expect(reachedN8n(id).map((r: any) => r.backend)).toEqual([0, 1, 0]);
			expect(runs.get(id)).toHaveLength(1);
		}
	}, 240_000);

	test('two webhook processors, concurrent callbacks and duplicate bursts across them: extra executions measured', async () => {
		// Four generations finish together; each callback is delivered three times within milliseconds (alternating
		// processes) and the first delivery's answer is lost, so RunBlob also retries 3 s later.
		const answers = new Map<string, number>();
		const watched = new Set<string>();
		cluster.balancer.setLoseAnswer((req: { body: string }) => {
			const id = generationOf(req.body);
			if (!watched.has(id)) return false;
			answers.set(id, (answers.get(id) ?? 0) + 1);
			return answers.get(id) === 1;
		});
		const ids: string[] = [];
		for (const prompt of ['slow dup burst #1', 'slow dup burst #2', 'slow dup burst #3', 'slow dup burst #4']) {
			const id = (await generateForTrigger(prompt)).generation_id;
			watched.add(id);
			ids.push(id);
		}
		for (const id of ids) sim.finish(id, { status: 'completed' });
		await deliveriesSettled(ids);
		cluster.balancer.setLoseAnswer(null);

		const runs = await triggerRunsByGeneration();
		const deliveries = ids.reduce((n, id) => n + reachedN8n(id).length, 0);
		const extra = ids.reduce((n, id) => n + (runs.get(id)?.length ?? 0) - 1, 0);
		process.stderr.write(
			`[queue ${runtime}] two webhook processors, ${ids.length} callbacks finishing together, ${deliveries} deliveries ` +
				`(bursts of 3 alternating processes + a retry): ${extra} extra executions\n`,
		);
		for (const id of ids) expect(runs.get(id)?.length ?? 0).toBeGreaterThanOrEqual(1);
		expect(extra).toBeLessThanOrEqual(deliveries - ids.length);
	}, 240_000);
});
