/**
 * "Resubmit Failed Generations", driven for real against the RunBlob simulator: execute() parks the run, the resume
 * webhook finds a failure and hands the round back to execute() (n8n's stack entry re-enabled), execute() resubmits
 * it with the stored request and parks again, and the next callback resumes with the last attempt. Duplicated and
 * replayed failure callbacks submit nothing more.
 *
 * The simulator's own callback delivery is switched off (`drop`): the tests decide the order and the copies.
 */
import type { IDataObject, INodeExecutionData, IRunExecutionData } from 'n8n-workflow';

import { RunBlob } from '../../nodes/RunBlob/RunBlob.node';
import { executeNode } from '../helpers/n8n';
import {
	LOCAL_N8N,
	createHeldSimulator,
	credentialTypes,
	deliverRecorded,
	runBlobCredential,
	startWaitingRun,
	useFastRetries,
	useShortAnswerBudget,
} from './callbackFixtures';
import { forgetReportedFinals, forgetResumeClaims, forgetWebhookSettings } from '../helpers/processMemory';

type Sim = Awaited<ReturnType<typeof createHeldSimulator>>;

let sim: Sim;

useFastRetries();
useShortAnswerBudget();

beforeAll(async () => {
	sim = await createHeldSimulator();
});
afterAll(async () => {
	await sim.close();
});
beforeEach(() => {
	forgetWebhookSettings();
	forgetReportedFinals();
	forgetResumeClaims();
});

const PARAMETERS = { model: 'kling_o3', waitOptions: { resubmitAttempts: 1 } };
const creates = () => sim.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/generate')).length;

const deliver = (runExecutionData: IRunExecutionData, id: string) => deliverRecorded(sim, runExecutionData, id);

/** What n8n does with a resume that re-enabled the node: runs execute() with the webhook's items. */
async function resumeIntoExecute(executionId: string, items: INodeExecutionData[]) {
	return await executeNode({
		nodeType: new RunBlob(),
		typeVersion: 2,
		parameters: {
			resource: 'video',
			operation: 'generate',
			prompt: '={{ $json.prompt }}',
			completion: 'waitForVideo',
			...PARAMETERS,
		},
		credentials: runBlobCredential({ baseUrl: sim.url }),
		credentialTypes,
		mode: 'webhook',
		webhookBaseUrl: LOCAL_N8N,
		executionId,
		inputItems: items,
	});
}

test('a failure delivered three times is resubmitted once; the output is the last attempt, listing both', async () => {
	const before = creates();
	const waiting = await startWaitingRun(sim, ['a flaky fox', 'a calm cat'], {
		typeVersion: 2,
		parameters: PARAMETERS,
	});
	const [flaky, calm] = waiting.ids as string[];
	expect(creates() - before).toBe(2);
	sim.finish(flaky, { status: 'failed', code: 'TASK_FAILED' });
	sim.finish(calm);

	// The failure arrives three times (RunBlob's retries, copies), at the same time as the other callback.
	const answers = await Promise.all([
		deliver(waiting.run.runExecutionData, flaky),
		deliver(waiting.run.runExecutionData, calm),
		deliver(waiting.run.runExecutionData, flaky),
		deliver(waiting.run.runExecutionData, flaky),
	]);
	const resumed = answers.filter((a) => a.result.workflowData);
	expect(resumed).toHaveLength(1);
	// The resume hands the round to execute(): n8n's stack entry is enabled again.
	expect(resumed[0].runExecutionData!.executionData!.nodeExecutionStack[0].node.disabled).toBe(false);
	const roundItems = resumed[0].result.workflowData![0];
	expect(roundItems.map((item) => item.json.status)).toEqual(['failed', 'completed']);
	expect(creates() - before).toBe(2);

	const round = await resumeIntoExecute(waiting.run.executionId, roundItems);
	expect(round.waitTill).toBeInstanceOf(Date);
	expect(creates() - before).toBe(3);
	const pending = round.executeData.data.main[0]!;
	const second = String(pending[0].json.generation_id);
	expect(second).not.toBe(flaky);
	expect(pending[0].json.status).toBe('timed_out');
	expect(pending[1].json).toMatchObject({ status: 'completed', generation_id: calm });
	// The same request as the first attempt, to the new attempt's resume URL.
	const [firstRecord, secondRecord] = [sim.get(flaky)!, sim.get(second)!];
	expect(secondRecord.prompt).toBe(firstRecord.prompt);
	expect({ ...secondRecord.request, callback_url: null }).toEqual({ ...firstRecord.request, callback_url: null });

	// A late copy of the first failure, once the run waits for the new attempt: refused, nothing submitted.
	forgetResumeClaims(); // as after a restart, or on another process (queue mode)
	const late = await deliver(round.runExecutionData, flaky);
	expect(late.result.workflowData).toBeUndefined();
	expect(late.response.statusCode).toBe(409);
	expect(creates() - before).toBe(3);

	sim.finish(second);
	const done = await deliver(round.runExecutionData, second);
	const output = done.result.workflowData![0];
	expect(done.runExecutionData!.executionData!.nodeExecutionStack[0].node.disabled).toBe(true);
	expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
	expect(output[0].json).toMatchObject({ status: 'completed', generation_id: second, prompt: 'a flaky fox' });
	expect(output[0].json.attempts).toEqual([
		{ generation_id: flaky, status: 'failed', error_message: 'TASK_FAILED', price: expect.any(String) },
		{ generation_id: second, status: 'completed', error_message: null, price: expect.any(String) },
	]);
	expect(output.every((item) => !('_resubmit' in item.json))).toBe(true);
	expect(creates() - before).toBe(3);
});

test('a content policy refusal is final: the run resumes with it, nothing is resubmitted', async () => {
	const before = creates();
	const waiting = await startWaitingRun(sim, ['a refused fox'], { typeVersion: 2, parameters: PARAMETERS });
	const [id] = waiting.ids as string[];
	sim.finish(id, { status: 'failed', code: 'CONTENT_POLICY_VIOLATION' });
	const answer = await deliver(waiting.run.runExecutionData, id);
	expect(answer.runExecutionData!.executionData!.nodeExecutionStack[0].node.disabled).toBe(true);
	const [item] = answer.result.workflowData![0] as Array<{ json: IDataObject }>;
	expect(item.json).toMatchObject({ status: 'failed', error_message: 'CONTENT_POLICY_VIOLATION' });
	expect(item.json.attempts).toHaveLength(1);
	expect(creates() - before).toBe(1);
});

test('a failure found after the wait limit has passed is not resubmitted', async () => {
	const before = creates();
	const waiting = await startWaitingRun(sim, ['a late fox'], { typeVersion: 2, parameters: PARAMETERS });
	const [id] = waiting.ids as string[];
	sim.finish(id, { status: 'failed', code: 'TASK_FAILED' });
	const realNow = Date.now;
	// The run's limit (Kling O3's default, 30 min) is over by the time the failure is handled.
	jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 31 * 60_000);
	try {
		const answer = await deliver(waiting.run.runExecutionData, id);
		expect(answer.runExecutionData!.executionData!.nodeExecutionStack[0].node.disabled).toBe(true);
		expect(answer.result.workflowData![0][0].json).toMatchObject({ status: 'failed', error_message: 'TASK_FAILED' });
	} finally {
		jest.restoreAllMocks();
	}
	expect(creates() - before).toBe(1);
});

describe('Minimum Balance', () => {
	afterEach(() => sim.setBalance(100));

	it('refuses the whole batch below the minimum: an error with both amounts, nothing submitted', async () => {
		sim.setBalance(1.5);
		const before = creates();
		await expect(
			startWaitingRun(sim, ['one', 'two', 'three'], { typeVersion: 2, parameters: { model: 'kling_o3', minimumBalance: 2 } }),
		).rejects.toThrow('The RunBlob balance (1.5 USD) is below the Minimum Balance (2 USD)');
		expect(creates() - before).toBe(0);
	});

	it('stops when the balance cannot be read (404 or no balance in the answer), and submits once the option is off', async () => {
		const before = creates();
		sim.injectFaults({ status: 404, path: '/v1/data/balance', body: { detail: 'Not Found' } });
		await expect(
			startWaitingRun(sim, ['one'], { typeVersion: 2, parameters: { model: 'kling_o3', minimumBalance: 2 } }),
		).rejects.toThrow("RunBlob's balance endpoint is not available for this account (RunBlob answered 404)");
		sim.injectFaults({ status: 200, path: '/v1/data/balance', body: { credits: 'lots' } });
		await expect(
			startWaitingRun(sim, ['one'], { typeVersion: 2, parameters: { model: 'kling_o3', minimumBalance: 2 } }),
		).rejects.toThrow(/not available for this account \(the answer has no numeric "balance"\)/);
		expect(creates() - before).toBe(0);
		sim.injectFaults({ status: 404, path: '/v1/data/balance', body: { detail: 'Not Found' } });
		await startWaitingRun(sim, ['one'], { typeVersion: 2, parameters: { model: 'kling_o3', minimumBalance: 0 } });
		expect(creates() - before).toBe(1);
		sim.faultQueue.clear();
	});

	it('at or above the minimum the batch is submitted, after one balance read', async () => {
		const reads = () => sim.requests.filter((r) => r.path === '/v1/data/balance').length;
		const [readsBefore, before] = [reads(), creates()];
		await startWaitingRun(sim, ['one', 'two', 'three'], { typeVersion: 2, parameters: { model: 'kling_o3', minimumBalance: 2 } });
		expect(reads() - readsBefore).toBe(1);
		expect(creates() - before).toBe(3);
	});
});

test('Wait for Image: an image family (task_uuid ids) is resubmitted the same way', async () => {
	const parameters = {
		resource: 'image',
		model: 'nano-banana',
		completion: 'waitForImage',
		waitOptions: { resubmitAttempts: 1 },
	};
	const before = creates();
	const waiting = await startWaitingRun(sim, ['a flaky fox photo'], { typeVersion: 2, parameters });
	const [first] = waiting.ids as string[];
	sim.finish(first, { status: 'failed', code: 'TASK_FAILED' });
	const resumed = await deliver(waiting.run.runExecutionData, first);
	const round = await executeNode({
		nodeType: new RunBlob(),
		typeVersion: 2,
		parameters: { operation: 'generate', prompt: '={{ $json.prompt }}', ...parameters },
		credentials: runBlobCredential({ baseUrl: sim.url }),
		credentialTypes,
		mode: 'webhook',
		webhookBaseUrl: LOCAL_N8N,
		executionId: waiting.run.executionId,
		inputItems: resumed.result.workflowData![0],
	});
	const second = String(round.executeData.data.main[0]![0].json.generation_id);
	expect(sim.get(second)).toMatchObject({ family: sim.get(first)!.family, prompt: 'a flaky fox photo' });
	sim.finish(second);
	const done = await deliver(round.runExecutionData, second);
	const [item] = done.result.workflowData![0];
	expect(item.json).toMatchObject({ status: 'completed', generation_id: second });
	expect((item.json.attempts as IDataObject[]).map((a) => a.generation_id)).toEqual([first, second]);
	expect(creates() - before).toBe(2);
});
