import { createHmac } from 'crypto';

/**
 * The key that signs the resume URLs of waiting runs: the Callback Secret, or else a key derived from the API key, so
 * a waiting run is never resumable by someone who merely guesses its URL — even without a Callback Secret.
 */
export function resumeSigningKey(apiKey: string, callbackSecret: string): string {
	if (callbackSecret) return callbackSecret;
	return createHmac('sha256', apiKey).update('runblob-resume-url-signing-v1').digest('base64url');
}
