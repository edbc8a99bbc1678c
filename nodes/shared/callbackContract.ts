import { createHmac, timingSafeEqual } from 'crypto';
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { FAMILIES, familiesByShape, familyById } from './families';
import type { Family } from './families';
import { renderSeconds, toIsoUtc } from './time';
import { isLoopbackUrl } from './urls';

export { parseRunBlobTime } from './time';
export { allowsPlainHttp, callbackUrlProblem, isLoopbackUrl } from './urls';

/**
 * The one definition of RunBlob's callback contract, shared by the RunBlob node (callback URLs it issues, its wait
 * mode) and the RunBlob Trigger: reading and validating a callback against its family's schema, URL signing (with the
 * family in the signed part) and verification.
 */

export const CALLBACK_STATUSES = ['completed', 'failed'] as const;
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];

/** RunBlob's payloads are a few KiB (the prompt is at most 4000 characters); anything far larger is not RunBlob. */
export const MAX_CALLBACK_BYTES = 64 * 1024;

/**
 * How long a signed trigger URL stays valid: the slowest family's render timeout (15 min) plus RunBlob's longest
 * callback retry window (15.5 min), with ample headroom.
 */
export const SIGNATURE_MAX_AGE_SECONDS = 72 * 3600;

export const SIGNATURE_QUERY = {
	timestamp: 'rb_ts',
	signature: 'rb_sig',
	family: 'rb_fam',
} as const;

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
// Payload schema: each family declares its own; a family named by a signed URL decides, otherwise the shape does.

/** A validated callback: `generation_id` is the job id whatever the family calls it. */
export interface CallbackPayload extends IDataObject {
	generation_id: string;
	status: CallbackStatus;
}

export type ParseResult =
	| { ok: true; payload: CallbackPayload; family: Family }
	| { ok: false; errors: string[]; ambiguous?: Family[] };

export function parseCallbackPayload(
	body: unknown,
	options: { allowHttpVideoUrl?: boolean; family?: Family } = {},
): ParseResult {
	if (!body || typeof body !== 'object' || Array.isArray(body)) {
		return { ok: false, errors: ['body must be a JSON object'] };
	}
	let family = options.family;
	if (!family) {
		const fits = familiesByShape(body as IDataObject);
		if (fits.length === 0) return { ok: false, errors: unmatchedProblems(body as IDataObject) };
		if (fits.length > 1) {
			const names = fits.map((f) => f.displayName).join(', ');
			return { ok: false, errors: [`body: fits the callbacks of ${names}`], ambiguous: fits };
		}
		family = fits[0];
	}
	const result = family.callbackSchema(options.allowHttpVideoUrl === true).safeParse(body);
	if (!result.success) {
		return {
			ok: false,
			errors: result.error.issues.map(
				(issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`,
			),
		};
	}
	const data = result.data as IDataObject;
	// The job id comes out under `generation_id` whatever the family calls it, and in lower case when it is a UUID.
	const payload = {
		...data,
		generation_id: normaliseGenerationId(data[family.idField]),
	} as CallbackPayload;
	return { ok: true, payload, family };
}

/** What is wrong with a body no family claims: the common fields first, as a family's schema would say it. */
function unmatchedProblems(body: IDataObject): string[] {
	const problems: string[] = [];
	const idFields = [...new Set(FAMILIES.map((family) => family.idField))];
	if (!idFields.some((field) => field in body)) problems.push(`${idFields.join(' or ')}: Required`);
	if (!isTerminalStatus(body.status)) {
		problems.push(`status: must be one of: ${CALLBACK_STATUSES.join(', ')}`);
	}
	return [...problems, "body: fits no RunBlob family's callback"];
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
	| { ok: true; payload: CallbackPayload; family: Family }
	| { ok: false; rejection: Rejection };

/**
 * Size, content type and payload checks, in that order; `baseUrl` decides whether the local-simulator rule applies,
 * `family` (from a signed URL or the waiting item) which schema; without it the payload's shape decides.
 */
export function readCallbackRequest(
	ctx: IWebhookFunctions,
	baseUrl: string,
	family?: Family,
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
		family,
	});
	if (!parsed.ok && parsed.ambiguous) {
		// RunBlob's payload does not say which family it is: answered, never labelled with a guess.
		const names = parsed.ambiguous.map((f) => f.displayName).join(' or ');
		return reject(
			422,
			`This unsigned callback could come from ${names}, and RunBlob's payload does not say which. Set a Callback Secret in the RunBlob API credential: signed callback URLs name their family.`,
		);
	}
	if (!parsed.ok) return reject(400, 'Not a valid RunBlob callback', parsed.errors);
	return parsed;
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
// Normalised item

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

/** The normalised item as node version 1 (one model) outputs it (price stays RunBlob's string there). */
export function normaliseGeneration(source: Record<string, unknown>): NormalisedGeneration {
	const str = (value: unknown) => (typeof value === 'string' ? value : null);
	return {
		generation_id: normaliseGenerationId(source.generation_id),
		status: String(source.status ?? ''),
		prompt: str(source.prompt),
		video_url: str(source.video_url),
		created_at: toIsoUtc(source.created_at),
		completed_at: toIsoUtc(source.completed_at),
		error_message: str(source.error_message),
		render_seconds: renderSeconds(source.created_at, source.completed_at),
	};
}

export function isTerminalStatus(status: unknown): status is CallbackStatus {
	return status === 'completed' || status === 'failed';
}

/** Every family id a signed URL may carry. */
export function isFamilyId(value: unknown): boolean {
	return FAMILIES.some((family) => family.id === value);
}

export { familyById };

// ---------------------------------------------------------------------------------------------------------------
// Signing: RunBlob signs nothing, so the URLs we hand it carry our own HMAC. It binds the endpoint the URL points at
// (its last two path segments: `<webhookId>/webhook` for a trigger, `<executionId>/<suffix>` for a waiting run — stable
// behind path-prefixing proxies), the time it was issued and, when given, the RunBlob family whose callback it expects
// (so a receiver validates against that family's schema and nobody can swap the family).

export function callbackAudience(pathOrUrl: string): string {
	let path = pathOrUrl;
	try {
		path = new URL(pathOrUrl, 'http://audience.invalid').pathname;
	} catch {
		// keep the raw value: it is only ever compared, never fetched
	}
	return path.split('/').filter(Boolean).slice(-2).join('/');
}

function computeSignature(
	secret: string,
	audience: string,
	timestamp: string,
	family: string | undefined,
): string {
	// URLs issued before families existed carry no family and keep their v1 signature.
	const text =
		family === undefined ? `v1:${audience}:${timestamp}` : `v2:${audience}:${timestamp}:${family}`;
	return createHmac('sha256', secret).update(text).digest('base64url');
}

export function signCallbackUrl(
	url: string,
	secret: string,
	nowMs: number,
	family?: string,
): string {
	const parsed = new URL(url);
	const timestamp = String(Math.floor(nowMs / 1000));
	parsed.searchParams.delete(SIGNATURE_QUERY.family);
	if (family !== undefined) parsed.searchParams.set(SIGNATURE_QUERY.family, family);
	parsed.searchParams.set(SIGNATURE_QUERY.timestamp, timestamp);
	parsed.searchParams.set(
		SIGNATURE_QUERY.signature,
		computeSignature(secret, callbackAudience(url), timestamp, family),
	);
	return parsed.toString();
}

export type SignatureCheck =
	| { valid: true; family?: string }
	| { valid: false; reason: 'missing' | 'malformed' | 'mismatch' | 'expired' };

export function verifyCallbackSignature(
	request: { path: string; query: Record<string, unknown> },
	secret: string,
	nowMs: number,
	maxAgeSeconds: number | null = SIGNATURE_MAX_AGE_SECONDS,
): SignatureCheck {
	const timestamp = request.query[SIGNATURE_QUERY.timestamp];
	const signature = request.query[SIGNATURE_QUERY.signature];
	const family = request.query[SIGNATURE_QUERY.family];
	if (timestamp === undefined && signature === undefined)
		return { valid: false, reason: 'missing' };
	if (
		typeof timestamp !== 'string' ||
		typeof signature !== 'string' ||
		!/^\d{1,12}$/.test(timestamp) ||
		(family !== undefined && !isFamilyId(family))
	) {
		return { valid: false, reason: 'malformed' };
	}
	const expected = Buffer.from(
		computeSignature(
			secret,
			callbackAudience(request.path),
			timestamp,
			family as string | undefined,
		),
	);
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
	return family === undefined ? { valid: true } : { valid: true, family: family as string };
}
