// Workflow building blocks shared by the end-to-end tests (via workflows.ts) and the benchmarks. Plain CommonJS so
// both TypeScript tests and `node bench/run.js` can use them.
'use strict';

const crypto = require('node:crypto');

const API_KEY = 'sk-sim-test-key';
const CREDENTIAL = Object.freeze({ id: 'e2eRunBlobCred01', name: 'RunBlob (simulator)' });

/**
 * @typedef {{ id: string, name: string, type: string, typeVersion: number, position: [number, number],
 *   parameters: Record<string, unknown>, webhookId?: string, credentials?: Record<string, { id: string, name: string }>,
 *   onError?: string }} Node
 * @typedef {{ id: string, name: string, active: boolean, nodes: Node[], connections: Record<string, unknown>,
 *   settings: Record<string, unknown> }} Workflow
 */

/** Deterministic ids per fixture, so failures are easy to find in n8n's logs and database. */
function uuidFrom(/** @type {string} */ seed) {
	const h = crypto.createHash('sha256').update(seed).digest('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The RunBlob API credential every fixture node references, pointing at a simulator. */
function credentialFixture(/** @type {string} */ baseUrl, callbackSecret = '', apiKey = API_KEY) {
	return { ...CREDENTIAL, type: 'runBlobApi', data: { apiKey, baseUrl, callbackSecret } };
}

/**
 * n8n's Webhook node (v2). 'onReceived' answers at once; 'lastNode' when the run ends (with its first item's JSON).
 * @returns {Node}
 */
function webhookNode(/** @type {string} */ name, /** @type {string} */ path, responseMode = 'onReceived') {
	/** @type {Record<string, unknown>} */
	const parameters = { httpMethod: 'POST', path, responseMode, options: {} };
	if (responseMode === 'lastNode') parameters.responseData = 'firstEntryJson';
	return {
		id: uuidFrom(`${path}:${name}`),
		name,
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: uuidFrom(`${path}:webhook`),
		parameters,
	};
}

/**
 * @param {string} name
 * @param {Record<string, unknown>} parameters
 * @param {Partial<Node>} [extra] node-level fields such as onError
 * @returns {Node}
 */
function runBlobNode(name, parameters, extra = {}) {
	return {
		id: uuidFrom(`runblob:${name}:${JSON.stringify(parameters)}`),
		name,
		type: 'n8n-nodes-runblob.runBlob',
		typeVersion: 1,
		position: [400, 0],
		parameters: { resource: 'video', ...parameters },
		credentials: { runBlobApi: { ...CREDENTIAL } },
		...extra,
	};
}

/** @returns {Node} */
function triggerNode(/** @type {string} */ name, /** @type {string} */ seed, parameters = {}, typeVersion = 2) {
	return {
		id: uuidFrom(`trigger:${seed}`),
		name,
		type: 'n8n-nodes-runblob.runBlobTrigger',
		typeVersion,
		position: [0, 0],
		webhookId: uuidFrom(`trigger-webhook:${seed}`),
		parameters: { events: ['completed', 'failed'], options: {}, ...parameters },
		credentials: { runBlobApi: { ...CREDENTIAL } },
	};
}

/** @returns {Node} */
function noOpNode(name = 'Done') {
	return {
		id: uuidFrom(`noop:${name}`),
		name,
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: [600, 0],
		parameters: {},
	};
}

/**
 * A linear workflow: each node feeds the next.
 * @param {string} id
 * @param {string} name
 * @param {Node[]} nodes
 * @returns {Workflow}
 */
function chain(id, name, nodes, active = true) {
	/** @type {Record<string, unknown>} */
	const connections = {};
	nodes.forEach((node, i) => {
		node.position = [i * 220, 0];
		const next = nodes[i + 1];
		if (next) connections[node.name] = { main: [[{ node: next.name, type: 'main', index: 0 }]] };
	});
	return { id, name, active, nodes, connections, settings: { executionOrder: 'v1' } };
}

/**
 * Turns `{ prompts: [...] }` posted to the webhook into one item per prompt.
 * @returns {Node}
 */
function splitPromptsNode(name = 'Prompts') {
	return {
		id: uuidFrom(`split:${name}`),
		name,
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [200, 0],
		parameters: { jsCode: 'return $input.first().json.body.prompts.map((prompt) => ({ json: { prompt } }));' },
	};
}

/**
 * Webhook (answers at once) → one item per prompt → RunBlob Generate (a 16:9 10-s video unless `parameters` say
 * otherwise) → `last` (a No Op).
 * @param {string} id
 * @param {string} name
 * @param {string} path the webhook's path
 * @param {Record<string, unknown>} parameters
 * @returns {Workflow}
 */
function promptsWorkflow(id, name, path, parameters, last = noOpNode('Done')) {
	return chain(id, name, [
		webhookNode('Start', path),
		splitPromptsNode(),
		runBlobNode('RunBlob', {
			operation: 'generate',
			prompt: '={{ $json.prompt }}',
			orientation: '16:9',
			duration: 10,
			...parameters,
		}),
		last,
	]);
}

/** A RunBlob Trigger's production webhook path, as in harness webhookUrl(path): `<webhookId>/webhook`. */
function triggerPath(/** @type {Node} */ node) {
	return `${node.webhookId}/webhook`;
}

module.exports = {
	API_KEY,
	CREDENTIAL,
	uuidFrom,
	credentialFixture,
	webhookNode,
	runBlobNode,
	triggerNode,
	noOpNode,
	chain,
	splitPromptsNode,
	promptsWorkflow,
	triggerPath,
};
