import type {
	IDataObject,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes, sleep } from 'n8n-workflow';

import type { Rejection } from '../shared/callbackContract';
import {
	acknowledge,
	answerDeadline,
	normaliseGeneration,
	readCallbackRequest,
	respond,
	retryLater,
	verifyCallbackSignature,
} from '../shared/callbackContract';
import { ipInRanges, parseAllowlist } from '../shared/ipAllowlist';
import { refreshWebhookSettings, webhookSettings } from '../shared/settingsCache';
import { getGenerationWithin, openVideoStream } from '../shared/transport';
import { claim, markStarted, startedKeys } from './dedupe';
import { recordDelivered, wasDelivered } from './deliveredStore';

export class RunBlobTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'RunBlob Trigger',
		name: 'runBlobTrigger',
		icon: { light: 'file:../../icons/runblob.svg', dark: 'file:../../icons/runblob.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"On " + $parameter["events"].join(", ")}}',
		description:
			"Starts the workflow when RunBlob reports a finished or failed video (RunBlob's callback_url)",
		defaults: { name: 'RunBlob Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'runBlobApi', required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'webhook',
			},
		],
		properties: [
			{
				displayName:
					'Give this trigger\'s Production URL to the RunBlob node ("Notify a RunBlob Trigger"), which signs it with the credential\'s Callback Secret. RunBlob only calls HTTPS URLs.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				options: [
					{ name: 'Video Completed', value: 'completed' },
					{ name: 'Video Failed', value: 'failed' },
				],
				default: ['completed', 'failed'],
				description:
					'Which outcomes start the workflow; other callbacks are acknowledged without an execution',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Download Video',
						name: 'downloadVideo',
						type: 'boolean',
						default: false,
						description:
							'Whether to download completed videos into a binary field (streamed; RunBlob gets its answer first)',
					},
					{
						displayName: 'IP(s) Allowlist',
						name: 'ipAllowlist',
						type: 'string',
						default: '',
						placeholder: 'e.g. 203.0.113.0/24, 2001:db8::/32',
						description:
							'Comma-separated IPv4/IPv6 addresses or CIDR ranges allowed to call this trigger; empty allows all. Behind a proxy, set N8N_PROXY_HOPS so n8n sees the real client address.',
					},
					{
						displayName: 'Put Video in Field',
						name: 'binaryPropertyName',
						type: 'string',
						default: 'data',
						description: 'The name of the output binary field when Download Video is on',
					},
					{
						displayName: 'Verify With RunBlob API',
						name: 'verifyWithApi',
						type: 'boolean',
						default: false,
						description:
							"Whether to re-read each generation from RunBlob's API and trust that answer over the callback body (callbacks that disagree are rejected)",
					},
				],
			},
		],
	};

	// RunBlob has no webhook registration API: the URL travels with each generation request. Activation only records
	// which URL is live, so n8n can tell whether the trigger is set up.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const data = this.getWorkflowStaticData('node');
				return data.webhookUrl === this.getNodeWebhookUrl('default');
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const data = this.getWorkflowStaticData('node');
				data.webhookUrl = this.getNodeWebhookUrl('default');
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				const data = this.getWorkflowStaticData('node');
				delete data.webhookUrl;
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleCallback.call(this);
	}
}

/** Never throws: every bad request gets a 4xx and starts nothing (a throw would make n8n start a failed execution). */
async function handleCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
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
	const current = await webhookSettings(this);
	let settings = current.settings;
	const signed = { path: req.path || req.url, query: req.query as Record<string, unknown> };
	let check = settings.callbackSecret
		? verifyCallbackSignature(signed, settings.callbackSecret, Date.now())
		: ({ valid: true } as const);
	if (current.cached && !check.valid) {
		// Perhaps the secret changed since it was cached: read the credential again (rate-limited) and re-check.
		const fresh = await refreshWebhookSettings(this);
		if (fresh) {
			settings = fresh;
			check = settings.callbackSecret
				? verifyCallbackSignature(signed, settings.callbackSecret, Date.now())
				: ({ valid: true } as const);
		}
	}
	if (!check.valid) {
		return respond(this, {
			status: 401,
			body: { error: `Invalid RunBlob callback signature (${check.reason})` },
		});
	}

	// 3. Shape (the generation_id comes out in lower case).
	const request = readCallbackRequest(this, settings.baseUrl);
	if (!request.ok) return respond(this, request.rejection);
	const payload = request.payload;

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
			retryLater(
				'Another delivery of this callback is still being processed; try again later',
			),
		);
	}

	let started = false;
	try {
		// 6. Optionally trust RunBlob's own record over the body.
		let source: Record<string, unknown> = payload;
		if (options.verifyWithApi === true) {
			const verified = await verifyWithApi(this, settings.baseUrl, payload, deadline);
			if ('reply' in verified) return respond(this, verified.reply);
			source = verified.record;
		}

		// 7. Hand the execution to n8n, remembered durably so retries and restarts do not start another.
		const item: INodeExecutionData = { json: normaliseGeneration(source) };
		const startExecution = () => {
			recordDelivered(this.getWorkflowStaticData('node'), key, startedKeys(scope));
			started = true;
			turn.settle(true);
		};
		if (
			options.downloadVideo === true &&
			item.json.status === 'completed' &&
			typeof item.json.video_url === 'string'
		) {
			return await answerThenDownload(this, settings.baseUrl, options, item, startExecution);
		}
		startExecution();
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

/** Download Video: RunBlob gets its answer first (a download can outlast its 30 s), then the file is streamed. */
async function answerThenDownload(
	ctx: IWebhookFunctions,
	baseUrl: string,
	options: IDataObject,
	item: INodeExecutionData,
	startExecution: () => void,
): Promise<IWebhookResponseData> {
	startExecution();
	ctx.getResponseObject().status(200).json(ACKNOWLEDGEMENT);
	const id = String(item.json.generation_id);
	const property = String(options.binaryPropertyName || 'data');
	try {
		const video = await openVideoStream(ctx, baseUrl, String(item.json.video_url), {
			generationId: id,
		});
		item.binary = {
			[property]: await ctx.helpers.prepareBinaryData(video.body, `${id}.mp4`, video.contentType),
		};
	} catch (error) {
		item.json.download_error = (error as Error).message;
	}
	return { noWebhookResponse: true, workflowData: [[item]] };
}

async function verifyWithApi(
	ctx: IWebhookFunctions,
	baseUrl: string,
	payload: { generation_id: string; status: string; video_url?: string | null },
	deadline: number,
): Promise<{ record: Record<string, unknown> } | { reply: Rejection }> {
	let record: Record<string, unknown>;
	try {
		record = await getGenerationWithin(ctx, baseUrl, payload.generation_id, deadline);
	} catch (error) {
		const httpCode = Number((error as { httpCode?: unknown }).httpCode);
		if (httpCode === 404) {
			return {
				reply: {
					status: 400,
					body: { error: `RunBlob has no generation ${payload.generation_id}` },
				},
			};
		}
		// RunBlob unreachable, failing or too slow: 503 in time makes RunBlob retry later instead of losing the callback.
		return {
			reply: retryLater(`Could not verify the callback with RunBlob: ${(error as Error).message}`),
		};
	}
	const mismatch =
		record.status !== payload.status ||
		(payload.status === 'completed' && (record.video_url ?? null) !== (payload.video_url ?? null));
	if (mismatch) {
		return {
			reply: {
				status: 409,
				body: {
					error: `The callback does not match RunBlob's record of generation ${payload.generation_id}`,
					runblob_status: String(record.status ?? ''),
				},
			},
		};
	}
	return { record: { ...payload, ...record } };
}
