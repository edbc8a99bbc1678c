import type {
	IDataObject,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import {
	acknowledge,
	answerDeadline,
	readCallbackRequest,
	respond,
	retryLater,
	verifyCallbackSignature,
} from '../shared/callbackContract';
import { familyById } from '../shared/families';
import { normalise, resultKey } from '../shared/families/normalise';
import { ipInRanges, parseAllowlist } from '../shared/ipAllowlist';
import { checkWithSettings } from '../shared/settingsCache';
import { attachDownload } from '../shared/transport';
import { claim, markStarted, startedKeys } from './dedupe';
import { recordDelivered, wasDelivered } from './deliveredStore';
import { verifyWithApi } from './verifyWithApi';

/**
 * The RunBlob Trigger's webhook: origin, authenticity, shape (against the family the signed URL names, or the one the
 * payload's shape matches when unsigned), event filter, exactly-once, optional verification and download.
 * Never throws: every bad request gets a 4xx and starts nothing (a throw would make n8n start a failed execution).
 */
export async function handleCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const deadline = answerDeadline();
	const req = this.getRequestObject();
	const options = this.getNodeParameter('options', {}) as IDataObject;

	// 1. Network origin.
	const allowlistText = String(options.ipAllowlist ?? '').trim();
	if (allowlistText) {
		const { ranges, invalid } = parseAllowlist(allowlistText);
		const clientIp = String(req.ip ?? req.socket?.remoteAddress ?? '');
		if (invalid.length > 0 || !ipInRanges(clientIp, ranges)) {
			return respond(this, {
				status: 403,
				body: { error: 'IP address is not allowed to call this trigger' },
			});
		}
	}

	// 2. Authenticity: with a Callback Secret only URLs signed by the RunBlob node are accepted.
	// The credential comes from this process's cache (settingsCache.ts): reading it costs n8n 2.41 an isolate.
	const signed = { path: req.path || req.url, query: req.query as Record<string, unknown> };
	const verify = (secret: string) =>
		secret ? verifyCallbackSignature(signed, secret, Date.now()) : undefined;
	const { settings, outcome: check } = await checkWithSettings(
		this,
		(current) => verify(current.callbackSecret),
		(outcome) => outcome !== undefined && !outcome.valid,
	);
	if (check && !check.valid) {
		return respond(this, {
			status: 401,
			body: { error: `Invalid RunBlob callback signature (${check.reason})` },
		});
	}
	const signedFamily = check?.family;

	// 3. Shape, against the family's schema (the generation_id comes out in lower case).
	const request = readCallbackRequest(this, settings.baseUrl, familyById(signedFamily));
	if (!request.ok) return respond(this, request.rejection);
	const { payload, family } = request;

	// 4. Events the user did not select are acknowledged, so RunBlob stops retrying them.
	const events = this.getNodeParameter('events', []) as string[];
	if (!events.includes(payload.status)) {
		return respond(this, {
			status: 200,
			body: { received: true, ignored: `event "${payload.status}" not selected` },
		});
	}

	// 5. Exactly once per generation and outcome.
	const node = this.getNode();
	const scope = `${this.getWorkflow().id ?? ''}:${node.id ?? node.name}`;
	const key = `${payload.generation_id}:${payload.status}`;
	const turn = await takeTurn(this, scope, key, deadline);
	if (turn === 'duplicate') {
		return respond(this, { status: 200, body: { received: true, duplicate: true } });
	}
	if (turn === 'busy') {
		return respond(
			this,
			retryLater('Another delivery of this callback is still being processed; try again later'),
		);
	}

	let started = false;
	try {
		// 6. Optionally trust RunBlob's own record (from the family's status endpoint) over the body.
		let source: IDataObject = payload;
		if (options.verifyWithApi === true) {
			const verified = await verifyWithApi(this, settings.baseUrl, family, payload, deadline);
			if ('reply' in verified) return respond(this, verified.reply);
			source = verified.record;
		}

		// 7. Hand the execution to n8n, remembered durably so retries and restarts do not start another.
		const item: INodeExecutionData = { json: normalise(family, source) };
		const startExecution = () => {
			recordDelivered(this.getWorkflowStaticData('node'), key, startedKeys(scope));
			started = true;
			turn.settle(true);
		};
		const mediaUrl = item.json[resultKey(family)];
		if (
			options.downloadVideo === true &&
			item.json.status === 'completed' &&
			typeof mediaUrl === 'string'
		) {
			const image = family.kind === 'image';
			return await answerThenDownload(
				this,
				settings.baseUrl,
				options,
				item,
				mediaUrl,
				image,
				startExecution,
			);
		}
		startExecution();
		// Without an answer of its own, n8n answers "on received" only after it stored the execution: if n8n stops before
		// that, RunBlob gets no 2xx and retries (and the record above is not saved either), instead of losing the callback.
		if (options.answerOnceStored === true)
			return { webhookResponse: ACKNOWLEDGEMENT, workflowData: [[item]] };
		return acknowledge(this, ACKNOWLEDGEMENT, [[item]]);
	} finally {
		if (!started) turn.settle(false);
	}
}

/** The body of every acknowledgement that starts an execution. */
const ACKNOWLEDGEMENT = { received: true };

/**
 * Decides who handles a callback key: this delivery (it owns the claim), nobody (an execution already started:
 * duplicate), or later (a twin is still deciding past the time budget: RunBlob must retry). While a twin is in flight
 * this delivery waits for its outcome, and takes over if the twin gave the key back.
 */
async function takeTurn(
	ctx: IWebhookFunctions,
	scope: string,
	key: string,
	deadline: number,
): Promise<'duplicate' | 'busy' | { settle: (started: boolean) => void }> {
	const store = ctx.getWorkflowStaticData('node');
	for (;;) {
		if (wasDelivered(store, key)) {
			markStarted(scope, key);
			return 'duplicate';
		}
		const turn = claim(scope, key);
		if (turn.kind === 'started') return 'duplicate';
		if (turn.kind === 'owner') return turn;
		const outcome = await Promise.race([
			turn.outcome,
			sleep(Math.max(0, deadline - Date.now())).then(() => 'timeout' as const),
		]);
		if (outcome === 'timeout') return 'busy';
	}
}

/** Download Video (or image): RunBlob gets its answer first (a download can outlast its 30 s), then the file is streamed. */
async function answerThenDownload(
	ctx: IWebhookFunctions,
	baseUrl: string,
	options: IDataObject,
	item: INodeExecutionData,
	url: string,
	image: boolean,
	startExecution: () => void,
): Promise<IWebhookResponseData> {
	startExecution();
	ctx.getResponseObject().status(200).json(ACKNOWLEDGEMENT);
	const id = String(item.json.generation_id);
	await attachDownload(ctx, baseUrl, item, {
		url,
		property: String(options.binaryPropertyName || 'data'),
		fileName: image ? id : `${id}.mp4`,
		generationId: id,
		image,
	});
	return { noWebhookResponse: true, workflowData: [[item]] };
}
