// "Resubmit Failed Generations" and "Minimum Balance" inside a real n8n, on the current and the oldest supported n8n:
// failed generations are submitted again within the same wait (one resume per attempt round), a repeated failure
// callback submits nothing more, and a balance below the minimum submits nothing at all.
import { useSharedN8n } from './shared';
import { createSimulator } from '../simulator';
import { RUNTIMES, SETUP_TIMEOUT_MS, chain, credentialFixture, jobsWorkflow, runBlobV2, sleep, webhookNode } from './workflows';
import { finishedRun, startRun } from './runs';

type N8n = Awaited<ReturnType<typeof useSharedN8n>>;
// The simulator's records are loosely typed JSON snapshots; the tests read them as such.
type Sim = any;

const WF = {
	resubmit: jobsWorkflow('e2eResubmitBatch', 'resubmit-batch', { resubmitAttempts: 1 }),
	twice: jobsWorkflow('e2eResubmitTwice', 'resubmit-twice', { resubmitAttempts: 2 }),
	minimum: jobsWorkflow('e2eResubmitMinBa', 'resubmit-minimum', {}, { minimumBalance: 50 }),
	balance: chain('e2eResubmitBalan', 'get balance', [
		webhookNode('Start', 'resubmit-balance'),
		runBlobV2('RunBlob', { resource: 'account', operation: 'getBalance' }),
	]),
};

describe.each(RUNTIMES)('Resubmit Failed Generations in n8n runtime "%s"', (runtime) => {
	const generationsOf = new Map<string, number>();
	let sim: Sim;
	let n8n: N8n;

	beforeAll(async () => {
		sim = await createSimulator({
			port: 0,
			videoSize: 64 * 1024,
			callbacks: { allowHttp: 'loopback', retryDelaysMs: [300, 600, 1200, 2400, 4800], timeoutMs: 30_000 },
			// "dup" failures are delivered three times.
			callbackFaults: (record: { prompt: string }) => (/dup/.test(record.prompt) ? { duplicate: 2 } : {}),
			// A "replay" prompt's second generation renders for 4 s, so a test can act while the run waits for it.
			timing: (record: { prompt: string }) => {
				const n = (generationsOf.get(record.prompt) ?? 0) + 1;
				generationsOf.set(record.prompt, n);
				if (/replay/.test(record.prompt) && n > 1) return { queueMs: 100, processingMs: 4000 };
				// Upstream errors finish first, refusals together with the renders that complete: Kling O3 reports the
				// reason only in its callback (its status read says "see webhook"), so the callback that finds the batch
				// finished may have read a refusal without it; the run then waits for the refusal's own callback
				// (README, Wait for Video) and Resubmit sees a refusal, not an upstream error.
				return { queueMs: 100, processingMs: /flaky/.test(record.prompt) && n === 1 ? 700 : 1500 };
			},
			outcome: {
				// Permanent: a content-policy refusal (Kling O3's code; Sora's documented sentence). Transient: an upstream
				// error on the first generation of the prompt, gone on the next one.
				failPromptsMatching: 'policy',
				errorCode: 'CONTENT_POLICY_VIOLATION',
				transient: { promptsMatching: 'flaky' },
			},
		});
		n8n = await useSharedN8n({
			runtime,
			label: 'resubmit',
			credentials: [credentialFixture(sim.url)],
			workflows: Object.values(WF),
		});
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		await sim?.close();
		await n8n?.detach();
	}, 60_000);

	const run = (workflow: (typeof WF)[keyof typeof WF], body: unknown) => startRun(n8n, workflow, body);
	const finished = (executionId: string) => finishedRun(n8n, executionId);

	/** The RunBlob node's last run (each attempt round is one more run of the node). */
	function lastOutput(execution: any): any[] {
		const runs = execution.data.resultData.runData.RunBlob;
		return runs[runs.length - 1].data.main[0];
	}

	/** How many callbacks for these items' generations (every attempt) were answered "resumed: true". */
	function resumes(items: any[]): number {
		const ids = new Set(items.flatMap((item: any) => item.json.attempts.map((a: any) => a.generation_id)));
		return sim.deliveries.filter((d: any) => ids.has(d.generation_id) && /"resumed":true/.test(d.responseBody ?? '')).length;
	}

	const creates = () => sim.requests.filter((r: any) => r.method === 'POST' && /\/generate$/.test(r.path)).length;

	test('a mixed batch of 10 with 3 transient failures and 1 permanent: 9 videos and 1 failed item, paired, 13 creates', async () => {
		const jobs = [
			{ model: 'sora-2', prompt: 'sora one' },
			{ model: 'kling_o3', prompt: 'o3 flaky two' },
			{ model: 'sora-2', prompt: 'sora three' },
			{ model: 'kling_o3', prompt: 'o3 policy four' },
			{ model: 'sora-2', prompt: 'sora flaky five' },
			{ model: 'kling_o3', prompt: 'o3 six' },
			{ model: 'sora-2', prompt: 'sora seven' },
			{ model: 'kling_o3', prompt: 'o3 flaky eight' },
			{ model: 'sora-2', prompt: 'sora nine' },
			{ model: 'kling_o3', prompt: 'o3 ten' },
		];
		const createsBefore = creates();
		const executionId = await run(WF.resubmit, { jobs });
		const execution = await finished(executionId);
		expect(execution.status).toBe('success');

		// 10 first attempts + 3 resubmissions; the content-policy refusal is not submitted again.
		expect(creates() - createsBefore).toBe(13);
		const items = lastOutput(execution);
		expect(items).toHaveLength(10);
		items.forEach((item: any, n: number) => {
			expect(item.pairedItem).toEqual({ item: n });
			expect(item.json.prompt).toBe(jobs[n].prompt);
			expect(item.json._resubmit).toBeUndefined();
		});
		const completed = items.filter((item: any) => item.json.status === 'completed');
		expect(completed).toHaveLength(9);
		const failed = items.filter((item: any) => item.json.status === 'failed');
		expect(failed.map((item: any) => item.json.prompt)).toEqual(['o3 policy four']);
		expect(failed[0].json.error_message).toBe('CONTENT_POLICY_VIOLATION');
		expect(failed[0].json.attempts).toHaveLength(1);

		for (const n of [1, 4, 7]) {
			const { json } = items[n];
			expect(json.attempts).toHaveLength(2);
			expect(json.attempts[0]).toMatchObject({ status: 'failed', error_message: expect.stringMatching(/TASK_FAILED|upstream error/) });
			expect(json.attempts[1]).toMatchObject({ generation_id: json.generation_id, status: 'completed', error_message: null });
			expect(json.attempts[0].generation_id).not.toBe(json.generation_id);
			// Both attempts are real generations of the same request at RunBlob (the simulator).
			const [first, second] = json.attempts.map((a: any) => sim.get(a.generation_id));
			expect(first.status).toBe('failed');
			expect(second.status).toBe('completed');
			expect(second.prompt).toBe(first.prompt);
			expect(second.family).toBe(first.family);
			expect(json.video_url).toBe(second.video_url);
		}
		// One resume per attempt round: two callbacks of this run were answered "resumed" (the round that found the
		// failures, the round that found the last attempt), every other one was not.
		expect(resumes(items)).toBe(2);
		expect(execution.data.resultData.runData.Done).toHaveLength(1);
	}, 180_000);

	test('a failure callback delivered three times is resubmitted once', async () => {
		const createsBefore = creates();
		const executionId = await run(WF.twice, {
			jobs: [
				{ model: 'kling_o3', prompt: 'o3 dup flaky eleven' },
				{ model: 'kling_o3', prompt: 'o3 dup policy twelve' },
			],
		});
		const execution = await finished(executionId);
		expect(execution.status).toBe('success');
		// Wait for every duplicate delivery to have been answered before counting.
		await sim.waitFor(() => sim.deliveries.length > 0 && sim.deliveries.every((d: any) => d.finishedAt), 10_000);
		await sleep(1000);
		const failure = sim.deliveries.filter((d: any) => d.body.status === 'failed' && /eleven/.test(sim.get(d.generation_id)?.prompt));
		expect(failure.length).toBeGreaterThanOrEqual(3);
		expect(creates() - createsBefore).toBe(3);
		const items = lastOutput(execution);
		expect(items.map((item: any) => item.json.status)).toEqual(['completed', 'failed']);
		expect(items[0].json.attempts.map((a: any) => a.status)).toEqual(['failed', 'completed']);
		expect(resumes(items)).toBe(2);
	}, 180_000);

	test('a failure callback replayed while the run waits for its new attempt is refused and submits nothing', async () => {
		const createsBefore = creates();
		const executionId = await run(WF.resubmit, { jobs: [{ model: 'sora-2', prompt: 'sora replay flaky fifteen' }] });
		// The first attempt failed and was resubmitted: the run waits for the second one.
		const [first, second] = await sim.waitFor(() => {
			const mine = sim.generations().filter((g: any) => g.prompt === 'sora replay flaky fifteen');
			return mine.length === 2 ? [...mine].reverse() : null;
		}, 30_000);
		expect(first.status).toBe('failed');
		const failure = await sim.waitFor(() => sim.deliveries.find((d: any) => d.generation_id === first.generation_id && d.ok), 10_000);
		for (let i = 0; i < 100 && (await n8n.execution(executionId, { includeData: false })).status !== 'waiting'; i++) await sleep(100);
		expect(second.status).not.toMatch(/completed|failed/);

		// RunBlob delivers the same failure again (a retry, or a copy): the run no longer waits for that generation.
		const again = await n8n.http('POST', failure.url, { body: failure.body });
		expect(again.status).toBe(409);
		expect(again.text).toMatch(/does not belong to this execution/);
		expect(creates() - createsBefore).toBe(2);

		const execution = await finished(executionId);
		expect(execution.status).toBe('success');
		const [item] = lastOutput(execution);
		expect(item.json).toMatchObject({ status: 'completed', generation_id: second.generation_id });
		expect(item.json.attempts.map((a: any) => a.generation_id)).toEqual([first.generation_id, second.generation_id]);
		expect(creates() - createsBefore).toBe(2);
	}, 180_000);

	test('Minimum Balance refuses the whole batch when the balance is below it: zero creates', async () => {
		sim.setBalance(12.5);
		const createsBefore = creates();
		const executionId = await run(WF.minimum, { jobs: [{ model: 'sora-2', prompt: 'sora thirteen' }, { model: 'kling_o3', prompt: 'o3 fourteen' }] });
		const execution = await finished(executionId);
		expect(execution.status).toBe('error');
		expect(JSON.stringify(execution.data.resultData.error)).toMatch(/12\.5 USD.*below the Minimum Balance \(50 USD\)/);
		expect(creates() - createsBefore).toBe(0);
		sim.setBalance(100);
	}, 120_000);

	test('Account → Get Balance reads the balance; a 404 says the endpoint is not available', async () => {
		sim.setBalance(42.25);
		let execution = await finished(await run(WF.balance, {}));
		expect(execution.status).toBe('success');
		expect(execution.data.resultData.runData.RunBlob[0].data.main[0][0].json).toEqual({ balance: 42.25, currency: 'USD' });

		sim.injectFaults({ status: 404, path: '/v1/data/balance', body: { detail: 'Not Found' } });
		execution = await finished(await run(WF.balance, {}));
		expect(execution.status).toBe('error');
		expect(JSON.stringify(execution.data.resultData.error)).toMatch(/balance endpoint is not available for this account/);
		sim.setBalance(100);
	}, 120_000);
});
