/**
 * Shared fixtures for the handler-level tests of the RunBlob Trigger (`trigger.*.test.ts`) and the RunBlob node's
 * "Wait for Video" resume webhook (`waitResume.*.test.ts`): RunBlob's callback payloads (reference §1.4), signed
 * URLs, the credential, and small helpers around the RunBlob simulator.
 */
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject, IRunExecutionData } from 'n8n-workflow';

import { RunBlobApi } from '../../credentials/RunBlobApi.credentials';
import { ANSWER_BUDGET, signCallbackUrl } from '../../nodes/shared/callbackContract';
import { BUDGETED_READ, RETRY } from '../../nodes/shared/transport';
import { RunBlob } from '../../nodes/RunBlob/RunBlob.node';
import { TestWebhookResponse, executeNode, getN8nRuntime, runWebhook } from '../helpers/n8n';
import type { RecordedResponse } from '../helpers/n8n';
import { DEFAULT_API_KEY, createSimulator } from '../simulator';

export const SIM_KEY: string = DEFAULT_API_KEY;
export const credentialTypes = { runBlobApi: new RunBlobApi() };
export const REAL_BASE_URL = 'https://platform.runblob.io';

/** The credential as n8n would hand it to the node. */
export function runBlobCredential(fields: { baseUrl?: string; apiKey?: string; callbackSecret?: string } = {}) {
	return {
		runBlobApi: {
			apiKey: fields.apiKey ?? SIM_KEY,
			baseUrl: fields.baseUrl ?? REAL_BASE_URL,
			callbackSecret: fields.callbackSecret ?? '',
		},
	};
}

// ---------------------------------------------------------------------------------------------------------------
// RunBlob's callback payloads (reference §1.4), exact field sets

export type Payload = Record<string, unknown>;

export function completedPayload(overrides: Payload = {}): Payload {
	return {
		generation_id: randomUUID(),
		status: 'completed',
		prompt: 'A beautiful sunset over the ocean',
		video_url: 'https://cdn.runblob.io/videos/2025/11/550e8400.mp4',
		created_at: '2025-11-24T10:00:00.000000',
		completed_at: '2025-11-24T10:05:30.000000',
		...overrides,
	};
}

export function failedPayload(overrides: Payload = {}): Payload {
	return {
		generation_id: randomUUID(),
		status: 'failed',
		prompt: 'A beautiful sunset over the ocean',
		video_url: null,
		created_at: '2025-11-24T10:00:00.000000',
		completed_at: '2025-11-24T10:02:00.000000',
		error_message: 'Image contains photorealistic people. Please try with a different image.',
		...overrides,
	};
}

/** Removes keys (a field that is absent, not null). */
export function without(payload: Payload, ...keys: string[]): Payload {
	const copy = { ...payload };
	for (const key of keys) delete copy[key];
	return copy;
}

/** A JSON POST as RunBlob sends it: only Content-Type (and n8n's parsed body next to the raw bytes). */
export function jsonRequest(body: unknown, init: { path?: string; headers?: Record<string, string>; ip?: string } = {}) {
	return {
		method: 'POST',
		...(init.path ? { path: init.path } : {}),
		headers: { 'content-type': 'application/json', 'user-agent': 'RunBlob-Webhook/1.0', ...(init.headers ?? {}) },
		body,
		rawBody: Buffer.from(JSON.stringify(body) ?? ''),
		...(init.ip ? { ip: init.ip } : {}),
	};
}

// ---------------------------------------------------------------------------------------------------------------
// Signed trigger URLs

export const WEBHOOK_BASE = 'https://n8n.example.test';

export function triggerPath(webhookId: string): string {
	return `/webhook/${webhookId}/webhook`;
}

/** The path + query of the trigger URL the RunBlob node would hand RunBlob (signed with the Callback Secret). */
export function signedTriggerPath(webhookId: string, secret: string, nowMs = Date.now()): string {
	const url = new URL(signCallbackUrl(`${WEBHOOK_BASE}${triggerPath(webhookId)}`, secret, nowMs));
	return `${url.pathname}${url.search}`;
}

/** path + query of a URL (what n8n's request object carries). */
export function pathAndQuery(url: string): string {
	const parsed = new URL(url);
	return `${parsed.pathname}${parsed.search}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Expected normalised item

/**
 * The RunBlob Trigger's item for a Sora callback: the normalised fields plus the family, the model and the price (not
 * in a callback), the same shape the node's version 2 outputs for every family.
 */
export function triggerItem(payload: Payload, extra: IDataObject = {}): IDataObject {
	return { ...normalised(payload), family: 'sora', model: 'sora-2', runblob_model: null, price: null, ...extra };
}

/** The normalised Sora item of node version 1 (a resumed wait adds the price). */
export function normalised(payload: Payload): IDataObject {
	const iso = (value: unknown) => (typeof value === 'string' ? new Date(`${value.slice(0, 23)}Z`).toISOString() : null);
	const created = iso(payload.created_at);
	const completed = iso(payload.completed_at);
	return {
		generation_id: payload.generation_id as string,
		status: payload.status as string,
		prompt: (payload.prompt as string) ?? null,
		video_url: (payload.video_url as string) ?? null,
		created_at: created,
		completed_at: completed,
		error_message: (payload.error_message as string) ?? null,
		render_seconds:
			created && completed
				? Math.round((new Date(completed).getTime() - new Date(created).getTime()) / 100) / 10
				: null,
	};
}

// ---------------------------------------------------------------------------------------------------------------
// Simulator helpers

/** Creates a generation through the simulator's real API (as another client would), returns its id. */
export async function createGeneration(
	simUrl: string,
	body: IDataObject = { prompt: 'a paper boat' },
	apiKey = SIM_KEY,
): Promise<string> {
	const response = await fetch(`${simUrl}/v1/sora/generate`, {
		method: 'POST',
		headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	if (response.status !== 201) throw new Error(`simulator answered ${response.status}: ${await response.text()}`);
	return String(((await response.json()) as IDataObject).generation_id);
}

/** A loopback port nothing listens on (ECONNREFUSED). */
export async function closedPort(): Promise<number> {
	const server = http.createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise((resolve) => server.close(resolve));
	return port;
}

export function sha256(buffer: Buffer): string {
	return createHash('sha256').update(buffer).digest('hex');
}

/**
 * Shrinks transport's retry back-off for the duration of a test file (the retry COUNT stays RunBlob's 5 attempts),
 * so "RunBlob keeps failing" cases take milliseconds instead of 7.5 s.
 */
export function useFastRetries(): void {
	const original = { ...RETRY };
	beforeAll(() => {
		RETRY.baseDelayMs = 2;
		RETRY.maxDelayMs = 10;
	});
	afterAll(() => {
		Object.assign(RETRY, original);
	});
}

/**
 * Shrinks the answer budget (20 s in production) and the per-attempt read timeout for a test file, so "RunBlob is too
 * slow" cases take a second or two. The logic under test is the same; only the clock is scaled.
 */
export function useShortAnswerBudget(budgetMs = 1_500, attemptTimeoutMs = 500): void {
	const original = { budget: ANSWER_BUDGET.ms, read: { ...BUDGETED_READ } };
	beforeAll(() => {
		ANSWER_BUDGET.ms = budgetMs;
		BUDGETED_READ.attemptTimeoutMs = attemptTimeoutMs;
		BUDGETED_READ.minAttemptMs = Math.min(BUDGETED_READ.minAttemptMs, attemptTimeoutMs / 5);
	});
	afterAll(() => {
		ANSWER_BUDGET.ms = original.budget;
		Object.assign(BUDGETED_READ, original.read);
	});
}

/**
 * Records every JSON answer a node writes to n8n's response object, in order, even when the handler throws
 * afterwards (runWebhook then rejects and its own `response` is lost).
 */
export function recordResponses(onWrite?: (recorded: RecordedResponse) => void) {
	const written: RecordedResponse[] = [];
	const original = TestWebhookResponse.prototype.json;
	const spy = jest.spyOn(TestWebhookResponse.prototype, 'json').mockImplementation(function (
		this: TestWebhookResponse,
		body: unknown,
	) {
		const result = original.call(this, body);
		written.push(this.recorded);
		onWrite?.(this.recorded);
		return result;
	});
	return { written, restore: () => spy.mockRestore() };
}

// ---------------------------------------------------------------------------------------------------------------
// "Wait for Video" runs

/** n8n's public URL for these runs: loopback http, accepted only because the credential points at the simulator. */
export const LOCAL_N8N = 'http://127.0.0.1:5678/';

export interface SimLike {
	url: string;
	get(id: string): { callback_url: string | null; callback_payload: Record<string, unknown> | null } | undefined;
}

/**
 * A simulator whose generations stay pending until a test finishes them and which delivers no callback itself: the
 * test decides the order and the copies (deliverRecorded).
 */
export async function createHeldSimulator(extra: Parameters<typeof createSimulator>[0] = {}) {
	return await createSimulator({
		timing: { queueMs: 3_600_000, processingMs: 1000 },
		callbacks: { allowHttp: 'loopback', timeScale: 0.001 },
		callbackFaults: { drop: true },
		...extra,
	});
}

/** Hands a finished generation's recorded callback (its exact payload, to its callback URL) to the waiting run. */
export async function deliverRecorded(sim: SimLike, runExecutionData: IRunExecutionData, id: string) {
	const record = sim.get(id)!;
	return await runWebhook({
		nodeType: new RunBlob(),
		runExecutionData,
		request: jsonRequest(record.callback_payload, { path: pathAndQuery(String(record.callback_url)) }),
	});
}

/**
 * Runs the RunBlob node's Generate (completion "Wait for Video") for one input item per prompt, against the simulator.
 * Returns the waiting run, the generation ids in input order and the callback URL RunBlob was given.
 */
export async function startWaitingRun(
	sim: SimLike,
	prompts: string[],
	opts: {
		parameters?: IDataObject;
		callbackSecret?: string;
		executionId?: string;
		continueOnFail?: boolean;
		typeVersion?: number;
		/** Input items' JSON (default: one `{prompt}` per prompt). */
		items?: IDataObject[];
	} = {},
) {
	const run = await executeNode({
		nodeType: new RunBlob(),
		// Version 1 (Sora only) unless told: the existing wait tests prove saved version-1 workflows still behave.
		typeVersion: opts.typeVersion ?? 1,
		parameters: {
			resource: 'video',
			operation: 'generate',
			prompt: '={{ $json.prompt }}',
			completion: 'waitForVideo',
			...(opts.parameters ?? {}),
		},
		credentials: runBlobCredential({ baseUrl: sim.url, callbackSecret: opts.callbackSecret }),
		credentialTypes,
		mode: 'webhook',
		webhookBaseUrl: LOCAL_N8N,
		executionId: opts.executionId,
		continueOnFail: opts.continueOnFail,
		inputItems: (opts.items ?? prompts.map((prompt) => ({ prompt }))).map((json) => ({ json })),
	});
	const ids = (run.output?.[0] ?? []).map((item) => item.json.generation_id as string | undefined);
	const created = ids.filter((id): id is string => typeof id === 'string');
	const urls = new Set(created.map((id) => sim.get(id)?.callback_url));
	if (urls.size !== 1) throw new Error(`expected one shared callback_url, got ${[...urls].join(', ')}`);
	const callbackUrl = [...urls][0]!;
	return { run, ids, callbackUrl, callbackPath: pathAndQuery(callbackUrl) };
}

/**
 * Records the order in which a handler answers RunBlob and starts storing binary data, to prove RunBlob gets its
 * answer before any download. Call `restore()` when done.
 */
export async function watchAnswerBeforeStore() {
	const runtime = await getN8nRuntime();
	const service = runtime.binaryDataService;
	const events: string[] = [];
	const state = { answeredAt: Infinity };
	const originalStore = service.store.bind(service);
	const store = jest.spyOn(service, 'store').mockImplementation(async (...args) => {
		events.push('binary store started');
		return await originalStore(...args);
	});
	const responses = recordResponses((r) => {
		events.push(`answered ${r.statusCode}`);
		state.answeredAt = Date.now();
	});
	return {
		runtime,
		events,
		get answeredAt() {
			return state.answeredAt;
		},
		restore() {
			store.mockRestore();
			responses.restore();
		},
	};
}
