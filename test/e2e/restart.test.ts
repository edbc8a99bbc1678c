// What survives an n8n restart, on the current and the oldest supported n8n: a run parked by Wait for Video, a run
// waiting for the generation Resubmit Failed Generations submitted again, and the RunBlob Trigger's de-duplication
// (workflow static data n8n saves after webhook()). The three scenarios share one restart per runtime: each restart
// costs an n8n start, and in a parallel run this file has an n8n of its own per runtime (it may not restart the shared
// one under other files), so 2 starts and 2 restarts stand for what were 6 and 6 in three files.
import { useSharedN8n } from './shared';
import { createSimulator } from '../simulator';
import {
	RUNTIMES,
	chain,
	credentialFixture,
	jobsWorkflow,
	noOpNode,
	nodeOutput,
	setUpEveryRuntime,
	sleep,
	triggerNode,
	triggerPath,
	waitWorkflow,
} from './workflows';
import { finishedRun, startRun, untilWaiting } from './runs';
import { triggerCallbacks } from './triggerCallbacks';

// The simulator's records are loosely typed JSON snapshots; the tests read them as such.
type Sim = any;

const SECRET = 'e2e-restart-callback-secret';
const WAITING_PROMPT = 'slow render across a restart';
const RESUBMIT_PROMPT = 'o3 restart flaky sixteen';
const plain = triggerNode('Plain Trigger', 'e2e-restart-plain');

const WF = {
	wait: waitWorkflow('e2eRestartWait01', 'restart-wait', { downloadVideo: true }),
	resubmit: jobsWorkflow('e2eRestartResub1', 'restart-resubmit', { resubmitAttempts: 1 }),
	trigger: chain('e2eRestartTrig01', 'restart: plain trigger', [plain, noOpNode('Received')]),
};

function startSimulator(): Promise<Sim> {
	const generationsOf = new Map<string, number>();
	return createSimulator({
		port: 0,
		videoSize: 64 * 1024,
		// RunBlob's retry schedule (30/60/120/240/480 s) scaled 1:100, but its real 30 s per-delivery timeout.
		callbacks: { allowHttp: 'loopback', retryDelaysMs: [300, 600, 1200, 2400, 4800], timeoutMs: 30_000 },
		// The waiting video and the resubmitted generation render until the test finishes them (a restart of n8n on a
		// loaded machine can take more than a minute); the resubmitted prompt's first generation fails at once.
		timing: (record: { prompt: string }) => {
			const n = (generationsOf.get(record.prompt) ?? 0) + 1;
			generationsOf.set(record.prompt, n);
			const held = record.prompt === WAITING_PROMPT || (record.prompt === RESUBMIT_PROMPT && n > 1);
			return held ? { queueMs: 100, processingMs: 600_000 } : { queueMs: 100, processingMs: 500 };
		},
		// An upstream error on the first generation of a "flaky" prompt, gone on the next one.
		outcome: { transient: { promptsMatching: 'flaky' } },
	});
}

/**
 * Each runtime, side by side: its own n8n (the shared one when run alone, `-i`), the three runs brought to the moment
 * before the restart, and the restart. The tests then finish each scenario.
 */
const setups = setUpEveryRuntime(async (runtime, onClose) => {
	const sim: Sim = await startSimulator();
	onClose(() => sim.close());
	const n8n = await useSharedN8n({
		restarts: true,
		runtime,
		label: 'restart',
		credentials: [credentialFixture(sim.url, SECRET)],
		workflows: Object.values(WF),
		readyPaths: [triggerPath(plain)],
	});
	onClose(() => n8n.detach());
	const callbacks = triggerCallbacks(sim, n8n, SECRET);
	const generationsOf = (prompt: string) => sim.generations().filter((g: any) => g.prompt === prompt);

	// Wait for Video: the run is parked in the database while its video renders.
	const waitRun = await startRun(n8n, WF.wait, { prompts: [WAITING_PROMPT] });
	// Resubmit: the first attempt fails (an upstream error), the run submits it again and waits for the second.
	const resubmitRun = await startRun(n8n, WF.resubmit, { jobs: [{ model: 'kling_o3', prompt: RESUBMIT_PROMPT }] });
	// The trigger: a callback delivered, and the execution it started.
	const delivered = await callbacks.generation('delivered before the restart', plain);

	await untilWaiting(n8n, waitRun, 30_000);
	const waitGeneration = await sim.waitFor(() => generationsOf(WAITING_PROMPT)[0], 10_000);
	const [firstAttempt, secondAttempt] = await sim.waitFor(() => {
		const mine = generationsOf(RESUBMIT_PROMPT);
		return mine.length === 2 ? [...mine].reverse() : null;
	}, 30_000);
	// The run parks again once it has submitted the second attempt.
	await untilWaiting(n8n, resubmitRun, 30_000);
	await sim.waitFor(() => sim.get(delivered)?.webhook?.state === 'delivered', 20_000);
	await n8n.waitForExecution(() => true, 20_000, { workflowId: WF.trigger.id });

	const before = {
		wait: (await n8n.execution(waitRun, { includeData: false })).status,
		resubmit: (await n8n.execution(resubmitRun, { includeData: false })).status,
	};
	await n8n.restart();
	const after = {
		wait: (await n8n.execution(waitRun, { includeData: false })).status,
		resubmit: (await n8n.execution(resubmitRun, { includeData: false })).status,
	};
	return { sim, n8n, callbacks, before, after, waitRun, waitGeneration, resubmitRun, firstAttempt, secondAttempt, delivered };
});

describe.each(RUNTIMES)('n8n restarts, in n8n runtime "%s"', (runtime) => {
	let s: NonNullable<ReturnType<typeof setups.get>>;
	beforeAll(() => {
		s = setups.get(runtime)!;
	});

	test('n8n restarts while the run waits; the callback then completes it', async () => {
		expect(s.before.wait).toBe('waiting');
		expect(s.after.wait).toBe('waiting');
		s.sim.finish(s.waitGeneration.generation_id, { status: 'completed' });
		const execution = await finishedRun(s.n8n, s.waitRun);
		expect(execution.status).toBe('success');
		const [item] = nodeOutput(execution, 'RunBlob');
		expect(item.json).toMatchObject({ generation_id: s.waitGeneration.generation_id, status: 'completed' });
		expect(item.binary.data.mimeType).toBe('video/mp4');
		expect(nodeOutput(execution, 'Done')).toHaveLength(1);
	}, 120_000);

	test('n8n restarts while the run waits for a resubmitted generation: the run finishes with both attempts', async () => {
		expect(s.firstAttempt.status).toBe('failed');
		expect(s.before.resubmit).toBe('waiting');
		expect(s.after.resubmit).toBe('waiting');
		s.sim.finish(s.secondAttempt.generation_id);
		const execution = await finishedRun(s.n8n, s.resubmitRun);
		expect(execution.status).toBe('success');
		const runs = execution.data.resultData.runData.RunBlob;
		const [item] = runs[runs.length - 1].data.main[0];
		expect(item.json).toMatchObject({ status: 'completed', generation_id: s.secondAttempt.generation_id });
		expect(item.json.attempts.map((a: any) => a.status)).toEqual(['failed', 'completed']);
		expect(item.json.attempts.map((a: any) => a.generation_id)).toEqual([s.firstAttempt.generation_id, s.secondAttempt.generation_id]);
		// Two generations in all: the restart submitted nothing again.
		expect(s.sim.generations().filter((g: any) => g.prompt === RESUBMIT_PROMPT)).toHaveLength(2);
	}, 120_000);

	test('a callback delivered before an n8n restart is still a duplicate after it', async () => {
		const { sim, n8n, callbacks, delivered } = s;
		const payload = sim.get(delivered).callback_payload;
		const replay = await n8n.http('POST', callbacks.signedUrl(plain), { body: payload });
		expect(replay.status).toBe(200);
		expect(replay.json).toEqual({ received: true, duplicate: true });
		// The same holds for the upper-case form, and a new callback still starts its execution.
		const upper = await n8n.http('POST', callbacks.signedUrl(plain), { body: { ...payload, generation_id: delivered.toUpperCase() } });
		expect(upper.json).toEqual({ received: true, duplicate: true });
		const fresh = await callbacks.generation('delivered after the restart', plain);
		await sim.waitFor(() => sim.get(fresh)?.webhook?.state === 'delivered', 20_000);
		await sleep(1000);
		expect(await callbacks.executionsFor(WF.trigger.id, 'Plain Trigger', delivered)).toHaveLength(1);
		expect(await callbacks.executionsFor(WF.trigger.id, 'Plain Trigger', fresh)).toHaveLength(1);
	}, 120_000);
});
