import type { IDataObject } from 'n8n-workflow';

/**
 * The durable record of callbacks that started an execution, kept in the trigger node's workflow static data so a
 * duplicate is recognised after an n8n restart and on another n8n process (queue mode). n8n saves static data changed
 * in a production webhook's webhook() when it returns (LiveWebhooks → saveStaticData, on 2.8 and 2.41).
 *
 * Shape: `{ [generation_id:status]: epoch seconds of the execution start }`. Bounded: entries older than
 * PERSISTED_TTL_MS are dropped and at most MAX_PERSISTED (the newest) are kept — RunBlob's whole retry window
 * (15.5 minutes) for up to MAX_PERSISTED callbacks per trigger.
 *
 * n8n writes the whole static-data blob, so two requests saving at the same moment can overwrite each other's key;
 * every write therefore also re-adds the keys this process started (see dedupe), which heals such a loss at the next
 * write from this process.
 */

export const STATIC_KEY = 'runblobSeenCallbacks';
export const PERSISTED_TTL_MS = 72 * 3600 * 1000;
export const MAX_PERSISTED = 2000;

type Delivered = { [key: string]: number };

function recordOf(store: IDataObject): Delivered {
	const value = store[STATIC_KEY];
	return value && typeof value === 'object' && !Array.isArray(value) ? (value as Delivered) : {};
}

/** Whether a key started an execution within the retention window. */
export function wasDelivered(store: IDataObject, key: string, now = Date.now()): boolean {
	const seconds = recordOf(store)[key];
	return typeof seconds === 'number' && seconds * 1000 > now - PERSISTED_TTL_MS;
}

/**
 * Adds `key` (started now) plus `alsoStarted` ([key, epoch ms] pairs this process knows of), then prunes by age and
 * count. Assigns a new object, which marks the static data as changed for n8n.
 */
export function recordDelivered(
	store: IDataObject,
	key: string,
	alsoStarted: Array<[string, number]> = [],
	now = Date.now(),
): void {
	const merged = new Map<string, number>(Object.entries(recordOf(store)));
	for (const [known, atMs] of alsoStarted) {
		const seconds = Math.floor(atMs / 1000);
		if (!((merged.get(known) ?? 0) >= seconds)) merged.set(known, seconds);
	}
	merged.set(key, Math.floor(now / 1000));
	const oldest = Math.floor((now - PERSISTED_TTL_MS) / 1000);
	const kept = [...merged]
		.filter(([, seconds]) => typeof seconds === 'number' && seconds > oldest)
		.sort((a, b) => a[1] - b[1])
		.slice(-MAX_PERSISTED);
	store[STATIC_KEY] = Object.fromEntries(kept);
}
