/**
 * Get and Get Many against the RunBlob simulator: the status object in every state, local ID validation, 404s, and
 * paging through the list endpoint.
 */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { RUNBLOB_STATUS_KEYS } from '../support';
import { DEFAULT_API_KEY, caught, createGenerations, json, runNode, startSim } from './fixtures';

const STATUS_KEYS = [...RUNBLOB_STATUS_KEYS];
const RUNBLOB_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;

function expectRenderSeconds(item: Record<string, unknown>) {
	const created = Date.parse(`${String(item.created_at)}Z`);
	const completed = Date.parse(`${String(item.completed_at)}Z`);
	expect(item.render_seconds).toBeCloseTo((completed - created) / 1000, 1);
}

describe('Get', () => {
	it('returns the nine status fields plus render_seconds while pending (with the queue position)', async () => {
		const sim = await startSim();
		const [first, second] = await createGenerations(sim, 2);

		const result = await runNode(sim, { operation: 'get', generationId: '={{ $json.id }}' }, {
			inputItems: [{ json: { id: second } }, { json: { id: first } }],
		});

		const out = result.output![0];
		expect(out.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		const [a, b] = json(result.output);
		expect(Object.keys(a).sort()).toEqual([...STATUS_KEYS, 'render_seconds'].sort());
		expect(a).toMatchObject({
			generation_id: second,
			status: 'pending',
			prompt: 'clip 1',
			video_url: null,
			completed_at: null,
			progress_pct: null,
			progress_pos_in_queue: 2,
			error_message: null,
			render_seconds: null,
		});
		expect(a.created_at).toMatch(RUNBLOB_TIME); // RunBlob's own format, unchanged
		expect(b).toMatchObject({ generation_id: first, status: 'pending', progress_pos_in_queue: 1 });
		// Read with the documented trailing-slash path (no 307 detour) and the API key.
		expect(sim.requests.filter((r) => r.method === 'GET').map((r) => [r.path, r.status, r.authorization])).toEqual([
			[`/v1/sora/generations/${second}/`, 200, true],
			[`/v1/sora/generations/${first}/`, 200, true],
		]);
	});

	it('reports processing with its progress', async () => {
		const sim = await startSim({ timing: { queueMs: 0, processingMs: 60_000 } });
		const [id] = await createGenerations(sim, 1);
		await sim.waitFor((s) => s.get(id)?.status === 'processing');

		const [item] = json((await runNode(sim, { operation: 'get', generationId: id })).output);

		expect(Object.keys(item).sort()).toEqual([...STATUS_KEYS, 'render_seconds'].sort());
		expect(item).toMatchObject({ status: 'processing', progress_pos_in_queue: null, video_url: null, completed_at: null });
		expect(item.progress_pct).toEqual(expect.any(Number));
		expect(item.progress_pct as number).toBeGreaterThanOrEqual(0);
		expect(item.progress_pct as number).toBeLessThan(100);
	});

	it('reports a completed generation with its video URL and render time', async () => {
		const sim = await startSim({ timing: { queueMs: 0, processingMs: 250 } });
		const [id] = await createGenerations(sim, 1);
		await sim.waitFor((s) => s.get(id)?.status === 'completed');

		const [item] = json((await runNode(sim, { operation: 'get', generationId: id })).output);

		expect(Object.keys(item).sort()).toEqual([...STATUS_KEYS, 'render_seconds'].sort());
		expect(item).toMatchObject({
			generation_id: id,
			status: 'completed',
			progress_pct: 100,
			progress_pos_in_queue: null,
			error_message: null,
			video_url: sim.get(id)!.video_url,
		});
		expect(String(item.video_url)).toMatch(new RegExp(`^${sim.cdnUrl}/videos/\\d{4}/\\d{2}/${id}\\.mp4$`));
		expect(item.completed_at).toMatch(RUNBLOB_TIME);
		expect(item.render_seconds as number).toBeGreaterThanOrEqual(0.2);
		expectRenderSeconds(item);
	});

	it('reports a failed generation with RunBlob\'s error message', async () => {
		const sim = await startSim();
		const [id] = await createGenerations(sim, 1);
		sim.finish(id, { status: 'failed', error_message: 'Image contains photorealistic people. Please try with a different image.' });

		const [item] = json((await runNode(sim, { operation: 'get', generationId: id })).output);

		expect(item).toMatchObject({
			status: 'failed',
			video_url: null,
			progress_pct: null,
			progress_pos_in_queue: null,
			error_message: 'Image contains photorealistic people. Please try with a different image.',
		});
		expect(item.completed_at).toMatch(RUNBLOB_TIME);
		expectRenderSeconds(item);
	});

	it('accepts an upper-case ID with surrounding spaces and rejects a non-UUID locally', async () => {
		const sim = await startSim();
		const [id] = await createGenerations(sim, 1);

		const [item] = json((await runNode(sim, { operation: 'get', generationId: `  ${id.toUpperCase()} ` })).output);
		expect(item.generation_id).toBe(id);
		expect(sim.requests.at(-1)!.path).toBe(`/v1/sora/generations/${id}/`);

		const before = sim.requests.length;
		const error = await caught(runNode(sim, { operation: 'get', generationId: 'gen_12345' }));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('"gen_12345" is not a RunBlob generation ID');
		const traversal = await caught(runNode(sim, { operation: 'get', generationId: `${id}/../../data/balance` }));
		expect(traversal).toBeInstanceOf(NodeOperationError);
		expect(sim.requests).toHaveLength(before);
	});

	it('names an unknown generation: "RunBlob has no generation <id>" (404, not retried)', async () => {
		const sim = await startSim();
		const unknown = '550e8400-e29b-41d4-a716-446655440000';

		const error = await caught(runNode(sim, { operation: 'get', generationId: unknown }));

		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(`RunBlob has no generation ${unknown}`);
		expect(error.httpCode).toBe('404');
		expect(error.description).toMatch(/Check the generation ID/);
		expect(sim.requests.map((r) => [r.path, r.status])).toEqual([[`/v1/sora/generations/${unknown}/`, 404]]);
	});

	it('does not show another API key\'s generation', async () => {
		const sim = await startSim({ apiKeys: [DEFAULT_API_KEY, 'sk-second-key'] });
		const [id] = await createGenerations(sim, 1);

		const error = await caught(
			runNode(sim, { operation: 'get', generationId: id }, { credentialExtra: { apiKey: 'sk-second-key' } }),
		);
		expect(error.message).toBe(`RunBlob has no generation ${id}`);
	});
});

describe('Get Many', () => {
	it('passes Limit and Offset and returns that page, newest first', async () => {
		const sim = await startSim();
		await createGenerations(sim, 12);
		const newestFirst = sim.generations().map((g) => g.generation_id);

		const result = await runNode(sim, { operation: 'getMany', limit: 5, offset: 3 });

		expect(sim.requests.filter((r) => r.method === 'GET').map((r) => [r.path, r.query])).toEqual([
			['/v1/sora/generations', { limit: '5', offset: '3' }],
		]);
		const out = json(result.output);
		expect(out.map((g) => g.generation_id)).toEqual(newestFirst.slice(3, 8));
		expect(out.map((g) => g.prompt)).toEqual(['clip 8', 'clip 7', 'clip 6', 'clip 5', 'clip 4']);
		expect(Object.keys(out[0]).sort()).toEqual([...STATUS_KEYS, 'render_seconds'].sort());
		expect(result.output![0].every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it('uses the defaults (50 from offset 0) and stops at the end of the list', async () => {
		const sim = await startSim();
		await createGenerations(sim, 3);

		const result = await runNode(sim, { operation: 'getMany' });

		expect(sim.requests.filter((r) => r.method === 'GET').map((r) => r.query)).toEqual([{ limit: '50', offset: '0' }]);
		expect(json(result.output).map((g) => g.prompt)).toEqual(['clip 2', 'clip 1', 'clip 0']);
	});

	it('Return All pages through more than 100 generations (230), newest first', async () => {
		const sim = await startSim();
		await createGenerations(sim, 230);
		const newestFirst = sim.generations().map((g) => g.generation_id);
		expect(newestFirst).toHaveLength(230);

		const result = await runNode(sim, { operation: 'getMany', returnAll: true });

		expect(sim.requests.filter((r) => r.method === 'GET').map((r) => r.query)).toEqual([
			{ limit: '100', offset: '0' },
			{ limit: '100', offset: '100' },
			{ limit: '100', offset: '200' },
		]);
		const out = json(result.output);
		expect(out).toHaveLength(230);
		expect(out.map((g) => g.generation_id)).toEqual(newestFirst);
		expect(out[0].prompt).toBe('clip 229');
		expect(out[229].prompt).toBe('clip 0');

		// Return All starts at Offset, too.
		const skipped = await runNode(sim, { operation: 'getMany', returnAll: true, offset: 25 });
		expect(json(skipped.output).map((g) => g.generation_id)).toEqual(newestFirst.slice(25));
	});

	it('Return All on exactly one full page asks once more and gets an empty page', async () => {
		const sim = await startSim();
		await createGenerations(sim, 100);

		const result = await runNode(sim, { operation: 'getMany', returnAll: true });

		expect(json(result.output)).toHaveLength(100);
		expect(sim.requests.filter((r) => r.method === 'GET').map((r) => r.query.offset)).toEqual(['0', '100']);
	});
});
