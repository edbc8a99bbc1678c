// Callback reliability of the RunBlob Trigger inside a real n8n, on the current and the oldest supported n8n:
// - a slow RunBlob API during "Verify With RunBlob API" never loses the callback to a "duplicate" answer;
// - generation ids are case-insensitive; impossible dates are refused; the acknowledgement is JSON.
// That de-duplication survives an n8n restart is in restart.test.ts (the scenarios that need a restart share one).
import { useSharedN8n } from './shared';
import { createSimulator } from '../simulator';
import { RUNTIMES, chain, credentialFixture, noOpNode, setUpEveryRuntime, sleep, triggerNode, triggerPath } from './workflows';
import { triggerCallbacks } from './triggerCallbacks';

type N8n = Awaited<ReturnType<typeof useSharedN8n>>;
// The simulator's records are loosely typed JSON snapshots; the tests read them as such.
type Sim = any;

const SECRET = 'e2e-reliability-callback-secret';
const verifying = triggerNode('Verifying Trigger', 'e2e-reliability-verify', {
	options: { verifyWithApi: true },
});
const plain = triggerNode('Plain Trigger', 'e2e-reliability-plain');

const WF = {
	verifying: chain('e2eRelVerify0001', 'reliability: verifying trigger', [verifying, noOpNode('Received')]),
	plain: chain('e2eRelPlain00001', 'reliability: plain trigger', [plain, noOpNode('Received')]),
};

/** One runtime's simulator, its attachment to the shared n8n, and what the tests do with them. */
function runtimeTools(sim: Sim, n8n: N8n) {
	const { signedUrl, generation, executionsFor, deliveriesOf } = triggerCallbacks(sim, n8n, SECRET);

	/**
	 * The slow-API scenario up to its last delivery: RunBlob's API hangs 35 s and then fails, then fails fast four more
	 * times, then recovers. Resolves with the generation's id.
	 */
	async function slowApiScenario(): Promise<string> {
		const id = await generation('a slow RunBlob API, with copies', verifying);
		const path = `/v1/sora/generations/${id}/`;
		sim.injectFaults([
			{ status: 503, delayMs: 35_000, count: 1, method: 'GET', path },
			{ status: 500, count: 4, method: 'GET', path },
		]);
		await sim.waitFor(() => ['delivered', 'failed'].includes(sim.get(id)?.webhook?.state), 150_000);
		await sim.waitFor(() => deliveriesOf(id).filter((d: any) => d.duplicate && d.finishedAt > d.startedAt).length >= 3, 30_000);
		await sleep(500);
		return id;
	}

	return { signedUrl, generation, executionsFor, deliveriesOf, slowApiScenario };
}

// Both runtimes are set up before the first test, and each starts its slow-API scenario at once: its 35 s hang passes
// for the two runtimes side by side. Every other scenario of a runtime runs after its slow one has been checked.
const setups = setUpEveryRuntime(async (runtime, onClose) => {
	const sim: Sim = await createSimulator({
		port: 0,
		timing: { queueMs: 100, processingMs: 300 },
		videoSize: 64 * 1024,
		// RunBlob's retry schedule (30/60/120/240/480 s) scaled 1:100, but its real 30 s per-delivery timeout.
		callbacks: { allowHttp: 'loopback', retryDelaysMs: [300, 600, 1200, 2400, 4800], timeoutMs: 30_000 },
		callbackFaults: (record: { prompt: string }) => (/copies/.test(record.prompt) ? { duplicate: 3 } : {}),
	});
	onClose(() => sim.close());
	const n8n = await useSharedN8n({
		runtime,
		label: 'reliability',
		credentials: [credentialFixture(sim.url, SECRET)],
		workflows: Object.values(WF),
		readyPaths: [triggerPath(verifying), triggerPath(plain)],
	});
	onClose(() => n8n.detach());
	const slowApi = runtimeTools(sim, n8n).slowApiScenario();
	// Awaited by its test; marked handled here so a failure before then is reported there, not as unhandled.
	slowApi.catch(() => undefined);
	return { sim, n8n, slowApi };
});

describe.each(RUNTIMES)('RunBlob Trigger reliability in n8n runtime "%s"', (runtime) => {
	let sim: Sim;
	let n8n: N8n;
	let tools: ReturnType<typeof runtimeTools>;

	beforeAll(() => {
		({ sim, n8n } = setups.get(runtime)!);
		tools = runtimeTools(sim, n8n);
	});

	const signedUrl = (node: typeof plain) => tools.signedUrl(node);
	const generation = (prompt: string, node: typeof plain) => tools.generation(prompt, node);
	const executionsFor = (workflowId: string, triggerName: string, generationId: string) =>
		tools.executionsFor(workflowId, triggerName, generationId);
	const deliveriesOf = (id: string) => tools.deliveriesOf(id);
	const answer = (d: any) => {
		try {
			return JSON.parse(d.responseBody ?? '');
		} catch {
			return d.responseBody;
		}
	};

	test('a status read that hangs past 30 s then fails: answered in time, exactly one execution, no early "duplicate"', async () => {
		// Started before the first test of either runtime (see above).
		const id = await setups.get(runtime)!.slowApi;

		const deliveries = deliveriesOf(id).sort((a: any, b: any) => a.startedAt - b.startedAt);
		// Every answer reached RunBlob within its 30 s (no delivery timed out), the first one a 503 from the trigger.
		expect(deliveries.filter((d: any) => d.error)).toEqual([]);
		expect(deliveries.every((d: any) => d.finishedAt - d.startedAt < 30_000)).toBe(true);
		expect(deliveries[0].status).toBe(503);
		const accepted = deliveries.filter((d: any) => d.ok && !answer(d)?.duplicate);
		expect(accepted).toHaveLength(1);
		expect(answer(accepted[0])).toEqual({ received: true });
		// "duplicate" only for copies answered after the accepted delivery had handed its execution to n8n.
		const duplicates = deliveries.filter((d: any) => answer(d)?.duplicate === true);
		expect(duplicates.length).toBeGreaterThanOrEqual(3);
		for (const d of duplicates) expect(d.startedAt).toBeGreaterThanOrEqual(accepted[0].finishedAt);

		const runs = await executionsFor(WF.verifying.id, 'Verifying Trigger', id);
		expect(runs).toHaveLength(1);
		expect(runs[0].item.json).toMatchObject({ generation_id: id, status: 'completed' });
	}, 180_000);

	test('the acknowledgement is JSON; ids are case-insensitive; impossible dates get 400', async () => {
		const id = await generation('case test', plain);
		// RunBlob's own delivery starts the one execution.
		await sim.waitFor(() => sim.get(id)?.webhook?.state === 'delivered', 20_000);
		const [delivery] = deliveriesOf(id);
		expect(answer(delivery)).toEqual({ received: true });
		const payload = sim.get(id).callback_payload;

		const send = async (body: unknown) => await n8n.http('POST', signedUrl(plain), { body });
		const upper = await send({ ...payload, generation_id: id.toUpperCase() });
		expect(upper.status).toBe(200);
		expect(upper.headers['content-type']).toMatch(/^application\/json/);
		expect(upper.json).toEqual({ received: true, duplicate: true });
		const mixed = await send({ ...payload, generation_id: id.slice(0, 13).toUpperCase() + id.slice(13) });
		expect(mixed.json).toEqual({ received: true, duplicate: true });

		// A new generation delivered first in upper case: its output id is lower case, and the lower-case replay is a duplicate.
		const other = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
		const first = await send({ ...payload, generation_id: other.toUpperCase() });
		expect(first.status).toBe(200);
		expect(first.json).toEqual({ received: true });
		expect((await send({ ...payload, generation_id: other })).json).toEqual({ received: true, duplicate: true });

		for (const created_at of ['2025-02-30T10:00:00.000000', '2025-11-31T10:00:00.000000']) {
			const impossible = await send({ ...payload, generation_id: '16fd2706-8baf-433b-82eb-8c7fada847da', created_at });
			expect(impossible.status).toBe(400);
			expect(impossible.json).toMatchObject({ error: 'Not a valid RunBlob callback', details: ['created_at: must be an ISO-8601 timestamp'] });
		}

		await sleep(1000);
		expect(await executionsFor(WF.plain.id, 'Plain Trigger', id)).toHaveLength(1);
		const otherRuns = await executionsFor(WF.plain.id, 'Plain Trigger', other);
		expect(otherRuns).toHaveLength(1);
		expect(otherRuns[0].item.json.generation_id).toBe(other);
		expect(await executionsFor(WF.plain.id, 'Plain Trigger', '16fd2706-8baf-433b-82eb-8c7fada847da')).toHaveLength(0);
	}, 90_000);
});
