/**
 * RunBlob Trigger `webhook()` in n8n-core's real WebhookContext: what it accepts and what it outputs, the event
 * filter, exactly-once delivery (in memory, concurrent, and across a restart through static data), signatures and
 * the IP allowlist on the accepting side, and the activation hooks (`webhookMethods`).
 */
import { REFRESH_MIN_INTERVAL_MS } from '../../nodes/shared/settingsCache';
import { randomUUID } from 'node:crypto';
import vm from 'node:vm';

import { HookContext } from 'n8n-core';
import type {
	IDataObject,
	INode,
	INodeParameters,
	INodeType,
	INodeTypes,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { RunBlobTrigger } from '../../nodes/RunBlobTrigger/RunBlobTrigger.node';
import { DEDUPE_TTL_MS } from '../../nodes/RunBlobTrigger/dedupe';
import { TestCredentialsHelper, getN8nRuntime, runWebhook } from '../helpers/n8n';
import {
	completedPayload,
	credentialTypes,
	failedPayload,
	jsonRequest,
	normalised,
	triggerItem,
	runBlobCredential,
	signedTriggerPath,
	triggerPath,
	type Payload,
} from './callbackFixtures';
import { forgetDeliveries, forgetWebhookSettings } from '../helpers/processMemory';

// Every test builds its own credential under the same id: forget the per-process copy (settingsCache.ts) as an edit
// of the credential followed by its cache lapsing would.
beforeEach(() => forgetWebhookSettings());

const STATIC_KEY = 'runblobSeenCallbacks';
const NODE_STATIC = 'node:RunBlob Trigger';

interface DeliverOptions {
	events?: string[];
	options?: INodeParameters;
	credentials?: ReturnType<typeof runBlobCredential>;
	staticData?: IDataObject;
	workflowId?: string;
	nodeId?: string;
	webhookId?: string;
	path?: string;
	ip?: string;
}

/** One trigger instance (workflow + node ids fixed, so de-duplication sees the same trigger every time). */
function trigger(defaults: DeliverOptions = {}) {
	const identity = {
		workflowId: defaults.workflowId ?? `wf-${randomUUID()}`,
		nodeId: defaults.nodeId ?? randomUUID(),
		webhookId: defaults.webhookId ?? randomUUID(),
	};
	const staticData: IDataObject = defaults.staticData ?? {};
	const deliver = async (body: unknown, overrides: DeliverOptions = {}) => {
		const o = { ...defaults, ...overrides };
		return await runWebhook({
			nodeType: new RunBlobTrigger(),
			parameters: { events: o.events ?? ['completed', 'failed'], options: o.options ?? {} },
			credentials: o.credentials ?? runBlobCredential(),
			credentialTypes,
			mode: 'webhook',
			workflowId: o.workflowId ?? identity.workflowId,
			nodeId: o.nodeId ?? identity.nodeId,
			webhookId: o.webhookId ?? identity.webhookId,
			staticData: o.staticData ?? staticData,
			request: jsonRequest(body, { path: o.path ?? triggerPath(o.webhookId ?? identity.webhookId), ip: o.ip }),
		});
	};
	return { ...identity, staticData, deliver };
}

function seenKeys(staticData: IDataObject): string[] {
	const node = (staticData[NODE_STATIC] ?? {}) as IDataObject;
	return Object.keys((node[STATIC_KEY] ?? {}) as IDataObject);
}

beforeEach(() => forgetDeliveries());

describe('valid callbacks start exactly one normalised item', () => {
	it("RunBlob's documented success payload", async () => {
		const payload = completedPayload();
		const { result, response } = await trigger().deliver(payload);

		expect(result.workflowData).toHaveLength(1);
		expect(result.workflowData![0]).toHaveLength(1);
		const item = result.workflowData![0][0];
		expect(item.json).toEqual({
			generation_id: payload.generation_id,
			status: 'completed',
			prompt: 'A beautiful sunset over the ocean',
			video_url: 'https://cdn.runblob.io/videos/2025/11/550e8400.mp4',
			created_at: '2025-11-24T10:00:00.000Z',
			completed_at: '2025-11-24T10:05:30.000Z',
			error_message: null,
			render_seconds: 330,
			family: 'sora',
			model: 'sora-2',
			runblob_model: null,
			price: null,
		});
		expect(item.binary).toBeUndefined();
		// The node answers RunBlob itself with JSON (n8n's "respond on received" would send a placeholder text).
		expect(result.noWebhookResponse).toBe(true);
		expect(response).toMatchObject({ statusCode: 200, ended: true, body: { received: true } });
	});

	it("RunBlob's documented failure payload", async () => {
		const payload = failedPayload();
		const { result, response } = await trigger().deliver(payload);

		expect(result.workflowData).toEqual([
			[
				{
					json: {
						generation_id: payload.generation_id,
						status: 'failed',
						prompt: 'A beautiful sunset over the ocean',
						video_url: null,
						created_at: '2025-11-24T10:00:00.000Z',
						completed_at: '2025-11-24T10:02:00.000Z',
						error_message: 'Image contains photorealistic people. Please try with a different image.',
						render_seconds: 120,
						family: 'sora',
						model: 'sora-2',
						runblob_model: null,
						price: null,
					},
				},
			],
		]);
		expect(response).toMatchObject({ statusCode: 200, ended: true, body: { received: true } });
	});

	it.each<[string, Payload, IDataObject]>([
		[
			'explicit zones are converted to UTC',
			completedPayload({ created_at: '2025-11-24T12:00:00.250000+02:00', completed_at: '2025-11-24T10:01:01Z' }),
			{ created_at: '2025-11-24T10:00:00.250Z', completed_at: '2025-11-24T10:01:01.000Z', render_seconds: 60.8 },
		],
		[
			'a space separator and nanoseconds are read as UTC',
			failedPayload({ created_at: '2025-11-24 23:59:59.999999999', completed_at: '2025-11-25T00:00:10.000001' }),
			{ created_at: '2025-11-24T23:59:59.999Z', completed_at: '2025-11-25T00:00:10.000Z', render_seconds: 10 },
		],
		[
			'a missing completed_at gives null times, not a crash',
			completedPayload({ completed_at: undefined }),
			{ completed_at: null, render_seconds: null },
		],
		[
			'error_message null on a failure stays null',
			failedPayload({ error_message: null }),
			{ error_message: null, video_url: null },
		],
	])('%s', async (_name, payload, expected) => {
		const { result } = await trigger().deliver(JSON.parse(JSON.stringify(payload)));
		expect(result.workflowData![0]).toHaveLength(1);
		expect(result.workflowData![0][0].json).toMatchObject(expected);
	});

	it('reads RunBlob’s zone-less timestamps as UTC even when n8n runs in another time zone', async () => {
		// jest gives tests a copy of process.env; the time zone lives in the real one.
		const realEnv = (vm.runInThisContext('process') as NodeJS.Process).env;
		const original = realEnv.TZ;
		realEnv.TZ = 'Asia/Kolkata'; // +05:30, no DST
		try {
			expect(new Date('2025-11-24T10:00:00.000').getTimezoneOffset()).toBe(-330); // the zone took effect
			const payload = completedPayload();
			const { result } = await trigger().deliver(payload);
			expect(result.workflowData![0][0].json).toMatchObject({
				created_at: '2025-11-24T10:00:00.000Z',
				completed_at: '2025-11-24T10:05:30.000Z',
			});
		} finally {
			if (original === undefined) delete realEnv.TZ;
			else realEnv.TZ = original;
		}
	});

	it('extra fields in the body do not leak into the output item (only Sora’s documented fields, as plain values)', async () => {
		const payload = completedPayload({ progress_pct: { evil: true }, injected: { evil: true }, __proto__x: 1 });
		const { result } = await trigger().deliver(payload);
		expect(Object.keys(result.workflowData![0][0].json).sort()).toEqual(
			['completed_at', 'created_at', 'error_message', 'family', 'generation_id', 'model', 'price', 'prompt', 'render_seconds', 'runblob_model', 'status', 'video_url'],
		);
		expect(result.workflowData![0][0].json).toEqual(triggerItem(payload));
	});

	it('accepts a 64 KiB body exactly (the limit is inclusive)', async () => {
		const base = completedPayload({ prompt: '' });
		const padding = 64 * 1024 - Buffer.byteLength(JSON.stringify(base));
		const payload = { ...base, prompt: 'x'.repeat(padding) };
		expect(Buffer.byteLength(JSON.stringify(payload))).toBe(64 * 1024);
		const { result } = await trigger().deliver(payload);
		expect(result.workflowData![0]).toHaveLength(1);
	});

	it('accepts plain-http loopback video URLs only when the credential points at a local simulator', async () => {
		const local = completedPayload({ video_url: 'http://127.0.0.1:4100/videos/2025/11/x.mp4' });
		const accepted = await trigger().deliver(local, { credentials: runBlobCredential({ baseUrl: 'http://127.0.0.1:4000' }) });
		expect(accepted.result.workflowData![0][0].json.video_url).toBe(local.video_url);

		forgetWebhookSettings(); // the Base URL was edited and the per-process copy has lapsed (settingsCache.ts)
		const rejected = await trigger().deliver(local);
		expect(rejected.response).toMatchObject({ statusCode: 400, ended: true });
		expect(rejected.result.workflowData).toBeUndefined();
	});
});

describe('authenticity on the accepting side', () => {
	const secret = 'a-long-random-callback-secret';

	it('accepts a URL signed by the RunBlob node with the Callback Secret', async () => {
		const t = trigger({ credentials: runBlobCredential({ callbackSecret: secret }) });
		const payload = completedPayload();
		const { result, response } = await t.deliver(payload, { path: signedTriggerPath(t.webhookId, secret) });
		expect(response).toMatchObject({ statusCode: 200, body: { received: true } });
		expect(result.workflowData![0][0].json.generation_id).toBe(payload.generation_id);
	});

	it('accepts a signature issued 71 h ago (a render plus all of RunBlob’s retries fits)', async () => {
		const t = trigger({ credentials: runBlobCredential({ callbackSecret: secret }) });
		const path = signedTriggerPath(t.webhookId, secret, Date.now() - 71 * 3600 * 1000);
		const { result } = await t.deliver(completedPayload(), { path });
		expect(result.workflowData![0]).toHaveLength(1);
	});

	it('without a Callback Secret, unsigned URLs are accepted', async () => {
		const { result } = await trigger().deliver(completedPayload());
		expect(result.workflowData![0]).toHaveLength(1);
	});

	it.each([
		['203.0.113.0/24', '203.0.113.77'],
		['203.0.113.0/24', '::ffff:203.0.113.77'],
		['198.51.100.1, 203.0.113.5', '203.0.113.5'],
		['2001:db8::/32', '2001:db8:1234::1'],
		['10.0.0.0/8 2001:db8::/32', '10.200.3.4'],
	])('allowlist %s admits %s', async (ipAllowlist, ip) => {
		const { result } = await trigger().deliver(completedPayload(), { options: { ipAllowlist }, ip });
		expect(result.workflowData![0]).toHaveLength(1);
	});
});

describe('events not selected', () => {
	it.each([
		[['completed'], failedPayload(), 'failed'],
		[['failed'], completedPayload(), 'completed'],
	])('events %j acknowledge a %s callback with 2xx and start nothing', async (events, payload, status) => {
		const t = trigger({ events });
		const { result, response } = await t.deliver(payload);
		expect(response.statusCode).toBeGreaterThanOrEqual(200);
		expect(response.statusCode).toBeLessThan(300);
		expect(response).toMatchObject({ ended: true, body: { received: true, ignored: `event "${status}" not selected` } });
		expect(result).toEqual({ noWebhookResponse: true });
		// Ignoring it did not consume the de-duplication key: with the event selected, it starts a run.
		const later = await t.deliver(payload, { events: ['completed', 'failed'] });
		expect(later.result.workflowData![0]).toHaveLength(1);
	});
});

describe('exactly once per generation_id + status', () => {
	it('six sequential deliveries of the same callback start one execution', async () => {
		const t = trigger();
		const payload = completedPayload();
		const results = [];
		for (let i = 0; i < 6; i++) results.push(await t.deliver(payload));

		expect(results.filter((r) => r.result.workflowData !== undefined)).toHaveLength(1);
		expect(results[0].result.workflowData![0][0].json.generation_id).toBe(payload.generation_id);
		for (const duplicate of results.slice(1)) {
			expect(duplicate.result).toEqual({ noWebhookResponse: true });
			// 200 so RunBlob stops retrying
			expect(duplicate.response).toMatchObject({ statusCode: 200, ended: true, body: { received: true, duplicate: true } });
		}
	});

	it('six concurrent deliveries (Promise.all) start one execution', async () => {
		const t = trigger();
		const payload = failedPayload();
		const results = await Promise.all(Array.from({ length: 6 }, async () => await t.deliver(payload)));

		const started = results.filter((r) => r.result.workflowData !== undefined);
		expect(started).toHaveLength(1);
		expect(started[0].result.workflowData![0][0].json).toEqual(triggerItem(payload));
		const duplicates = results.filter((r) => r.result.workflowData === undefined);
		expect(duplicates).toHaveLength(5);
		for (const duplicate of duplicates) {
			expect(duplicate.response).toMatchObject({ statusCode: 200, body: { received: true, duplicate: true } });
		}
		// Note: the helper writes each call's static-data copy back when it ends, so after concurrent calls which copy
		// survives depends on ordering (real n8n saves only changed static data). It is asserted sequentially below.
	});

	it('a different status for the same generation is not a duplicate', async () => {
		const t = trigger();
		const id = randomUUID();
		const failed = await t.deliver(failedPayload({ generation_id: id }));
		const completed = await t.deliver(completedPayload({ generation_id: id }));
		const againFailed = await t.deliver(failedPayload({ generation_id: id }));
		expect(failed.result.workflowData![0][0].json.status).toBe('failed');
		expect(completed.result.workflowData![0][0].json.status).toBe('completed');
		expect(againFailed.result.workflowData).toBeUndefined();
	});

	it('duplicates are remembered durably: after a restart the static data still knows them', async () => {
		const t = trigger();
		const payload = completedPayload();
		expect((await t.deliver(payload)).result.workflowData).toBeDefined();
		expect(seenKeys(t.staticData)).toEqual([`${payload.generation_id}:completed`]);
		forgetDeliveries(); // what a restart of n8n does to the in-process memory
		const replay = await t.deliver(payload);
		expect(replay.result.workflowData).toBeUndefined();
		expect(replay.response).toMatchObject({ statusCode: 200, body: { received: true, duplicate: true } });
		// Another n8n process (queue mode) reads the same saved static data: also a duplicate.
		forgetDeliveries();
		const elsewhere = await trigger({ workflowId: t.workflowId, nodeId: t.nodeId, webhookId: t.webhookId, staticData: JSON.parse(JSON.stringify(t.staticData)) }).deliver(payload);
		expect(elsewhere.result.workflowData).toBeUndefined();
	});

	it('a replay with the generation_id in upper case is the same callback; the output id is lower case', async () => {
		const t = trigger();
		const id = randomUUID();
		const first = await t.deliver(completedPayload({ generation_id: id.toUpperCase() }));
		expect(first.result.workflowData![0][0].json.generation_id).toBe(id);
		const replay = await t.deliver(completedPayload({ generation_id: id }));
		expect(replay.response.body).toEqual({ received: true, duplicate: true });
		const mixed = await t.deliver(completedPayload({ generation_id: id.slice(0, 9).toUpperCase() + id.slice(9) }));
		expect(mixed.result.workflowData).toBeUndefined();
		expect(seenKeys(t.staticData)).toEqual([`${id}:completed`]);
	});

	it('rejected callbacks leave no durable record', async () => {
		const t = trigger({ events: ['completed'] });
		await t.deliver(failedPayload());
		await t.deliver({ ...completedPayload(), created_at: '2025-02-30T10:00:00.000000' });
		expect(seenKeys(t.staticData)).toEqual([]);
	});

	it('different triggers (workflow or node) do not share keys', async () => {
		const payload = completedPayload();
		const a = await trigger().deliver(payload);
		const b = await trigger().deliver(payload);
		expect(a.result.workflowData).toBeDefined();
		expect(b.result.workflowData).toBeDefined();
	});
});

describe('webhookMethods (activation)', () => {
	async function hookContext(staticData: IDataObject, webhookId: string) {
		await getN8nRuntime();
		const nodeType = new RunBlobTrigger();
		const nodeTypes: INodeTypes = {
			getByName: () => nodeType,
			getByNameAndVersion: () => nodeType as INodeType,
			getKnownTypes: () => ({}),
		};
		const node: INode = {
			id: randomUUID(),
			name: 'RunBlob Trigger',
			type: 'n8n-nodes-runblob.runBlobTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: { events: ['completed', 'failed'], options: {} },
			webhookId,
		};
		const workflow = new Workflow({
			id: 'wf-hooks',
			nodes: [node],
			connections: {},
			active: true,
			nodeTypes,
			staticData,
		});
		const base = 'https://n8n.example.test/';
		const additionalData = {
			webhookBaseUrl: `${base}webhook`,
			webhookTestBaseUrl: `${base}webhook-test`,
			webhookWaitingBaseUrl: `${base}webhook-waiting`,
			formWaitingBaseUrl: `${base}form-waiting`,
			instanceBaseUrl: base,
			variables: {},
		} as unknown as IWorkflowExecuteAdditionalData;
		const context = new HookContext(workflow, workflow.getNode(node.name)!, additionalData, 'trigger', 'activate');
		return { context, workflow, methods: nodeType.webhookMethods.default };
	}

	it('create records the production URL, checkExists compares it, delete removes it', async () => {
		const webhookId = randomUUID();
		const { context, workflow, methods } = await hookContext({}, webhookId);
		const url = `https://n8n.example.test/webhook/${webhookId}/webhook`;

		expect(await methods.checkExists.call(context)).toBe(false);
		expect(await methods.create.call(context)).toBe(true);
		expect(workflow.staticData[NODE_STATIC]).toEqual({ webhookUrl: url });
		expect(await methods.checkExists.call(context)).toBe(true);

		// A URL recorded for another address (e.g. N8N_WEBHOOK_URL changed) is not "existing".
		(workflow.staticData[NODE_STATIC] as IDataObject).webhookUrl = 'https://old.example/webhook/x/webhook';
		expect(await methods.checkExists.call(context)).toBe(false);

		expect(await methods.delete.call(context)).toBe(true);
		expect(workflow.staticData[NODE_STATIC]).toEqual({});
		expect(await methods.checkExists.call(context)).toBe(false);
	});

	it('records the same URL the webhook itself runs under', async () => {
		const webhookId = randomUUID();
		const { context, workflow, methods } = await hookContext({}, webhookId);
		await methods.create.call(context);
		const run = await trigger({ webhookId, workflowId: 'wf-hooks' }).deliver(completedPayload());
		expect(run.webhookUrl).toBe((workflow.staticData[NODE_STATIC] as IDataObject).webhookUrl);
	});
});

describe('cost per callback: the credential is read once per process, not per callback', () => {
	const secret = 'a-long-random-callback-secret';

	it('duplicates and rejected callbacks never read the credential again; a new secret is picked up at once', async () => {
		const reads = jest.spyOn(TestCredentialsHelper.prototype, 'getDecrypted');
		try {
			const t = trigger({ credentials: runBlobCredential({ callbackSecret: secret }) });
			const payload = completedPayload();
			const signed = () => signedTriggerPath(t.webhookId, secret);
			expect((await t.deliver(payload, { path: signed() })).response.body).toEqual({ received: true });
			const afterFirst = reads.mock.calls.length;
			expect(afterFirst).toBeGreaterThanOrEqual(1);

			for (let i = 0; i < 5; i++) {
				const duplicate = await t.deliver(payload, { path: signed() });
				expect(duplicate.response.body).toEqual({ received: true, duplicate: true });
				const forged = await t.deliver(completedPayload(), { path: signedTriggerPath(t.webhookId, 'another-secret') });
				expect(forged.response).toMatchObject({ statusCode: 401 });
			}
			const fresh = await t.deliver(completedPayload(), { path: signed() });
			expect(fresh.result.workflowData![0]).toHaveLength(1);
			expect(reads.mock.calls.length).toBe(afterFirst);

			// The secret is rotated: a URL signed with the new one fails against the cached secret, so the credential is
			// read again (once) and the callback accepted.
			const later = Date.now() + REFRESH_MIN_INTERVAL_MS;
			const clock = jest.spyOn(Date, 'now').mockReturnValue(later);
			try {
				const rotated = 'the-rotated-callback-secret';
				const accepted = await t.deliver(completedPayload(), {
					path: signedTriggerPath(t.webhookId, rotated, later),
					credentials: runBlobCredential({ callbackSecret: rotated }),
				});
				expect(accepted.response.body).toEqual({ received: true });
				expect(reads.mock.calls.length).toBe(afterFirst + 1);
			} finally {
				clock.mockRestore();
			}
		} finally {
			reads.mockRestore();
		}
	});
});
