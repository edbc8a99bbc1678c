/**
 * Remembers which (generation_id, status) callbacks already started an execution, so RunBlob's retries and duplicate
 * deliveries start at most one. Checked and marked synchronously, so concurrent duplicates are caught too.
 *
 * In memory, per n8n process: a trigger's webhook() cannot persist anything (n8n saves workflow static data only when
 * an execution changes it, not when a webhook handler does), so a restart forgets. Bounded: entries expire after
 * DEDUPE_TTL_MS — far beyond RunBlob's 15.5-minute retry window — and only the newest MAX_REMEMBERED are kept.
 */

export const DEDUPE_TTL_MS = 72 * 3600 * 1000;
export const MAX_REMEMBERED = 5000;

const memory = new Map<string, Map<string, number>>();

/** Entries are inserted in expiry order, so expired and surplus ones are always at the front. */
function prune(entries: Map<string, number>, now: number): void {
	for (const [key, expires] of entries) {
		if (expires > now && entries.size < MAX_REMEMBERED) break;
		entries.delete(key);
	}
}

/** Claims a callback key for a trigger (`scope`). Returns false when it was already claimed: a duplicate. */
export function claim(scope: string, key: string, now = Date.now()): boolean {
	let entries = memory.get(scope);
	if (!entries) {
		entries = new Map();
		memory.set(scope, entries);
	}
	prune(entries, now);
	const expires = entries.get(key);
	if (expires !== undefined && expires > now) return false;
	entries.delete(key); // re-insert at the back to keep expiry order
	entries.set(key, now + DEDUPE_TTL_MS);
	return true;
}

/** Gives a claim back, for a callback that was rejected after claiming (so RunBlob's retry can still succeed). */
export function release(scope: string, key: string): void {
	memory.get(scope)?.delete(key);
}

/** Forgets everything, as a restart does. */
export function forgetAll(): void {
	memory.clear();
}

/** How many keys a trigger currently remembers. */
export function rememberedCount(scope: string): number {
	return memory.get(scope)?.size ?? 0;
}
