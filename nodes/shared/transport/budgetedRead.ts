import type {
	IDataObject,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	NodeApiError,
} from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { RequestInfo } from './errors';
import { connectionError, mapApiError } from './errors';
import { backoffMs, networkErrorCode, retryAfterMs } from './retry';
import type { RunBlobContext } from './settings';
import { CREDENTIAL_TYPE } from './settings';

/** Limits of a read that must fit a webhook's answer budget (see getWithin). */
export const BUDGETED_READ = {
	/** One attempt never waits longer than this for RunBlob's answer. */
	attemptTimeoutMs: 8_000,
	/** An attempt with less time than this left is not started: the caller answers instead. */
	minAttemptMs: 1_000,
};

/**
 * A GET that must end before `deadline` (epoch ms), for webhook handlers that must answer RunBlob within its 30 s:
 * every attempt has its own short timeout, and 429/5xx/network failures (timeouts included) are retried only while
 * time remains — never the transport's long defaults. Throws the last error once the time is up.
 */
export async function getWithin(
	ctx: RunBlobContext,
	baseUrl: string,
	path: string,
	generationId: string,
	deadline: number,
): Promise<IDataObject> {
	const request: RequestInfo = { path, generationId };
	const timeLeft = () => deadline - Date.now();
	for (let attempt = 1; ; attempt++) {
		const options: IHttpRequestOptions = {
			method: 'GET',
			url: `${baseUrl}${path}`,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: Math.max(1, Math.min(BUDGETED_READ.attemptTimeoutMs, timeLeft())),
		};
		let response: IN8nHttpFullResponse | undefined;
		let networkError: unknown;
		try {
			response = (await ctx.helpers.httpRequestWithAuthentication.call(
				ctx,
				CREDENTIAL_TYPE,
				options,
			)) as IN8nHttpFullResponse;
		} catch (error) {
			networkError = error; // n8n may wrap it; networkErrorCode reads through the causes
		}
		let waitMs = backoffMs(attempt);
		let failure: () => NodeApiError;
		if (response) {
			const { statusCode: status, body, headers } = response;
			if (status >= 200 && status < 300) return body as IDataObject;
			failure = () => mapApiError(ctx, status, body, request);
			if (status !== 429 && status < 500) throw failure();
			waitMs = retryAfterMs(headers) ?? waitMs;
		} else {
			const code = networkErrorCode(networkError);
			failure = () => connectionError(ctx, networkError as Error, code, request);
		}
		if (timeLeft() - waitMs < BUDGETED_READ.minAttemptMs) throw failure();
		await sleep(waitMs);
	}
}
