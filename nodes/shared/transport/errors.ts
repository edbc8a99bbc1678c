import type { JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { NOT_SENT_CODES, RETRY } from './retry';
import type { RunBlobContext } from './settings';

/** RunBlob's answers and connection failures as n8n errors: what happened, and what the user can do about it. */

export interface RequestInfo {
	path?: string;
	/** A paid, non-idempotent call: never repeated unless RunBlob certainly did not receive it. */
	create?: boolean;
	/** Named in every error so a user can always find the generation again. */
	generationId?: string;
	itemIndex?: number;
}

/** RunBlob's `detail` is either a string or FastAPI's list of `{loc, msg}`; older pages use `message`. */
export function describeDetail(body: unknown): string {
	if (typeof body === 'string') return body.slice(0, 500);
	if (!body || typeof body !== 'object') return '';
	const { detail, message, error } = body as {
		detail?: unknown;
		message?: unknown;
		error?: unknown;
	};
	if (Array.isArray(detail)) return fieldErrors(detail).join('; ');
	if (typeof detail === 'string') return detail;
	if (typeof message === 'string') return message;
	if (typeof error === 'string') return error;
	return '';
}

export function fieldErrors(detail: unknown[]): string[] {
	return detail.map((entry) => {
		const { loc, msg } = (entry ?? {}) as { loc?: unknown; msg?: unknown };
		const path = Array.isArray(loc) ? loc.filter((part) => part !== 'body').join('.') : '';
		const text = typeof msg === 'string' ? msg : 'is invalid';
		return path ? `${path}: ${text}` : text;
	});
}

export function generationSuffix(generationId?: string): string {
	return generationId ? ` (generation ${generationId})` : '';
}

export function mapApiError(
	ctx: RunBlobContext,
	status: number,
	body: unknown,
	request: RequestInfo,
): NodeApiError {
	const detail = describeDetail(body);
	const suffix = generationSuffix(request.generationId);
	let message: string;
	let description: string | undefined;
	switch (status) {
		case 400:
			message = `RunBlob rejected the request: ${detail || 'bad request'}${suffix}`;
			description =
				'Change the parameter RunBlob named and run the node again. Nothing was charged for a rejected request.';
			break;
		case 401:
			message = 'RunBlob rejected the API key';
			description =
				'Check the API key in the RunBlob API credential (RunBlob dashboard → API Keys).';
			break;
		case 402:
			message = 'Not enough RunBlob credits for this generation';
			description = `RunBlob answered ${detail || 'INSUFFICIENT_CREDITS'}. Top up your RunBlob balance and run the node again; nothing was charged.`;
			break;
		case 404:
			message = request.generationId
				? `RunBlob has no generation ${request.generationId}`
				: `RunBlob answered 404 for ${request.path ?? 'the request'}`;
			description = request.generationId
				? 'Check the generation ID, the Model (each model family has its own generations), and that the credential uses the API key that created it.'
				: 'Check the Base URL in the RunBlob API credential.';
			break;
		case 422:
			message = `RunBlob rejected the parameters: ${detail || 'validation error'}${suffix}`;
			description =
				'Change the parameters RunBlob named and run the node again. Nothing was charged for a rejected request.';
			break;
		case 429:
			message = `RunBlob is rate limiting requests; gave up after ${RETRY.attempts} attempts${suffix}`;
			description = 'Wait a little and run the node again, or lower the number of items per run.';
			break;
		default:
			message = `RunBlob answered HTTP ${status}${detail ? `: ${detail}` : ''}${suffix}`;
			if (request.create && status >= 500) {
				description =
					'RunBlob did not confirm whether the generation was created, so it was not retried (a retry could charge twice). Check "Get Many" for a new generation before running again.';
			} else if (status >= 500) {
				description = 'RunBlob is having trouble; run the node again in a few minutes.';
			}
	}
	const errorResponse: JsonObject =
		body && typeof body === 'object' && !Array.isArray(body)
			? (body as JsonObject)
			: { detail: detail || null };
	const error = new NodeApiError(ctx.getNode(), errorResponse, {
		message,
		description,
		httpCode: String(status),
		itemIndex: request.itemIndex,
	});
	// NodeApiError may substitute a generic text for some status codes; keep RunBlob's own explanation.
	error.message = message;
	if (description) error.description = description;
	return error;
}

export function connectionError(
	ctx: RunBlobContext,
	cause: Error,
	code: string,
	request: RequestInfo,
): NodeApiError {
	const suffix = generationSuffix(request.generationId);
	const unsure = request.create && !NOT_SENT_CODES.has(code);
	const message = `Could not reach RunBlob${code ? ` (${code})` : ''}${suffix}`;
	const description = unsure
		? 'The connection failed after the request was sent, so RunBlob may have created the generation. It was not retried (a retry could charge twice). Check "Get Many" before running again.'
		: 'Check the Base URL in the RunBlob API credential and your network connection.';
	const error = new NodeApiError(
		ctx.getNode(),
		{ message: cause.message, code: code || null },
		{ message, description, itemIndex: request.itemIndex },
	);
	error.message = message;
	error.description = description;
	return error;
}
