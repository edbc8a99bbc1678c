import { TtlMap } from '../shared/ttlMap';

/**
 * In-process claims on callback keys (generation_id + status), so concurrent and repeated deliveries of one callback
 * start at most one execution. A key is either *in flight* (a delivery owns it and is still deciding) or *started*
 * (its delivery handed an execution to n8n). Only a started key makes later deliveries duplicates; a delivery that
 * finds its twin in flight waits for the twin's outcome (see RunBlobTrigger's handler), because answering
 * "duplicate" before an execution exists would let RunBlob stop retrying a callback that may still be rejected.
 *
 * Per process and lost on restart: the durable record of started keys is `deliveredStore` (workflow static data).
 * Bounded: started keys expire after DEDUPE_TTL_MS — far beyond RunBlob's 15.5-minute retry window — and only the
 * MAX_REMEMBERED most recently used are kept; an in-flight claim that is never settled expires after IN_FLIGHT_TTL_MS.
 */

export const DEDUPE_TTL_MS = 72 * 3600 * 1000;
export const MAX_REMEMBERED = 5000;
export const IN_FLIGHT_TTL_MS = 120_000;

interface Entry {
	/** When the execution was handed to n8n; undefined while in flight. */
	startedAt?: number;
	/** Resolves with true (started) or false (given back) when the owning delivery settles. */
	outcome?: Promise<boolean>;
	settle?: (started: boolean) => void;
}

export type Claim =
	| { kind: 'owner'; settle: (started: boolean) => void }
	| { kind: 'started' }
	| { kind: 'inFlight'; outcome: Promise<boolean> };

/** Per trigger (`scope`): its callback keys. */
export const rememberedKeys = new Map<string, TtlMap<string, Entry>>();

function entriesOf(scope: string): TtlMap<string, Entry> {
	let entries = rememberedKeys.get(scope);
	if (!entries) {
		entries = new TtlMap<string, Entry>({
			ttlMs: DEDUPE_TTL_MS,
			capacity: MAX_REMEMBERED,
			// An abandoned or expired in-flight claim: wake its waiters, who try again.
			onEvict: (_key, entry) => entry.settle?.(false),
		});
		rememberedKeys.set(scope, entries);
	}
	return entries;
}

/** Claims a callback key for a trigger (`scope`): the caller owns it, or it is started, or a twin owns it. */
export function claim(scope: string, key: string, now = Date.now()): Claim {
	const entries = entriesOf(scope);
	const existing = entries.get(key, now);
	if (existing) {
		if (existing.startedAt !== undefined) return { kind: 'started' };
		return { kind: 'inFlight', outcome: existing.outcome! };
	}
	let resolve!: (started: boolean) => void;
	const outcome = new Promise<boolean>((done) => (resolve = done));
	const entry: Entry = { outcome };
	entry.settle = (started: boolean) => {
		if (entry.settle === undefined) return; // settled already
		entry.settle = undefined;
		entry.outcome = undefined;
		if (entries.get(key) === entry) entries.delete(key);
		if (started) markStarted(scope, key);
		resolve(started);
	};
	entries.set(key, entry, now, IN_FLIGHT_TTL_MS);
	return { kind: 'owner', settle: entry.settle };
}

/** Records that a key's execution was handed to n8n (also used for keys found in the durable record). */
export function markStarted(scope: string, key: string, now = Date.now()): void {
	entriesOf(scope).set(key, { startedAt: now }, now, DEDUPE_TTL_MS);
}

/** Started keys of a trigger with the time their execution started, oldest first. */
export function startedKeys(scope: string, now = Date.now()): Array<[string, number]> {
	const started: Array<[string, number]> = [];
	for (const [key, entry] of rememberedKeys.get(scope)?.entries(now) ?? []) {
		if (entry.startedAt !== undefined) started.push([key, entry.startedAt]);
	}
	return started.sort((a, b) => a[1] - b[1]);
}
