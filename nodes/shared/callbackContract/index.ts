/**
 * The one definition of RunBlob's callback contract, shared by the RunBlob node (callback URLs it issues, its wait
 * mode) and the RunBlob Trigger: the payload each family may send (payload.ts), reading a callback request
 * (request.ts) and answering it (answer.ts), the signature of the URLs we hand RunBlob (signature.ts), and the form
 * of a generation id (generationId.ts).
 */

export type { Rejection } from './answer';
export { ANSWER_BUDGET, acknowledge, answerDeadline, respond, retryLater } from './answer';
export { normaliseGenerationId } from './generationId';
export type { CallbackPayload } from './payload';
export { isTerminalStatus, parseCallbackPayload } from './payload';
export { isJsonContentType, readCallbackRequest } from './request';
export {
	SIGNATURE_MAX_AGE_SECONDS,
	callbackAudience,
	signCallbackUrl,
	verifyCallbackSignature,
} from './signature';
