/**
 * How the node reports RunBlob's errors, which requests it retries (with real backoff sleeps: 0.5 s, 1 s, 2 s, 4 s),
 * and Continue On Fail.
 */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { RETRY } from '../../nodes/shared/transport';
import type { Sim } from './fixtures';
import {
	caught,
	closedPort,
	createGenerations,
	generateParams,
	json,
	posts,
	runNode,
	startSim,
} from './fixtures';

const GEN = '/v1/sora/generate';

function gaps(sim: Sim, method: string): number[] {
	const starts = sim.requests.filter((r) => r.method === method).map((r) => r.startedAt);
	return starts.slice(1).map((t, i) => t - starts[i]);
}

describe('RunBlob error responses', () => {
	it('400: shows RunBlob\'s detail', async () => {
		const sim = await startSim();
		sim.injectFaults({ status: 400, method: 'POST', path: GEN, body: { detail: 'Cannot provide both image_base64 and image_url' } });

		const error = await caught(runNode(sim, generateParams()));

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('RunBlob rejected the request: Cannot provide both image_base64 and image_url');
		expect(error.httpCode).toBe('400');
		expect(posts(sim)).toHaveLength(1);
	});

	it('401: "RunBlob rejected the API key" (not retried, nothing created)', async () => {
		const sim = await startSim();

		const error = await caught(runNode(sim, generateParams(), { credentialExtra: { apiKey: 'sk-wrong-key' } }));

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('RunBlob rejected the API key');
		expect(error.httpCode).toBe('401');
		expect(error.description).toMatch(/Check the API key/);
		expect(sim.requests.map((r) => [r.method, r.status, r.authorization])).toEqual([['POST', 401, true]]);
		expect(sim.generations()).toHaveLength(0);
	});

	it('402: "Not enough RunBlob credits" (nothing created or charged)', async () => {
		const sim = await startSim({ balance: 0 });

		const error = await caught(runNode(sim, generateParams()));

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('Not enough RunBlob credits for this generation');
		expect(error.httpCode).toBe('402');
		expect(error.description).toMatch(/INSUFFICIENT_CREDITS/);
		expect(posts(sim).map((r) => r.status)).toEqual([402]);
		expect(sim.generations()).toHaveLength(0);
	});

	it('404 on a list: points at the Base URL', async () => {
		const sim = await startSim();

		const error = await caught(runNode(`${sim.url}/api`, { operation: 'getMany' }));

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('RunBlob answered 404 for /v1/sora/generations');
		expect(error.description).toMatch(/Base URL/);
		expect(sim.requests.map((r) => [r.path, r.status])).toEqual([['/api/v1/sora/generations', 404]]);
	});

	it('422 from RunBlob\'s own validation: names the field (an HTTP callback URL RunBlob refuses)', async () => {
		// This simulator behaves like real RunBlob (HTTPS callbacks only); the node lets loopback HTTP through to it.
		const sim = await startSim({ callbacks: { allowHttp: false } });

		const error = await caught(
			runNode(sim, generateParams({ completion: 'customCallbackUrl', callbackUrl: 'http://127.0.0.1:8080/cb' })),
		);

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('422');
		expect(error.message).toBe("RunBlob rejected the parameters: callback_url: URL scheme should be 'https'");
		expect(posts(sim).map((r) => r.status)).toEqual([422]);
	});

	it('422 with several field errors lists every field; query errors name the query parameter', async () => {
		const sim = await startSim();
		sim.injectFaults({
			status: 422,
			method: 'POST',
			path: GEN,
			body: {
				detail: [
					{ type: 'string_too_short', loc: ['body', 'prompt'], msg: 'String should have at least 1 character', input: '' },
					{ type: 'enum', loc: ['body', 'duration'], msg: 'Input should be 10 or 15', input: 5, ctx: { expected: '10 or 15' } },
				],
			},
		});

		const error = await caught(runNode(sim, generateParams()));
		expect(error.message).toBe(
			'RunBlob rejected the parameters: prompt: String should have at least 1 character; duration: Input should be 10 or 15',
		);

		// Offset is not validated locally (the UI's minimum can be bypassed with an expression): RunBlob's 422 is shown.
		const list = await caught(runNode(sim, { operation: 'getMany', offset: '={{ -1 }}' }));
		expect(list.httpCode).toBe('422');
		expect(list.message).toBe('RunBlob rejected the parameters: query.offset: Input should be greater than or equal to 0');
	});
});

describe('Retries', () => {
	it('a read that gets 429 is retried after Retry-After and then succeeds', async () => {
		const sim = await startSim({ retryAfterSeconds: 1 });
		const [id] = await createGenerations(sim, 1);
		sim.injectFaults({ status: 429, method: 'GET', count: 1 });

		const [item] = json((await runNode(sim, { operation: 'get', generationId: id })).output);

		expect(item.generation_id).toBe(id);
		expect(sim.requests.filter((r) => r.method === 'GET').map((r) => r.status)).toEqual([429, 200]);
		expect(gaps(sim, 'GET')[0]).toBeGreaterThanOrEqual(950); // Retry-After: 1
	});

	it('a read that gets 503 then 500 is retried with exponential backoff and then succeeds', async () => {
		const sim = await startSim();
		sim.injectFaults([
			{ status: 503, method: 'GET', count: 1 },
			{ status: 500, method: 'GET', count: 1 },
		]);
		await createGenerations(sim, 3);

		const result = await runNode(sim, { operation: 'getMany' });

		expect(json(result.output)).toHaveLength(3);
		expect(sim.requests.filter((r) => r.method === 'GET').map((r) => r.status)).toEqual([503, 500, 200]);
		const [first, second] = gaps(sim, 'GET');
		expect(first).toBeGreaterThanOrEqual(RETRY.baseDelayMs - 50);
		expect(second).toBeGreaterThanOrEqual(2 * RETRY.baseDelayMs - 50);
	});

	it('a read that keeps failing with 5xx gives up after the bounded number of attempts', async () => {
		const sim = await startSim();
		const [id] = await createGenerations(sim, 1);
		sim.injectFaults({ status: 503, method: 'GET', count: 50 });

		const error = await caught(runNode(sim, { operation: 'get', generationId: id }));

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(`RunBlob answered HTTP 503: Service temporarily unavailable (generation ${id})`);
		expect(error.httpCode).toBe('503');
		expect(sim.requests.filter((r) => r.method === 'GET')).toHaveLength(RETRY.attempts);
		const waited = gaps(sim, 'GET');
		expect(waited).toHaveLength(4);
		waited.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(RETRY.baseDelayMs * 2 ** i - 50));
	}, 30_000);

	it('a create that gets 500 is NOT retried, and the error says RunBlob may have created it', async () => {
		const sim = await startSim();
		// RunBlob created (and charged) the generation, then answered 500.
		sim.injectFaults({ status: 500, method: 'POST', path: GEN, phase: 'after' });

		const error = await caught(runNode(sim, generateParams()));

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('RunBlob answered HTTP 500: Internal Server Error');
		expect(error.description).toMatch(/did not confirm whether the generation was created, so it was not retried/);
		expect(error.description).toMatch(/Get Many/);
		expect(posts(sim)).toHaveLength(1);
		expect(sim.generations()).toHaveLength(1); // the one the user has to look for
	});

	it('a create whose connection drops after RunBlob acted is NOT retried either', async () => {
		const sim = await startSim();
		sim.injectFaults({ drop: true, method: 'POST', path: GEN, phase: 'after' });

		const error = await caught(runNode(sim, generateParams()));

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(/^Could not reach RunBlob/);
		expect(error.description).toMatch(/RunBlob may have created the generation\. It was not retried/);
		expect(posts(sim)).toHaveLength(1);
		expect(sim.generations()).toHaveLength(1);
	});

	it('a create that gets 429 IS retried (RunBlob refused it before acting) and creates exactly one generation', async () => {
		const sim = await startSim();
		sim.injectFaults({ status: 429, method: 'POST', path: GEN, retryAfter: 0 });

		const result = await runNode(sim, generateParams());

		expect(posts(sim).map((r) => r.status)).toEqual([429, 201]);
		expect(sim.generations()).toHaveLength(1);
		expect(json(result.output)[0].generation_id).toBe(sim.generations()[0].generation_id);
	});

	it('a read against a closed port is retried with backoff and then fails with "Could not reach RunBlob"', async () => {
		const port = await closedPort();
		const id = '550e8400-e29b-41d4-a716-446655440000';
		const started = Date.now();

		const error = await caught(runNode(`http://127.0.0.1:${port}`, { operation: 'get', generationId: id }));

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(`Could not reach RunBlob (ECONNREFUSED) (generation ${id})`);
		expect(error.description).toMatch(/Check the Base URL/);
		// 4 backoff sleeps between 5 attempts: 0.5 + 1 + 2 + 4 s.
		expect(Date.now() - started).toBeGreaterThanOrEqual(7_400);
	}, 30_000);
});

describe('Continue On Fail and partial failures', () => {
	it('Get: error items are paired to their input, carry the generation_id when known, the rest succeed in order', async () => {
		const sim = await startSim();
		const [a, b] = await createGenerations(sim, 2);
		const unknown = '6ba7b810-9dad-41d1-80b4-00c04fd430c8';

		const result = await runNode(sim, { operation: 'get', generationId: '={{ $json.id }}' }, {
			continueOnFail: true,
			inputItems: [{ json: { id: a } }, { json: { id: unknown } }, { json: { id: 'not-an-id' } }, { json: { id: b } }],
		});

		const out = result.output![0];
		expect(out.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
		expect(out[0].json).toMatchObject({ generation_id: a, status: 'pending' });
		expect(out[1].json).toEqual({
			error: `RunBlob has no generation ${unknown}`,
			description: expect.stringMatching(/Check the generation ID/),
			httpCode: '404',
			generation_id: unknown,
		});
		expect(out[2].json).toEqual({
			error: '"not-an-id" is not a RunBlob generation ID',
			description: expect.stringMatching(/UUID/),
		});
		expect(out[3].json).toMatchObject({ generation_id: b, status: 'pending' });
	});

	it('Generate: a failing item becomes an error item and the others are still created, in order', async () => {
		const sim = await startSim();

		const result = await runNode(sim, generateParams({ prompt: '={{ $json.prompt }}' }), {
			continueOnFail: true,
			inputItems: [{ json: { prompt: 'one' } }, { json: { prompt: '' } }, { json: { prompt: 'three' } }],
		});

		const out = result.output![0];
		expect(out.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(out[0].json).toMatchObject({ prompt: 'one', status: 'pending' });
		expect(out[1].json).toEqual({ error: 'The prompt is empty', description: expect.stringMatching(/nothing was sent to RunBlob for this item/) });
		expect(out[2].json).toMatchObject({ prompt: 'three', status: 'pending' });
		expect(posts(sim)).toHaveLength(2);
		expect(new Set(sim.generations().map((g) => g.generation_id))).toEqual(
			new Set([out[0].json.generation_id, out[2].json.generation_id]),
		);
	});

	it('Download: a not-yet-finished generation becomes an error item naming it', async () => {
		const sim = await startSim({ videoSize: 1000 });
		const [done, rendering] = await createGenerations(sim, 2);
		sim.finish(done);

		const result = await runNode(sim, { operation: 'download', generationId: '={{ $json.id }}' }, {
			continueOnFail: true,
			inputItems: [{ json: { id: rendering } }, { json: { id: done } }],
		});

		const out = result.output![0];
		expect(out[0]).toMatchObject({
			json: { error: `Generation ${rendering} has no video yet (status: pending)`, generation_id: rendering },
			pairedItem: { item: 0 },
		});
		expect(out[0].binary).toBeUndefined();
		expect(out[1]).toMatchObject({ json: { generation_id: done, status: 'completed' }, pairedItem: { item: 1 } });
		expect(out[1].binary!.data.bytes).toBe(1000);
	});

	it('without Continue On Fail, a failure on item 2 of 3 names the generations items 0 and 1 already created', async () => {
		const sim = await startSim({ balance: 0.24 }); // enough for exactly two 10-second videos

		const error = await caught(
			runNode(sim, generateParams({ prompt: '={{ $json.prompt }}' }), {
				inputItems: [{ json: { prompt: 'one' } }, { json: { prompt: 'two' } }, { json: { prompt: 'three' } }],
			}),
		);

		const [second, first] = sim.generations().map((g) => g.generation_id); // newest first
		expect(posts(sim).map((r) => r.status)).toEqual([201, 201, 402]);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('Not enough RunBlob credits for this generation');
		expect(error.description).toMatch(/INSUFFICIENT_CREDITS/);
		expect(error.description).toContain(`item 0: ${first}, item 1: ${second}`);
		expect(error.context?.itemIndex).toBe(2);
	});

	it('without Continue On Fail, a local validation failure after created items names them too', async () => {
		const sim = await startSim();

		const error = await caught(
			runNode(sim, generateParams({ prompt: '={{ $json.prompt }}' }), {
				inputItems: [{ json: { prompt: 'one' } }, { json: { prompt: 'x'.repeat(4001) } }],
			}),
		);

		const [first] = sim.generations().map((g) => g.generation_id);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('The prompt has 4001 characters; RunBlob accepts at most 4000');
		expect(error.description).toMatch(new RegExp(`already created.*item 0: ${first}\\.`));
		expect(posts(sim)).toHaveLength(1);
	});
});
