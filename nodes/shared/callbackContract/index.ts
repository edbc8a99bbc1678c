/**
 * The one definition of RunBlob's callback contract, shared by the RunBlob node (callback URLs it issues, its wait
 * mode) and the RunBlob Trigger: the payload each family may send (payload.ts), reading a callback request and
 * answering it (request.ts, answer.ts), and the signature of the URLs we hand RunBlob (signature.ts).
 */

export type { Rejection } from './answer';
export { ANSWER_BUDGET, acknowledge, answerDeadline, respond, retryLater } from './answer';
export { normaliseGenerationId } from './generationId';
export type { CallbackPayload, CallbackStatus, ParseResult } from './payload';
export { CALLBACK_STATUSES, isTerminalStatus, parseCallbackPayload } from './payload';
export type { CallbackRequestResult } from './request';
export { MAX_CALLBACK_BYTES, isJsonContentType, readCallbackRequest } from './request';
export type { SignatureCheck } from './signature';
export {
	SIGNATURE_MAX_AGE_SECONDS,
	SIGNATURE_QUERY,
	callbackAudience,
	signCallbackUrl,
	verifyCallbackSignature,
} from './signature';
