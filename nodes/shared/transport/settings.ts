import type { IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

import { resumeSigningKey } from './resumeKey';

/** The credential's non-auth settings (requests are authenticated only by n8n's `authenticate`). */

export const CREDENTIAL_TYPE = 'runBlobApi';
export const DEFAULT_BASE_URL = 'https://platform.runblob.io';

export type RunBlobContext = IExecuteFunctions | IWebhookFunctions;

export interface RunBlobSettings {
	baseUrl: string;
	/** The credential's Callback Secret ('' when unset): signs trigger URLs. */
	callbackSecret: string;
	/** Signs the resume URLs of waiting runs (see resumeKey.ts). */
	resumeSigningKey: string;
}

export async function getSettings(ctx: RunBlobContext): Promise<RunBlobSettings> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const callbackSecret = ((credentials.callbackSecret as string | undefined) ?? '').trim();
	return {
		baseUrl: normaliseBaseUrl(credentials.baseUrl as string | undefined),
		callbackSecret,
		resumeSigningKey: resumeSigningKey(String(credentials.apiKey ?? ''), callbackSecret),
	};
}

export function normaliseBaseUrl(baseUrl: string | undefined): string {
	const value = (baseUrl ?? '').trim() || DEFAULT_BASE_URL;
	return value.replace(/\/+$/, '');
}
