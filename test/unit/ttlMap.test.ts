import { TtlMap } from '../../nodes/shared/ttlMap';

describe('TtlMap: the per-process memories of the nodes', () => {
	const now = 1_000_000;

	it('returns a value until it expires, then forgets it', () => {
		const map = new TtlMap<string, number>({ ttlMs: 1000, capacity: 10 });
		map.set('a', 1, now);
		expect(map.get('a', now + 999)).toBe(1);
		expect(map.has('a', now + 999)).toBe(true);
		expect(map.get('a', now + 1000)).toBeUndefined();
		expect(map.has('a', now + 1000)).toBe(false);
		expect(map.size).toBe(0);
	});

	it('set() renews the life of an entry; a ttl given to set() overrides the default', () => {
		const map = new TtlMap<string, number>({ ttlMs: 1000, capacity: 10 });
		map.set('a', 1, now);
		map.set('a', 2, now + 900);
		expect(map.get('a', now + 1800)).toBe(2);
		map.set('b', 3, now, 50);
		expect(map.has('b', now + 49)).toBe(true);
		expect(map.has('b', now + 50)).toBe(false);
	});

	it('over capacity, evicts the least recently used entry (a read counts as a use)', () => {
		const map = new TtlMap<string, number>({ ttlMs: 1000, capacity: 3 });
		map.set('a', 1, now);
		map.set('b', 2, now);
		map.set('c', 3, now);
		expect(map.get('a', now)).toBe(1); // now b is the least recently used
		map.set('d', 4, now);
		expect(map.size).toBe(3);
		expect(map.has('b', now)).toBe(false);
		expect([...map.entries(now)].map(([key]) => key)).toEqual(['c', 'a', 'd']);
	});

	it('has() does not count as a use', () => {
		const map = new TtlMap<string, number>({ ttlMs: 1000, capacity: 2 });
		map.set('a', 1, now);
		map.set('b', 2, now);
		expect(map.has('a', now)).toBe(true);
		map.set('c', 3, now);
		expect(map.has('a', now)).toBe(false);
		expect(map.has('b', now)).toBe(true);
	});

	it('drops expired entries at the front when a new one is set, even under capacity', () => {
		const map = new TtlMap<string, number>({ ttlMs: 1000, capacity: 10 });
		map.set('old', 1, now);
		map.set('new', 2, now + 2000);
		expect(map.size).toBe(1);
		expect([...map.entries(now + 2000)]).toEqual([['new', 2]]);
	});

	it('weighs entries when asked: the capacity bounds the total weight, never evicting the entry just set', () => {
		const map = new TtlMap<string, number[]>({ ttlMs: 1000, capacity: 5, weigh: (list) => list.length });
		map.set('a', [1, 2], now);
		map.set('b', [1, 2], now);
		map.set('c', [1, 2], now);
		expect(map.has('a', now)).toBe(false);
		expect(map.has('b', now)).toBe(true);
		map.set('huge', [1, 2, 3, 4, 5, 6], now);
		expect([...map.entries(now)].map(([key]) => key)).toEqual(['huge']);
	});

	it('tells onEvict about entries it drops by itself, not about delete(), clear() or a replacement', () => {
		const evicted: string[] = [];
		const map = new TtlMap<string, number>({
			ttlMs: 1000,
			capacity: 2,
			onEvict: (key) => evicted.push(key),
		});
		map.set('a', 1, now);
		map.set('a', 2, now);
		map.set('b', 1, now);
		map.set('c', 1, now); // evicts a
		expect(map.get('b', now + 1000)).toBeUndefined(); // b expired
		map.delete('c');
		map.set('d', 1, now);
		map.clear();
		expect(evicted).toEqual(['a', 'b']);
		expect(map.size).toBe(0);
	});
});
