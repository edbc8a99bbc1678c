import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

/**
 * Answering a callback, the same way at the trigger and at a waiting run's resume URL, within RunBlob's time limit.
 */

export interface Rejection {
	status: number;
	body: IDataObject;
	/** Seconds RunBlob may wait before trying again (sent as Retry-After with a 503). */
	retryAfterSeconds?: number;
}

/**
 * RunBlob gives each delivery 30 s. Everything before the answer (waiting for a twin delivery, verification reads)
 * must end well inside it, leaving room for n8n's own work around webhook() and the network.
 */
export const ANSWER_BUDGET = { ms: 20_000 };

/** The moment (epoch ms) by which a callback that arrived `now` must have its answer decided. */
export function answerDeadline(now = Date.now()): number {
	return now + ANSWER_BUDGET.ms;
}

/** A 503 that makes RunBlob deliver the callback again later (it retries any non-2xx). */
export function retryLater(error: string): Rejection {
	return { status: 503, body: { error }, retryAfterSeconds: 30 };
}

/** Answers the callback directly and tells n8n not to start or resume anything. */
export function respond(
	ctx: IWebhookFunctions,
	{ status, body, retryAfterSeconds }: Rejection,
): IWebhookResponseData {
	const res = ctx.getResponseObject();
	if (retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(retryAfterSeconds));
	res.status(status).json(body);
	return { noWebhookResponse: true };
}

/**
 * Answers the callback with a JSON body and hands the items to n8n, which starts (or resumes) the run. Written by the
 * node because n8n's "respond on received" mode would answer with its own placeholder text instead of JSON.
 */
export function acknowledge(
	ctx: IWebhookFunctions,
	body: IDataObject,
	workflowData?: IWebhookResponseData['workflowData'],
): IWebhookResponseData {
	ctx.getResponseObject().status(200).json(body);
	return workflowData ? { noWebhookResponse: true, workflowData } : { noWebhookResponse: true };
}
