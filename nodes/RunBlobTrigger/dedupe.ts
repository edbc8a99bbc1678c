import type { IDataObject } from 'n8n-workflow';

/**
 * Remembers which (generation_id, status) callbacks already started an execution, so RunBlob's retries and duplicate
 * deliveries start at most one. Two layers:
 * - an in-process map, checked and marked synchronously, which catches concurrent duplicates at once;
 * - the trigger's workflow static data, which n8n saves with the execution, so duplicates are still recognised after
 *   a restart or on another instance once that execution has been saved.
 * Both are bounded: entries expire after DEDUPE_TTL_MS and only the newest MAX_REMEMBERED are kept.
 */

export const DEDUPE_TTL_MS = 72 * 3600 * 1000;
export const MAX_REMEMBERED = 5000;

const STATIC_KEY = 'runblobSeenCallbacks';

const memory = new Map<string, Map<string, number>>();

function scopeMap(scope: string): Map<string, number> {
	let map = memory.get(scope);
	if (!map) {
		map = new Map();
		memory.set(scope, map);
	}
	return map;
}

/** Entries are inserted in expiry order, so expired and surplus ones are always at the front. */
function prune(entries: Map<string, number>, now: number): void {
	for (const [key, expires] of entries) {
		if (expires > now && entries.size < MAX_REMEMBERED) break;
		entries.delete(key);
	}
}

function staticEntries(staticData: IDataObject): Record<string, number> {
	const value = staticData[STATIC_KEY];
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, number>) : {};
}

/**
 * Claims a callback key. Returns false when it was already claimed (a duplicate). Synchronous on purpose: no other
 * request can run between the check and the mark.
 */
export function claim(scope: string, key: string, staticData: IDataObject, now = Date.now()): boolean {
	const entries = scopeMap(scope);
	prune(entries, now);
	const inMemory = entries.get(key);
	const persisted = staticEntries(staticData)[key];
	if ((inMemory !== undefined && inMemory > now) || (persisted !== undefined && persisted > now)) return false;
	entries.set(key, now + DEDUPE_TTL_MS);
	return true;
}

/** Gives a claim back, for a callback that was rejected after claiming (so RunBlob's retry can still succeed). */
export function release(scope: string, key: string): void {
	memory.get(scope)?.delete(key);
}

/** Records the claim in static data (saved by n8n with the execution this callback starts). */
export function persist(key: string, staticData: IDataObject, now = Date.now()): void {
	const kept = Object.entries(staticEntries(staticData))
		.filter(([, expires]) => expires > now)
		.sort((a, b) => b[1] - a[1])
		.slice(0, MAX_REMEMBERED - 1);
	staticData[STATIC_KEY] = Object.fromEntries([[key, now + DEDUPE_TTL_MS], ...kept]);
}

/** For tests. */
export function forgetAll(): void {
	memory.clear();
}
