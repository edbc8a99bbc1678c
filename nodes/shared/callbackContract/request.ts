import type { IWebhookFunctions } from 'n8n-workflow';

import type { Family } from '../families';
import { isLoopbackUrl } from '../urls';
import type { Rejection } from './answer';
import type { CallbackPayload } from './payload';
import { parseCallbackPayload } from './payload';

/** Reading a callback request, the same way at the trigger and at a waiting run's resume URL. */

/** RunBlob's payloads are a few KiB (the prompt is at most 4000 characters); anything far larger is not RunBlob. */
const MAX_CALLBACK_BYTES = 64 * 1024;

type CallbackRequestResult =
	| { ok: true; payload: CallbackPayload; family: Family }
	| { ok: false; rejection: Rejection };

/** RunBlob posts `application/json`; `+json` types are JSON too. Parameters such as charset are ignored. */
export function isJsonContentType(header: unknown): boolean {
	const type = String(header ?? '')
		.split(';')[0]
		.trim()
		.toLowerCase();
	return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

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
