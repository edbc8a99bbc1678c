// Workflow fixtures for the end-to-end scenarios: small builders so each test reads as the workflow it runs.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export type Runtime = 'current' | 'oldest';

export const RUNTIMES = (process.env.RUNBLOB_E2E_RUNTIMES || 'current,oldest')
	.split(',')
	.map((r) => r.trim())
	.filter(Boolean) as Runtime[];

/** First use on a machine installs a runtime (minutes); afterwards an n8n start takes 5–15 s. */
export const SETUP_TIMEOUT_MS = 15 * 60_000;

export const API_KEY = 'sk-sim-test-key';
export const CREDENTIAL = { id: 'e2eRunBlobCred01', name: 'RunBlob (simulator)' };

export interface Node {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	webhookId?: string;
	credentials?: Record<string, { id: string; name: string }>;
	onError?: string;
}

export interface Workflow {
	id: string;
	name: string;
	active: boolean;
	nodes: Node[];
	connections: Record<string, unknown>;
	settings: Record<string, unknown>;
}

/** Deterministic ids per fixture so failures are easy to find in n8n's logs and database. */
function uuidFrom(seed: string): string {
	const h = crypto.createHash('sha256').update(seed).digest('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function credentialFixture(baseUrl: string, callbackSecret = '', apiKey = API_KEY) {
	return { ...CREDENTIAL, type: 'runBlobApi', data: { apiKey, baseUrl, callbackSecret } };
}

export function webhookNode(name: string, webhookPath: string): Node {
	return {
		id: uuidFrom(`${webhookPath}:${name}`),
		name,
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: uuidFrom(`${webhookPath}:webhook`),
		parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'onReceived', options: {} },
	};
}

/** Turns `{ prompts: [...] }` posted to the webhook into one item per prompt. */
export function splitPromptsNode(name = 'Prompts'): Node {
	return {
		id: uuidFrom(`split:${name}`),
		name,
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [200, 0],
		parameters: { jsCode: 'return $input.first().json.body.prompts.map((prompt) => ({ json: { prompt } }));' },
	};
}

export function runBlobNode(name: string, parameters: Record<string, unknown>, extra: Partial<Node> = {}): Node {
	return {
		id: uuidFrom(`runblob:${name}:${JSON.stringify(parameters)}`),
		name,
		type: 'n8n-nodes-runblob.runBlob',
		typeVersion: 1,
		position: [400, 0],
		parameters: { resource: 'video', ...parameters },
		credentials: { runBlobApi: CREDENTIAL },
		...extra,
	};
}

export function triggerNode(name: string, seed: string, parameters: Record<string, unknown> = {}): Node {
	return {
		id: uuidFrom(`trigger:${seed}`),
		name,
		type: 'n8n-nodes-runblob.runBlobTrigger',
		typeVersion: 1,
		position: [0, 0],
		webhookId: uuidFrom(`trigger-webhook:${seed}`),
		parameters: { events: ['completed', 'failed'], options: {}, ...parameters },
		credentials: { runBlobApi: CREDENTIAL },
	};
}

export function noOpNode(name = 'Done'): Node {
	return {
		id: uuidFrom(`noop:${name}`),
		name,
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: [600, 0],
		parameters: {},
	};
}

/** A linear workflow: each node feeds the next. */
export function chain(id: string, name: string, nodes: Node[], active = true): Workflow {
	const connections: Record<string, unknown> = {};
	nodes.forEach((node, i) => {
		node.position = [i * 220, 0];
		const next = nodes[i + 1];
		if (next) connections[node.name] = { main: [[{ node: next.name, type: 'main', index: 0 }]] };
	});
	return { id, name, active, nodes, connections, settings: { executionOrder: 'v1' } };
}

export function triggerPath(node: Node): string {
	return `${node.webhookId}/webhook`;
}

/** Output items of a node in an execution read from the public API (includeData). */
export function nodeOutput(execution: any, nodeName: string, runIndex = 0): any[] {
	return execution?.data?.resultData?.runData?.[nodeName]?.[runIndex]?.data?.main?.[0] ?? [];
}

/** The file n8n's filesystem binary mode wrote for a binary reference (`filesystem-v2:<path>`). */
export function binaryFile(userFolder: string, binaryId: string): string {
	const relative = binaryId.slice(binaryId.indexOf(':') + 1);
	// n8n 2.x keeps binary data under `storage/`; older releases used `binaryData/`.
	const candidates = ['storage', 'binaryData'].map((dir) => path.join(userFolder, '.n8n', dir, relative));
	return candidates.find((file) => fs.existsSync(file)) ?? candidates[0];
}

export async function sha256File(file: string): Promise<string> {
	const hash = crypto.createHash('sha256');
	for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
	return hash.digest('hex');
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
