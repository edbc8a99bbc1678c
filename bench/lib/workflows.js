'use strict';
// Workflow fixtures for the benchmarks, built from the same blocks as the end-to-end tests.
const {
	API_KEY,
	CREDENTIAL,
	chain,
	credentialFixture: e2eCredential,
	noOpNode,
	runBlobNode,
	triggerNode,
	triggerPath,
	uuidFrom,
	webhookNode,
} = require('../../test/e2e/fixtures');

const CALLBACK_SECRET = 'bench-callback-secret-0123456789abcdef';

function credentialFixture(baseUrl) {
	return e2eCredential(baseUrl, CALLBACK_SECRET);
}

function runBlobDownloadNode(name) {
	return runBlobNode(name, {
		operation: 'download',
		source: 'url',
		videoUrl: '={{ $json.body.url }}',
		binaryPropertyName: 'data',
	});
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

const downloadTrigger = triggerNode('RunBlob Trigger', 'bench-download', {
	options: { downloadVideo: true, binaryPropertyName: 'data' },
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
	triggerPath: triggerPath(downloadTrigger),
};

const trigger = triggerNode('RunBlob Trigger', 'bench');
const CALLBACKS = {
	trigger: chain('benchTrigger0001', 'bench: RunBlob Trigger → NoOp', [trigger, noOpNode('Done')]),
	webhook: chain('benchWebhook0001', 'bench: Webhook (onReceived) → NoOp', [
		webhookNode('Webhook', 'bench-callback-webhook', 'onReceived'),
		noOpNode('Done'),
	]),
	/** As in webhookUrl(path): a trigger without a full-path webhook lives at <webhookId>/webhook. */
	triggerPath: triggerPath(trigger),
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
