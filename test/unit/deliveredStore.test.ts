import type { IDataObject } from 'n8n-workflow';

import {
	MAX_PERSISTED,
	PERSISTED_TTL_MS,
	STATIC_KEY,
	recordDelivered,
	wasDelivered,
} from '../../nodes/RunBlobTrigger/deliveredStore';

const NOW = Date.UTC(2026, 11, 1, 12, 0, 0);

describe('durable record of delivered callbacks (workflow static data)', () => {
	it('records a key with its start time in seconds and finds it again', () => {
		const store: IDataObject = {};
		expect(wasDelivered(store, 'g:completed', NOW)).toBe(false);
		recordDelivered(store, 'g:completed', [], NOW);
		expect(store[STATIC_KEY]).toEqual({ 'g:completed': NOW / 1000 });
		expect(wasDelivered(store, 'g:completed', NOW + 1000)).toBe(true);
		expect(wasDelivered(store, 'g:failed', NOW + 1000)).toBe(false);
	});

	it('survives a JSON round trip (what n8n stores in its database)', () => {
		const store: IDataObject = {};
		recordDelivered(store, 'g:completed', [], NOW);
		const reloaded = JSON.parse(JSON.stringify(store)) as IDataObject;
		expect(wasDelivered(reloaded, 'g:completed', NOW + 15.5 * 60_000)).toBe(true);
	});

	it('forgets keys older than the retention, on lookup and on the next write', () => {
		const store: IDataObject = {};
		recordDelivered(store, 'old:completed', [], NOW);
		const later = NOW + PERSISTED_TTL_MS + 1000;
		expect(wasDelivered(store, 'old:completed', later)).toBe(false);
		recordDelivered(store, 'new:completed', [], later);
		expect(Object.keys(store[STATIC_KEY] as IDataObject)).toEqual(['new:completed']);
	});

	it('keeps at most MAX_PERSISTED keys, the newest', () => {
		const store: IDataObject = {};
		for (let i = 0; i <= MAX_PERSISTED; i++) recordDelivered(store, `k${i}`, [], NOW + i * 1000);
		const keys = Object.keys(store[STATIC_KEY] as IDataObject);
		expect(keys).toHaveLength(MAX_PERSISTED);
		expect(keys).not.toContain('k0');
		expect(keys).toContain(`k${MAX_PERSISTED}`);
	});

	it('re-adds keys this process started, healing a record overwritten by a concurrent save', () => {
		const store: IDataObject = {}; // another request's save dropped 'a'
		recordDelivered(store, 'b:completed', [['a:completed', NOW - 5000]], NOW);
		expect(wasDelivered(store, 'a:completed', NOW)).toBe(true);
		expect(store[STATIC_KEY]).toEqual({ 'a:completed': (NOW - 5000) / 1000, 'b:completed': NOW / 1000 });
	});

	it('ignores a malformed record instead of failing', () => {
		const store: IDataObject = { [STATIC_KEY]: ['not', 'an', 'object'] };
		expect(wasDelivered(store, 'g:completed', NOW)).toBe(false);
		recordDelivered(store, 'g:completed', [], NOW);
		expect(wasDelivered(store, 'g:completed', NOW)).toBe(true);
	});
});
