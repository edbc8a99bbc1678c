/**
 * A failure whose reason only its callback carries (Kling O3 Video: the status object says "see webhook"), finishing
 * at the same moment as the rest of the batch: the callback that finds every generation finished does not resume the
 * run without that reason while the failure's own callback may still come. It answers 503 once (RunBlob delivers it
 * again); the failure's callback then resumes the run with its reason, and Resubmit sees a refusal as a refusal. When
 * that callback never comes, the next delivery resumes the run without the reason. A family whose status object
 * carries the reason (Sora) resumes at once.
 *
 * The simulator's own callback delivery is switched off (`drop`): the tests decide the order.
 */
import type { IDataObject } from 'n8n-workflow';

import { createHeldSimulator, deliverRecorded, startWaitingRun, useFastRetries, useShortAnswerBudget } from './callbackFixtures';
import { forgetProcessMemory } from '../helpers/processMemory';

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
// Each test is a fresh process's memory: nothing heard, claimed or deferred.
beforeEach(() => forgetProcessMemory());

const creates = () => sim.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/generate')).length;
const deliver = (runExecutionData: Parameters<typeof deliverRecorded>[1], id: string) => deliverRecorded(sim, runExecutionData, id);

const outputOf = (answer: Awaited<ReturnType<typeof deliver>>) =>
	(answer.result.workflowData?.[0] ?? []).map((item) => item.json as IDataObject);

test('Kling O3, Resubmit on: a refusal finishing with the batch is waited for; its callback resumes the run with the reason, nothing is resubmitted', async () => {
	const waiting = await startWaitingRun(sim, ['a calm cat', 'a refused fox'], {
		typeVersion: 2,
		parameters: { model: 'kling_o3', waitOptions: { resubmitAttempts: 1 } },
	});
	const [calm, refused] = waiting.ids as string[];
	const before = creates();
	sim.finish(calm);
	sim.finish(refused, { status: 'failed', code: 'CONTENT_POLICY_VIOLATION' });

	// The completion's callback comes first: it reads the refusal from the status endpoint, which has no reason.
	const first = await deliver(waiting.run.runExecutionData, calm);
	expect(first.result.workflowData).toBeUndefined();
	expect(first.response.statusCode).toBe(503);
	expect(first.response.headers['retry-after']).toBe('30');
	expect(JSON.stringify(first.response.body)).toContain(`Generation ${refused} failed; waiting for its callback`);

	// The refusal's callback resumes the run, with its reason: final, not handed back for a resubmission.
	const resumed = await deliver(waiting.run.runExecutionData, refused);
	expect(resumed.runExecutionData!.executionData!.nodeExecutionStack[0].node.disabled).toBe(true);
	const output = outputOf(resumed);
	expect(output.map((json) => json.status)).toEqual(['completed', 'failed']);
	expect(output[1]).toMatchObject({ generation_id: refused, error_message: 'CONTENT_POLICY_VIOLATION' });
	expect(creates() - before).toBe(0);
});

test('Kling O3: two refusals finishing with the batch: the first refusal waits for the second, whose callback resumes the run with both reasons', async () => {
	const waiting = await startWaitingRun(sim, ['a calm cat', 'a refused fox', 'a refused owl'], {
		typeVersion: 2,
		parameters: { model: 'kling_o3', waitOptions: { resubmitAttempts: 1 } },
	});
	const [calm, fox, owl] = waiting.ids as string[];
	const before = creates();
	sim.finish(calm);
	sim.finish(fox, { status: 'failed', code: 'CONTENT_POLICY_VIOLATION' });
	sim.finish(owl, { status: 'failed', code: 'MODERATION_FAILED' });

	expect((await deliver(waiting.run.runExecutionData, calm)).response.statusCode).toBe(503);
	const foxAnswer = await deliver(waiting.run.runExecutionData, fox);
	expect(foxAnswer.response.statusCode).toBe(503);
	expect(JSON.stringify(foxAnswer.response.body)).toContain(`Generation ${owl} failed`);
	const resumed = await deliver(waiting.run.runExecutionData, owl);
	expect(resumed.runExecutionData!.executionData!.nodeExecutionStack[0].node.disabled).toBe(true);
	expect(outputOf(resumed).map((json) => json.error_message)).toEqual([null, 'CONTENT_POLICY_VIOLATION', 'MODERATION_FAILED']);
	expect(creates() - before).toBe(0);
});

test('Kling O3: when the failure callback never comes, the next delivery of the other callback resumes the run without the reason', async () => {
	const waiting = await startWaitingRun(sim, ['a calm cat', 'a lost fox'], {
		typeVersion: 2,
		parameters: { model: 'kling_o3' },
	});
	const [calm, lost] = waiting.ids as string[];
	sim.finish(calm);
	sim.finish(lost, { status: 'failed', code: 'TASK_FAILED' });

	expect((await deliver(waiting.run.runExecutionData, calm)).response.statusCode).toBe(503);
	// RunBlob delivers it again (30 s later): once per failure, the run resumes now.
	const again = await deliver(waiting.run.runExecutionData, calm);
	expect(again.response.statusCode).toBe(200);
	const output = outputOf(again);
	expect(output.map((json) => json.status)).toEqual(['completed', 'failed']);
	expect(output[1]).toMatchObject({ generation_id: lost, error_message: null });
});

test('Sora: the status object carries the reason, so the run resumes at once with it', async () => {
	const waiting = await startWaitingRun(sim, ['a calm cat', 'a refused fox'], {
		typeVersion: 2,
		parameters: { model: 'sora-2' },
	});
	const [calm, refused] = waiting.ids as string[];
	sim.finish(calm);
	sim.finish(refused, { status: 'failed', error_message: 'Content policy violation' });

	const answer = await deliver(waiting.run.runExecutionData, calm);
	expect(answer.response.statusCode).toBe(200);
	const output = outputOf(answer);
	expect(output[1]).toMatchObject({ generation_id: refused, status: 'failed', error_message: 'Content policy violation' });
});
