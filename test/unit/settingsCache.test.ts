import type { IWebhookFunctions } from 'n8n-workflow';

import { REFRESH_MIN_INTERVAL_MS, SETTINGS_TTL_MS, refreshWebhookSettings, webhookSettings } from '../../nodes/shared/settingsCache';
import { forgetWebhookSettings } from '../helpers/processMemory';

/** A webhook context whose credential the test can edit; counts getCredentials() calls (an isolate each on 2.41). */
function context(credentialId: string | undefined, data: Record<string, string>) {
	const ctx = {
		reads: 0,
		data,
		getNode: () => ({ credentials: credentialId ? { runBlobApi: { id: credentialId, name: 'RunBlob' } } : {} }),
		getCredentials: async () => {
			ctx.reads++;
			return { ...ctx.data };
		},
	};
	return ctx;
}
const as = (ctx: ReturnType<typeof context>) => ctx as unknown as IWebhookFunctions;

describe('per-process credential settings for webhook handlers', () => {
	beforeEach(() => forgetWebhookSettings());
	const now = 1_000_000;

	it('reads the credential once per SETTINGS_TTL_MS', async () => {
		const ctx = context('cred1', { apiKey: 'k', callbackSecret: 's1', baseUrl: 'https://api.example.test/' });
		const first = await webhookSettings(as(ctx), now);
		expect(first).toEqual({ cached: false, settings: expect.objectContaining({ callbackSecret: 's1', baseUrl: 'https://api.example.test' }) });
		for (let i = 0; i < 100; i++) expect((await webhookSettings(as(ctx), now + i)).cached).toBe(true);
		expect(ctx.reads).toBe(1);
		expect((await webhookSettings(as(ctx), now + SETTINGS_TTL_MS)).cached).toBe(false);
		expect(ctx.reads).toBe(2);
	});

	it('an edited credential: a refresh after a rejection sees it, but at most every REFRESH_MIN_INTERVAL_MS', async () => {
		const ctx = context('cred1', { apiKey: 'k', callbackSecret: 's1' });
		await webhookSettings(as(ctx), now);
		ctx.data.callbackSecret = 's2';
		expect((await webhookSettings(as(ctx), now + 5)).settings.callbackSecret).toBe('s1'); // cached
		expect(await refreshWebhookSettings(as(ctx), now + REFRESH_MIN_INTERVAL_MS - 1)).toBeUndefined();
		expect((await refreshWebhookSettings(as(ctx), now + REFRESH_MIN_INTERVAL_MS))?.callbackSecret).toBe('s2');
		expect((await webhookSettings(as(ctx), now + REFRESH_MIN_INTERVAL_MS + 1)).settings.callbackSecret).toBe('s2');
		expect(ctx.reads).toBe(2);
	});

	it('credentials are cached apart by id; without an id nothing is cached', async () => {
		const a = context('a', { apiKey: 'k', callbackSecret: 'sa' });
		const b = context('b', { apiKey: 'k', callbackSecret: 'sb' });
		expect((await webhookSettings(as(a), now)).settings.callbackSecret).toBe('sa');
		expect((await webhookSettings(as(b), now)).settings.callbackSecret).toBe('sb');
		expect((await webhookSettings(as(a), now)).settings.callbackSecret).toBe('sa');
		const anonymous = context(undefined, { apiKey: 'k' });
		await webhookSettings(as(anonymous), now);
		expect((await webhookSettings(as(anonymous), now)).cached).toBe(false);
		expect(anonymous.reads).toBe(2);
	});
});
