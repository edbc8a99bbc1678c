import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { CallbackPayload } from '../../../shared/callbackContract';
import {
	answerDeadline,
	callbackAudience,
	callbackUrlProblem,
	isTerminalStatus,
	normaliseGenerationId,
	normaliseGeneration,
	readCallbackRequest,
	respond,
	retryLater,
	signCallbackUrl,
	verifyCallbackSignature,
} from '../../../shared/callbackContract';
import type { RunBlobSettings } from '../../../shared/transport';
import {
	getGenerationWithin,
	getSettings,
	networkErrorCode,
	openVideoStream,
} from '../../../shared/transport';
import { claimResume } from './resumeClaims';
import { forgetRun, rememberFinal, reportedFinals } from './reportedFinals';

/**
 * "Wait for Video": the execution is parked in n8n's database (putExecutionToWait — no worker held, no polling) and
 * RunBlob's callbacks arrive at this execution's resume URL. All N generations of the run share that URL: early
 * callbacks are acknowledged without resuming; the one that finds every generation finished resumes the run once.
 *
 * What survives the wait: the node's input slot of the waiting execution is replaced by one "pending" item per input
 * item. n8n stores it with the execution, the resume webhook reads it back (`$input`), and if the wait limit runs out
 * n8n passes exactly these items on — so a timeout still names every generation_id.
 */

export const RESUME_PATH = 'runblob-callback';

export const resumeWebhooks: IWebhookDescription[] = [
	{
		name: 'default',
		httpMethod: 'POST',
		path: RESUME_PATH,
		isFullPath: true,
		restartWebhook: true,
		responseMode: 'onReceived',
	},
];

const show = {
	show: { resource: ['video'], operation: ['generate'], completion: ['waitForVideo'] },
};

export const DEFAULT_MAX_WAIT_MINUTES = 60;

export const waitDescription: INodeProperties[] = [
	{
		displayName: 'Download Video',
		name: 'downloadVideo',
		type: 'boolean',
		default: false,
		description:
			'Whether to download each finished video into a binary field (streamed, never held in memory)',
		displayOptions: show,
	},
	{
		displayName: 'Put Video in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the output binary field for the video',
		displayOptions: { show: { ...show.show, downloadVideo: [true] } },
	},
	{
		displayName: 'On Failed Generation',
		name: 'onFailure',
		type: 'options',
		options: [
			{
				name: 'Continue With Failed Items',
				value: 'continue',
				description: 'Failed generations become items with status "failed" and their error_message',
			},
			{
				name: 'Stop Before the Next Node',
				value: 'stop',
				description:
					"If any generation failed, output nothing so the following nodes do not run (n8n's log names the failed generations)",
			},
		],
		default: 'continue',
		displayOptions: show,
	},
	{
		displayName: 'Limit Wait Time',
		name: 'limitWaitTime',
		type: 'boolean',
		default: true,
		description:
			'Whether to stop waiting after a while. RunBlob renders take 5–15 minutes and it retries callbacks for 15.5 more; without a limit a lost callback would leave the run waiting forever.',
		displayOptions: show,
	},
	{
		displayName: 'Max Wait (Minutes)',
		name: 'maxWaitMinutes',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: DEFAULT_MAX_WAIT_MINUTES,
		description:
			'When the limit runs out, the node outputs one item per generation with status "timed_out" and its generation_id',
		displayOptions: { show: { ...show.show, limitWaitTime: [true] } },
	},
];

/** This execution's resume URL, extended with our callback path and signature. Refuses URLs RunBlob cannot call. */
export function resumeCallbackUrl(ctx: IExecuteFunctions, settings: RunBlobSettings): string {
	const resumeUrl = String(ctx.evaluateExpression('{{ $execution.resumeUrl }}', 0));
	const problem = callbackUrlProblem(resumeUrl, settings.baseUrl);
	if (problem) {
		throw new NodeOperationError(
			ctx.getNode(),
			`${problem}: n8n's public webhook URL is not HTTPS, so RunBlob could never call back and the run would wait in vain`,
			{
				description:
					'Set N8N_WEBHOOK_URL (WEBHOOK_URL on n8n before 2.41) to the public https:// address of this n8n instance, or expose n8n through an HTTPS tunnel, then run again. Nothing was submitted to RunBlob.',
			},
		);
	}
	// n8n accepts one extra path segment before the query string (where n8n 2.14+ keeps its own token).
	const url = new URL(resumeUrl);
	url.pathname = `${url.pathname.replace(/\/+$/, '')}/${RESUME_PATH}`;
	return signCallbackUrl(url.toString(), settings.resumeSigningKey, Date.now());
}

// ---------------------------------------------------------------------------------------------------------------
// Parking the execution

interface PendingJson extends IDataObject {
	generation_id: string;
	status: 'timed_out';
	last_known_status: string;
}

export async function startWaiting(
	this: IExecuteFunctions,
	submitted: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	const limit = this.getNodeParameter('limitWaitTime', 0, true) as boolean;
	const minutes = Number(this.getNodeParameter('maxWaitMinutes', 0, DEFAULT_MAX_WAIT_MINUTES));
	const pending = submitted.map((item) =>
		item.json.generation_id ? pendingItem(item, minutes) : item,
	);

	// The waiting execution keeps its input slot in the database: store the pending items there (see top comment).
	this.getExecuteData().data.main[0] = pending;

	const waitTill = limit ? new Date(Date.now() + Math.max(1, minutes) * 60_000) : WAIT_FOREVER;
	await this.putExecutionToWait(waitTill);
	return [submitted];
}

/** n8n's own "wait indefinitely" marker (WAIT_INDEFINITELY), spelled out to keep working on n8n versions without it. */
const WAIT_FOREVER = new Date('3000-01-01T00:00:00.000Z');

function pendingItem(item: INodeExecutionData, minutes: number): INodeExecutionData {
	const id = String(item.json.generation_id);
	const json: PendingJson = {
		generation_id: id,
		status: 'timed_out',
		last_known_status: String(item.json.status ?? 'pending'),
		prompt: (item.json.prompt as string) ?? null,
		price: (item.json.price as string) ?? null,
		video_url: null,
		created_at: null,
		completed_at: null,
		error_message: `RunBlob had not reported this generation as finished when the wait limit (${minutes} min) ran out. It may still finish: read it with the RunBlob node's Get or Download operation using generation_id ${id}.`,
		render_seconds: null,
	};
	return { json, pairedItem: item.pairedItem };
}

// ---------------------------------------------------------------------------------------------------------------
// Resuming

/** Reads back the pending items stored when the execution started waiting. */
function readPendingItems(ctx: IWebhookFunctions): INodeExecutionData[] {
	const raw = ctx.evaluateExpression('{{ JSON.stringify($input.all()) }}', 0);
	const parsed = typeof raw === 'string' ? (JSON.parse(raw) as unknown) : raw;
	return Array.isArray(parsed) ? (parsed as INodeExecutionData[]) : [];
}

export async function resumeWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const deadline = answerDeadline();
	const req = this.getRequestObject();
	const settings = await getSettings(this);

	// 1. Only URLs this node issued for this execution (the signature binds the execution id).
	const requestPath = req.path || req.url;
	const signature = verifyCallbackSignature(
		{ path: requestPath, query: req.query as Record<string, unknown> },
		settings.resumeSigningKey,
		Date.now(),
		null,
	);
	if (!signature.valid) {
		return respond(this, {
			status: 401,
			body: {
				error: `Invalid RunBlob callback signature (${signature.reason}); the execution keeps waiting`,
			},
		});
	}

	// 2. A well-formed RunBlob callback (the generation_id comes out in lower case).
	const request = readCallbackRequest(this, settings.baseUrl);
	if (!request.ok) return respond(this, request.rejection);
	const payload = request.payload;

	const pending = readPendingItems(this);
	const waited = pending.filter(
		(item) => item.json.status === 'timed_out' && item.json.generation_id,
	);
	const idOf = (item: INodeExecutionData) => normaliseGenerationId(item.json.generation_id);
	if (!waited.some((item) => idOf(item) === payload.generation_id)) {
		return respond(this, {
			status: 409,
			body: { error: `Generation ${payload.generation_id} does not belong to this execution` },
		});
	}

	// 3. Is this the last one? Final statuses this process already heard of count as known (reportedFinals.ts); RunBlob
	// is asked only about the others (callbacks may be lost, late or out of order), newest first — the one most likely
	// still rendering, so a batch finishing in order costs one read per callback. Within the answer budget: a slow
	// RunBlob gets a 503 in time, and RunBlob delivers this callback again later.
	const runKey = callbackAudience(requestPath);
	if (isTerminalStatus(payload.status)) {
		rememberFinal(runKey, payload.generation_id, payload as CallbackPayload);
	}
	const known = reportedFinals(runKey);
	known.set(payload.generation_id, payload as CallbackPayload);
	for (const item of [...waited].reverse()) {
		const id = idOf(item);
		if (known.has(id)) continue;
		let status: Record<string, unknown>;
		try {
			status = await getGenerationWithin(this, settings.baseUrl, id, deadline);
		} catch (error) {
			return respond(
				this,
				retryLater(`Could not check generation ${id} with RunBlob: ${(error as Error).message}`),
			);
		}
		if (isTerminalStatus(status.status)) rememberFinal(runKey, id, status);
		else {
			return respond(this, {
				status: 200,
				body: {
					received: true,
					resumed: false,
					waiting_for: id,
					message: 'Other generations are still rendering',
				},
			});
		}
		known.set(id, status);
	}

	// 4. All finished. Parallel copies of the final callback all get here; only one resumes the run, the others
	// are acknowledged as what they are (n8n itself would resume once and refuse the rest).
	if (!claimResume(runKey)) {
		return respond(this, {
			status: 200,
			body: {
				received: true,
				resumed: false,
				message: 'Another delivery of this callback is already resuming the run',
			},
		});
	}

	forgetRun(runKey);

	// Acknowledge first (downloads can take longer than RunBlob's 30 s timeout), then resume.
	this.getResponseObject().status(200).json({ received: true, resumed: true });
	const onFailure = this.getNodeParameter('onFailure', 'continue') as string;
	const download = this.getNodeParameter('downloadVideo', false) as boolean;
	const binaryProperty = download
		? (this.getNodeParameter('binaryPropertyName', 'data') as string)
		: '';

	const output: INodeExecutionData[] = [];
	for (const item of pending) {
		const id = item.json.generation_id as string | undefined;
		const source = id ? known.get(normaliseGenerationId(id)) : undefined;
		if (!source) {
			output.push(item); // an error item from submission (Continue On Fail): passed on unchanged
			continue;
		}
		const json: IDataObject = {
			...normaliseGeneration(source),
			price: (item.json.price as string) ?? null,
		};
		const result: INodeExecutionData = { json, pairedItem: item.pairedItem };
		if (download && json.status === 'completed' && typeof json.video_url === 'string') {
			try {
				const video = await openVideoStream(this, settings.baseUrl, json.video_url, {
					generationId: id,
				});
				result.binary = {
					[binaryProperty]: await this.helpers.prepareBinaryData(
						video.body,
						`${id}.mp4`,
						video.contentType,
					),
				};
			} catch (error) {
				json.download_error = `${(error as Error).message} (${networkErrorCode(error) || 'download failed'})`;
			}
		}
		output.push(result);
	}

	const failed = output.filter((item) => item.json.status === 'failed');
	if (onFailure === 'stop' && failed.length > 0) {
		// n8n cannot fail a run from a resume callback (a throw here makes n8n restart the run with one empty item and
		// drop its history), so the run resumes with no items: the following nodes do not run.
		const list = failed.map(
			(item) => `${item.json.generation_id} (${item.json.error_message ?? 'failed'})`,
		);
		this.logger.warn(
			`RunBlob: ${failed.length} of ${waited.length} generations failed, stopping: ${list.join(', ')}`,
		);
		return { noWebhookResponse: true, workflowData: [[]] };
	}
	return { noWebhookResponse: true, workflowData: [output] };
}
