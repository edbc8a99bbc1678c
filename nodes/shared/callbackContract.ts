import { createHmac, timingSafeEqual } from 'crypto';
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { z } from 'zod';

/**
 * The one definition of RunBlob's callback contract, shared by the RunBlob node (callback URLs it issues, its wait
 * mode) and the RunBlob Trigger: the payload schema, URL signing and verification, and the normalised output item.
 */

export const CALLBACK_STATUSES = ['completed', 'failed'] as const;
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];

/** RunBlob's payloads are a few KiB (the prompt is at most 4000 characters); anything far larger is not RunBlob. */
export const MAX_CALLBACK_BYTES = 64 * 1024;

/** How long a signed trigger URL stays valid: a render (≤ 15 min) plus RunBlob's retries (15.5 min), with headroom. */
export const SIGNATURE_MAX_AGE_SECONDS = 72 * 3600;

export const SIGNATURE_QUERY = { timestamp: 'rb_ts', signature: 'rb_sig' } as const;

// ---------------------------------------------------------------------------------------------------------------
// Time: RunBlob writes ISO-8601 with microseconds and no zone ("2025-11-24T10:00:00.000000"); we read it as UTC.
// Other families end in "Z". Dates that do not exist (30 February) are refused, not rolled over by `Date`.

const RUNBLOB_TIME =
	/^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?$/;

export function parseRunBlobTime(value: unknown): Date | null {
	if (typeof value !== 'string') return null;
	const match = RUNBLOB_TIME.exec(value.trim());
	if (!match) return null;
	const [, year, month, day, hour, minute, second, fraction = '', zone = 'Z'] = match;
	const fields = [year, month, day, hour, minute, second].map(Number);
	if (!isRealDateTime(fields) || !isRealZone(zone)) return null;
	const millis = fraction ? `.${fraction.slice(1, 4).padEnd(3, '0')}` : '';
	const offset = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`; // "+0200" → "+02:00"
	const parsed = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}${millis}${offset}`);
	return Number.isNaN(parsed.getTime()) ? null : parsed;
}

/** The wall-clock fields name a moment that exists: month 1–12, a day the month has, 00:00:00–23:59:59. */
function isRealDateTime([year, month, day, hour, minute, second]: number[]): boolean {
	if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return false;
	const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate(); // 2000 is a leap year: February has 29
	if (day > daysInMonth) return false;
	const isLeapYear = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
	return !(month === 2 && day === 29 && !isLeapYear);
}

function isRealZone(zone: string): boolean {
	if (zone === 'Z') return true;
	const digits = zone.replace(':', '');
	return Number(digits.slice(1, 3)) <= 23 && Number(digits.slice(3, 5)) <= 59;
}

function toIso(value: unknown): string | null {
	return parseRunBlobTime(value)?.toISOString() ?? null;
}

// ---------------------------------------------------------------------------------------------------------------
// URLs

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/i;

export function isLoopbackUrl(url: string): boolean {
	try {
		return LOOPBACK_HOST.test(new URL(url).hostname);
	} catch {
		return false;
	}
}

/**
 * RunBlob only calls HTTPS URLs and only serves HTTPS videos. Plain HTTP is accepted only when the credential points
 * at a RunBlob simulator on this machine and the URL is on loopback too — a setup real RunBlob can never be part of.
 */
export function allowsPlainHttp(baseUrl: string, url: string): boolean {
	return isLoopbackUrl(baseUrl) && isLoopbackUrl(url);
}

/** Returns why RunBlob could never call this URL back, or `null` when it can. */
export function callbackUrlProblem(url: string, baseUrl: string): string | null {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return `"${url}" is not a valid URL`;
	}
	if (parsed.protocol === 'https:') return null;
	if (parsed.protocol === 'http:' && allowsPlainHttp(baseUrl, url)) return null;
	return `RunBlob only calls HTTPS callback URLs, but this one is ${parsed.protocol.replace(':', '').toUpperCase()} (${parsed.origin})`;
}

/** RunBlob posts `application/json`; `+json` types are JSON too. Parameters such as charset are ignored. */
export function isJsonContentType(header: unknown): boolean {
	const type = String(header ?? '')
		.split(';')[0]
		.trim()
		.toLowerCase();
	return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

// ---------------------------------------------------------------------------------------------------------------
// Identifiers: UUIDs are case-insensitive, so every comparison, key and output uses the lower-case form.

const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function normaliseGenerationId(value: unknown): string {
	const id = String(value ?? '');
	return UUID_SHAPE.test(id) ? id.toLowerCase() : id;
}

// ---------------------------------------------------------------------------------------------------------------
// Payload schema

const isoTime = z
	.string()
	.refine((value) => parseRunBlobTime(value) !== null, 'must be an ISO-8601 timestamp');

function videoUrl(allowHttp: boolean) {
	return z
		.string()
		.url('must be a URL')
		.refine((value) => {
			// zod runs refinements even after `.url()` failed: a non-URL must be rejected here, not thrown.
			let protocol: string;
			try {
				protocol = new URL(value).protocol;
			} catch {
				return false;
			}
			return protocol === 'https:' || (allowHttp && protocol === 'http:' && isLoopbackUrl(value));
		}, 'must be an HTTPS URL');
}

function buildSchema(allowHttp: boolean) {
	const common = {
		generation_id: z
			.string()
			.uuid('must be a UUID')
			.transform((id) => id.toLowerCase()),
		prompt: z.string(),
		created_at: isoTime,
		completed_at: isoTime.nullable().optional(),
	};
	const completed = z
		.object({
			...common,
			status: z.literal('completed'),
			video_url: videoUrl(allowHttp),
			error_message: z.string().nullable().optional(),
		})
		.passthrough();
	const failed = z
		.object({
			...common,
			status: z.literal('failed'),
			video_url: z.null().optional(),
			error_message: z.string().nullable().optional(),
		})
		.passthrough();
	return z.discriminatedUnion('status', [completed, failed], {
		errorMap: (issue, ctx) =>
			issue.code === 'invalid_union_discriminator'
				? { message: `must be one of: ${CALLBACK_STATUSES.join(', ')}` }
				: { message: ctx.defaultError },
	});
}

const schemas = { strict: buildSchema(false), localSimulator: buildSchema(true) };

export type CallbackPayload = z.infer<(typeof schemas)['strict']>;

export type ParseResult = { ok: true; payload: CallbackPayload } | { ok: false; errors: string[] };

/** Validates a parsed JSON body against RunBlob's documented success and failure payloads. */
export function parseCallbackPayload(
	body: unknown,
	options: { allowHttpVideoUrl?: boolean } = {},
): ParseResult {
	if (!body || typeof body !== 'object' || Array.isArray(body)) {
		return { ok: false, errors: ['body must be a JSON object'] };
	}
	const schema = options.allowHttpVideoUrl ? schemas.localSimulator : schemas.strict;
	const result = schema.safeParse(body);
	if (result.success) return { ok: true, payload: result.data };
	return {
		ok: false,
		errors: result.error.issues.map(
			(issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`,
		),
	};
}

// ---------------------------------------------------------------------------------------------------------------
// Reading a callback request, the same way at the trigger and at a waiting run's resume URL

export interface Rejection {
	status: number;
	body: IDataObject;
	/** Seconds RunBlob may wait before trying again (sent as Retry-After with a 503). */
	retryAfterSeconds?: number;
}

export type CallbackRequestResult =
	| { ok: true; payload: CallbackPayload }
	| { ok: false; rejection: Rejection };

/** Size, content type and payload checks, in that order; `baseUrl` decides whether the local-simulator rule applies. */
export function readCallbackRequest(
	ctx: IWebhookFunctions,
	baseUrl: string,
): CallbackRequestResult {
	const req = ctx.getRequestObject();
	const rawLength =
		(req as { rawBody?: Buffer }).rawBody?.length ?? Number(req.headers['content-length'] ?? 0);
	if (rawLength > MAX_CALLBACK_BYTES) {
		return reject(413, `Callback body larger than ${MAX_CALLBACK_BYTES} bytes`);
	}
	if (!isJsonContentType(req.headers['content-type'])) {
		return reject(415, 'Callback must be JSON (Content-Type: application/json)');
	}
	const parsed = parseCallbackPayload(ctx.getBodyData(), {
		allowHttpVideoUrl: isLoopbackUrl(baseUrl),
	});
	if (!parsed.ok) return reject(400, 'Not a valid RunBlob callback', parsed.errors);
	return { ok: true, payload: parsed.payload };
}

function reject(status: number, error: string, details?: string[]): CallbackRequestResult {
	return { ok: false, rejection: { status, body: details ? { error, details } : { error } } };
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

// ---------------------------------------------------------------------------------------------------------------
// Time budget: RunBlob gives each delivery 30 s. Everything before the answer (waiting for a twin delivery,
// verification reads) must end well inside it, leaving room for n8n's own work around webhook() and the network.

export const ANSWER_BUDGET = { ms: 20_000 };

/** The moment (epoch ms) by which a callback that arrived `now` must have its answer decided. */
export function answerDeadline(now = Date.now()): number {
	return now + ANSWER_BUDGET.ms;
}

/** A 503 that makes RunBlob deliver the callback again later (it retries any non-2xx). */
export function retryLater(error: string): Rejection {
	return { status: 503, body: { error }, retryAfterSeconds: 30 };
}

// ---------------------------------------------------------------------------------------------------------------
// Normalised item, shared by the trigger, the wait mode and Get

export interface NormalisedGeneration {
	[key: string]: string | number | null;
	generation_id: string;
	status: string;
	prompt: string | null;
	video_url: string | null;
	created_at: string | null;
	completed_at: string | null;
	error_message: string | null;
	render_seconds: number | null;
}

export function normaliseGeneration(source: Record<string, unknown>): NormalisedGeneration {
	const created = parseRunBlobTime(source.created_at);
	const completed = parseRunBlobTime(source.completed_at);
	const str = (value: unknown) => (typeof value === 'string' ? value : null);
	return {
		generation_id: normaliseGenerationId(source.generation_id),
		status: String(source.status ?? ''),
		prompt: str(source.prompt),
		video_url: str(source.video_url),
		created_at: toIso(source.created_at),
		completed_at: toIso(source.completed_at),
		error_message: str(source.error_message),
		render_seconds:
			created && completed
				? Math.max(0, Math.round((completed.getTime() - created.getTime()) / 100) / 10)
				: null,
	};
}

export function isTerminalStatus(status: unknown): status is CallbackStatus {
	return status === 'completed' || status === 'failed';
}

// ---------------------------------------------------------------------------------------------------------------
// Signing: RunBlob signs nothing, so the URLs we hand it carry our own HMAC. It binds the endpoint the URL points at
// (its last two path segments: `<webhookId>/webhook` for a trigger, `<executionId>/<suffix>` for a waiting run — stable
// behind path-prefixing proxies) and the time it was issued.

export function callbackAudience(pathOrUrl: string): string {
	let path = pathOrUrl;
	try {
		path = new URL(pathOrUrl, 'http://audience.invalid').pathname;
	} catch {
		// keep the raw value: it is only ever compared, never fetched
	}
	return path.split('/').filter(Boolean).slice(-2).join('/');
}

function computeSignature(secret: string, audience: string, timestamp: string): string {
	return createHmac('sha256', secret).update(`v1:${audience}:${timestamp}`).digest('base64url');
}

export function signCallbackUrl(url: string, secret: string, nowMs: number): string {
	const parsed = new URL(url);
	const timestamp = String(Math.floor(nowMs / 1000));
	parsed.searchParams.set(SIGNATURE_QUERY.timestamp, timestamp);
	parsed.searchParams.set(
		SIGNATURE_QUERY.signature,
		computeSignature(secret, callbackAudience(url), timestamp),
	);
	return parsed.toString();
}

export type SignatureCheck =
	| { valid: true }
	| { valid: false; reason: 'missing' | 'malformed' | 'mismatch' | 'expired' };

export function verifyCallbackSignature(
	request: { path: string; query: Record<string, unknown> },
	secret: string,
	nowMs: number,
	maxAgeSeconds: number | null = SIGNATURE_MAX_AGE_SECONDS,
): SignatureCheck {
	const timestamp = request.query[SIGNATURE_QUERY.timestamp];
	const signature = request.query[SIGNATURE_QUERY.signature];
	if (timestamp === undefined && signature === undefined)
		return { valid: false, reason: 'missing' };
	if (
		typeof timestamp !== 'string' ||
		typeof signature !== 'string' ||
		!/^\d{1,12}$/.test(timestamp)
	) {
		return { valid: false, reason: 'malformed' };
	}
	const expected = Buffer.from(computeSignature(secret, callbackAudience(request.path), timestamp));
	const actual = Buffer.from(signature);
	// Compare equal-length buffers only; a length mismatch still costs one comparison.
	const matches =
		actual.length === expected.length
			? timingSafeEqual(actual, expected)
			: !timingSafeEqual(expected, expected);
	if (!matches) return { valid: false, reason: 'mismatch' };
	const ageSeconds = nowMs / 1000 - Number(timestamp);
	if (maxAgeSeconds !== null && (ageSeconds > maxAgeSeconds || ageSeconds < -300)) {
		return { valid: false, reason: 'expired' };
	}
	return { valid: true };
}
