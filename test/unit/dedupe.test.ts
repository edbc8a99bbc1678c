import { DEDUPE_TTL_MS, IN_FLIGHT_TTL_MS, MAX_REMEMBERED, claim, markStarted, rememberedKeys, startedKeys } from '../../nodes/RunBlobTrigger/dedupe';
import { forgetDeliveries } from '../helpers/processMemory';

/** Claims and, when owned, settles at once (the shape of a delivery that decides synchronously). */
function deliver(scope: string, key: string, started: boolean, now?: number): string {
	const turn = claim(scope, key, now);
	if (turn.kind === 'owner') turn.settle(started);
	return turn.kind;
}

describe('callback claims', () => {
	beforeEach(() => forgetDeliveries());

	it('a started key is a duplicate, per trigger and per status', () => {
		expect(deliver('wf1:node', 'g1:completed', true)).toBe('owner');
		expect(deliver('wf1:node', 'g1:completed', true)).toBe('started');
		expect(deliver('wf1:node', 'g1:failed', true)).toBe('owner');
		expect(deliver('wf2:node', 'g1:completed', true)).toBe('owner');
	});

	it('a key given back (the delivery was rejected) can be claimed again', () => {
		expect(deliver('s', 'k', false)).toBe('owner');
		expect(deliver('s', 'k', true)).toBe('owner');
		expect(deliver('s', 'k', true)).toBe('started');
	});

	it('a twin of a delivery still in flight is told so — never "started" — and learns the outcome', async () => {
		const first = claim('s', 'k');
		expect(first.kind).toBe('owner');
		const twin = claim('s', 'k');
		expect(twin.kind).toBe('inFlight');
		if (first.kind !== 'owner' || twin.kind !== 'inFlight') return;
		first.settle(false);
		await expect(twin.outcome).resolves.toBe(false);
		// given back: the twin may now own it
		const retry = claim('s', 'k');
		expect(retry.kind).toBe('owner');
		const third = claim('s', 'k');
		if (retry.kind !== 'owner' || third.kind !== 'inFlight') throw new Error('unexpected claim states');
		retry.settle(true);
		await expect(third.outcome).resolves.toBe(true);
		expect(claim('s', 'k').kind).toBe('started');
	});

	it('settling twice changes nothing', () => {
		const turn = claim('s', 'k');
		if (turn.kind !== 'owner') throw new Error('expected owner');
		turn.settle(true);
		turn.settle(false);
		expect(claim('s', 'k').kind).toBe('started');
	});

	it('an in-flight claim that is never settled lapses, waking its waiters', async () => {
		const now = 1_000_000;
		expect(claim('s', 'k', now).kind).toBe('owner');
		const twin = claim('s', 'k', now + 1);
		if (twin.kind !== 'inFlight') throw new Error('expected inFlight');
		expect(claim('s', 'k', now + IN_FLIGHT_TTL_MS + 1).kind).toBe('owner');
		await expect(twin.outcome).resolves.toBe(false);
	});

	it('remembers a started key for the TTL, then lets it through again', () => {
		const now = 1_000_000;
		expect(deliver('s', 'k', true, now)).toBe('owner');
		markStarted('s', 'k', now);
		expect(claim('s', 'k', now + DEDUPE_TTL_MS - 1).kind).toBe('started');
		expect(claim('s', 'k', now + DEDUPE_TTL_MS + 1).kind).toBe('owner');
	});

	it('lists started keys with their start times, not in-flight ones', () => {
		markStarted('s', 'a', 1000);
		markStarted('s', 'b', 2000);
		claim('s', 'c', 2500);
		expect(startedKeys('s', 3000)).toEqual([
			['a', 1000],
			['b', 2000],
		]);
	});

	it('forgets on restart', () => {
		deliver('s', 'k', true);
		forgetDeliveries();
		expect(deliver('s', 'k', true)).toBe('owner');
	});

	it('stays bounded, dropping the oldest keys first', () => {
		const now = 5_000_000;
		for (let i = 0; i < MAX_REMEMBERED + 50; i++) markStarted('s', `k${i}`, now + i);
		expect(rememberedKeys.get('s')?.size).toBe(MAX_REMEMBERED);
		expect(claim('s', 'k0', now + MAX_REMEMBERED + 60).kind).toBe('owner');
		expect(claim('s', `k${MAX_REMEMBERED + 49}`, now + MAX_REMEMBERED + 61).kind).toBe('started');
	});
});
