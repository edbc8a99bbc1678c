/**
 * Generate with the default completion "Wait for Video": how the node parks the execution (putExecutionToWait), the
 * resume URL it hands RunBlob, and what it leaves in the waiting execution for the resume / timeout.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { verifyCallbackSignature } from '../../nodes/shared/callbackContract';
import { getSettings } from '../../nodes/shared/transport';
import { RunBlob } from '../../nodes/RunBlob/RunBlob.node';
import { DEFAULT_API_KEY, caught, posts, recordBodies, runNode, startSim } from './fixtures';

const MINUTE = 60_000;
const SECRET = 'callback-secret-for-the-wait-tests';

/** The key the node signs resume URLs with (and its resume webhook verifies with), read the node's own way. */
async function resumeSigningKey(credentials: Record<string, string>): Promise<string> {
	const ctx = { getCredentials: async () => credentials } as unknown as IExecuteFunctions;
	return (await getSettings(ctx)).resumeSigningKey;
}

function waitParams(extra: Record<string, unknown> = {}) {
	// `completion` left out on purpose: "Wait for Video" is the default.
	return { operation: 'generate', prompt: '={{ $json.prompt }}', ...extra };
}

describe('Generate – Wait for Video', () => {
	it('parks the execution for 60 minutes and hands RunBlob the signed resume URL', async () => {
		const sim = await startSim();
		const bodies = recordBodies(sim);
		const before = Date.now();

		const result = await runNode(sim, waitParams(), {
			inputItems: [{ json: { prompt: 'a harbour at dawn' } }, { json: { prompt: 'a city in the rain' } }],
		});
		const after = Date.now();

		// putExecutionToWait was called with now + 60 min.
		expect(result.waitTill).toBeInstanceOf(Date);
		expect(result.runExecutionData.waitTill).toEqual(result.waitTill);
		expect(result.waitTill!.getTime()).toBeGreaterThanOrEqual(before + 60 * MINUTE);
		expect(result.waitTill!.getTime()).toBeLessThanOrEqual(after + 60 * MINUTE);

		// One generation per item, all with the same callback URL: the resume URL + "/runblob-callback".
		expect(posts(sim).map((r) => r.status)).toEqual([201, 201]);
		const callbackUrls = bodies.map((b) => String(b.body.callback_url));
		expect(new Set(callbackUrls).size).toBe(1);
		expect(sim.generations().map((g) => g.callback_url)).toEqual([callbackUrls[0], callbackUrls[0]]);

		const resume = new URL(result.resumeUrl);
		expect(resume.searchParams.get('signature')).toBeTruthy(); // n8n's own resume token
		const sent = new URL(callbackUrls[0]);
		expect(sent.origin).toBe('https://n8n.example.test');
		expect(sent.pathname).toBe(`/webhook-waiting/${result.executionId}/runblob-callback`);
		expect(sent.pathname).toBe(`${resume.pathname}/runblob-callback`);
		expect(sent.searchParams.get('signature')).toBe(resume.searchParams.get('signature'));
		expect([...sent.searchParams.keys()].sort()).toEqual(['rb_sig', 'rb_ts', 'signature']);

		// Without a Callback Secret the URL is signed with a key derived from the API key.
		const query = Object.fromEntries(sent.searchParams);
		const key = await resumeSigningKey({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url });
		expect(verifyCallbackSignature({ path: sent.pathname, query }, key, Date.now())).toEqual({ valid: true });
		const otherKey = await resumeSigningKey({ apiKey: 'sk-someone-else', baseUrl: sim.url });
		expect(verifyCallbackSignature({ path: sent.pathname, query }, otherKey, Date.now()).valid).toBe(false);
		// The signature is bound to this execution.
		expect(
			verifyCallbackSignature({ path: '/webhook-waiting/999/runblob-callback', query }, key, Date.now()).valid,
		).toBe(false);

		// The node returns what it submitted…
		const ids = sim.generations().map((g) => g.generation_id).reverse(); // oldest first = input order
		expect(result.output![0].map((item) => item.json.generation_id)).toEqual(ids);
		expect(result.output![0].map((item) => item.json.completion)).toEqual(['waitForVideo', 'waitForVideo']);

		// …and leaves one pending ("timed_out" until resumed) item per input in its input slot of the stack entry.
		const pending = result.executeData.data.main[0]!;
		expect(pending).toHaveLength(2);
		expect(pending.map((item) => item.json.generation_id)).toEqual(ids);
		expect(pending.map((item) => item.json.status)).toEqual(['timed_out', 'timed_out']);
		expect(pending.map((item) => item.json.last_known_status)).toEqual(['pending', 'pending']);
		expect(pending.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(String(pending[0].json.error_message)).toContain(ids[0]);
		// That entry is what the waiting execution keeps on its stack for the resume.
		expect(result.runExecutionData.executionData!.nodeExecutionStack[0]).toBe(result.executeData);
		expect(result.runExecutionData.executionData!.nodeExecutionStack[0].data.main[0]).toBe(pending);
	});

	it('signs the resume URL with the Callback Secret when the credential has one', async () => {
		const sim = await startSim();
		const bodies = recordBodies(sim);

		const result = await runNode(sim, waitParams(), {
			inputItems: [{ json: { prompt: 'a glacier' } }],
			credentialExtra: { callbackSecret: SECRET },
		});

		const sent = new URL(String(bodies[0].body.callback_url));
		const query = Object.fromEntries(sent.searchParams);
		expect(sent.pathname).toBe(`/webhook-waiting/${result.executionId}/runblob-callback`);
		expect(verifyCallbackSignature({ path: sent.pathname, query }, SECRET, Date.now())).toEqual({ valid: true });
		const apiKeyDerived = await resumeSigningKey({ apiKey: DEFAULT_API_KEY, baseUrl: sim.url });
		expect(verifyCallbackSignature({ path: sent.pathname, query }, apiKeyDerived, Date.now()).valid).toBe(false);
	});

	it('honours Max Wait and waits indefinitely (year 3000) when Limit Wait Time is off', async () => {
		const sim = await startSim();
		const inputItems = [{ json: { prompt: 'a forest' } }];

		const before = Date.now();
		const limited = await runNode(sim, waitParams({ maxWaitMinutes: 5 }), { inputItems });
		expect(limited.waitTill!.getTime()).toBeGreaterThanOrEqual(before + 5 * MINUTE);
		expect(limited.waitTill!.getTime()).toBeLessThanOrEqual(Date.now() + 5 * MINUTE);
		expect(String(limited.executeData.data.main[0]![0].json.error_message)).toContain('(5 min)');

		const forever = await runNode(sim, waitParams({ limitWaitTime: false }), { inputItems });
		expect(forever.waitTill!.toISOString()).toBe('3000-01-01T00:00:00.000Z');
		expect(posts(sim)).toHaveLength(2);
	});

	it('version 2: a stored Max Wait of 0 (the default before it followed the model) waits for the model\'s own default (Sora 2: 60 min)', async () => {
		const sim = await startSim();
		const inputItems = [{ json: { prompt: 'a forest' } }];
		const before = Date.now();
		const result = await runNode(
			sim,
			waitParams({ model: 'sora-2', waitOptions: { maxWaitMinutes: 0 } }),
			{ inputItems, typeVersion: 2 },
		);
		expect(result.waitTill!.getTime()).toBeGreaterThanOrEqual(before + 60 * MINUTE);
		expect(result.waitTill!.getTime()).toBeLessThanOrEqual(Date.now() + 60 * MINUTE);

	});

	it('refuses to wait behind a plain-HTTP public webhook URL and submits nothing', async () => {
		const sim = await startSim();

		const error = await caught(
			runNode(sim, waitParams(), {
				inputItems: [{ json: { prompt: 'a volcano' } }, { json: { prompt: 'a beach' } }],
				webhookBaseUrl: 'http://n8n.internal.example:5678/',
			}),
		);

		expect(error).toBeInstanceOf(NodeOperationError);
		expect(`${error.message} ${error.description}`).toMatch(/N8N_WEBHOOK_URL/);
		expect(error.message).toMatch(/not HTTPS/);
		expect(error.description).toMatch(/Nothing was submitted to RunBlob/);
		expect(sim.requests).toHaveLength(0);
	});

	it('accepts a plain-HTTP loopback webhook URL when RunBlob is a loopback simulator', async () => {
		const sim = await startSim();
		const bodies = recordBodies(sim);

		const result = await runNode(sim, waitParams(), {
			inputItems: [{ json: { prompt: 'a meadow' } }],
			webhookBaseUrl: 'http://127.0.0.1:5678/',
		});

		const sent = new URL(String(bodies[0].body.callback_url));
		expect(sent.origin).toBe('http://127.0.0.1:5678');
		expect(sent.pathname).toBe(`/webhook-waiting/${result.executionId}/runblob-callback`);
		expect(result.waitTill).toBeInstanceOf(Date);
	});

	it('does not wait when no generation was created (every item failed with Continue On Fail)', async () => {
		const sim = await startSim();

		const result = await runNode(sim, waitParams(), {
			inputItems: [{ json: { prompt: '' } }, { json: { prompt: '   ' } }],
			continueOnFail: true,
		});

		expect(result.waitTill).toBeUndefined();
		expect(result.output![0].map((item) => item.json.error)).toEqual(['The prompt is empty', 'The prompt is empty']);
		expect(sim.requests).toHaveLength(0);
	});
});

describe('Generate – Wait for Video used as an AI Agent tool', () => {
	// n8n registers a node used as a tool under "<type>Tool"; a subclass with that name gives the same node type.
	class RunBlobTool extends RunBlob {
		constructor() {
			super();
			this.description = { ...this.description, name: 'runBlobTool' };
		}
	}

	it('refuses a saved Wait for Video before submitting anything, pointing at Don\'t Wait', async () => {
		const sim = await startSim();
		const error = await caught(
			runNode(sim, waitParams({ completion: 'waitForVideo' }), { nodeType: new RunBlobTool(), inputItems: [{ json: { prompt: 'x' } }] }),
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('"Wait for Video" cannot pause an AI Agent\'s tool call');
		expect(error.description).toMatch(/Don't Wait/);
		expect(posts(sim)).toHaveLength(0);
	});

	it('returns the refusal as an error item under On Error: Continue, before reading settings or submitting', async () => {
		const sim = await startSim();
		const result = await runNode(sim, waitParams({ completion: 'waitForVideo' }), {
			nodeType: new RunBlobTool(),
			inputItems: [{ json: { prompt: 'x' } }, { json: { prompt: 'y' } }],
			continueOnFail: true,
		});
		expect(result.waitTill).toBeUndefined();
		expect(result.output![0].map((item) => item.json.error)).toEqual([
			'"Wait for Video" cannot pause an AI Agent\'s tool call',
			'"Wait for Video" cannot pause an AI Agent\'s tool call',
		]);
		expect(result.output![0][0].json.description).toMatch(/Nothing was submitted/);
		expect(result.output![0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(sim.requests).toHaveLength(0);
	});

	it('defaults to Don\'t Wait in the tool form (Completion left out)', async () => {
		const sim = await startSim();
		const result = await runNode(sim, waitParams(), {
			nodeType: new RunBlobTool(),
			inputItems: [{ json: { prompt: 'x' } }],
		});
		expect(result.output![0][0].json).toMatchObject({ status: 'pending', completion: 'dontWait' });
		expect(posts(sim)).toHaveLength(1);
	});

	it('still generates with Don\'t Wait as a tool', async () => {
		const sim = await startSim();
		const result = await runNode(sim, waitParams({ completion: 'dontWait' }), {
			nodeType: new RunBlobTool(),
			inputItems: [{ json: { prompt: 'x' } }],
		});
		expect(result.output![0][0].json).toMatchObject({ status: 'pending', completion: 'dontWait' });
		expect(posts(sim)).toHaveLength(1);
	});
});
