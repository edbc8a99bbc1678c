/**
 * A small map whose entries expire and whose size is bounded: the per-process memories of the nodes (credential
 * settings, resume claims, reported final statuses, trigger deliveries). No timers (node code may not keep any):
 * an expired entry is dropped when it is read or when it reaches the front. Map order is recency order: set() and
 * get() move an entry to the back, so when the map is over capacity the least recently used entries go first.
 */

export interface TtlMapOptions<K, V> {
	/** How long an entry lives after it was last set, unless set() names another time. */
	ttlMs: number;
	/** The most the entries may weigh together (with the default weight of 1: the most entries). */
	capacity: number;
	/** How much of the capacity a value takes, read when it is set (default 1). */
	weigh?: (value: V) => number;
	/** Called for an entry the map drops by itself (expired or evicted); not for delete(), clear() or a replacement. */
	onEvict?: (key: K, value: V) => void;
}

interface Slot<V> {
	value: V;
	expires: number;
	weight: number;
}

export class TtlMap<K, V> {
	private readonly slots = new Map<K, Slot<V>>();

	private total = 0;

	constructor(private readonly options: TtlMapOptions<K, V>) {}

	/** How many entries the map holds (expired ones not dropped yet included). */
	get size(): number {
		return this.slots.size;
	}

	/** The live value of `key`, which becomes the most recently used; undefined once expired. */
	get(key: K, now = Date.now()): V | undefined {
		const slot = this.live(key, now);
		if (!slot) return undefined;
		this.slots.delete(key);
		this.slots.set(key, slot);
		return slot.value;
	}

	/** Whether `key` has a live value (its recency is left as it is). */
	has(key: K, now = Date.now()): boolean {
		return this.live(key, now) !== undefined;
	}

	/** Sets `key` as the most recently used entry, living `ttlMs`; then drops what expired or exceeds the capacity. */
	set(key: K, value: V, now = Date.now(), ttlMs = this.options.ttlMs): this {
		this.remove(key);
		const weight = this.options.weigh?.(value) ?? 1;
		this.slots.set(key, { value, expires: now + ttlMs, weight });
		this.total += weight;
		this.prune(now, key);
		return this;
	}

	delete(key: K): boolean {
		return this.remove(key) !== undefined;
	}

	clear(): void {
		this.slots.clear();
		this.total = 0;
	}

	/** The live entries, least recently used first. */
	*entries(now = Date.now()): IterableIterator<[K, V]> {
		for (const [key, slot] of this.slots) if (slot.expires > now) yield [key, slot.value];
	}

	private live(key: K, now: number): Slot<V> | undefined {
		const slot = this.slots.get(key);
		if (slot && slot.expires <= now) {
			this.evict(key, slot);
			return undefined;
		}
		return slot;
	}

	/** Drops from the front (least recently used) while the front has expired or the map is over capacity. */
	private prune(now: number, keep: K): void {
		for (const [key, slot] of this.slots) {
			if (key === keep) break;
			if (slot.expires > now && this.total <= this.options.capacity) break;
			this.evict(key, slot);
		}
	}

	private evict(key: K, slot: Slot<V>): void {
		this.remove(key);
		this.options.onEvict?.(key, slot.value);
	}

	private remove(key: K): Slot<V> | undefined {
		const slot = this.slots.get(key);
		if (!slot) return undefined;
		this.slots.delete(key);
		this.total -= slot.weight;
		return slot;
	}
}
