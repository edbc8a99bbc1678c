/**
 * The proof that a family is one declaration: a made-up family (test/families/acmeClip.ts) plus one registration
 * call, and the simulator taught its endpoints by one file (test/families/acmeClip.sim.js), go through every
 * operation, the wait and the Trigger — with no product file naming it.
 */
import { randomUUID } from 'node:crypto';

import type { IDataObject, INode, INodeProperties } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { RunBlob } from '../../nodes/RunBlob/RunBlob.node';
import { RunBlobTrigger } from '../../nodes/RunBlobTrigger/RunBlobTrigger.node';
import { verifyCallbackSignature } from '../../nodes/shared/callbackContract';
import { registerFamily } from '../../nodes/shared/families';
import { ACME_ID, acmeClip } from '../families/acmeClip';
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
import { json, posts, recordBodies, runNode, startSim } from './fixtures';
import type { Sim } from './fixtures';
import { forgetReportedFinals, forgetWebhookSettings } from '../helpers/processMemory';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const simFamilies = require('../simulator/families');
// eslint-disable-next-line @typescript-eslint/no-require-imports
simFamilies.registerFamily(require('../families/acmeClip.sim'));
registerFamily(acmeClip);

beforeEach(() => {
	forgetWebhookSettings();
	forgetReportedFinals();
});

const V2 = { typeVersion: 2 };
const SECRET = 'acme-callback-secret';
const PROMPT = 'a clip of a paper boat';

async function generate(sim: Sim, extra: IDataObject = {}) {
	const result = await runNode(sim, { operation: 'generate', model: 'acme-clip-hd', prompt: PROMPT, acmeLength: '8', completion: 'dontWait', ...extra }, V2);
	return json(result.output);
}

async function toTrigger(body: unknown, opts: { path?: string; secret?: string; baseUrl?: string; verify?: boolean; webhookId?: string } = {}) {
	const webhookId = opts.webhookId ?? randomUUID();
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

describe('a family registered from a test file is a family like any other', () => {
	it('the node lists its models, parameters, prompt limits and wait default', () => {
		const properties = new RunBlob().description.properties;
		const models = properties.filter((p) => p.name === 'model' && p.type === 'options').flatMap((p) => p.options ?? []);
		expect(models.map((o) => (o as { value: string }).value)).toEqual(expect.arrayContaining(['acme-clip', 'acme-clip-hd']));
		expect(properties.some((p) => p.name === 'acmeLength')).toBe(true);
		const prompt = properties.find((p) => p.name === 'prompt' && p.displayOptions?.show?.resource?.includes('video'));
		expect(prompt?.description).toContain('Acme Clip: 3–500 characters');
		const waitOptions = properties.find((p) => p.name === 'waitOptions' && p.displayOptions?.show?.resource?.includes('video'));
		// One Max Wait per family, shown for its own models with its declared default (and the expression one lists all).
		const maxWaits = (waitOptions?.options ?? []).filter((o) => (o as { name: string }).name === 'maxWaitMinutes') as INodeProperties[];
		const node = { name: 'RunBlob', typeVersion: 2, type: 'runBlob', parameters: {} } as unknown as INode;
		const shown = maxWaits.filter((o) => NodeHelpers.displayParameter({}, o, node, null, { model: 'acme-clip-hd' }));
		expect(shown.map((o) => o.default)).toEqual([7]);
		expect(maxWaits.some((o) => String(o.description).includes('Acme Clip 7 min'))).toBe(true);
	});

	it('Generate (Don\'t Wait) validates with its own limits, posts its body and outputs the one shape', async () => {
		const sim = await startSim();
		const bodies = recordBodies(sim);
		const [out] = await generate(sim);
		expect(posts(sim).map((r) => [r.path, r.status])).toEqual([['/v1/acme/generate', 201]]);
		expect(bodies[0].body).toEqual({ prompt: PROMPT, length: '8', tier: 'hd' });
		expect(String(out.generation_id)).toMatch(ACME_ID);
		expect(out).toMatchObject({ family: 'acmeClip', model: 'acme-clip-hd', status: 'pending', video_url: null, price: 0.08, completion: 'dontWait' });
		const tooShort = await runNode(sim, { operation: 'generate', model: 'acme-clip', prompt: 'ab', completion: 'dontWait' }, { ...V2, continueOnFail: true });
		expect(String(json(tooShort.output)[0].error)).toContain('at least 3');
		expect(posts(sim)).toHaveLength(1);
	});

	it('Generate (Custom Callback URL, Notify a RunBlob Trigger): the URL is passed on / signed with the family', async () => {
		const sim = await startSim();
		await generate(sim, { completion: 'customCallbackUrl', callbackUrl: 'https://hooks.example.test/acme' });
		expect(sim.generations().map((g) => g.callback_url)).toEqual(['https://hooks.example.test/acme']);
		const triggerUrl = `${WEBHOOK_BASE}${triggerPath(randomUUID())}`;
		await runNode(sim, { operation: 'generate', model: 'acme-clip', prompt: PROMPT, completion: 'notifyTrigger', triggerUrl }, { ...V2, credentialExtra: { callbackSecret: SECRET } });
		const sent = new URL(String(sim.generations().find((g) => String(g.callback_url).startsWith(WEBHOOK_BASE))!.callback_url));
		expect(verifyCallbackSignature({ path: sent.pathname, query: Object.fromEntries(sent.searchParams) }, SECRET, Date.now())).toEqual({ valid: true, family: 'acmeClip' });
	});

	it('Get, Get Many and Download read its endpoints and fields', async () => {
		const sim = await startSim({ videoSize: 20_000 });
		const ok = String((await generate(sim))[0].generation_id);
		const bad = String((await generate(sim, { model: 'acme-clip' }))[0].generation_id);
		sim.finish(ok);
		sim.finish(bad, { status: 'failed', code: 'ACME_REFUSED' });
		const read = await runNode(sim, { operation: 'get', model: 'acme-clip', generationId: '={{ $json.id }}' }, { ...V2, inputItems: [{ json: { id: ok } }, { json: { id: bad } }] });
		const [done, failed] = json(read.output);
		// The model comes from RunBlob's label through the declaration, whatever model the Get node names.
		expect(done).toMatchObject({ generation_id: ok, family: 'acmeClip', model: 'acme-clip-hd', runblob_model: 'acme/hd', status: 'completed', video_url: sim.get(ok)!.result_url, length: '8' });
		expect(failed).toMatchObject({ generation_id: bad, model: 'acme-clip', status: 'failed', video_url: null, error_message: 'ACME_REFUSED' });

		const many = json((await runNode(sim, { operation: 'getMany', model: 'acme-clip', returnAll: true }, V2)).output);
		expect(many.map((item) => item.generation_id).sort()).toEqual([ok, bad].sort());

		const download = await runNode(sim, { operation: 'download', model: 'acme-clip', source: 'generationId', generationId: ok, binaryPropertyName: 'video' }, V2);
		const item = download.output![0][0];
		expect(item.json).toMatchObject({ generation_id: ok, family: 'acmeClip', file_name: `${ok}.mp4` });
		expect(item.binary!.video.mimeType).toBe('video/mp4');
	});

	it('Wait for Video: success and failure resume once, in input order, with its fields', async () => {
		const sim = await startSim();
		const waiting = await startWaitingRun(sim, [], {
			typeVersion: 2,
			parameters: { model: '={{ $json.model }}', prompt: '={{ $json.prompt }}' },
			items: [
				{ model: 'acme-clip', prompt: 'the first clip' },
				{ model: 'acme-clip-hd', prompt: 'the second clip' },
			],
		});
		expect(new URL(waiting.callbackUrl).searchParams.get('rb_fam')).toBe('acmeClip');
		const pending = waiting.run.executeData.data.main[0]!;
		expect(String(pending[0].json.error_message)).toContain('(7 min)'); // the family's own default
		const [first, second] = waiting.ids as string[];
		const deliver = async (id: string) =>
			await runWebhook({ nodeType: new RunBlob(), runExecutionData: waiting.run.runExecutionData, request: jsonRequest(sim.get(id)!.callback_payload, { path: waiting.callbackPath }) });
		sim.finish(second, { status: 'failed', code: 'ACME_REFUSED' });
		expect((await deliver(second)).response.body).toMatchObject({ resumed: false, waiting_for: first });
		sim.finish(first);
		const last = await deliver(first);
		const out = json(last.result.workflowData!);
		expect(out[0]).toMatchObject({ generation_id: first, family: 'acmeClip', model: 'acme-clip', runblob_model: 'acme/sd', status: 'completed', video_url: sim.get(first)!.result_url, prompt: 'the first clip' });
		expect(out[1]).toMatchObject({ generation_id: second, model: 'acme-clip-hd', status: 'failed', error_message: 'ACME_REFUSED' });
	});

	it('Wait for Video with a lost callback: the last callback reads the other generation from its status endpoint', async () => {
		const sim = await startSim({ callbackFaults: { drop: true } });
		const waiting = await startWaitingRun(sim, ['one clip', 'another clip'], { typeVersion: 2, parameters: { model: 'acme-clip' } });
		const [lost, last] = waiting.ids as string[];
		sim.finish(lost); // its callback never arrives
		sim.finish(last);
		const resumed = await runWebhook({ nodeType: new RunBlob(), runExecutionData: waiting.run.runExecutionData, request: jsonRequest(sim.get(last)!.callback_payload, { path: waiting.callbackPath }) });
		expect(resumed.response.body).toMatchObject({ resumed: true });
		const out = json(resumed.result.workflowData!);
		expect(out.map((item) => [item.generation_id, item.status])).toEqual([[lost, 'completed'], [last, 'completed']]);
		expect(sim.requests.filter((r) => r.method === 'GET').map((r) => r.path)).toContain(`/v1/acme/generations/${lost}`);
	});

	it('the Trigger: signed (the URL names the family, Verify reads its endpoint) and unsigned (its matcher)', async () => {
		const sim = await startSim();
		const webhookId = randomUUID();
		await runNode(sim, { operation: 'generate', model: 'acme-clip-hd', prompt: PROMPT, completion: 'notifyTrigger', triggerUrl: `${WEBHOOK_BASE}${triggerPath(webhookId)}` }, { ...V2, credentialExtra: { callbackSecret: SECRET } });
		const record = sim.generations()[0];
		const id = String(record.id);
		sim.finish(id);
		const payload = sim.get(id)!.callback_payload!;
		// Verify compares the family's own result field: a different clip_url is refused.
		const forged = await toTrigger({ ...payload, clip_url: 'https://cdn.example.test/other.mp4' }, { path: pathAndQuery(String(record.callback_url)), secret: SECRET, baseUrl: sim.url, verify: true, webhookId });
		expect(forged.response.statusCode).toBe(409);
		const signed = await toTrigger(payload, { path: pathAndQuery(String(record.callback_url)), secret: SECRET, baseUrl: sim.url, verify: true, webhookId });

		expect(signed.result.workflowData![0][0].json).toMatchObject({ generation_id: id, family: 'acmeClip', model: 'acme-clip-hd', status: 'completed', video_url: sim.get(id)!.result_url });

		forgetWebhookSettings(); // another credential (no Callback Secret) under the same id
		const unsigned = await toTrigger(payload, { baseUrl: sim.url });
		expect(unsigned.result.workflowData![0][0].json).toMatchObject({ generation_id: id, family: 'acmeClip', model: 'acme-clip-hd', runblob_model: 'acme/hd' });
	});
});
