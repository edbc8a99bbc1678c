// The RunBlob node's plain actions inside a real n8n, on the current and the oldest supported n8n: Generate ("Don't
// Wait"), Get, Get Many and Download chained by expressions, API errors as failed executions, Continue On Fail, and
// several items in one run. Every workflow starts from a Webhook node; results are read from n8n's execution data.
import * as crypto from 'node:crypto';

import { RUNBLOB_STATUS_KEYS } from '../support';
import { httpRequest } from './harness';
import { useSharedN8n } from './shared';
import { createSimulator, videoSha256 } from '../simulator';
import {
	API_KEY,
	RUNTIMES,
	SETUP_TIMEOUT_MS,
	binaryFile,
	chain,
	credentialFixture,
	noOpNode,
	nodeOutput,
	runBlobNode,
	sha256File,
	splitPromptsNode,
	webhookNode,
	type Node,
	type Workflow,
} from './workflows';

type N8n = Awaited<ReturnType<typeof useSharedN8n>>;
type Sim = Awaited<ReturnType<typeof createSimulator>>;

const VIDEO_SIZE = 192 * 1024;
const TEST_TIMEOUT_MS = 60_000;
const STATUS_KEYS = [...RUNBLOB_STATUS_KEYS];

/** Turns `{ ids: [...] }` posted to the webhook into one item per id. */
function splitIdsNode(): Node {
	return {
		id: '5d0c1f0e-7a43-4b8e-9a51-3f1d2c6b7e01',
		name: 'Ids',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [200, 0],
		parameters: { jsCode: 'return $input.first().json.body.ids.map((id) => ({ json: { id } }));' },
	};
}

/** Start → Get Many (limit 3, offset 1) and, in parallel, Start → Get Many (Return All). */
function getManyWorkflow(): Workflow {
	const workflow = chain('e2eActGetMany001', 'actions get many', [
		webhookNode('Start', 'act-get-many'),
		runBlobNode('Get Many Limited', { operation: 'getMany', returnAll: false, limit: 3, offset: 1 }),
	]);
	const all = runBlobNode('Get Many All', { operation: 'getMany', returnAll: true });
	all.position = [220, 200];
	workflow.nodes.push(all);
	workflow.connections.Start = {
		main: [
			[
				{ node: 'Get Many Limited', type: 'main', index: 0 },
				{ node: 'Get Many All', type: 'main', index: 0 },
			],
		],
	};
	return workflow;
}

const WF = {
	genGetDownload: chain('e2eActGenGetDl01', 'actions generate get download', [
		webhookNode('Start', 'act-gen-get-dl'),
		runBlobNode('Generate', {
			operation: 'generate',
			prompt: '={{ $json.body.prompt }}',
			orientation: '16:9',
			duration: 10,
			completion: 'dontWait',
		}),
		runBlobNode('Get', { operation: 'get', generationId: '={{ $json.generation_id }}' }),
		runBlobNode('Download', {
			operation: 'download',
			source: 'generationId',
			generationId: '={{ $json.generation_id }}',
			binaryPropertyName: 'data',
		}),
	]),
	getMany: getManyWorkflow(),
	get: chain('e2eActGetById001', 'actions get by id', [
		webhookNode('Start', 'act-get'),
		runBlobNode('Get', { operation: 'get', generationId: '={{ $json.body.id }}' }),
		noOpNode('Done'),
	]),
	getContinue: chain('e2eActGetCof0001', 'actions get continue on fail', [
		webhookNode('Start', 'act-get-continue'),
		splitIdsNode(),
		runBlobNode('Get', { operation: 'get', generationId: '={{ $json.id }}' }, { onError: 'continueRegularOutput' }),
		noOpNode('Done'),
	]),
	generate: chain('e2eActGenerate01', 'actions generate items', [
		webhookNode('Start', 'act-generate'),
		splitPromptsNode(),
		runBlobNode('Generate', {
			operation: 'generate',
			prompt: '={{ $json.prompt }}',
			orientation: '9:16',
			duration: 15,
			completion: 'dontWait',
		}),
		noOpNode('Done'),
	]),
};

const FINISHED = (status: string) => !['new', 'running', 'waiting', 'unknown'].includes(status);

describe.each(RUNTIMES)('RunBlob actions in n8n runtime "%s"', (runtime) => {
	let sim: Sim;
	let n8n: N8n;

	beforeAll(async () => {
		sim = await createSimulator({
			port: 0,
			videoSize: VIDEO_SIZE,
			// Finished the moment it is created: Get and Download later in the same run see a completed video.
			timing: { queueMs: 0, processingMs: 0 },
		});
		n8n = await useSharedN8n({
			runtime,
			label: 'actions',
			credentials: [credentialFixture(sim.url)],
			workflows: Object.values(WF),
		});
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		await sim?.close();
		await n8n?.detach();
	}, 60_000);

	/** Triggers a workflow through its Webhook node and resolves with the finished execution (with data). */
	async function run(workflow: Workflow, body: unknown) {
		const before = new Set((await n8n.executions({ workflowId: workflow.id })).map((e) => e.id));
		const res = await n8n.http('POST', n8n.webhookUrl(String(workflow.nodes[0].parameters.path)), { body });
		expect(res.status).toBe(200);
		return n8n.waitForExecution((e) => !before.has(e.id) && FINISHED(e.status), 30_000, { workflowId: workflow.id });
	}

	/** RunBlob's own answer (through the simulator's HTTP API, with the same key). */
	async function runBlob(method: 'GET' | 'POST', path: string, body?: unknown) {
		const res = await httpRequest(method, `${sim.url}${path}`, { headers: { authorization: `Bearer ${API_KEY}` }, body });
		if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${res.text}`);
		return res.json;
	}

	/** The error n8n recorded for a failed run: the execution's, and the failing node's own run error. */
	function runErrors(execution: any, nodeName: string): { execution: any; node: any } {
		return {
			execution: execution.data?.resultData?.error,
			node: execution.data?.resultData?.runData?.[nodeName]?.[0]?.error,
		};
	}

	test('Generate (Don\'t Wait) → Get → Download by expression: status fields, then the video as video/mp4 binary', async () => {
		const prompt = `a lighthouse in a storm ${crypto.randomUUID()}`;
		const execution = await run(WF.genGetDownload, { prompt });
		expect(execution.status).toBe('success');

		const [generated] = nodeOutput(execution, 'Generate');
		const id = generated.json.generation_id;
		expect(id).toMatch(/^[0-9a-f-]{36}$/);
		expect(generated.json).toMatchObject({ status: 'pending', price: '0.1200', prompt, completion: 'dontWait' });
		const record = sim.get(id)!;
		expect(record).toMatchObject({ prompt, status: 'completed', orientation: '16:9', duration: 10, callback_url: null });

		// Get: RunBlob's nine status fields exactly as RunBlob answers them, plus render_seconds.
		const got = nodeOutput(execution, 'Get');
		expect(got).toHaveLength(1);
		expect(got[0].pairedItem).toEqual({ item: 0 });
		const status = await runBlob('GET', `/v1/sora/generations/${id}/`);
		expect(Object.keys(status).sort()).toEqual(STATUS_KEYS);
		expect(got[0].json).toEqual({ ...status, render_seconds: expect.any(Number) });
		expect(got[0].json).toMatchObject({ status: 'completed', progress_pct: 100, video_url: record.video_url });

		// Download: the bytes RunBlob's CDN serves for this generation, stored by n8n as a binary.
		const downloaded = nodeOutput(execution, 'Download');
		expect(downloaded).toHaveLength(1);
		const [item] = downloaded;
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toMatchObject({
			generation_id: id,
			status: 'completed',
			video_url: record.video_url,
			file_name: `${id}.mp4`,
		});
		expect(item.binary.data).toMatchObject({ mimeType: 'video/mp4', fileName: `${id}.mp4` });
		const file = binaryFile(n8n.userFolder, item.binary.data.id);
		expect(await sha256File(file)).toBe(await videoSha256(id, VIDEO_SIZE));

		// The API key went to the API only: the CDN (another origin) saw the download, never an Authorization header.
		const cdn = sim.cdnRequests.filter((r: any) => r.path.includes(id));
		expect(cdn.length).toBeGreaterThanOrEqual(1);
		expect(cdn.every((r: any) => r.authorization === false)).toBe(true);
		expect(cdn.some((r: any) => r.method === 'GET' && r.status === 200 && r.bytesSent === VIDEO_SIZE)).toBe(true);
		const api = sim.requests.filter((r: any) => r.path.includes(id) || r.path === '/v1/sora/generate');
		expect(api.every((r: any) => r.authorization === true)).toBe(true);
	}, TEST_TIMEOUT_MS);

	test('Get Many: Limit and Offset give one page, Return All pages through every generation, newest first', async () => {
		// More than one page of RunBlob's 100, so Return All has to ask twice.
		const missing = Math.max(0, 103 - sim.generations().length);
		for (let i = 0; i < missing; i += 25) {
			await Promise.all(
				Array.from({ length: Math.min(25, missing - i) }, (_, j) =>
					runBlob('POST', '/v1/sora/generate', { prompt: `list filler ${i + j}`, orientation: '9:16', duration: 10 }),
				),
			);
		}
		const expected = sim.generations().map((g: any) => g.generation_id);
		expect(expected.length).toBeGreaterThan(100);
		const requestsBefore = sim.requests.length;

		const execution = await run(WF.getMany, {});
		expect(execution.status).toBe('success');

		const limited = nodeOutput(execution, 'Get Many Limited');
		expect(limited.map((item: any) => item.json.generation_id)).toEqual(expected.slice(1, 4));
		for (const item of limited) {
			expect(item.pairedItem).toEqual({ item: 0 });
			expect(Object.keys(item.json).sort()).toEqual([...STATUS_KEYS, 'render_seconds'].sort());
			expect(item.json).toMatchObject({ status: 'completed', video_url: sim.get(item.json.generation_id)!.video_url });
		}

		const all = nodeOutput(execution, 'Get Many All');
		expect(all.map((item: any) => item.json.generation_id)).toEqual(expected);
		expect(all.every((item: any) => item.pairedItem?.item === 0)).toBe(true);

		const lists = sim.requests
			.slice(requestsBefore)
			.filter((r: any) => r.path === '/v1/sora/generations')
			.map((r: any) => r.query);
		expect(lists).toHaveLength(3);
		expect(lists).toEqual(
			expect.arrayContaining([
				{ limit: '3', offset: '1' },
				{ limit: '100', offset: '0' },
				{ limit: '100', offset: '100' },
			]),
		);
	}, TEST_TIMEOUT_MS);

	test('an unknown generation fails the execution with RunBlob\'s readable 404 message', async () => {
		const id = crypto.randomUUID();
		const execution = await run(WF.get, { id });
		expect(execution.status).toBe('error');
		const errors = runErrors(execution, 'Get');
		expect(errors.execution?.message).toContain(`RunBlob has no generation ${id}`);
		expect(errors.node?.message).toContain(`RunBlob has no generation ${id}`);
		expect(nodeOutput(execution, 'Get')).toEqual([]);
		expect(execution.data.resultData.runData.Done).toBeUndefined();
		expect(execution.data.resultData.lastNodeExecuted).toBe('Get');
		expect(sim.requests.some((r: any) => r.path === `/v1/sora/generations/${id}/` && r.status === 404)).toBe(true);
	}, TEST_TIMEOUT_MS);

	test('no credits left (402) fails the execution with "Not enough RunBlob credits" and creates nothing', async () => {
		const count = sim.generations().length;
		const balance = sim.balance;
		sim.setBalance(0);
		try {
			const execution = await run(WF.generate, { prompts: ['an unaffordable sunrise'] });
			expect(execution.status).toBe('error');
			const errors = runErrors(execution, 'Generate');
			expect(errors.execution?.message).toContain('Not enough RunBlob credits');
			expect(errors.node?.message).toContain('Not enough RunBlob credits');
			expect(execution.data.resultData.runData.Done).toBeUndefined();
			expect(sim.requests.some((r: any) => r.path === '/v1/sora/generate' && r.status === 402)).toBe(true);
		} finally {
			sim.setBalance(balance);
		}
		expect(sim.generations()).toHaveLength(count);
	}, TEST_TIMEOUT_MS);

	test('Continue On Fail: the run succeeds and each failed item becomes an error item paired to its input', async () => {
		const known = (await runBlob('POST', '/v1/sora/generate', { prompt: 'a known one', orientation: '9:16', duration: 10 }))
			.generation_id as string;
		const unknown = crypto.randomUUID();
		const execution = await run(WF.getContinue, { ids: [known, unknown, 'not-a-uuid'] });
		expect(execution.status).toBe('success');

		const items = nodeOutput(execution, 'Get');
		expect(items).toHaveLength(3);
		expect(items.map((item: any) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[0].json).toMatchObject({ generation_id: known, status: 'completed' });
		expect(items[0].json.error).toBeUndefined();
		expect(items[1].json.generation_id).toBe(unknown);
		expect(items[1].json.error).toContain(`RunBlob has no generation ${unknown}`);
		expect(items[1].json.status).toBeUndefined();
		expect(items[2].json.error).toContain('"not-a-uuid" is not a RunBlob generation ID');
		expect(items[2].json.generation_id).toBeUndefined();
		// The error items flow on to the next node like any other item.
		expect(nodeOutput(execution, 'Done')).toHaveLength(3);
		expect(execution.data.resultData.error).toBeUndefined();
	}, TEST_TIMEOUT_MS);

	test('several items: Generate (Don\'t Wait) answers one item per input, in input order, paired 0..n-1', async () => {
		const tag = crypto.randomUUID().slice(0, 8);
		const prompts = [1, 2, 3, 4, 5].map((n) => `clip ${n} of ${tag}`);
		const execution = await run(WF.generate, { prompts });
		expect(execution.status).toBe('success');

		const items = nodeOutput(execution, 'Generate');
		expect(items.map((item: any) => item.json.prompt)).toEqual(prompts);
		expect(items.map((item: any) => item.pairedItem)).toEqual(prompts.map((_, item) => ({ item })));
		const ids = items.map((item: any) => item.json.generation_id);
		expect(new Set(ids).size).toBe(prompts.length);
		for (const [i, item] of items.entries()) {
			expect(item.json).toEqual({
				generation_id: ids[i],
				status: 'pending',
				price: '0.1800',
				prompt: prompts[i],
				orientation: '9:16',
				duration: 15,
				completion: 'dontWait',
			});
			expect(sim.get(ids[i])).toMatchObject({ prompt: prompts[i], duration: 15, callback_url: null });
		}
		// RunBlob received each exactly once (submitted in parallel, so in no fixed order).
		const created = sim
			.generations()
			.filter((g: any) => g.prompt.endsWith(tag))
			.map((g: any) => g.generation_id);
		expect([...created].sort()).toEqual([...ids].sort());
		expect(nodeOutput(execution, 'Done')).toHaveLength(prompts.length);
	}, TEST_TIMEOUT_MS);
});
