/**
 * Shared fixtures for the RunBlob node-operation tests (test/sim/runblob.*.test.ts): the node runs inside n8n-core's
 * real ExecuteContext (test/helpers/n8n.ts) against the RunBlob simulator (test/simulator) over real loopback HTTP.
 */
import type { IncomingMessage, Server } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { RunBlobApi } from '../../credentials/RunBlobApi.credentials';
import { RunBlob } from '../../nodes/RunBlob/RunBlob.node';
import type { ExecuteNodeOptions, ExecuteNodeResult } from '../helpers/n8n';
import { executeNode } from '../helpers/n8n';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const simulator = require('../simulator') as {
	createSimulator: (options?: Record<string, unknown>) => Promise<Sim>;
	videoSha256: (id: string, size: number) => Promise<string>;
	DEFAULT_API_KEY: string;
};

export const { videoSha256, DEFAULT_API_KEY } = simulator;

export interface SimRequest {
	method: string;
	path: string;
	query: Record<string, string>;
	authorization: boolean;
	status: number | null;
	dropped?: boolean;
	fault?: number;
	startedAt: number;
	finishedAt: number | null;
}

export interface SimCdnRequest {
	method: string;
	path: string;
	range: string | null;
	authorization: boolean;
	status: number;
	bytesSent: number;
	startedAt: number;
	finishedAt: number | null;
	aborted?: boolean;
}

export interface SimGeneration extends IDataObject {
	generation_id: string;
	status: string;
	prompt: string;
	video_url: string | null;
	orientation: string;
	duration: number;
	callback_url: string | null;
	image: { kind: 'base64' | 'url' | null; bytes?: number; format?: string; url?: string };
	price: string;
	video_size: number | null;
	/** the simulator's family name (sora, veo, kling, kling-o1-video, kling-o3-video, …) */
	family?: string;
	inputs?: IDataObject[];
	callback_payload: Record<string, unknown> | null;
}

export interface FaultSpec {
	status?: number;
	count?: number;
	method?: string;
	path?: RegExp | string;
	body?: unknown;
	headers?: Record<string, string>;
	retryAfter?: number;
	drop?: boolean;
	delayMs?: number;
	phase?: 'before' | 'after';
}

export interface Sim {
	url: string;
	cdnUrl: string;
	requests: SimRequest[];
	cdnRequests: SimCdnRequest[];
	apiServer: Server;
	balance: number;
	generations(): SimGeneration[];
	get(id: string): SimGeneration | undefined;
	injectFaults(faults: FaultSpec | FaultSpec[]): unknown;
	finish(id: string, outcome?: { status?: 'completed' | 'failed'; error_message?: string; code?: string }): SimGeneration;
	setBalance(usd: number): void;
	configure(partial: Record<string, unknown>): void;
	waitFor<T>(predicate: (sim: Sim) => T | Promise<T>, timeoutMs?: number): Promise<T>;
	on(event: 'generation' | 'status', listener: (snapshot: SimGeneration) => void): void;
	close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------------------------
// Simulators: every one started here is closed in afterEach (or by closeAll()).

const open = new Set<Sim>();

/** Starts a simulator that is closed automatically after the current test. Generations stay pending unless told. */
export async function startSim(options: Record<string, unknown> = {}): Promise<Sim> {
	const sim = await simulator.createSimulator({
		timing: { queueMs: 60 * 60_000, processingMs: 60 * 60_000 },
		callbacks: { allowHttp: 'loopback', timeScale: 0.001 },
		...options,
	});
	open.add(sim);
	return sim;
}

export async function closeAll(): Promise<void> {
	const sims = [...open];
	open.clear();
	await Promise.all(sims.map(async (sim) => await sim.close()));
}

if (typeof afterEach === 'function') afterEach(closeAll);
if (typeof afterAll === 'function') afterAll(closeAll);

// ---------------------------------------------------------------------------------------------------------------
// Running the node

export const credentialTypes = { runBlobApi: new RunBlobApi() };

export function credentialsFor(
	sim: Pick<Sim, 'url'> | string,
	extra: ICredentialDataDecryptedObject = {},
): Record<string, ICredentialDataDecryptedObject> {
	const baseUrl = typeof sim === 'string' ? sim : sim.url;
	return { runBlobApi: { apiKey: DEFAULT_API_KEY, baseUrl, ...extra } };
}

export type RunOptions = Partial<Omit<ExecuteNodeOptions, 'parameters'>> & {
	credentialExtra?: ICredentialDataDecryptedObject;
};

/**
 * Runs the RunBlob node once with the given parameters against `sim` (or a Base URL string). Node version 1 (Sora
 * only, no Model field) unless `typeVersion` says otherwise: the tests written for it keep proving that saved
 * version-1 workflows behave as they did.
 */
export async function runNode(
	sim: Pick<Sim, 'url'> | string,
	parameters: INodeParameters,
	options: RunOptions = {},
): Promise<ExecuteNodeResult> {
	const { credentialExtra, ...rest } = options;
	return await executeNode({
		nodeType: new RunBlob(),
		credentials: credentialsFor(sim, credentialExtra),
		credentialTypes,
		typeVersion: 1,
		...rest,
		parameters: { resource: 'video', ...parameters },
	});
}

/** Generate parameters with "Don't Wait" (returns at once). */
export function generateParams(extra: INodeParameters = {}): INodeParameters {
	return {
		operation: 'generate',
		prompt: 'A paper boat drifting down a rainy street at dusk',
		completion: 'dontWait',
		...extra,
	};
}

/** Awaits a promise expected to reject and returns what it rejected with. */
export async function caught<E = Error & { description?: string | null; httpCode?: string | null; context?: IDataObject }>(
	promise: Promise<unknown>,
): Promise<E> {
	try {
		await promise;
	} catch (error) {
		return error as E;
	}
	throw new Error('expected the promise to reject, but it resolved');
}

export function json(output: INodeExecutionData[][] | null, branch = 0): IDataObject[] {
	return (output?.[branch] ?? []).map((item) => item.json);
}

// ---------------------------------------------------------------------------------------------------------------
// What the simulator received

export function posts(sim: Sim): SimRequest[] {
	return sim.requests.filter((r) => r.method === 'POST');
}

export interface RecordedBody {
	method: string;
	path: string;
	headers: IncomingMessage['headers'];
	raw: string;
	body: IDataObject;
}

/**
 * Records the raw bodies of API requests the simulator receives (the simulator's own log has no bodies). The listener
 * runs before the simulator's handler and only observes the stream; the simulator still reads the whole body.
 */
export function recordBodies(sim: Sim): RecordedBody[] {
	const recorded: RecordedBody[] = [];
	sim.apiServer.prependListener('request', (req: IncomingMessage) => {
		if (req.method !== 'POST' || (req.url ?? '').startsWith('/_sim')) return;
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const raw = Buffer.concat(chunks).toString('utf8');
			let body: IDataObject = {};
			try {
				body = JSON.parse(raw) as IDataObject;
			} catch {
				// keep {} – the test will see the raw text
			}
			recorded.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, raw, body });
		});
	});
	return recorded;
}

/** Creates generations straight through the simulator's API (the fast path: no node involved), oldest first. */
export async function createGenerations(sim: Sim, count: number, prefix = 'clip'): Promise<string[]> {
	const ids: string[] = [];
	for (let n = 0; n < count; n++) {
		const response = await fetch(`${sim.url}/v1/sora/generate`, {
			method: 'POST',
			headers: { authorization: `Bearer ${DEFAULT_API_KEY}`, 'content-type': 'application/json' },
			body: JSON.stringify({ prompt: `${prefix} ${n}` }),
		});
		if (response.status !== 201) throw new Error(`simulator answered ${response.status} to a create`);
		ids.push(((await response.json()) as { generation_id: string }).generation_id);
	}
	return ids;
}

// ---------------------------------------------------------------------------------------------------------------
// Images (identified by magic bytes, as RunBlob and the node do)

function withPadding(head: Buffer, size: number, fill = 0x11): Buffer {
	const buf = Buffer.alloc(Math.max(size, head.length), fill);
	head.copy(buf, 0);
	return buf;
}

export const images = {
	jpeg: (size = 2048) => withPadding(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]), size),
	png: (size = 2048) => withPadding(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), size),
	webp: (size = 2048) => {
		const head = Buffer.alloc(16);
		head.write('RIFF', 0, 'latin1');
		head.writeUInt32LE(size - 8, 4);
		head.write('WEBPVP8 ', 8, 'latin1');
		return withPadding(head, size);
	},
	gif: (size = 2048) => withPadding(Buffer.from('GIF89a', 'latin1'), size),
	text: () => Buffer.from('just some text, not an image\n'),
};

/** An input item carrying `bytes` as in-memory binary data (base64), the way n8n passes small binaries. */
export function binaryItem(bytes: Buffer, mimeType: string, fileName: string, property = 'data'): INodeExecutionData {
	return { json: { fileName }, binary: { [property]: { data: bytes.toString('base64'), mimeType, fileName } } };
}

// ---------------------------------------------------------------------------------------------------------------
// Network

/** A loopback port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	await new Promise<void>((resolve) => server.close(() => resolve()));
	return port;
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const MiB = 1024 * 1024;
