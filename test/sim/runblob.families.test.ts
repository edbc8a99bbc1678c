/**
 * Node version 2: every operation × every video family against the RunBlob simulator (which implements each family
 * from the reference): Generate in every completion mode, Get, Download, Get Many, Wait for Video with mixed families,
 * and the Trigger validating each family's callback (signed with its family, or matched by shape when unsigned).
 */
import { randomUUID } from 'node:crypto';

import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { RunBlob } from '../../nodes/RunBlob/RunBlob.node';
import { RunBlobTrigger } from '../../nodes/RunBlobTrigger/RunBlobTrigger.node';
import { verifyCallbackSignature } from '../../nodes/shared/callbackContract';
import { runWebhook } from '../helpers/n8n';
import {
	credentialTypes,
	jsonRequest,
	pathAndQuery,
	runBlobCredential,
	startWaitingRun,
	triggerPath,
	WEBHOOK_BASE,
} from './callbackFixtures';
import { caught, json, posts, recordBodies, runNode, startSim, videoSha256 } from './fixtures';
import type { Sim } from './fixtures';
import { forgetReportedFinals, forgetWebhookSettings } from '../helpers/processMemory';

// Each test has its own simulator (another Base URL) under the same credential id: forget the per-process copy.
beforeEach(() => forgetWebhookSettings());

const V2 = { typeVersion: 2 };
const SECRET = 'families-callback-secret';

interface Case {
	model: string;
	family: string;
	/** the simulator's name for the family */
	simFamily: string;
	create: string;
	params: INodeParameters;
	/** where the family puts the failure reason, as the simulator fills it */
	failure: { code: string; expected: string };
}

const CASES: Case[] = [
	{ model: 'sora-2', family: 'sora', simFamily: 'sora', create: '/v1/sora/generate', params: { orientation: '16:9', duration: 15 }, failure: { code: 'Image contains photorealistic people. Please try with a different image.', expected: 'Image contains photorealistic people' } },
	{ model: 'veo-3-fast', family: 'veo', simFamily: 'veo', create: '/v1/veo/generate', params: { veoAspectRatio: '9:16', veoSeed: 77 }, failure: { code: 'UNSAFE_CONTENT', expected: 'UNSAFE_CONTENT' } },
	{ model: 'kling_3_pro', family: 'kling', simFamily: 'kling', create: '/v1/kling/generate', params: { klingSeconds: 7 }, failure: { code: 'CONTENT_POLICY_VIOLATION', expected: 'CONTENT_POLICY_VIOLATION' } },
	{ model: 'kling_2.5_turbo', family: 'kling', simFamily: 'kling', create: '/v1/kling/generate', params: { klingDuration: '10' }, failure: { code: 'TIMEOUT', expected: 'TIMEOUT' } },
	{ model: 'kling_o1_video', family: 'klingO1', simFamily: 'kling-o1-video', create: '/v1/kling/o1-video/generate', params: { o1Duration: '10', o1AspectRatio: '1:1' }, failure: { code: 'CONTENT_POLICY_VIOLATION', expected: 'CONTENT_POLICY_VIOLATION' } },
	{ model: 'kling_o3_pro', family: 'klingO3', simFamily: 'kling-o3-video', create: '/v1/kling/o3-video/generate', params: { o3Duration: '10' }, failure: { code: 'CONTENT_POLICY_VIOLATION', expected: 'CONTENT_POLICY_VIOLATION' } },
];

const PROMPT = 'A paper boat drifting down a rainy street at dusk';

async function generate(sim: Sim, c: Case, extra: INodeParameters = {}) {
	return await runNode(sim, { operation: 'generate', model: c.model, prompt: PROMPT, completion: 'dontWait', ...c.params, ...extra }, V2);
}

describe.each(CASES)('$model ($family)', (c) => {
	it('Generate (Don\'t Wait) posts to the family\'s endpoint and outputs the normalised shape', async () => {
		const sim = await startSim();
		const bodies = recordBodies(sim);
		const result = await generate(sim, c);

		expect(posts(sim).map((r) => [r.path, r.status])).toEqual([[c.create, 201]]);
		expect(bodies[0].body.prompt).toBe(PROMPT);
		expect(bodies[0].body).not.toHaveProperty('callback_url');
		const [out] = json(result.output);
		const record = sim.get(String(out.generation_id))!;
		expect(record.family).toBe(c.simFamily);
		expect(out).toMatchObject({ family: c.family, model: c.model, status: 'pending', prompt: PROMPT, video_url: null, error_message: null, completion: 'dontWait' });
		// price as a number, whatever string RunBlob answered
		expect(out.price).toBe(record.price === 'calculating' ? null : Number(record.price));
	});

	it('Notify a RunBlob Trigger: the URL carries the family inside its signature', async () => {
		const sim = await startSim();
		const triggerUrl = `https://n8n.example.test/webhook/${randomUUID()}/webhook`;
		await runNode(sim, { operation: 'generate', model: c.model, prompt: PROMPT, completion: 'notifyTrigger', triggerUrl, ...c.params }, { ...V2, credentialExtra: { callbackSecret: SECRET } });
		const sent = new URL(String(sim.generations()[0].callback_url));
		expect(sent.searchParams.get('rb_fam')).toBe(c.family);
		const check = verifyCallbackSignature({ path: sent.pathname, query: Object.fromEntries(sent.searchParams) }, SECRET, Date.now());
		expect(check).toEqual({ valid: true, family: c.family });
	});

	it('Get reads the family\'s status endpoint; a failure\'s reason lands in error_message', async () => {
		const sim = await startSim();
		const [first, second] = await Promise.all([generate(sim, c), generate(sim, c)]);
		const ok = String(json(first.output)[0].generation_id);
		const bad = String(json(second.output)[0].generation_id);
		sim.finish(ok);
		sim.finish(bad, { status: 'failed', code: c.failure.code });

		const read = await runNode(sim, { operation: 'get', model: c.model, generationId: '={{ $json.id }}' }, { ...V2, inputItems: [{ json: { id: ok } }, { json: { id: bad } }] });
		const [done, failed] = json(read.output);
		expect(done).toMatchObject({ generation_id: ok, family: c.family, status: 'completed', video_url: sim.get(ok)!.video_url ?? sim.get(ok)!.result_url, error_message: null });
		expect(failed).toMatchObject({ generation_id: bad, status: 'failed', video_url: null });
		if (c.family === 'klingO3') {
			// O3's status object carries no failure field ("see webhook")
			expect(failed.error_message).toBeNull();
		} else {
			expect(String(failed.error_message)).toContain(c.failure.expected);
		}
		for (const item of [done, failed]) {
			for (const key of ['created_at', 'completed_at']) {
				if (item[key] !== null) expect(item[key]).toMatch(/Z$/);
			}
		}
	});

	it('Download streams the finished video into a binary field', async () => {
		const sim = await startSim({ videoSize: 40_000 });
		const id = String(json((await generate(sim, c)).output)[0].generation_id);
		sim.finish(id);
		const result = await runNode(sim, { operation: 'download', model: c.model, source: 'generationId', generationId: id, binaryPropertyName: 'video' }, V2);
		const item = result.output![0][0];
		expect(item.json).toMatchObject({ generation_id: id, family: c.family, status: 'completed', file_name: `${id}.mp4` });
		expect(item.binary!.video.mimeType).toBe('video/mp4');
		const bytes = Buffer.from(item.binary!.video.data, item.binary!.video.id ? undefined : 'base64');
		if (!item.binary!.video.id) {
			expect(require('node:crypto').createHash('sha256').update(bytes).digest('hex')).toBe(await videoSha256(id, 40_000));
		}
	});
});

describe('Get Many', () => {
	it('lists Sora generations in the normalised shape', async () => {
		const sim = await startSim();
		await generate(sim, CASES[0]);
		const result = await runNode(sim, { operation: 'getMany', model: 'sora-2', returnAll: true }, V2);
		expect(json(result.output)).toHaveLength(1);
		expect(json(result.output)[0]).toMatchObject({ family: 'sora', model: 'sora-2', status: 'pending' });
	});

	it('says so (without a request) where RunBlob documents no list', async () => {
		const sim = await startSim();
		const error = await caught(runNode(sim, { operation: 'getMany', model: 'kling_o3', returnAll: true }, V2));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('RunBlob documents no list of Kling O3 Video generations');
		expect(error.description).toMatch(/Get Many works for Sora 2/);
		expect(sim.requests).toHaveLength(0);
	});
});

describe('Generate – checks before any request, per model', () => {
	it.each([
		['veo-3-fast', { prompt: 'short' }, 'The prompt has 5 characters; this model needs at least 10'],
		['kling_2.1_pro', {}, 'Kling 2.1 Pro only animates an image'],
		['kling_o1_video', { o1Duration: '4' }, 'Duration (text to video) must be 5 or 10 seconds, not "4"'],
		['kling_o3', { additionalBodyFields: '{"model": "x"}' }, 'Additional Body Fields cannot set model: the node sets it'],
	])('%s %j', async (model, params, message) => {
		const sim = await startSim();
		const error = await caught(runNode(sim, { operation: 'generate', model, prompt: PROMPT, completion: 'dontWait', ...params }, V2));
		expect(error.message).toBe(message);
		expect(error.description).toBeTruthy();
		expect(sim.requests).toHaveLength(0);
	});

	it('Additional Body Fields reach RunBlob as they are (keys RunBlob has not confirmed)', async () => {
		const sim = await startSim();
		const bodies = recordBodies(sim);
		await runNode(sim, { operation: 'generate', model: 'kling_1.6', prompt: PROMPT, completion: 'dontWait', additionalBodyFields: '{"negative_prompt": "blurry", "cfg_scale": 0.4}' }, V2);
		expect(bodies[0].body).toMatchObject({ negative_prompt: 'blurry', cfg_scale: 0.4, model: 'kling_1.6' });
		expect(posts(sim).map((r) => r.status)).toEqual([201]);
	});

	it('Kling O3 from input binary images (GIF accepted) sends images_base64', async () => {
		const sim = await startSim();
		const bodies = recordBodies(sim);
		const gif = Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.alloc(100, 1)]);
		const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100, 2)]);
		await runNode(
			sim,
			{ operation: 'generate', model: 'kling_o3', prompt: PROMPT, completion: 'dontWait', o3ImageSource: 'binary', o3ImageProperties: 'a, b' },
			{
				...V2,
				inputItems: [{ json: {}, binary: { a: { data: gif.toString('base64'), mimeType: 'image/gif' }, b: { data: png.toString('base64'), mimeType: 'image/png' } } }],
			},
		);
		expect(bodies[0].body.images_base64).toEqual([gif.toString('base64'), png.toString('base64')]);
		expect(sim.generations()[0].inputs).toEqual([
			expect.objectContaining({ kind: 'base64', format: 'gif' }),
			expect.objectContaining({ kind: 'base64', format: 'png' }),
		]);
	});
});

describe('Wait for Video with mixed families (Veo + Kling O3) in one run', () => {
	it('waits for both, reads the other family\'s status endpoint, resumes once with each item normalised in input order', async () => {
		const sim = await startSim({ callbackFaults: { drop: true } });
		const waiting = await startWaitingRun(sim, [], {
			typeVersion: 2,
			parameters: { model: '={{ $json.model }}', prompt: '={{ $json.prompt }}', waitOptions: { maxWaitMinutes: 20 } },
			items: [
				{ model: 'veo-3-fast', prompt: 'a veo video of a paper boat' },
				{ model: 'kling_o3', prompt: 'a kling video of a paper boat' },
			],
		});
		const [veoId, klingId] = waiting.ids as string[];
		expect(sim.get(veoId)!.family).toBe('veo');
		expect(sim.get(klingId)!.family).toBe('kling-o3-video');
		// mixed families: no single family in the resume URL
		expect(new URL(waiting.callbackUrl).searchParams.has('rb_fam')).toBe(false);
		const pending = waiting.run.executeData.data.main[0]!;
		expect(pending.map((item) => [item.json.family, item.json.status])).toEqual([
			['veo', 'timed_out'],
			['klingO3', 'timed_out'],
		]);
		expect(String(pending[0].json.error_message)).toContain('(20 min)');

		const deliver = async (id: string) =>
			await runWebhook({ nodeType: new RunBlob(), runExecutionData: waiting.run.runExecutionData, request: jsonRequest(sim.get(id)!.callback_payload, { path: waiting.callbackPath }) });

		sim.finish(veoId);
		const early = await deliver(veoId);
		expect(early.response).toMatchObject({ statusCode: 200, body: { resumed: false, waiting_for: klingId } });

		// Kling O3 puts a failure's reason only in its callback: the last callback brings it.
		sim.finish(klingId, { status: 'failed', code: 'CONTENT_POLICY_VIOLATION' });
		// As after a restart: the Veo callback is not remembered, so the last callback reads Veo's status endpoint.
		forgetReportedFinals();
		const last = await deliver(klingId);
		expect(last.response).toMatchObject({ statusCode: 200, body: { resumed: true } });
		const out = last.result.workflowData![0];
		expect(out.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(out[0].json).toMatchObject({ generation_id: veoId, family: 'veo', model: 'veo-3-fast', status: 'completed', prompt: 'a veo video of a paper boat', error_message: null, completion: 'waitForVideo' });
		expect(out[0].json.video_url).toBe(sim.get(veoId)!.video_url);
		expect(out[0].json.price).toBe(Number(sim.get(veoId)!.price));
		expect(out[1].json).toMatchObject({ generation_id: klingId, family: 'klingO3', status: 'failed', video_url: null, error_message: 'CONTENT_POLICY_VIOLATION', prompt: 'a kling video of a paper boat' });
		// One model vocabulary: the item's model stays the node's value; RunBlob's label is kept apart.
		const label = sim.get(klingId)!.callback_payload!.model;
		expect(label).toMatch(/^kling-o3-video-/);
		expect(out[1].json).toMatchObject({ model: 'kling_o3', runblob_model: label });
		// each sibling is read from its own family's status endpoint
		const reads = sim.requests.filter((r) => r.method === 'GET').map((r) => r.path);
		expect(reads).toContain(`/v1/kling/o3-video/generations/${klingId}`);
		expect(reads).toContain(`/v1/veo/generations/${veoId}`);
		// the Kling O3 status endpoint was read by its own path (the Veo callback came last)
	});

	it('one family for all items: it is signed into the resume URL and decides the schema', async () => {
		const sim = await startSim({ callbackFaults: { drop: true } });
		const waiting = await startWaitingRun(sim, ['one kling o1 video'], { typeVersion: 2, parameters: { model: 'kling_o1_video' } });
		expect(new URL(waiting.callbackUrl).searchParams.get('rb_fam')).toBe('klingO1');
		const [id] = waiting.ids as string[];
		sim.finish(id);
		const ok = await runWebhook({ nodeType: new RunBlob(), runExecutionData: waiting.run.runExecutionData, request: jsonRequest(sim.get(id)!.callback_payload, { path: waiting.callbackPath }) });
		expect(ok.result.workflowData![0][0].json).toMatchObject({ generation_id: id, family: 'klingO1', model: 'kling_o1_video', status: 'completed' });
	});

	it('the default wait limit is the slowest family\'s (Sora/Kling 60 min, Veo/O1/O3 30 min)', async () => {
		const sim = await startSim({ callbackFaults: { drop: true } });
		const veoOnly = await startWaitingRun(sim, ['a veo video of a paper boat'], { typeVersion: 2, parameters: { model: 'veo-3-fast' } });
		expect(String(veoOnly.run.executeData.data.main[0]![0].json.error_message)).toContain('(30 min)');
		const mixed = await startWaitingRun(sim, [], {
			typeVersion: 2,
			parameters: { model: '={{ $json.model }}' },
			items: [{ model: 'veo-3-fast', prompt: 'a veo video of a paper boat' }, { model: 'kling_2.5_turbo', prompt: 'k' }],
		});
		expect(String(mixed.run.executeData.data.main[0]![1].json.error_message)).toContain('(60 min)');
	});
});

describe('RunBlob Trigger: every family', () => {
	async function deliver(body: unknown, opts: { path?: string; secret?: string; baseUrl?: string; verify?: boolean } = {}) {
		const webhookId = randomUUID();
		return await runWebhook({
			nodeType: new RunBlobTrigger(),
			parameters: { events: ['completed', 'failed'], options: opts.verify ? { verifyWithApi: true } : {} },
			credentials: runBlobCredential({ baseUrl: opts.baseUrl, callbackSecret: opts.secret ?? '' }),
			credentialTypes,
			mode: 'webhook',
			workflowId: `wf-${webhookId}`,
			nodeId: webhookId,
			webhookId,
			staticData: {},
			request: jsonRequest(body, { path: opts.path ?? triggerPath(webhookId) }),
		});
	}

	it.each(CASES.filter((c, i) => CASES.findIndex((d) => d.family === c.family) === i))(
		'$family: its real callback (from the simulator) starts one normalised item, unsigned (matched by shape)',
		async (c) => {
			const sim = await startSim();
			const id = String(json((await generate(sim, c)).output)[0].generation_id);
			sim.finish(id, { status: 'failed', code: c.failure.code });
			const payload = sim.get(id)!.callback_payload!;
			const { result } = await deliver(payload, { baseUrl: sim.url });
			const item = result.workflowData![0][0].json as IDataObject;
			expect(item).toMatchObject({ generation_id: id, family: c.family, status: 'failed', video_url: null });
			expect(String(item.error_message)).toContain(c.failure.expected);
		},
	);

	it('Kling O3 callback on a URL the node signed with its family; Verify reads the O3 status endpoint', async () => {
		const sim = await startSim();
		const webhookId = randomUUID();
		const triggerUrl = `${WEBHOOK_BASE}${triggerPath(webhookId)}`;
		await runNode(sim, { operation: 'generate', model: 'kling_o3_pro', prompt: PROMPT, completion: 'notifyTrigger', triggerUrl }, { ...V2, credentialExtra: { callbackSecret: SECRET } });
		const record = sim.generations()[0];
		sim.finish(record.generation_id);
		const signedPath = pathAndQuery(String(record.callback_url));
		const payload = sim.get(record.generation_id)!.callback_payload!;

		const result = await runWebhook({
			nodeType: new RunBlobTrigger(),
			parameters: { events: ['completed'], options: { verifyWithApi: true } },
			credentials: runBlobCredential({ baseUrl: sim.url, callbackSecret: SECRET }),
			credentialTypes,
			mode: 'webhook',
			workflowId: 'wf-o3',
			nodeId: webhookId,
			webhookId,
			staticData: {},
			request: jsonRequest(payload, { path: signedPath }),
		});
		expect(result.result.workflowData![0][0].json).toMatchObject({ generation_id: record.generation_id, family: 'klingO3', status: 'completed', video_url: sim.get(record.generation_id)!.video_url });
		expect(sim.requests.filter((r) => r.method === 'GET').map((r) => r.path)).toEqual([`/v1/kling/o3-video/generations/${record.generation_id}`]);

		// The same body on a URL signed for another family is validated against that family's schema: refused.
		const tampered = signedPath.replace('rb_fam=klingO3', 'rb_fam=sora');
		const refused = await runWebhook({
			nodeType: new RunBlobTrigger(),
			parameters: { events: ['completed'], options: {} },
			credentials: runBlobCredential({ baseUrl: sim.url, callbackSecret: SECRET }),
			credentialTypes,
			mode: 'webhook',
			workflowId: 'wf-o3b',
			nodeId: randomUUID(),
			webhookId,
			staticData: {},
			request: jsonRequest(payload, { path: tampered }),
		});
		expect(refused.response).toMatchObject({ statusCode: 401 });
		expect(refused.result.workflowData).toBeUndefined();
	});
});
