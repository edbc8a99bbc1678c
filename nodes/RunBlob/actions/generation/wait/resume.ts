import type {
	IDataObject,
	IWebhookDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import {
	answerDeadline,
	callbackAudience,
	readCallbackRequest,
	respond,
	verifyCallbackSignature,
} from '../../../../shared/callbackContract';
import { familyById } from '../../../../shared/families';
import { checkWithSettings } from '../../../../shared/settingsCache';
import { STATE_KEY, shouldResubmit, stateOf } from './attempts';
import { ALREADY_RESUMING, findFinals, settleFinals } from './findFinals';
import { familyOf, idOf, looseId, readPendingItems, waitedItems } from './pendingItems';
import { resumeIntoExecute } from './reenter';
import { finishResumed, shapeResumed } from './resumeOutput';
import { claimResume, isResumeClaimed } from './resumeClaims';
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
	const waited = waitedItems(pending);
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
	const keys = { run: runKey, wait: `${runKey}:${idOf(waited[0])}` };
	if (isResumeClaimed(keys.wait)) return respond(this, ALREADY_RESUMING);

	// 3. Is this the last one? (findFinals.ts)
	const finals = await findFinals(this, settings.baseUrl, keys, waited, payload, deadline);
	if ('answer' in finals) return respond(this, finals.answer);

	// 4. All finished. Parallel copies of the final callback all get here; only one resumes the run, the others
	// are acknowledged as what they are (n8n itself would resume once and refuse the rest).
	if (!claimResume(keys.wait)) return respond(this, ALREADY_RESUMING);
	settleFinals(runKey, finals.known);

	// Acknowledge first (downloads can take longer than RunBlob's 30 s timeout), then resume.
	this.getResponseObject().status(200).json({ received: true, resumed: true });
	const shaped = shapeResumed(this, pending, finals.known);

	// Resubmit Failed Generations: the run resumes into execute(), which submits these again and waits once more.
	const again = shaped.filter((item) => shouldResubmit(item.json, familyOf(item)));
	if (again.length > 0 && resumeIntoExecute(this)) {
		const executionId = this.getExecutionId();
		for (const item of again) {
			item.json[STATE_KEY] = { ...stateOf(item), round: executionId } as unknown as IDataObject;
		}
		return { noWebhookResponse: true, workflowData: [shaped] };
	}

	return await finishResumed(
		this,
		settings.baseUrl,
		waitSettingsAtResume(this),
		shaped,
		waited.length,
	);
}
