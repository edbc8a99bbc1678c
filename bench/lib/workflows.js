'use strict';
// Workflow fixtures for the benchmarks (plain-JS counterparts of test/e2e/workflows.ts).
const crypto = require('node:crypto');

const API_KEY = 'sk-sim-test-key';
const CALLBACK_SECRET = 'bench-callback-secret-0123456789abcdef';
const CREDENTIAL = { id: 'benchRunBlobCred', name: 'RunBlob (simulator, bench)' };

/** Deterministic ids per fixture, so runs are comparable and easy to find in n8n's database. */
function uuidFrom(seed) {
	const h = crypto.createHash('sha256').update(`bench:${seed}`).digest('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function credentialFixture(baseUrl) {
	return {
		...CREDENTIAL,
		type: 'runBlobApi',
		data: { apiKey: API_KEY, baseUrl, callbackSecret: CALLBACK_SECRET },
	};
}

/** n8n's Webhook node (v2). responseMode 'lastNode' answers when the run ends; 'onReceived' at once. */
function webhookNode(name, path, responseMode) {
	const parameters = { httpMethod: 'POST', path, responseMode, options: {} };
	if (responseMode === 'lastNode') parameters.responseData = 'firstEntryJson';
	return {
		id: uuidFrom(`webhook:${path}`),
		name,
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: uuidFrom(`webhook-id:${path}`),
		parameters,
	};
}

function runBlobDownloadNode(name) {
	return {
		id: uuidFrom(`runblob-download:${name}`),
		name,
		type: 'n8n-nodes-runblob.runBlob',
		typeVersion: 1,
		position: [0, 0],
		parameters: {
			resource: 'video',
			operation: 'download',
			source: 'url',
			videoUrl: '={{ $json.body.url }}',
			binaryPropertyName: 'data',
		},
		credentials: { runBlobApi: CREDENTIAL },
	};
}

/** n8n's built-in HTTP Request node, Response Format "File" (the baseline for the download benchmark). */
function httpRequestFileNode(name) {
	return {
		id: uuidFrom(`http-request:${name}`),
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position: [0, 0],
		parameters: {
			method: 'GET',
			url: '={{ $json.body.url }}',
			options: { response: { response: { responseFormat: 'file', outputPropertyName: 'data' } } },
		},
	};
}

function triggerNode(name, seed, options = {}) {
	return {
		id: uuidFrom(`trigger:${seed}`),
		name,
		type: 'n8n-nodes-runblob.runBlobTrigger',
		typeVersion: 1,
		position: [0, 0],
		webhookId: uuidFrom(`trigger-webhook:${seed}`),
		parameters: { events: ['completed', 'failed'], options },
		credentials: { runBlobApi: CREDENTIAL },
	};
}

function noOpNode(name = 'Done') {
	return {
		id: uuidFrom(`noop:${name}`),
		name,
		type: 'n8n-nodes-base.noOp',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
}

/** A linear, active workflow: each node feeds the next. */
function chain(id, name, nodes) {
	const connections = {};
	nodes.forEach((node, i) => {
		node.position = [i * 220, 0];
		const next = nodes[i + 1];
		if (next) connections[node.name] = { main: [[{ node: next.name, type: 'main', index: 0 }]] };
	});
	return { id, name, active: true, nodes, connections, settings: { executionOrder: 'v1' } };
}

const downloadTrigger = triggerNode('RunBlob Trigger', 'bench-download', {
	downloadVideo: true,
	binaryPropertyName: 'data',
});
const DOWNLOAD = {
	runblob: chain('benchDlRunBlob01', 'bench: RunBlob Download by URL', [
		webhookNode('Start', 'bench-dl-runblob', 'lastNode'),
		runBlobDownloadNode('RunBlob'),
	]),
	httpRequest: chain('benchDlHttpReq01', 'bench: HTTP Request (file)', [
		webhookNode('Start', 'bench-dl-http', 'lastNode'),
		httpRequestFileNode('HTTP Request'),
	]),
	/** RunBlob Trigger with "Download Video": answers the callback, then streams the video into the execution. */
	trigger: chain('benchDlTrigger01', 'bench: RunBlob Trigger (Download Video) → NoOp', [
		downloadTrigger,
		noOpNode('Done'),
	]),
	triggerPath: `${downloadTrigger.webhookId}/webhook`,
};

const trigger = triggerNode('RunBlob Trigger', 'bench');
const CALLBACKS = {
	trigger: chain('benchTrigger0001', 'bench: RunBlob Trigger → NoOp', [trigger, noOpNode('Done')]),
	webhook: chain('benchWebhook0001', 'bench: Webhook (onReceived) → NoOp', [
		webhookNode('Webhook', 'bench-callback-webhook', 'onReceived'),
		noOpNode('Done'),
	]),
	/** As in webhookUrl(path): a trigger without a full-path webhook lives at <webhookId>/webhook. */
	triggerPath: `${trigger.webhookId}/webhook`,
	webhookPath: 'bench-callback-webhook',
};

module.exports = {
	API_KEY,
	CALLBACK_SECRET,
	CREDENTIAL,
	credentialFixture,
	DOWNLOAD,
	CALLBACKS,
	uuidFrom,
};
