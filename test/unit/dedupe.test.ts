import { DEDUPE_TTL_MS, MAX_REMEMBERED, claim, forgetAll, rememberedCount, release } from '../../nodes/RunBlobTrigger/dedupe';

describe('callback de-duplication', () => {
	beforeEach(() => forgetAll());

	it('claims a key once, per trigger', () => {
		expect(claim('wf1:node', 'g1:completed')).toBe(true);
		expect(claim('wf1:node', 'g1:completed')).toBe(false);
		expect(claim('wf1:node', 'g1:failed')).toBe(true);
		expect(claim('wf2:node', 'g1:completed')).toBe(true);
	});

	it('gives a released claim back', () => {
		expect(claim('s', 'k')).toBe(true);
		release('s', 'k');
		expect(claim('s', 'k')).toBe(true);
	});

	it('remembers for the TTL, then lets the key through again', () => {
		const now = 1_000_000;
		expect(claim('s', 'k', now)).toBe(true);
		expect(claim('s', 'k', now + DEDUPE_TTL_MS - 1)).toBe(false);
		expect(claim('s', 'k', now + DEDUPE_TTL_MS + 1)).toBe(true);
	});

	it('forgets on restart', () => {
		expect(claim('s', 'k')).toBe(true);
		forgetAll();
		expect(claim('s', 'k')).toBe(true);
	});

	it('stays bounded, dropping the oldest keys first', () => {
		const now = 5_000_000;
		for (let i = 0; i < MAX_REMEMBERED + 50; i++) claim('s', `k${i}`, now + i);
		expect(rememberedCount('s')).toBe(MAX_REMEMBERED);
		expect(claim('s', 'k0', now + MAX_REMEMBERED + 60)).toBe(true);
		expect(claim('s', `k${MAX_REMEMBERED + 49}`, now + MAX_REMEMBERED + 61)).toBe(false);
	});
});
