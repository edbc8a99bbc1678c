import type { IDataObject } from 'n8n-workflow';

import { FAMILIES, familiesByShape } from '../families';
import type { Family } from '../families';
import { normaliseGenerationId } from './generationId';

/**
 * The callback payload: each family declares its own schema; a family named by a signed URL decides which one
 * applies, otherwise the body's shape does (and a body that fits several families is refused, never guessed).
 */

const CALLBACK_STATUSES = ['completed', 'failed'] as const;
type CallbackStatus = (typeof CALLBACK_STATUSES)[number];

/** A validated callback: `generation_id` is the job id whatever the family calls it. */
export interface CallbackPayload extends IDataObject {
	generation_id: string;
	status: CallbackStatus;
}

export type ParseResult =
	| { ok: true; payload: CallbackPayload; family: Family }
	| { ok: false; errors: string[]; ambiguous?: Family[] };

export function isTerminalStatus(status: unknown): status is CallbackStatus {
	return status === 'completed' || status === 'failed';
}

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
