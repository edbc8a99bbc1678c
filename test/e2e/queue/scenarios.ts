// Queue mode: PostgreSQL + Redis + a main process that does not serve production webhooks + one worker + one webhook
// processor (a second one joins for the last scenario), the package installed in every process, RunBlob (the
// simulator) calling the cluster through a round-robin balancer. One test file per n8n version
// (queue.current.test.ts, queue.oldest.test.ts) declares them with describeQueueMode(runtime): jest runs the two
// versions' clusters side by side on two workers, each file with its own PostgreSQL and Redis. The version's cluster is
// shared by its scenarios, in order; it starts at the beginning with its second webhook processor (kept out of the
// balancer until its scenarios), so no scenario waits for a start.
import { recordPhase } from '../harness';
import { startCluster } from './cluster';
import { startPostgres } from '../services/postgres';
import { startRedis } from '../services/redis';
import { createSimulator, videoBytes } from '../../simulator';
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
	waitWorkflow,
	webhookNode,
} from '../workflows';
import type { Runtime } from '../workflows';

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
/** Generations per trigger burst. */
const BURST = 20;

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

// The queue-mode recipe's trigger: RunBlob is answered once n8n has stored (queued) the execution, so a processor
// stopping mid-request makes RunBlob retry instead of losing the callback.
const trigger = triggerNode('RunBlob Trigger', 'e2e-queue-trigger', { options: { answerOnceStored: true } });
const WF = {
	wait: waitWorkflow('e2eQueueWait0001', 'queue-wait', { downloadVideo: true }, readVideosNode),
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
		splitPromptsNode(),
		runBlobNode('RunBlob', {
			operation: 'generate',
			prompt: '={{ $json.prompt }}',
			completion: 'notifyTrigger',
			triggerUrl: "={{ $('Start').first().json.body.triggerUrl }}",
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

/** The runtime's RunBlob simulator and cluster; stop() is idempotent (its describe stops it, afterAll any leftover). */
type Setup = { sim: Sim; cluster: Cluster; stop(): Promise<void> };

/**
 * Declares the queue-mode scenarios on one runtime, with its own PostgreSQL, Redis and cluster. A runtime left out of
 * RUNBLOB_E2E_RUNTIMES declares one skipped test (jest refuses a file without tests).
 */
export function describeQueueMode(runtime: Runtime): void {
	const title = `queue mode in n8n runtime "${runtime}"`;
	if (!RUNTIMES.includes(runtime)) {
		test.skip(`${title}: not among RUNBLOB_E2E_RUNTIMES`, () => undefined);
		return;
	}
	let setup: Promise<Setup> | undefined;
	beforeAll(async () => {
		[postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
		setup = setUp(runtime);
		setup.catch(() => undefined); // reported by the describe's beforeAll, which awaits it
	}, 120_000);
	afterAll(async () => {
		await setup?.then((s) => s.stop(), () => undefined);
		await Promise.all([postgres?.stop(), redis?.stop()]);
	}, 180_000);
	describe(title, () => scenarios(runtime, () => setup!));
}

async function setUp(runtime: Runtime): Promise<Setup> {
	const t = Date.now();
	const sim = await createSimulator({
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
			return { queueMs: 100, processingMs: 400 + (9 - n) * 200 };
		},
		// "flaky" prompts fail their first generation (an upstream error a resubmission fixes).
		outcome: { transient: { promptsMatching: 'flaky' } },
	});
	let cluster: Cluster;
	try {
		cluster = await startCluster({
			runtime,
			label: 'queue',
			postgres,
			redis,
			credentials: [credentialFixture(sim.url, SECRET)],
			workflows: Object.values(WF),
			standbyWebhookProcessors: 1,
			preparedWorkers: 1, // the crash scenario's replacement worker starts without an install
		});
	} catch (e) {
		await sim.close();
		throw e;
	}
	recordPhase('queue: cluster start (main, worker, 2 webhook processors)', (Date.now() - t) / 1000, { runtime, label: 'queue' });
	let stopping: Promise<void> | undefined;
	const stop = () =>
		(stopping ??= (async () => {
			await cluster.stop();
			await sim.close();
		})());
	return { sim, cluster, stop };
}

/** The scenarios, in order, on the runtime's cluster (`setup` resolves once it has started). */
function scenarios(runtime: Runtime, setup: () => Promise<Setup>): void {
	let sim: Sim;
	let cluster: Cluster;

	beforeAll(async () => {
		const t = Date.now();
		({ sim, cluster } = await setup());
		recordPhase('queue: waiting for the cluster start', (Date.now() - t) / 1000, { runtime, label: 'queue' });
		await waitForTrigger();
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		await (await setup().catch(() => undefined))?.stop();
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

	/** Trigger executions per generation_id among the newest 100 (n8n's page limit; a burst makes at most 40). */
	const generationOfRun = new Map<string, string>();
	async function triggerRunsByGeneration() {
		const summaries = await main().executions({ workflowId: WF.trigger.id, limit: 100 });
		// The trigger's output is stored with the execution when n8n creates it, so a run a worker has not picked up yet
		// (status "new") counts too; one whose output is not readable yet is read again next time. New runs are read
		// a few at a time.
		const unread = summaries.filter((summary) => !generationOfRun.has(summary.id));
		for (let i = 0; i < unread.length; i += 8) {
			await Promise.all(
				unread.slice(i, i + 8).map(async (summary) => {
					// n8n 2.8.4's API answers 400 "Cannot read properties of null (reading 'data')" for a run whose data row
					// it has not written (seen under heavy load): unread for now, so read again next time (unreadable if never).
					const execution = await main()
						.execution(summary.id, { includeData: true })
						.catch((e: { status?: number }) => (e.status === 400 ? null : Promise.reject(e)));
					if (!execution) return;
					const [item] = nodeOutput(execution, 'RunBlob Trigger');
					if (item || !['new', 'running'].includes(execution.status)) generationOfRun.set(summary.id, String(item?.json.generation_id));
				}),
			);
		}
		const byGeneration = new Map<string, string[]>();
		for (const summary of summaries) {
			const id = generationOfRun.get(summary.id) ?? 'undefined';
			byGeneration.set(id, [...(byGeneration.get(id) ?? []), summary.id]);
		}
		return byGeneration;
	}

	/**
	 * RunBlob has stopped sending (every callback acknowledged or given up) and the balancer has no request in flight:
	 * with *Answer Once the Run Is Stored*, n8n answers only once the run is stored, so every run of these callbacks
	 * is stored now (a copy still being handled, or an answer that was lost, keeps the balancer busy until n8n answers).
	 */
	async function deliveriesSettled(ids: string[], timeoutMs = 90_000) {
		await sim.waitFor(() => ids.every((id) => ['delivered', 'failed'].includes(sim.get(id)?.webhook?.state)), timeoutMs);
		await sim.waitFor(() => cluster.balancer.inFlight() === 0, 60_000);
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
		// The crashed worker had handed the run back when it parked; the new worker ran the resume. (Its "finished" line
		// is printed after the run's status is saved: give it a moment to arrive.)
		await sim.waitFor(() => replacement.logs().includes(`Worker finished execution ${executionId} `), 10_000).catch(() => undefined);
		expect(crashed.logs()).toContain(`Worker started execution ${executionId} `);
		expect(replacement.logs()).toContain(`Worker started execution ${executionId} `);
		expect(replacement.logs()).toContain(`Worker finished execution ${executionId} `);
	}, 180_000);

	/** One burst's outcome per generation: no execution (lost), exactly one, or more (doubled). */
	type Tally = {
		lost: number;
		once: number;
		doubled: number;
		deliveries: number;
		unreadable: number;
		/** Deliveries of the burst that n8n itself answered with a server error (RunBlob retried them). */
		failedDeliveries: number;
		/** Generations with more than one run. */
		doubledIds: string[];
		/** Generations whose callback n8n processed before a restart of the processor had ended (none without one). */
		beforeRestartIds: string[];
	};

	/**
	 * A burst of BURST generations notifying the trigger, all finishing at the same moment, with RunBlob's (scaled)
	 * retry schedule. `deployment` is how the proxy routes the trigger's path: "balanced" (each delivery to the
	 * processor the scenario picks) or "single writer" (every delivery of `/webhook/<trigger path>` to processor 0, the
	 * README's recipe). Scenarios:
	 * - copies: each generation's first delivery goes to both processors at the same moment (with "single writer":
	 *   twice to processor 0), answered; duplicates-in-flight as a retrying proxy or a double sender makes them.
	 * - lostRetried: each first delivery is processed but its answer is lost; RunBlob retries 3 s later, on the other
	 *   processor (the first processor alternates by generation, so both save at once while other callbacks overlap).
	 * - restart: first answers are lost and processor 0 restarts (graceful stop, start) in the middle of the burst.
	 */
	async function triggerBurst(deployment: 'balanced' | 'single writer', scenario: 'copies' | 'lostRetried' | 'restart') {
		const label = `${deployment.replace(' ', '-')} ${scenario}`;
		let t = Date.now();
		const phase = (name: string) => {
			recordPhase(`queue: trigger burst, ${name}`, (Date.now() - t) / 1000, { runtime, label: 'queue' });
			t = Date.now();
		};
		const earlier = new Set([...(await triggerRunsByGeneration()).values()].flat());
		let restartEndedAt = 0; // stays 0 without a restart: no generation counts as processed before one
		const prompts = Array.from({ length: BURST }, (_, i) => `slow ${label} ${i}`);
		const res = await cluster.http('POST', cluster.webhookUrl('queue-notify'), { body: { prompts, triggerUrl: triggerUrl() } });
		expect(res.status).toBe(200);
		const records = await sim.waitFor(() => {
			const found = prompts.map((p) => sim.generations().find((g: any) => g.prompt === p));
			return found.every(Boolean) ? found : undefined;
		}, 120_000);
		const ids: string[] = records.map((g: any) => g.generation_id);
		phase('generations created');
		const index = new Map(ids.map((id, i) => [id, i]));
		const attempts = new Map<string, number>();
		// The README's rule: RunBlob Trigger production paths are /webhook/<webhook id>/webhook.
		const triggerRule = /^\/webhook\/[^/]+\/webhook(\?|$)/;
		cluster.balancer.setRoute((req: { path: string; body: string }) => {
			const id = generationOf(req.body);
			const i = index.get(id);
			if (i === undefined || !triggerRule.test(req.path)) return null;
			const attempt = attempts.get(id) ?? 0;
			attempts.set(id, attempt + 1);
			const copies = scenario === 'copies' && attempt === 0 ? 2 : 1;
			if (deployment === 'single writer') return Array(copies).fill(0);
			const first = (i + attempt) % 2;
			return copies === 2 ? [first, 1 - first] : first;
		});
		// Attempt 1's answer is lost (after n8n processed it) in the retry scenarios: RunBlob retries on its schedule.
		cluster.balancer.setLoseAnswer(
			(req: { body: string }) => scenario !== 'copies' && index.has(generationOf(req.body)) && attempts.get(generationOf(req.body)) === 1,
		);
		try {
			for (const id of ids) sim.finish(id, { status: 'completed' });
			if (scenario === 'restart') {
				await sim.waitFor(() => [...attempts.values()].filter((n) => n > 0).length >= BURST / 2, 60_000);
				phase('half the callbacks in');
				await cluster.webhooks[0].restart();
				restartEndedAt = Date.now();
				phase('webhook processor restart');
			}
			await deliveriesSettled(ids, 240_000);
			phase(scenario === 'restart' ? 'the rest delivered (retries after the restart)' : 'callbacks delivered');
		} finally {
			cluster.balancer.setRoute(null);
			cluster.balancer.setLoseAnswer(null);
		}

		// Every run is stored (deliveriesSettled); read until every generation has one (or 60 s: a run stored redacted
		// has none) and a read a second later finds the same count: the count is final.
		let runs = await triggerRunsByGeneration();
		const deadline = Date.now() + 60_000;
		for (let stable = 0; stable < 1 && Date.now() < deadline; ) {
			await sleep(1000);
			const again = await triggerRunsByGeneration();
			const total = (m: Map<string, string[]>) => ids.reduce((n, id) => n + (m.get(id)?.length ?? 0), 0);
			stable = total(again) === total(runs) && ids.every((id) => again.has(id)) ? stable + 1 : 0;
			runs = again;
		}
		phase('runs counted');
		const counts = ids.map((id) => runs.get(id)?.length ?? 0);
		// Runs of this burst whose trigger output cannot be read: n8n 2.41 stores a run redacted when it cannot reach
		// its database to check credentials (seen on a loaded machine right after a restart). Counted, not attributed.
		const unreadable = [...runs].filter(([id]) => !index.has(id)).flatMap(([, runIds]) => runIds.filter((r) => !earlier.has(r)));
		for (const id of ids.filter((id) => !runs.has(id))) {
			const seen = cluster.balancer.requests.filter((r: any) => generationOf(r.body) === id);
			process.stderr.write(
				`[queue ${runtime}] no run for ${id}: ${seen.map((r: any) => `processor ${r.backend} ${r.status}${r.answerLost ? ' (answer lost)' : ''} ${r.answer.slice(0, 120)}`).join(' | ')}\n`,
			);
		}
		const tally: Tally = {
			lost: counts.filter((n) => n === 0).length,
			once: counts.filter((n) => n === 1).length,
			doubled: counts.filter((n) => n > 1).length,
			deliveries: ids.reduce((n, id) => n + reachedN8n(id).length, 0),
			unreadable: unreadable.length,
			failedDeliveries: cluster.balancer.requests.filter((r: any) => index.has(generationOf(r.body)) && r.status >= 500 && !r.byBalancer).length,
			doubledIds: ids.filter((id) => (runs.get(id)?.length ?? 0) > 1),
			beforeRestartIds: ids.filter((id) =>
				cluster.balancer.requests.some((r: any) => generationOf(r.body) === id && r.status === 200 && r.at < restartEndedAt),
			),
		};
		process.stderr.write(
			`[queue ${runtime}] trigger, ${deployment}, ${scenario}, ${BURST} generations: lost ${tally.lost} / exactly once ` +
				`${tally.once} / doubled ${tally.doubled} (${tally.deliveries} deliveries processed by n8n` +
				`${tally.unreadable ? `; ${tally.unreadable} runs stored redacted, generation unreadable` : ''}` +
				`${tally.failedDeliveries ? `; ${tally.failedDeliveries} deliveries n8n answered 5xx` : ''}` +
				`${scenario === 'restart' ? `; ${tally.beforeRestartIds.length} generations processed before the restart ended` : ''})\n`,
		);
		// Must hold in every deployment: every callback acknowledged (RunBlob stopped retrying) and started a run.
		for (const id of ids) expect(sim.get(id).webhook.state).toBe('delivered');
		// n8n's own answer after storing the run is the trigger's usual JSON acknowledgement.
		for (const r of cluster.balancer.requests.filter((r: any) => index.has(generationOf(r.body)) && r.status === 200)) {
			// Read leniently so that an answer that is not JSON fails with its text (and the request it answered) shown.
			let answer: unknown = r.answer;
			try {
				answer = JSON.parse(r.answer);
			} catch {
				// kept as text
			}
			expect({ request: `${r.method} ${r.path} → processor ${r.backend}`, answer }).toMatchObject({ answer: { received: true } });
		}
		// Nothing lost: every generation has a run (a redacted run may stand for one whose output cannot be read).
		expect(tally.lost).toBeLessThanOrEqual(tally.unreadable);
		// No run without a callback: every trigger execution belongs to a generation whose callback n8n processed.
		const called = new Set(cluster.balancer.requests.filter((r: any) => r.status === 200).map((r: any) => generationOf(r.body)));
		// (A run stored redacted reads as generation "undefined": counted above as unreadable, not attributable.)
		for (const id of runs.keys()) if (id !== 'undefined') expect(called.has(id)).toBe(true);
		if (deployment === 'single writer') {
			// The recipe: every delivery of the trigger's path reached processor 0 (none to the other one).
			const backends = new Set(cluster.balancer.requests.filter((r: any) => index.has(generationOf(r.body))).map((r: any) => r.backend));
			expect(backends).toEqual(new Set([0]));
		}
		return tally;
	}

	/** Deliveries of a generation's callback that n8n processed (answered 200, whether or not RunBlob heard it). */
	const reachedN8n = (id: string) =>
		cluster.balancer.requests.filter((r: any) => generationOf(r.body) === id && r.status === 200);

	describe('the RunBlob Trigger on two webhook processors', () => {
		beforeAll(async () => {
			await cluster.addWebhookProcessor();
			await waitForTrigger();
		}, SETUP_TIMEOUT_MS);

		// Copies of every callback of a 10-item run reach the processors at the same moment. n8n resumes the run once
		// (a compare-and-set on the execution row); the node answers before that compare-and-set (downloads may outlast
		// RunBlob's 30 s), so a copy handled by another process at the same instant cannot know it lost. Routing each
		// run's /webhook-waiting/<execution id>/ to one processor (hashed by execution id: still balanced across runs)
		// lets the in-process claim tell every other copy "resumed": false.
		test.each(['balanced', 'hashed by execution id'] as const)(
			'Wait for Video, 10 items finishing in reverse order, every callback copied to both processors at once (%s): one resume, items in order, honest answers counted',
			async (deployment) => {
				const prompts = Array.from({ length: 10 }, (_, i) => `copies ${deployment} #${i}`);
				let executionId = '';
				// The route reads the execution id from the path (this run is the only one waiting), so it applies from the
				// first callback on, even when a loaded machine lets renders finish before the test has read the run's id.
				cluster.balancer.setRoute((req: { path: string }) => {
					const waiting = /^\/webhook-waiting\/([^/]+)\//.exec(req.path);
					if (!waiting) return null;
					if (deployment === 'balanced') return [0, 1];
					const owner = Number(waiting[1]) % 2; // the proxy's hash of the execution id, for the test: its parity
					return [owner, owner];
				});
				try {
					const before = new Set((await main().executions({ workflowId: WF.wait.id })).map((e) => e.id));
					const started = cluster.http('POST', cluster.webhookUrl('queue-wait'), { body: { prompts } });
					const execution0 = await main().waitForExecution((e) => !before.has(e.id), 60_000, { workflowId: WF.wait.id, includeData: false });
					executionId = String(execution0.id);
					expect((await started).status).toBe(200);
					const execution = await finished(executionId);
					expect(execution.status).toBe('success');
					const items = nodeOutput(execution, 'RunBlob');
					expect(items.map((item: any) => item.json.prompt)).toEqual(prompts);
					expect(items.map((item: any) => item.json.status)).toEqual(Array(10).fill('completed'));
					expect(execution.data.resultData.runData.RunBlob).toHaveLength(1);
					expect(execution.data.resultData.runData['Read Videos']).toHaveLength(1);
					await sleep(1000); // copies still in flight get their answers
				} finally {
					cluster.balancer.setRoute(null);
				}
				const callbacks = cluster.balancer.requests.filter((r: any) => r.path.startsWith(`/webhook-waiting/${executionId}/`));
				const saidResumed = callbacks.filter((r: any) => /"resumed":\s*true/.test(r.answer));
				const processors = new Set(callbacks.map((r: any) => r.backend));
				process.stderr.write(
					`[queue ${runtime}] Wait for Video, 10 items, every callback copied at once, ${deployment}: ${callbacks.length} ` +
						`deliveries on processor(s) ${[...processors].join('+')}, ${saidResumed.length} answered "resumed": true, the run resumed once\n`,
				);
				if (deployment === 'balanced') {
					expect(processors).toEqual(new Set([0, 1]));
					expect(saidResumed.length).toBeGreaterThanOrEqual(1);
				} else {
					expect(processors.size).toBe(1);
					expect(saidResumed).toHaveLength(1);
				}
			},
			240_000,
		);

		// Balanced (round robin): n8n saves a workflow's static data as one blob per request, with no lock, so copies
		// on two processes at once can both start a run, and one process's save can drop another's record. Measured,
		// not asserted beyond "nothing lost".
		test.each(['copies', 'lostRetried', 'restart'] as const)('balanced deployment, %s: nothing lost; duplicates measured', async (scenario) => {
			await triggerBurst('balanced', scenario);
		}, 420_000);

		// The recipe: the trigger's path pinned to one webhook processor (in-process claims catch concurrent copies, the
		// durable record in static data catches retries after a restart): exactly one run per callback.
		test.each(['copies', 'lostRetried', 'restart'] as const)('single-writer routing of the trigger path, %s: exactly one run per generation', async (scenario) => {
			const tally = await triggerBurst('single writer', scenario);
			if (scenario !== 'restart') {
				// Exactly one run per generation: none doubled, and this burst's runs number exactly BURST.
				expect(tally.doubled).toBe(0);
				// With every run readable that is exactly BURST runs. A run whose output cannot be read may also be one
				// that n8n stored for a delivery it then failed ("Workflow could not be started!", 500, when its database
				// pool timed out; RunBlob retried it): at most one such run per failed delivery.
				expect(tally.once + tally.unreadable).toBeGreaterThanOrEqual(BURST);
				expect(tally.once + tally.unreadable).toBeLessThanOrEqual(BURST + tally.failedDeliveries);
			} else {
				// A restart can come after n8n stored a run and answered, but before the trigger's record of it was durable
				// (the two are not written in one step); RunBlob's retry (its first answer was lost) then starts a second
				// run: seen on 2.8.4 (0 / 19 / 1 in some runs). Only a generation processed before the restart ended may
				// have two runs: after it, the one processor's claims and record catch every retry.
				for (const id of tally.doubledIds) {
					expect({ id, processedBeforeTheRestart: tally.beforeRestartIds.includes(id) }).toEqual({ id, processedBeforeTheRestart: true });
				}
				expect(tally.once + tally.doubled + tally.unreadable).toBeGreaterThanOrEqual(BURST);
			}
		}, 420_000);
	});
}
