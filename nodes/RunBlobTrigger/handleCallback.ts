import type {
	IDataObject,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { readCallbackRequest, respond, verifyCallbackSignature } from '../shared/callbackContract';
import { familyById } from '../shared/families';
import { normalise } from '../shared/families/normalise';
import { ipInRanges, parseAllowlist } from '../shared/ipAllowlist';
import { attachDownload, getSettings } from '../shared/transport';
import { claim, release } from './dedupe';
import { verifyWithApi } from './verifyWithApi';

/**
 * The RunBlob Trigger's webhook: origin, authenticity, shape (against the family named by the signed URL, or the
 * payload's shape when unsigned), event filter, exactly-once, optional verification and download.
 */

/** Never throws: every bad request gets a 4xx and starts nothing (a throw would make n8n start a failed execution). */
export async function handleCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
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
	const settings = await getSettings(this);
	let signedFamily: string | undefined;
	if (settings.callbackSecret) {
		const check = verifyCallbackSignature(
			{ path: req.path || req.url, query: req.query as Record<string, unknown> },
			settings.callbackSecret,
			Date.now(),
		);
		if (!check.valid) {
			return respond(this, {
				status: 401,
				body: { error: `Invalid RunBlob callback signature (${check.reason})` },
			});
		}
		signedFamily = check.family;
	}

	// 3. Shape: the family the signed URL names, or the one the payload's shape matches.
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
	if (!claim(scope, key)) {
		return respond(this, { status: 200, body: { received: true, duplicate: true } });
	}

	// 6. Optionally trust RunBlob's own record over the body.
	let source: IDataObject = payload;
	if (options.verifyWithApi === true) {
		const verified = await verifyWithApi(this, settings.baseUrl, family, payload);
		if ('reply' in verified) {
			release(scope, key);
			return respond(this, verified.reply);
		}
		source = verified.record;
	}

	const item: INodeExecutionData = { json: normalise(family, source) };
	if (
		options.downloadVideo === true &&
		item.json.status === 'completed' &&
		typeof item.json.video_url === 'string'
	) {
		// Answer RunBlob first: a download can outlast its 30 s timeout and would otherwise trigger retries.
		this.getResponseObject().status(200).json({ received: true });
		await attachDownload(this, settings.baseUrl, item, {
			url: item.json.video_url,
			property: String(options.binaryPropertyName || 'data'),
			fileName: `${payload.generation_id}.mp4`,
			generationId: payload.generation_id,
		});
		return { noWebhookResponse: true, workflowData: [[item]] };
	}
	return { workflowData: [[item]] };
}
