import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	IWebhookFunctions,
	JsonObject,
} from 'n8n-workflow';
import { createHmac } from 'crypto';
import { NodeApiError, sleep } from 'n8n-workflow';

/** Everything that owns HTTP to RunBlob: base URL, auth, retries and error mapping. */

export const CREDENTIAL_TYPE = 'runBlobApi';
export const DEFAULT_BASE_URL = 'https://platform.runblob.io';

export type RunBlobContext = IExecuteFunctions | IWebhookFunctions;

export interface RunBlobSettings {
	baseUrl: string;
	/** The credential's Callback Secret ('' when unset): signs trigger URLs. */
	callbackSecret: string;
	/**
	 * Signs the resume URLs of waiting runs: the Callback Secret, or else a key derived from the API key, so a waiting
	 * run is never resumable by someone who merely guesses its URL — even without a Callback Secret.
	 */
	resumeSigningKey: string;
}

/** Reads the non-auth parts of the credential (requests are authenticated only by n8n's `authenticate`). */
export async function getSettings(ctx: RunBlobContext): Promise<RunBlobSettings> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const callbackSecret = ((credentials.callbackSecret as string | undefined) ?? '').trim();
	const apiKey = String(credentials.apiKey ?? '');
	return {
		baseUrl: normaliseBaseUrl(credentials.baseUrl as string | undefined),
		callbackSecret,
		resumeSigningKey:
			callbackSecret ||
			createHmac('sha256', apiKey).update('runblob-resume-url-signing-v1').digest('base64url'),
	};
}

export function normaliseBaseUrl(baseUrl: string | undefined): string {
	const value = (baseUrl ?? '').trim() || DEFAULT_BASE_URL;
	return value.replace(/\/+$/, '');
}

/** Reads are retried on 429, 5xx and network errors; the create call only when RunBlob provably did not act. */
export const RETRY = {
	attempts: 5,
	baseDelayMs: 500,
	maxDelayMs: 8_000,
	maxRetryAfterMs: 15_000,
};

/** Network errors where the request never reached RunBlob, so even a create call is safe to send again. */
const NOT_SENT_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
]);
const TRANSIENT_CODES = new Set([
	...NOT_SENT_CODES,
	'ECONNRESET',
	'ETIMEDOUT',
	'ECONNABORTED',
	'EPIPE',
	'ESOCKETTIMEDOUT',
]);

export interface ApiRequest {
	method: IHttpRequestMethods;
	path: string;
	body?: IDataObject;
	qs?: IDataObject;
	/** A paid, non-idempotent call: never repeated unless RunBlob certainly did not receive it. */
	create?: boolean;
	/** Named in every error so a user can always find the generation again. */
	generationId?: string;
	itemIndex?: number;
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
async function send(
	ctx: RunBlobContext,
	options: IHttpRequestOptions,
	policy: { authenticated: boolean; request: ApiRequest },
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
function discardBody(response: IN8nHttpFullResponse): void {
	const body = response.body as { destroy?: unknown } | undefined;
	if (body && typeof body.destroy === 'function') (body.destroy as () => void)();
}

/** RunBlob's status read of one generation (note the trailing slash RunBlob's Sora paths use). */
export async function getGeneration(
	ctx: RunBlobContext,
	baseUrl: string,
	generationId: string,
	itemIndex?: number,
): Promise<IDataObject> {
	return await apiRequest<IDataObject>(ctx, baseUrl, {
		method: 'GET',
		path: `/v1/sora/generations/${generationId}/`,
		generationId,
		itemIndex,
	});
}

/** Limits of a read that must fit a webhook's answer budget (see getGenerationWithin). */
export const BUDGETED_READ = {
	/** One attempt never waits longer than this for RunBlob's answer. */
	attemptTimeoutMs: 8_000,
	/** An attempt with less time than this left is not started: the caller answers instead. */
	minAttemptMs: 1_000,
};

/**
 * Reads one generation before `deadline` (epoch ms), for webhook handlers that must answer RunBlob within its 30 s:
 * every attempt has its own short timeout, and 429/5xx/network failures (timeouts included) are retried only while
 * time remains — never the transport's long defaults. Throws the last error once the time is up.
 */
export async function getGenerationWithin(
	ctx: RunBlobContext,
	baseUrl: string,
	generationId: string,
	deadline: number,
): Promise<IDataObject> {
	const request: ApiRequest = {
		method: 'GET',
		path: `/v1/sora/generations/${generationId}/`,
		generationId,
	};
	const timeLeft = () => deadline - Date.now();
	for (let attempt = 1; ; attempt++) {
		const options: IHttpRequestOptions = {
			method: 'GET',
			url: `${baseUrl}${request.path}`,
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

export function backoffMs(attempt: number): number {
	return Math.min(RETRY.maxDelayMs, RETRY.baseDelayMs * 2 ** (attempt - 1));
}

export function retryAfterMs(headers: IDataObject | undefined): number | undefined {
	const value = headers?.['retry-after'];
	if (value === undefined || value === null || value === '') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds) && seconds >= 0)
		return Math.min(seconds * 1000, RETRY.maxRetryAfterMs);
	const date = Date.parse(String(value));
	if (Number.isNaN(date)) return undefined;
	return Math.min(Math.max(0, date - Date.now()), RETRY.maxRetryAfterMs);
}

export function networkErrorCode(error: unknown): string {
	let current = error as { code?: unknown; cause?: unknown } | undefined;
	for (let depth = 0; current && depth < 5; depth++) {
		if (typeof current.code === 'string' && /^E[A-Z_]+$/.test(current.code)) return current.code;
		current = current.cause as typeof current;
	}
	return '';
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

function generationSuffix(generationId?: string): string {
	return generationId ? ` (generation ${generationId})` : '';
}

export function mapApiError(
	ctx: RunBlobContext,
	status: number,
	body: unknown,
	request: Pick<ApiRequest, 'generationId' | 'itemIndex' | 'create' | 'path'>,
): NodeApiError {
	const detail = describeDetail(body);
	const suffix = generationSuffix(request.generationId);
	let message: string;
	let description: string | undefined;
	switch (status) {
		case 400:
			message = `RunBlob rejected the request: ${detail || 'bad request'}${suffix}`;
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
				? 'Check the generation ID, and that the credential uses the API key that created it.'
				: 'Check the Base URL in the RunBlob API credential.';
			break;
		case 422:
			message = `RunBlob rejected the parameters: ${detail || 'validation error'}${suffix}`;
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

function connectionError(
	ctx: RunBlobContext,
	cause: Error,
	code: string,
	request: ApiRequest,
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

export type BinaryInput = Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0];

export interface VideoDownload {
	body: BinaryInput;
	contentType: string;
}

/**
 * Opens a streamed download. The API key goes only to the credential's own origin; video URLs on RunBlob's CDN (any
 * other origin) are fetched without it.
 */
export async function openVideoStream(
	ctx: RunBlobContext,
	baseUrl: string,
	url: string,
	request: { generationId?: string; itemIndex?: number },
): Promise<VideoDownload> {
	const options: IHttpRequestOptions = {
		method: 'GET',
		url,
		encoding: 'stream',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: 10 * 60_000,
	};
	const response = await send(ctx, options, {
		authenticated: originOf(url) === originOf(baseUrl),
		request: { method: 'GET', path: url, ...request },
	});
	const status = response.statusCode;
	if (status >= 200 && status < 300) {
		return {
			body: response.body as BinaryInput,
			contentType: String(response.headers?.['content-type'] ?? 'video/mp4')
				.split(';')[0]
				.trim(),
		};
	}
	discardBody(response);
	const error = mapApiError(ctx, status, null, { ...request, path: url });
	if (status === 404 || status === 403 || status === 410) {
		error.message = `The video file is not available at ${url}${generationSuffix(request.generationId)}`;
		error.description = 'The download link may have expired. Use Get to read a fresh video URL.';
	}
	throw error;
}

export function originOf(url: string): string {
	try {
		return new URL(url).origin;
	} catch {
		return '';
	}
}
