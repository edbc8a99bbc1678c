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

export {
	API_KEY,
	CREDENTIAL,
	chain,
	credentialFixture,
	noOpNode,
	promptsWorkflow,
	runBlobNode,
	splitPromptsNode,
	triggerNode,
	triggerPath,
	uuidFrom,
	webhookNode,
} from './fixtures';
export type { Node, Workflow } from './fixtures';
import { chain, noOpNode, promptsWorkflow, runBlobNode, webhookNode } from './fixtures';
import type { Node } from './fixtures';

/** Webhook → one item per prompt → RunBlob (node version 1, Wait for Video with `options`) → `last` (a No Op). */
export function waitWorkflow(id: string, path: string, options: Record<string, unknown> = {}, last: Node = noOpNode('Done')) {
	return promptsWorkflow(id, `wait ${path}`, path, { completion: 'waitForVideo', ...options }, last);
}

/** The RunBlob node at version 2 (Model field, Wait Options). */
export function runBlobV2(name: string, parameters: Record<string, unknown>): Node {
	return { ...runBlobNode(name, parameters), typeVersion: 2 };
}

/** Turns `{ jobs: [{model, prompt}] }` posted to the webhook into one item per job, each numbered. */
const splitJobs: Node = {
	id: '7d2e9a40-5b1c-4f3e-9a8d-1c2b3a4d5e01',
	name: 'Jobs',
	type: 'n8n-nodes-base.code',
	typeVersion: 2,
	position: [200, 0],
	parameters: { jsCode: 'return $input.first().json.body.jobs.map((job, n) => ({ json: { ...job, n } }));' },
};

/** Webhook → one item per job → RunBlob v2 Wait for Video with `waitOptions` (and `extra` parameters) → Done. */
export function jobsWorkflow(id: string, path: string, waitOptions: Record<string, unknown>, extra: Record<string, unknown> = {}) {
	return chain(id, `resubmit ${path}`, [
		webhookNode('Start', path),
		{ ...splitJobs },
		runBlobV2('RunBlob', {
			operation: 'generate',
			model: '={{ $json.model }}',
			prompt: '={{ $json.prompt }}',
			completion: 'waitForVideo',
			waitOptions,
			...extra,
		}),
		noOpNode('Done'),
	]);
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

/**
 * Sets every runtime up before the first test, all at once, and tears them down after the last: for files that start a
 * long scenario on every runtime at the beginning, so the runtimes' waits pass side by side. `onClose` registers what
 * the teardown undoes (in reverse order, also for a setup that failed halfway). Returns the setups by runtime.
 */
export function setUpEveryRuntime<T>(
	setUp: (runtime: Runtime, onClose: (close: () => Promise<unknown>) => void) => Promise<T>,
): Map<Runtime, T> {
	const setups = new Map<Runtime, T>();
	const closers: Array<() => Promise<unknown>> = [];
	beforeAll(async () => {
		await Promise.all(
			RUNTIMES.map(async (runtime) => setups.set(runtime, await setUp(runtime, (close) => closers.push(close)))),
		);
	}, SETUP_TIMEOUT_MS);
	afterAll(async () => {
		for (const close of closers.splice(0).reverse()) await close();
	}, 60_000);
	return setups;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
