import type { FailureFacts } from './types';

/**
 * What RunBlob's pages say about failed jobs, per family (reference §0 Billing and the family sections): whether a
 * failure is refunded, and which failure reasons a new attempt cannot fix (content policy, moderation, bad input).
 * "Resubmit Failed Generations" resubmits only the other failures.
 */

/** Codes RunBlob lists as content or user errors: the same request would fail the same way. */
export const CONTENT_AND_INPUT_CODES = [
	'CONTENT_POLICY_VIOLATION',
	'MODERATION_FAILED',
	'UNSAFE_CONTENT',
	'NON_ENGLISH_PROMPT',
	'PROMINENT_PEOPLE_UPLOAD',
	'PHOTOREAL_UPLOAD',
	'INVALID_IMAGE',
	'IMAGE_TOO_LARGE',
	'UNSUPPORTED_IMAGE_FORMAT',
	'IMAGE_INACCESSIBLE',
	'INVALID_PARAMETERS',
	'TOO_MANY_IMAGES',
	'MIXED_IMAGE_INPUTS',
	'INVALID_DURATION',
	'INVALID_MODEL',
	'INSUFFICIENT_CREDITS',
];

/** A failure reason is permanent when it carries one of `codes` (as the whole reason or inside it). */
export function failureFacts(
	refund: FailureFacts['refund'],
	codes: string[] = CONTENT_AND_INPUT_CODES,
	textPatterns: RegExp[] = [],
): FailureFacts {
	return {
		refund,
		isPermanent(reason) {
			if (!reason) return false;
			const upper = reason.toUpperCase();
			return (
				codes.some((code) => upper.includes(code)) ||
				textPatterns.some((pattern) => pattern.test(reason))
			);
		},
	};
}
