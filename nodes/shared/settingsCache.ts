import type { IWebhookFunctions } from 'n8n-workflow';

import type { RunBlobSettings } from './transport';
import { CREDENTIAL_TYPE, getSettings } from './transport';
import { TtlMap } from './ttlMap';

/**
 * The credential's verification material (Callback Secret, resume signing key, Base URL), kept per process for the
 * webhook handlers. On n8n 2.41 every getCredentials() acquires an expression isolate, so reading the credential on
 * each callback doubles what a duplicate or a forged callback costs n8n. Per process rather than in the workflow's
 * static data (as n8n's Stripe Trigger keeps its webhook secret): static data is written only when an execution
 * starts, would put the secret into the workflow record in clear text, and would not notice a credential edit at all.
 *
 * When the credential changes: an entry is trusted for SETTINGS_TTL_MS; a signature that fails with the cached secret
 * re-reads the credential at once (at most every REFRESH_MIN_INTERVAL_MS per credential, so a flood of forgeries
 * cannot make every request expensive). So URLs signed with a new secret work immediately, and URLs signed with a
 * retired secret stop working within SETTINGS_TTL_MS.
 */

export const SETTINGS_TTL_MS = 60_000;
export const REFRESH_MIN_INTERVAL_MS = 10_000;

interface Entry {
	settings: RunBlobSettings;
	fetchedAt: number;
}

/** By credential id; an entry lives SETTINGS_TTL_MS (a restart forgets them all). */
export const cachedSettings = new TtlMap<string, Entry>({
	ttlMs: SETTINGS_TTL_MS,
	capacity: 1_000,
});

/** Which credential the node uses; '' when n8n does not say (then nothing is cached). */
function credentialKey(ctx: IWebhookFunctions): string {
	const ref = ctx.getNode().credentials?.[CREDENTIAL_TYPE];
	return ref?.id ? `${ref.id}` : '';
}

async function fetchInto(
	ctx: IWebhookFunctions,
	key: string,
	now: number,
): Promise<RunBlobSettings> {
	const settings = await getSettings(ctx);
	if (key) cachedSettings.set(key, { settings, fetchedAt: now }, now);
	return settings;
}

/** The settings, from this process's cache when they are fresh. `cached` says whether they came from the cache. */
export async function webhookSettings(
	ctx: IWebhookFunctions,
	now = Date.now(),
): Promise<{ settings: RunBlobSettings; cached: boolean }> {
	const key = credentialKey(ctx);
	const entry = key ? cachedSettings.get(key, now) : undefined;
	if (entry) return { settings: entry.settings, cached: true };
	return { settings: await fetchInto(ctx, key, now), cached: false };
}

/**
 * Re-reads the credential after cached material rejected a request, unless it was read less than
 * REFRESH_MIN_INTERVAL_MS ago. Resolves with the fresh settings, or undefined when no re-read was allowed.
 */
export async function refreshWebhookSettings(
	ctx: IWebhookFunctions,
	now = Date.now(),
): Promise<RunBlobSettings | undefined> {
	const key = credentialKey(ctx);
	const entry = key ? cachedSettings.get(key, now) : undefined;
	if (entry && now - entry.fetchedAt < REFRESH_MIN_INTERVAL_MS) return undefined;
	return await fetchInto(ctx, key, now);
}

/**
 * The settings a webhook request is checked with, and the check's outcome. The settings come from the cache; when the
 * cached material rejects the request, the credential is read again (rate-limited, see above) and the request
 * re-checked, so a changed secret or API key takes effect at once.
 */
export async function checkWithSettings<T>(
	ctx: IWebhookFunctions,
	check: (settings: RunBlobSettings) => T,
	rejects: (outcome: T) => boolean,
): Promise<{ settings: RunBlobSettings; outcome: T }> {
	const current = await webhookSettings(ctx);
	const outcome = check(current.settings);
	if (!current.cached || !rejects(outcome)) return { settings: current.settings, outcome };
	const fresh = await refreshWebhookSettings(ctx);
	return fresh
		? { settings: fresh, outcome: check(fresh) }
		: { settings: current.settings, outcome };
}
