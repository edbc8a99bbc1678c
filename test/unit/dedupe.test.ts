import type { IDataObject } from 'n8n-workflow';

import { DEDUPE_TTL_MS, MAX_REMEMBERED, claim, forgetAll, persist, release } from '../../nodes/RunBlobTrigger/dedupe';

describe('callback de-duplication', () => {
	beforeEach(() => forgetAll());

	it('claims a key once, per trigger', () => {
		const staticData: IDataObject = {};
		expect(claim('wf1:node', 'g1:completed', staticData)).toBe(true);
		expect(claim('wf1:node', 'g1:completed', staticData)).toBe(false);
		expect(claim('wf1:node', 'g1:failed', staticData)).toBe(true);
		expect(claim('wf2:node', 'g1:completed', staticData)).toBe(true);
	});

	it('gives a released claim back', () => {
		expect(claim('s', 'k', {})).toBe(true);
		release('s', 'k');
		expect(claim('s', 'k', {})).toBe(true);
	});

	it('remembers persisted keys across a restart (fresh memory)', () => {
		const staticData: IDataObject = {};
		const now = 1_000_000;
		expect(claim('s', 'k', staticData, now)).toBe(true);
		persist('k', staticData, now);
		forgetAll();
		expect(claim('s', 'k', staticData, now + 1000)).toBe(false);
		expect(claim('s', 'k', staticData, now + DEDUPE_TTL_MS + 1)).toBe(true);
	});

	it('stays bounded', () => {
		const staticData: IDataObject = {};
		const now = 5_000_000;
		for (let i = 0; i < MAX_REMEMBERED + 50; i++) {
			claim('s', `k${i}`, staticData, now + i);
			persist(`k${i}`, staticData, now + i);
		}
		expect(Object.keys(staticData.runblobSeenCallbacks as object)).toHaveLength(MAX_REMEMBERED);
		forgetAll();
		expect(claim('s', 'k0', staticData, now + MAX_REMEMBERED + 60)).toBe(true);
		expect(claim('s', `k${MAX_REMEMBERED + 49}`, staticData, now + MAX_REMEMBERED + 60)).toBe(false);
	});
});
