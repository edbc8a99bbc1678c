import type {
	IDataObject,
	INodeExecutionData,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import {
	answerDeadline,
	callbackAudience,
	isTerminalStatus,
	normaliseGenerationId,
	readCallbackRequest,
	respond,
	retryLater,
	verifyCallbackSignature,
} from '../../../../shared/callbackContract';
import type { Family } from '../../../../shared/families';
import { FAMILIES, V1_FAMILY, familyById } from '../../../../shared/families';
import { readGenerationWithin } from '../../../../shared/families/api';
import { normalise, normaliseGeneration, resultKey } from '../../../../shared/families/normalise';
import { checkWithSettings } from '../../../../shared/settingsCache';
import { attachDownload } from '../../../../shared/transport';
import { STATE_KEY, recordOutcome, shouldResubmit, stateOf, withoutState } from './attempts';
import { resumeIntoExecute } from './reenter';
import { finalOf, forgetRun, rememberFinal } from './reportedFinals';
import { claimResume, isResumeClaimed } from './resumeClaims';
import { sharedRead } from './sharedReads';
import { waitSettingsAtResume } from './settings';

/**
 * "Wait for Video", the resuming half: RunBlob's callbacks for all N generations of a run arrive at the run's resume
 * URL. Early callbacks are acknowledged without resuming; the one that finds every generation finished resumes the
 * run once, with one item per input item in input order.
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

/** Reads back the pending items stored when the execution started waiting (see park.ts). */
function readPendingItems(ctx: IWebhookFunctions): INodeExecutionData[] {
	const raw = ctx.evaluateExpression('{{ JSON.stringify($input.all()) }}', 0);
	const parsed = typeof raw === 'string' ? (JSON.parse(raw) as unknown) : raw;
	return Array.isArray(parsed) ? (parsed as INodeExecutionData[]) : [];
}

/** Version-1 items carry no family: they are of version 1's model. */
function familyOf(item: INodeExecutionData): Family {
	return familyById(item.json.family) ?? V1_FAMILY;
}

/** Before the body is validated: the job id under the id field its family uses, whichever family that is. */
function looseId(body: unknown): string {
	const fields = (body ?? {}) as IDataObject;
	const id = FAMILIES.map((family) => fields[family.idField]).find((value) => value != null);
	return normaliseGenerationId(id);
}

const idOf = (item: INodeExecutionData) => normaliseGenerationId(item.json.generation_id);

/** The items in the order their status is read: last, first, second-to-last, second, … */
export function fromBothEnds<T>(items: T[]): T[] {
	const order: T[] = [];
	for (let low = 0, high = items.length - 1; low <= high; low++, high--) {
		order.push(items[high]);
		if (low < high) order.push(items[low]);
	}
	return order;
}

export async function resumeWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const deadline = answerDeadline();
	const req = this.getRequestObject();
	const requestPath = req.path || req.url;

	// 1. Only URLs this node issued for this execution (the signature binds the execution id, and the family if any).
	// The key comes from this process's cache (settingsCache.ts): reading the credential costs n8n 2.41 an isolate.
	const { settings, outcome: signature } = await checkWithSettings(
		this,
		(current) =>
			verifyCallbackSignature(
				{ path: requestPath, query: req.query as Record<string, unknown> },
				current.resumeSigningKey,
				Date.now(),
				null,
			),
		(outcome) => !outcome.valid,
	);
	if (!signature.valid) {
		return respond(this, {
			status: 401,
			body: {
				error: `Invalid RunBlob callback signature (${signature.reason}); the execution keeps waiting`,
			},
		});
	}

	// 2. A well-formed callback of the family that generation belongs to (the generation_id comes out in lower case).
	const pending = readPendingItems(this);
	const waited = pending.filter(
		(item) => item.json.status === 'timed_out' && item.json.generation_id,
	);
	const claimed = waited.find((item) => idOf(item) === looseId(this.getBodyData()));
	const family = familyById(signature.family) ?? (claimed ? familyOf(claimed) : undefined);
	const request = readCallbackRequest(this, settings.baseUrl, family);
	if (!request.ok) return respond(this, request.rejection);
	const payload = request.payload;

	const owner = waited.find((item) => idOf(item) === payload.generation_id);
	if (!owner || familyOf(owner).id !== request.family.id) {
		return respond(this, {
			status: 409,
			body: { error: `Generation ${payload.generation_id} does not belong to this execution` },
		});
	}

	// Callbacks that reach the node while the run is being resumed (n8n refuses them only once the run has moved on)
	// have nothing left to find: answered without a status read. One claim per wait, not per execution: a run that
	// waits twice (an image step, then a video step) has one resume URL but its second wait must be resumable too.
	// The first generation id of a wait names that wait.
	const runKey = callbackAudience(requestPath);
	const waitKey = `${runKey}:${idOf(waited[0])}`;
	if (isResumeClaimed(waitKey)) return respond(this, ALREADY_RESUMING);

	// 3. Is this the last one? Final statuses this process already heard of count as known (reportedFinals.ts, read live:
	// callbacks of one run are handled concurrently and share what each finds). RunBlob is asked only about the others
	// (callbacks may be lost, late or out of order), from both ends of the batch: the newest unknown first (still
	// rendering when renders finish in input order), then the oldest (still rendering when they finish in reverse), so
	// one or two reads usually find a generation that is still rendering. Within the answer budget: a slow RunBlob gets
	// a 503 in time, and RunBlob delivers this callback again later.
	if (isTerminalStatus(payload.status)) rememberFinal(runKey, payload.generation_id, payload);
	const known = new Map<string, IDataObject>([[payload.generation_id, payload]]);
	for (const item of fromBothEnds(waited)) {
		const id = idOf(item);
		if (known.has(id)) continue;
		// The run may have been resumed by a concurrent callback meanwhile: nothing left to find.
		if (isResumeClaimed(waitKey)) return respond(this, ALREADY_RESUMING);
		const remembered = finalOf(runKey, id);
		if (remembered) {
			known.set(id, remembered as IDataObject);
			continue;
		}
		let status: IDataObject;
		try {
			status = await sharedRead(
				runKey,
				id,
				async () =>
					await readGenerationWithin(this, settings.baseUrl, familyOf(item), id, deadline),
			);
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
	if (!claimResume(waitKey)) return respond(this, ALREADY_RESUMING);

	// A failure read from a status endpoint may lack the reason its callback carries (some families report it only
	// there); a callback of this run handled meanwhile may have brought it, and Resubmit decides on the reason.
	for (const [id, status] of known) {
		const heard = finalOf(runKey, id);
		if (status.status === 'failed' && heard) known.set(id, heard as IDataObject);
	}
	forgetRun(runKey);

	// Acknowledge first (downloads can take longer than RunBlob's 30 s timeout), then resume.
	this.getResponseObject().status(200).json({ received: true, resumed: true });
	const wait = waitSettingsAtResume(this);
	const v1 = this.getNode().typeVersion < 2;

	const shaped: INodeExecutionData[] = [];
	for (const item of pending) {
		const id = item.json.generation_id as string | undefined;
		const source = id ? known.get(normaliseGenerationId(id)) : undefined;
		if (!source) {
			// An error item from submission (Continue On Fail), or an item an earlier round settled: passed on unchanged.
			shaped.push(item);
			continue;
		}
		const json = v1 ? v1Output(item, source) : v2Output(item, source);
		recordOutcome(json);
		shaped.push({ json, pairedItem: item.pairedItem });
	}

	// Resubmit Failed Generations: the run resumes into execute(), which submits these again and waits once more.
	const again = shaped.filter((item) => shouldResubmit(item.json, familyOf(item)));
	if (again.length > 0 && resumeIntoExecute(this)) {
		const executionId = this.getExecutionId();
		for (const item of again) {
			item.json[STATE_KEY] = { ...stateOf(item), round: executionId } as unknown as IDataObject;
		}
		return { noWebhookResponse: true, workflowData: [shaped] };
	}

	const output: INodeExecutionData[] = [];
	for (const item of shaped.map(withoutState)) {
		const { json } = item;
		const id = json.generation_id as string | undefined;
		const family = familyOf(item);
		const mediaUrl = json[resultKey(family)];
		if (id && wait.downloadVideo && json.status === 'completed' && typeof mediaUrl === 'string') {
			const image = family.kind === 'image';
			await attachDownload(this, settings.baseUrl, item, {
				url: mediaUrl,
				property: wait.binaryPropertyName,
				fileName: image ? String(id) : `${id}.mp4`,
				generationId: id,
				image,
			});
		}
		output.push(item);
	}

	const failed = output.filter((item) => item.json.status === 'failed');
	if (wait.onFailure === 'stop' && failed.length > 0) {
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

const ALREADY_RESUMING = {
	status: 200,
	body: {
		received: true,
		resumed: false,
		message: 'Another callback delivery is already resuming the run with every result',
	},
};

/** Version 1 (one model) resumes with its original item shape. */
function v1Output(item: INodeExecutionData, source: IDataObject): IDataObject {
	return { ...normaliseGeneration(source), price: (item.json.price as string) ?? null };
}

/** Version 2: what the immediate output had, updated with the family's normalised result. */
function v2Output(item: INodeExecutionData, source: IDataObject): IDataObject {
	const submitted: IDataObject = { ...item.json };
	// The timeout placeholders of the pending item give way to the real outcome.
	for (const key of ['status', 'last_known_status', 'error_message']) delete submitted[key];
	const result = normalise(familyOf(item), source, {
		model: submitted.model as string,
		price: submitted.price,
		prompt: submitted.prompt,
	});
	// Fields the callback does not carry (created_at for most families) keep what was known at submission.
	for (const [key, value] of Object.entries(result)) {
		if (value === null && submitted[key] !== undefined && submitted[key] !== null) continue;
		submitted[key] = value;
	}
	return submitted;
}
