// "Wait for Video" inside a real n8n, on the current and the oldest supported n8n: the execution parks in n8n's
// database, RunBlob (the simulator) calls the execution's resume URL, and the run continues once with every video.
import { useSharedN8n } from './shared';
import { createSimulator, videoSha256 } from '../simulator';
import {
	RUNTIMES,
	binaryFile,
	credentialFixture,
	nodeOutput,
	setUpEveryRuntime,
	sha256File,
	sleep,
	waitWorkflow,
} from './workflows';
import { finishedRun, startRun, untilWaiting as waitingOn } from './runs';

type N8n = Awaited<ReturnType<typeof useSharedN8n>>;
// The simulator's records are loosely typed JSON snapshots; the tests read them as such.
type Sim = any;

const VIDEO_SIZE = 256 * 1024;

const WF = {
	basic: waitWorkflow('e2eWaitBasic0001', 'wait-basic', { downloadVideo: true }),
	stop: waitWorkflow('e2eWaitStop00001', 'wait-stop', { onFailure: 'stop' }),
	timeout: waitWorkflow('e2eWaitTimeout01', 'wait-timeout', { maxWaitMinutes: 1 }),
};

function startSimulator(): Promise<Sim> {
	return createSimulator({
		port: 0,
		videoSize: VIDEO_SIZE,
		// RunBlob's retry schedule 100× faster, with its real 30 s per-delivery timeout (scaled too, it would be 300 ms:
		// a loaded test machine then loses deliveries that RunBlob itself would not).
		callbacks: { allowHttp: 'loopback', retryDelaysMs: [300, 600, 1200, 2400, 4800], timeoutMs: 30_000 },
		// "lost" and "forgery" callbacks never arrive; "dup" ones arrive three times.
		callbackFaults: (record: { prompt: string }) =>
			/lost|forgery/.test(record.prompt) ? { drop: true } : /dup/.test(record.prompt) ? { duplicate: 2 } : {},
		// Prompts steer the simulator: "fail" fails, "#n" renders in reverse order.
		timing: (record: { prompt: string }) => {
			const n = Number(/#(\d)/.exec(record.prompt)?.[1] ?? 0);
			return { queueMs: 100, processingMs: 400 + (6 - n) * 250 };
		},
		outcome: (request: { prompt: string }) =>
			/fail/.test(request.prompt)
				? { status: 'failed', error_message: `Refused: ${request.prompt}` }
				: { status: 'completed' },
	});
}

// Both runtimes are set up before the first scenario, and each starts its timeout run at once: n8n's wait timer resumes
// a run no sooner than its Max Wait (1 minute), so the two minutes pass side by side, under the other scenarios.
const setups = setUpEveryRuntime(async (runtime, onClose) => {
	const sim: Sim = await startSimulator();
	onClose(() => sim.close());
	const n8n = await useSharedN8n({
		runtime,
		label: 'wait',
		credentials: [credentialFixture(sim.url)],
		workflows: Object.values(WF),
	});
	onClose(() => n8n.detach());
	const timeoutRun = { id: await startRun(n8n, WF.timeout, { prompts: ['lost video #1', 'lost video #2'] }) };
	return { sim, n8n, timeoutRun };
});

describe.each(RUNTIMES)('Wait for Video in n8n runtime "%s"', (runtime) => {
	let sim: Sim;
	let n8n: N8n;
	/** The run started at the beginning that is to end by timing out. */
	let timeoutRun: { id: string };

	beforeAll(() => {
		({ sim, n8n, timeoutRun } = setups.get(runtime)!);
	});

	const untilWaiting = (executionId: string) => waitingOn(n8n, executionId);
	const start = (workflow: (typeof WF)[keyof typeof WF], prompts: string[]) => startRun(n8n, workflow, { prompts });
	const finished = (executionId: string, timeoutMs?: number) => finishedRun(n8n, executionId, timeoutMs);

	test('one item: the run waits in the database, then resumes once with the downloaded video', async () => {
		const executionId = await start(WF.basic, ['a paper boat in the rain']);
		await untilWaiting(executionId);
		const generation = await sim.waitFor(() => sim.generations().find((g: any) => g.prompt === 'a paper boat in the rain'), 10_000);
		const waiting = await n8n.execution(executionId, { includeData: false });
		expect(waiting.status).toBe('waiting'); // parked in the database: no worker is held while it waits
		expect(new URL(generation.callback_url).pathname).toBe(`/webhook-waiting/${executionId}/runblob-callback`);

		const execution = await finished(executionId);
		expect(execution.status).toBe('success');
		const [item] = nodeOutput(execution, 'RunBlob');
		expect(item.json).toMatchObject({
			generation_id: generation.generation_id,
			status: 'completed',
			prompt: 'a paper boat in the rain',
			price: '0.1200',
		});
		expect(item.binary.data.mimeType).toBe('video/mp4');
		const file = binaryFile(n8n.userFolder, item.binary.data.id);
		expect(await sha256File(file)).toBe(await videoSha256(generation.generation_id, VIDEO_SIZE));
		expect(nodeOutput(execution, 'Done')).toHaveLength(1);
		const deliveries = sim.deliveries.filter((d: any) => d.generation_id === generation.generation_id);
		expect(deliveries.filter((d: any) => d.ok)).toHaveLength(1);
	}, 90_000);

	test('five items, mixed results, callbacks out of order and duplicated: one resume, five items in input order', async () => {
		const prompts = ['dup clip #1', 'dup clip #2 fail', 'dup clip #3', 'dup clip #4 fail', 'dup clip #5'];
		const executionId = await start(WF.basic, prompts);
		const execution = await finished(executionId);
		expect(execution.status).toBe('success');

		const items = nodeOutput(execution, 'RunBlob');
		expect(items.map((item: any) => item.json.prompt)).toEqual(prompts);
		expect(items.map((item: any) => item.json.status)).toEqual(['completed', 'failed', 'completed', 'failed', 'completed']);
		expect(items.map((item: any) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
		expect(items[1].json.error_message).toBe('Refused: dup clip #2 fail');
		expect(items[1].binary).toBeUndefined();
		for (const item of items.filter((i: any) => i.json.status === 'completed')) {
			const file = binaryFile(n8n.userFolder, item.binary.data.id);
			expect(await sha256File(file)).toBe(await videoSha256(item.json.generation_id, VIDEO_SIZE));
		}
		expect(nodeOutput(execution, 'Done')).toHaveLength(5);

		// RunBlob really did finish them in reverse order and delivered every callback several times.
		const ids = items.map((item: any) => item.json.generation_id);
		const firstDelivery = ids.map((id: string) => Math.min(...sim.deliveries.filter((d: any) => d.generation_id === id).map((d: any) => d.startedAt)));
		expect([...firstDelivery].sort((a, b) => b - a)).toEqual(firstDelivery);
		// Acknowledged callbacks were duplicated by RunBlob too. How many depends on timing: the first callback may already
		// find every render finished and resume the run, and n8n answers 409 to the rest (RunBlob then retries rather
		// than duplicating); the acknowledged delivery's two copies always follow.
		await sim.waitFor(() => sim.deliveries.filter((d: any) => ids.includes(d.generation_id) && d.duplicate).length >= 2, 30_000);
		// Exactly one resume: the run data holds one RunBlob run and one Done run.
		expect(execution.data.resultData.runData.RunBlob).toHaveLength(1);
		expect(execution.data.resultData.runData.Done).toHaveLength(1);
	}, 120_000);

	test('a forged callback is refused and leaves the run waiting; the genuine one resumes it', async () => {
		const executionId = await start(WF.basic, ['forgery target']);
		await untilWaiting(executionId);
		const generation = await sim.waitFor(() => sim.generations().find((g: any) => g.prompt === 'forgery target'), 10_000);
		const callbackUrl = new URL(generation.callback_url);
		const payload = {
			generation_id: generation.generation_id,
			status: 'completed',
			prompt: 'forgery target',
			video_url: `${sim.cdnUrl}/videos/evil.mp4`,
			created_at: '2026-11-26T10:00:00.000000',
			completed_at: '2026-11-26T10:05:00.000000',
		};
		const forged = new URL(callbackUrl);
		forged.searchParams.set('rb_sig', 'AAAA' + forged.searchParams.get('rb_sig')!.slice(4));
		const unsigned = new URL(callbackUrl);
		unsigned.searchParams.delete('rb_sig');
		unsigned.searchParams.delete('rb_ts');
		for (const url of [forged, unsigned]) {
			const res = await n8n.http('POST', url.toString(), { body: payload });
			expect(res.status).toBe(401);
		}
		const garbage = await n8n.http('POST', callbackUrl.toString(), { body: { generation_id: 'nope', status: 'done' } });
		expect(garbage.status).toBe(400);
		await sleep(500);
		expect((await n8n.execution(executionId, { includeData: false })).status).toBe('waiting');

		await sim.waitFor(() => sim.get(generation.generation_id)?.status === 'completed', 10_000);
		const genuine = await n8n.http('POST', callbackUrl.toString(), { body: sim.get(generation.generation_id).callback_payload });
		expect(genuine.status).toBe(200);
		const execution = await finished(executionId);
		expect(execution.status).toBe('success');
		expect(nodeOutput(execution, 'RunBlob')[0].json.video_url).toBe(sim.get(generation.generation_id).video_url);
	}, 90_000);

	test('On Failed Generation = Stop Before the Next Node: no items go on, the failure is recorded', async () => {
		const executionId = await start(WF.stop, ['ok #1', 'broken #2 fail']);
		const execution = await finished(executionId);
		expect(execution.status).toBe('success');
		expect(nodeOutput(execution, 'RunBlob')).toEqual([]);
		expect(execution.data.resultData.runData.Done).toBeUndefined();
		expect(execution.data.resultData.runData.Start).toHaveLength(1); // the run's history is intact
		const failedId = sim.generations().find((g: any) => g.prompt === 'broken #2 fail').generation_id;
		expect(n8n.logs()).toContain(`generations failed, stopping: ${failedId} (Refused: broken #2 fail)`);
	}, 90_000);

	test('a lost callback ends in the timeout outcome that names every generation', async () => {
		// Started before the first scenario of either runtime, so its minute passes while the other scenarios run.
		const execution = await finished(timeoutRun.id, 200_000);
		expect(execution.status).toBe('success');
		const items = nodeOutput(execution, 'RunBlob');
		// Submitted in parallel: the generation of each input, by its prompt, whatever order RunBlob received them in.
		const idOf = (prompt: string) => sim.generations().find((g: any) => g.prompt === prompt)?.generation_id;
		expect(items.map((item: any) => item.json.generation_id)).toEqual([idOf('lost video #1'), idOf('lost video #2')]);
		expect(new Set(items.map((item: any) => item.json.generation_id)).size).toBe(2);
		for (const item of items) {
			expect(item.json).toMatchObject({ status: 'timed_out', last_known_status: 'pending' });
			expect(item.json.error_message).toContain(item.json.generation_id);
		}
		expect(items.map((item: any) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(nodeOutput(execution, 'Done')).toHaveLength(2);
	}, 210_000);
});
