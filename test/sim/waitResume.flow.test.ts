/**
 * The RunBlob node's "Wait for Video" mode, driven for real: `execute()` (Generate) creates the generations on the
 * RunBlob simulator and parks the run; RunBlob's callbacks (built from the simulator's records) are fed to the resume
 * webhook at the exact path + query the node gave RunBlob, with the waiting run's execution data.
 *
 * The simulator's own callback delivery is switched off (`drop`): nothing listens on n8n's URL here, and the tests
 * decide the order and the duplicates of the deliveries.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { RunBlob } from '../../nodes/RunBlob/RunBlob.node';
import { ANSWER_BUDGET } from '../../nodes/shared/callbackContract';
import { getN8nRuntime, n8nLogger, runWebhook } from '../helpers/n8n';
import { videoSha256 } from '../simulator';
import {
	LOCAL_N8N,
	createHeldSimulator,
	jsonRequest,
	normalised,
	recordResponses,
	sha256,
	startWaitingRun,
	useFastRetries,
	useShortAnswerBudget,
	type Payload,
	watchAnswerBeforeStore,
} from './callbackFixtures';
import { forgetReportedFinals, forgetWebhookSettings } from '../helpers/processMemory';

type Sim = Awaited<ReturnType<typeof createHeldSimulator>>;
type WaitingRun = Awaited<ReturnType<typeof startWaitingRun>>;

const VIDEO_SIZE = 96 * 1024 + 5;
let sim: Sim;

useFastRetries();
useShortAnswerBudget();

beforeAll(async () => {
	sim = await createHeldSimulator({ videoSize: VIDEO_SIZE });
});
afterAll(async () => {
	await sim.close();
});
beforeEach(() => sim.faultQueue.clear());
// Each run builds its own credential under the same id: forget the per-process copy (settingsCache.ts).
beforeEach(() => forgetWebhookSettings());

/** RunBlob's callback for a generation the simulator finished: its exact §1.4 payload. */
function callbackOf(id: string): Payload {
	const payload = sim.get(id)?.callback_payload;
	if (!payload) throw new Error(`generation ${id} has not finished`);
	return payload;
}

async function deliver(waiting: WaitingRun, body: unknown, path = waiting.callbackPath) {
	return await runWebhook({
		nodeType: new RunBlob(),
		runExecutionData: waiting.run.runExecutionData,
		request: jsonRequest(body, { path }),
	});
}

/** What the resumed node outputs for a generation: the normalised record plus the price charged. */
function expectedItem(id: string, item: number): INodeExecutionData {
	return {
		json: { ...normalised(sim.get(id) as unknown as Payload), price: '0.1200' },
		pairedItem: { item },
	};
}

const statusGets = () => sim.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/v1/sora/generations/'));

describe('one item', () => {
	it('gives RunBlob a signed callback URL on the waiting run’s resume URL', async () => {
		const waiting = await startWaitingRun(sim, ['a cat on a skateboard']);
		const { run, callbackUrl } = waiting;
		expect(run.waitTill).toBeInstanceOf(Date);
		const url = new URL(callbackUrl);
		expect(`${url.origin}${url.pathname}`).toBe(`${LOCAL_N8N}webhook-waiting/${run.executionId}/runblob-callback`);
		// n8n's own resume token is kept, our signature is added
		expect(url.searchParams.get('signature')).toBe(run.runExecutionData.resumeToken);
		expect(url.searchParams.get('rb_ts')).toMatch(/^\d{10}$/);
		expect(url.searchParams.get('rb_sig')).toMatch(/^[\w-]{43}$/);
	});

	it('a completed callback resumes with one normalised item (with price), paired to item 0', async () => {
		const waiting = await startWaitingRun(sim, ['a cat on a skateboard']);
		const id = waiting.ids[0]!;
		sim.finish(id);
		const getsBefore = statusGets().length;

		const { result, response } = await deliver(waiting, callbackOf(id));

		expect(response).toMatchObject({ statusCode: 200, ended: true, body: { received: true, resumed: true } });
		expect(result.noWebhookResponse).toBe(true);
		expect(result.workflowData).toEqual([[expectedItem(id, 0)]]);
		expect(result.workflowData![0][0].json).toMatchObject({
			generation_id: id,
			status: 'completed',
			prompt: 'a cat on a skateboard',
			video_url: sim.get(id)!.video_url,
			error_message: null,
			price: '0.1200',
		});
		expect(result.workflowData![0][0].json.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
		// nothing else to ask RunBlob about
		expect(statusGets().length).toBe(getsBefore);
	});

	it('a failed callback resumes with its error_message', async () => {
		const waiting = await startWaitingRun(sim, ['a portrait']);
		const id = waiting.ids[0]!;
		sim.finish(id, { status: 'failed', error_message: 'Image contains photorealistic people.' });
		const { result } = await deliver(waiting, callbackOf(id));
		expect(result.workflowData).toEqual([[expectedItem(id, 0)]]);
		expect(result.workflowData![0][0].json).toMatchObject({
			status: 'failed',
			video_url: null,
			error_message: 'Image contains photorealistic people.',
		});
	});
});

describe('five items, mixed outcomes, callbacks out of order and duplicated', () => {
	it('acknowledges early callbacks and resumes once, with all five items in input order', async () => {
		const prompts = ['video 0', 'video 1', 'video 2', 'video 3', 'video 4'];
		const waiting = await startWaitingRun(sim, prompts);
		const ids = waiting.ids as string[];
		expect(ids).toHaveLength(5);
		const failures: Record<number, string> = { 1: 'failure of video 1', 3: 'failure of video 3' };
		const finish = (i: number) =>
			sim.finish(ids[i], failures[i] ? { status: 'failed', error_message: failures[i] } : { status: 'completed' });

		// Unknown siblings are read from both ends of the batch (4, 0, 3, 1, 2); the ones that reported themselves are not
		// read again.
		const early: Array<{ deliver: number; waitingFor: number; finishFirst?: boolean }> = [
			{ deliver: 3, waitingFor: 4, finishFirst: true },
			{ deliver: 0, waitingFor: 4, finishFirst: true },
			{ deliver: 3, waitingFor: 4 }, // RunBlob duplicate
			{ deliver: 4, waitingFor: 1, finishFirst: true }, // 0 and 3 reported themselves: 1 is next
			{ deliver: 1, waitingFor: 2, finishFirst: true },
			{ deliver: 0, waitingFor: 2 }, // another duplicate
		];
		for (const step of early) {
			if (step.finishFirst) finish(step.deliver);
			const { result, response } = await deliver(waiting, callbackOf(ids[step.deliver]));
			expect(result).toEqual({ noWebhookResponse: true });
			expect(result.workflowData).toBeUndefined();
			expect(response).toMatchObject({
				statusCode: 200,
				ended: true,
				body: { received: true, resumed: false, waiting_for: ids[step.waitingFor] },
			});
		}

		finish(2);
		// As after a restart (or with the other callbacks handled by another process): nothing is remembered.
		forgetReportedFinals();
		const getsBefore = statusGets().length;
		const last = await deliver(waiting, callbackOf(ids[2]));
		expect(last.response).toMatchObject({ statusCode: 200, body: { received: true, resumed: true } });
		expect(last.result.noWebhookResponse).toBe(true);
		expect(last.result.workflowData).toHaveLength(1);
		const output = last.result.workflowData![0];
		expect(output).toEqual(ids.map((id, i) => expectedItem(id, i)));
		expect(output.map((item) => item.json.prompt)).toEqual(prompts);
		expect(output.map((item) => item.json.status)).toEqual(['completed', 'failed', 'completed', 'failed', 'completed']);
		expect(output.map((item) => item.json.error_message)).toEqual([null, failures[1], null, failures[3], null]);
		expect(output.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
		// the last callback asked RunBlob about the four others (its own state came in the body)
		expect(
			statusGets()
				.slice(getsBefore)
				.map((r) => r.path)
				.sort(),
		).toEqual([0, 1, 3, 4].map((i) => `/v1/sora/generations/${ids[i]}/`).sort());

		// A delivery right after the resume does not claim to resume it again (in n8n the execution is no longer
		// waiting by then, so n8n itself answers such a late callback with 409 before this node runs).
		const late = await deliver(waiting, callbackOf(ids[4]));
		expect(late.result).toEqual({ noWebhookResponse: true });
		expect(late.response).toMatchObject({ statusCode: 200, body: { received: true, resumed: false } });
	});

	it('parallel copies of the final callback: exactly one says resumed and hands n8n the items', async () => {
		const waiting = await startWaitingRun(sim, ['copy 0', 'copy 1', 'copy 2']);
		const ids = waiting.ids as string[];
		for (const id of ids) sim.finish(id);
		const copies = await Promise.all(Array.from({ length: 4 }, async () => await deliver(waiting, callbackOf(ids[1]))));
		const resumed = copies.filter((c) => c.result.workflowData !== undefined);
		expect(resumed).toHaveLength(1);
		expect(resumed[0].response.body).toEqual({ received: true, resumed: true });
		for (const other of copies.filter((c) => c !== resumed[0])) {
			expect(other.response).toMatchObject({
				statusCode: 200,
				body: { received: true, resumed: false, message: 'Another callback delivery is already resuming the run with every result' },
			});
			expect(other.result).toEqual({ noWebhookResponse: true });
		}
	});

	it('generation ids are matched case-insensitively; the output carries them in lower case', async () => {
		const waiting = await startWaitingRun(sim, ['upper 0', 'upper 1']);
		const ids = waiting.ids as string[];
		for (const id of ids) sim.finish(id);
		const body = { ...callbackOf(ids[0]), generation_id: ids[0].toUpperCase() };
		const { result, response } = await deliver(waiting, body);
		expect(response.body).toEqual({ received: true, resumed: true });
		expect(result.workflowData).toEqual([[expectedItem(ids[0], 0), expectedItem(ids[1], 1)]]);
	});

	it('a lost callback does not matter: the sibling’s status is read from RunBlob', async () => {
		const waiting = await startWaitingRun(sim, ['lost', 'delivered']);
		const [lost, delivered] = waiting.ids as string[];
		sim.finish(lost, { status: 'failed', error_message: 'lost one failed' });
		sim.finish(delivered);
		const { result } = await deliver(waiting, callbackOf(delivered));
		expect(result.workflowData).toEqual([[expectedItem(lost, 0), expectedItem(delivered, 1)]]);
		expect(result.workflowData![0][0].json.error_message).toBe('lost one failed');
	});

	it('an item that failed at submission (Continue On Fail) is passed through unchanged', async () => {
		const waiting = await startWaitingRun(sim, ['first', '', 'third'], { continueOnFail: true });
		const [first, none, third] = waiting.ids;
		expect(none).toBeUndefined();
		const submissionError = waiting.run.executeData.data.main[0]![1];
		expect(submissionError).toEqual({
			json: { error: 'The prompt is empty', description: expect.any(String) },
			pairedItem: { item: 1 },
		});

		sim.finish(first!);
		sim.finish(third!);
		const { result } = await deliver(waiting, callbackOf(third!));
		expect(result.workflowData).toEqual([[expectedItem(first!, 0), submissionError, expectedItem(third!, 2)]]);
	});
});

describe('API economy: RunBlob is asked only about generations this process has not heard of', () => {
	const N = 8;
	const run = async (order: number[]) => {
		const waiting = await startWaitingRun(sim, Array.from({ length: N }, (_, i) => `economy ${i}`));
		const ids = waiting.ids as string[];
		const getsBefore = statusGets().length;
		const answers = [];
		for (const i of order) {
			sim.finish(ids[i]);
			answers.push(await deliver(waiting, callbackOf(ids[i])));
		}
		return { ids, answers, reads: statusGets().slice(getsBefore) };
	};

	it('in input order (a FIFO queue): one read per callback, none for the last, and the run resumes', async () => {
		const { ids, answers, reads } = await run([0, 1, 2, 3, 4, 5, 6, 7]);
		// The newest unknown generation (the last submitted) is the one still rendering: asked once per callback.
		expect(reads.map((r) => r.path)).toEqual(Array(N - 1).fill(`/v1/sora/generations/${ids[N - 1]}/`));
		expect(answers.slice(0, -1).map((a) => a.response.body)).toEqual(
			Array(N - 1).fill({ received: true, resumed: false, waiting_for: ids[N - 1], message: 'Other generations are still rendering' }),
		);
		expect(answers[N - 1].result.workflowData).toEqual([ids.map((id, i) => expectedItem(id, i))]);
	});

	it('in reverse order: one read per callback', async () => {
		const { ids, answers, reads } = await run([7, 6, 5, 4, 3, 2, 1, 0]);
		expect(reads).toHaveLength(N - 1);
		expect(answers[N - 1].result.workflowData).toEqual([ids.map((id, i) => expectedItem(id, i))]);
	});

	it('in reverse order with callbacks queued behind a slow n8n: the oldest unknown is read next, not the whole batch', async () => {
		const waiting = await startWaitingRun(sim, Array.from({ length: N }, (_, i) => `queued ${i}`));
		const ids = waiting.ids as string[];
		// 7, 6 and 5 have finished; 7's callback is handled first, the others wait in n8n's queue.
		for (const i of [7, 6, 5]) sim.finish(ids[i]);
		const getsBefore = statusGets().length;
		const first = await deliver(waiting, callbackOf(ids[7]));
		expect(first.response.body).toMatchObject({ resumed: false, waiting_for: ids[0] });
		expect(statusGets().slice(getsBefore).map((r) => r.path)).toEqual([`/v1/sora/generations/${ids[0]}/`]);
	});

	it('callbacks handled at the same time share what they find, and stop reading once the run is resuming', async () => {
		const waiting = await startWaitingRun(sim, Array.from({ length: N }, (_, i) => `together ${i}`));
		const ids = waiting.ids as string[];
		for (const id of ids) sim.finish(id);
		// Slow status reads, so the callbacks' checks overlap as they do in a busy n8n.
		sim.injectFaults({ delayMs: 150, phase: 'after', count: 10_000, method: 'GET', path: '/v1/sora/generations/' });
		const getsBefore = statusGets().length;
		// Arriving one after another while the earlier ones are still checking (in reverse: the worst case for reads).
		const answers = await Promise.all(
			[...ids].reverse().map(async (id, k) => {
				await new Promise((resolve) => setTimeout(resolve, k * 40));
				return await deliver(waiting, callbackOf(id));
			}),
		);
		const resumed = answers.filter((a) => a.result.workflowData);
		expect(resumed).toHaveLength(1);
		expect(resumed[0].result.workflowData).toEqual([ids.map((id, i) => expectedItem(id, i))]);
		for (const other of answers.filter((a) => !a.result.workflowData))
			expect(other.response.body).toMatchObject({ received: true, resumed: false });
		// Each callback knows its own generation; at most every other generation is read once (a read of a copy that
		// kept its own map, as before, costs up to N × (N − 1)).
		expect(statusGets().length - getsBefore).toBeLessThanOrEqual(N);
	});

	it('a lost callback is read once, then remembered', async () => {
		const waiting = await startWaitingRun(sim, ['a', 'b', 'c']);
		const [a, b, c] = waiting.ids as string[];
		sim.finish(a);
		sim.finish(b); // b's callback is lost
		const getsBefore = statusGets().length;
		expect((await deliver(waiting, callbackOf(a))).response.body).toMatchObject({ resumed: false, waiting_for: c });
		sim.finish(c);
		const last = await deliver(waiting, callbackOf(c));
		expect(last.result.workflowData).toEqual([[expectedItem(a, 0), expectedItem(b, 1), expectedItem(c, 2)]]);
		// a: read c (rendering); c: read b (finished) — b is never read twice, a never at all.
		expect(statusGets().slice(getsBefore).map((r) => r.path)).toEqual([c, b].map((id) => `/v1/sora/generations/${id}/`));
	});

	it('a remembered status of another run does not leak into this one', async () => {
		const first = await run([0, 1, 2, 3, 4, 5, 6, 7]);
		expect(first.answers[N - 1].result.workflowData).toBeDefined();
		const second = await run([0, 1, 2, 3, 4, 5, 6, 7]);
		expect(second.reads).toHaveLength(N - 1);
		expect(second.answers[N - 1].result.workflowData).toEqual([second.ids.map((id, i) => expectedItem(id, i))]);
	});
});

describe('RunBlob cannot be asked about the siblings', () => {
	it('answers 503 + Retry-After in time (RunBlob retries) and keeps waiting; the retried callback resumes', async () => {
		const waiting = await startWaitingRun(sim, ['one', 'two']);
		const [one, two] = waiting.ids as string[];
		sim.finish(one);
		sim.finish(two);
		sim.injectFaults({ status: 503, count: 10_000, method: 'GET', path: `/v1/sora/generations/${one}/` });
		const getsBefore = statusGets().length;

		const started = Date.now();
		const { result, response } = await deliver(waiting, callbackOf(two));
		expect(Date.now() - started).toBeLessThan(ANSWER_BUDGET.ms + 1_000);
		expect(result).toEqual({ noWebhookResponse: true });
		expect(response).toMatchObject({ statusCode: 503, ended: true, headers: { 'retry-after': '30' } });
		expect((response.body as IDataObject).error).toMatch(new RegExp(`^Could not check generation ${one} with RunBlob: RunBlob answered HTTP 503`));
		const reads = statusGets().slice(getsBefore);
		expect(reads.length).toBeGreaterThanOrEqual(2); // retried while the budget lasted
		expect(reads.every((r) => r.status === 503)).toBe(true);

		sim.faultQueue.clear();
		const retried = await deliver(waiting, callbackOf(two));
		expect(retried.result.workflowData).toEqual([[expectedItem(one, 0), expectedItem(two, 1)]]);
	});

	it('a status read that hangs past the budget → 503 in time, not a hung answer', async () => {
		const waiting = await startWaitingRun(sim, ['slow 0', 'slow 1', 'slow 2']);
		const ids = waiting.ids as string[];
		for (const id of ids) sim.finish(id);
		sim.injectFaults({ status: 503, delayMs: 10_000, count: 10_000, method: 'GET', path: `/v1/sora/generations/${ids[2]}/` });
		const started = Date.now();
		const { result, response } = await deliver(waiting, callbackOf(ids[0]));
		expect(Date.now() - started).toBeLessThan(ANSWER_BUDGET.ms + 1_000);
		expect(response.statusCode).toBe(503);
		expect(result.workflowData).toBeUndefined();
	});
});

describe('Download Video', () => {
	it('acknowledges first, then stores each completed video as binary data with the CDN’s bytes', async () => {
		const waiting = await startWaitingRun(sim, ['done 0', 'fails 1', 'done 2'], {
			parameters: { downloadVideo: true, binaryPropertyName: 'video' },
		});
		const ids = waiting.ids as string[];
		sim.finish(ids[0]);
		sim.finish(ids[1], { status: 'failed', error_message: 'no video' });
		sim.finish(ids[2]);

		const watch = await watchAnswerBeforeStore();
		const { runtime, events } = watch;
		const cdnBefore = sim.cdnRequests.length;
		let outcome;
		try {
			outcome = await deliver(waiting, callbackOf(ids[0]));
		} finally {
			watch.restore();
		}

		expect(events).toEqual(['answered 200', 'binary store started', 'binary store started']);
		expect(outcome.response).toMatchObject({ statusCode: 200, body: { received: true, resumed: true } });
		const output = outcome.result.workflowData![0];
		expect(output.map((item) => item.json)).toEqual(ids.map((id, i) => expectedItem(id, i).json));
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(output[1].binary).toBeUndefined();
		for (const i of [0, 2]) {
			const binary = output[i].binary!.video;
			expect(Object.keys(output[i].binary!)).toEqual(['video']);
			expect(binary).toMatchObject({ mimeType: 'video/mp4', fileName: `${ids[i]}.mp4` });
			const bytes = await outcome.readBinary(binary);
			expect(bytes.length).toBe(VIDEO_SIZE);
			expect(sha256(bytes)).toBe(await videoSha256(ids[i], VIDEO_SIZE));
		}
		const cdn = sim.cdnRequests.slice(cdnBefore);
		expect(cdn.map((r) => r.path).sort()).toEqual([sim.get(ids[0])!.video_path, sim.get(ids[2])!.video_path].sort());
		for (const request of cdn) {
			expect(request.authorization).toBe(false);
			expect(request.startedAt).toBeGreaterThanOrEqual(watch.answeredAt);
		}
	});
});

describe('On Failed Generation: Stop Before the Next Node', () => {
	it('acknowledges RunBlob with 200 and resumes with no items, logging every failed generation', async () => {
		const waiting = await startWaitingRun(sim, ['ok', 'bad', 'worse'], { parameters: { onFailure: 'stop' } });
		const [ok, bad, worse] = waiting.ids as string[];
		sim.finish(ok);
		sim.finish(bad, { status: 'failed', error_message: 'reason bad' });
		sim.finish(worse, { status: 'failed', error_message: 'reason worse' });

		const warn = jest.spyOn(n8nLogger(), 'warn');
		const responses = recordResponses();
		let delivered;
		let warnings: string[] = [];
		try {
			delivered = await deliver(waiting, callbackOf(ok));
			warnings = warn.mock.calls.map((call: unknown[]) => String(call[0]));
		} finally {
			responses.restore();
			warn.mockRestore();
		}

		expect(responses.written).toHaveLength(1);
		expect(responses.written[0]).toMatchObject({ statusCode: 200, ended: true, body: { received: true, resumed: true } });
		// No items: the following nodes do not run (a throw would make n8n restart the run with an empty item).
		expect(delivered.result).toEqual({ noWebhookResponse: true, workflowData: [[]] });
		expect(warnings).toContain(
			`RunBlob: 2 of 3 generations failed, stopping: ${bad} (reason bad), ${worse} (reason worse)`,
		);
	});

	it('with no failures it resumes normally', async () => {
		const waiting = await startWaitingRun(sim, ['fine'], { parameters: { onFailure: 'stop' } });
		sim.finish(waiting.ids[0]!);
		const { result } = await deliver(waiting, callbackOf(waiting.ids[0]!));
		expect(result.workflowData).toEqual([[expectedItem(waiting.ids[0]!, 0)]]);
	});
});

describe('the pending items stored with the waiting run (the timeout outcome)', () => {
	it('name every generation as timed_out / pending with a recovery hint, paired to their inputs', async () => {
		const before = Date.now();
		const waiting = await startWaitingRun(sim, ['p0', 'p1', 'p2'], { parameters: { maxWaitMinutes: 7 } });
		const { run } = waiting;
		const ids = waiting.ids as string[];

		// what execute() returned: the submissions
		expect(run.output![0].map((item) => item.json)).toEqual(
			ids.map((id, i) => ({
				generation_id: id,
				status: 'pending',
				price: '0.1200',
				prompt: `p${i}`,
				orientation: '9:16',
				duration: 10,
				completion: 'waitForVideo',
			})),
		);
		// what n8n stores as the waiting node's input and passes on if the wait runs out
		const pending = run.executeData.data.main[0]!;
		expect(run.runExecutionData.executionData!.nodeExecutionStack[0].data.main[0]).toBe(pending);
		expect(pending).toHaveLength(3);
		pending.forEach((item, i) => {
			expect(item.pairedItem).toEqual({ item: i });
			expect(item.json).toEqual({
				generation_id: ids[i],
				status: 'timed_out',
				last_known_status: 'pending',
				prompt: `p${i}`,
				price: '0.1200',
				video_url: null,
				created_at: null,
				completed_at: null,
				error_message: expect.any(String),
				render_seconds: null,
			});
			const message = item.json.error_message as string;
			expect(message).toContain(`(7 min)`);
			expect(message).toContain(`generation_id ${ids[i]}`);
			expect(message).toMatch(/Get or Download operation/);
		});
		expect(run.waitTill!.getTime()).toBeGreaterThanOrEqual(before + 7 * 60_000);
		expect(run.waitTill!.getTime()).toBeLessThanOrEqual(Date.now() + 7 * 60_000);
	});

	it('without a wait limit the run waits "forever" (n8n’s marker date)', async () => {
		const waiting = await startWaitingRun(sim, ['forever'], { parameters: { limitWaitTime: false } });
		expect(waiting.run.waitTill!.toISOString()).toBe('3000-01-01T00:00:00.000Z');
		expect(waiting.run.executeData.data.main[0]![0].json).toMatchObject({ status: 'timed_out', generation_id: waiting.ids[0] });
	});
});
