import type {
	IDataObject,
	IHttpRequestMethods,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { RequestInfo } from './errors';
import { connectionError, mapApiError } from './errors';
import {
	NOT_SENT_CODES,
	RETRY,
	TRANSIENT_CODES,
	backoffMs,
	networkErrorCode,
	retryAfterMs,
} from './retry';
import type { RunBlobContext } from './settings';
import { CREDENTIAL_TYPE } from './settings';

/** HTTP to RunBlob: one request, sent with the retry policy, answered as JSON or as an n8n error. */

export interface ApiRequest extends RequestInfo {
	method: IHttpRequestMethods;
	path: string;
	body?: IDataObject;
	qs?: IDataObject;
}

export async function apiRequest<T = IDataObject>(
	ctx: RunBlobContext,
	baseUrl: string,
	request: ApiRequest,
): Promise<T> {
	const options: IHttpRequestOptions = {
		method: request.method,
		url: `${baseUrl}${request.path}`,
		qs: request.qs,
		body: request.body,
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: 60_000,
	};

	const response = await send(ctx, options, { authenticated: true, request });
	const status = response.statusCode;
	if (status >= 200 && status < 300) return response.body as T;
	throw mapApiError(ctx, status, response.body, request);
}

/**
 * Sends a request with the retry policy: network errors and 429/5xx are retried with backoff (`Retry-After`
 * honoured), except that a create is repeated only when RunBlob provably did not act on it. Returns the 2xx response,
 * or the last one when retrying is over or not allowed.
 */
export async function send(
	ctx: RunBlobContext,
	options: IHttpRequestOptions,
	policy: { authenticated: boolean; request: RequestInfo },
): Promise<IN8nHttpFullResponse> {
	const { create } = policy.request;
	for (let attempt = 1; ; attempt++) {
		let response: IN8nHttpFullResponse;
		try {
			response = (
				policy.authenticated
					? await ctx.helpers.httpRequestWithAuthentication.call(ctx, CREDENTIAL_TYPE, options)
					: await ctx.helpers.httpRequest(options)
			) as IN8nHttpFullResponse;
		} catch (error) {
			const code = networkErrorCode(error);
			const safe = create ? NOT_SENT_CODES.has(code) : TRANSIENT_CODES.has(code);
			if (safe && attempt < RETRY.attempts) {
				await sleep(backoffMs(attempt));
				continue;
			}
			throw connectionError(ctx, error as Error, code, policy.request);
		}
		const status = response.statusCode;
		// A 429 means RunBlob refused the request before acting on it, so it is safe to repeat even for a create.
		const retryable = status === 429 || (!create && status >= 500);
		if (status >= 200 && status < 300) return response;
		if (!retryable || attempt >= RETRY.attempts) return response;
		discardBody(response);
		await sleep(retryAfterMs(response.headers) ?? backoffMs(attempt));
	}
}

/** Releases a streamed body that will not be read. */
export function discardBody(response: IN8nHttpFullResponse): void {
	const body = response.body as { destroy?: unknown } | undefined;
	if (body && typeof body.destroy === 'function') (body.destroy as () => void)();
}

export function originOf(url: string): string {
	try {
		return new URL(url).origin;
	} catch {
		return '';
	}
}
