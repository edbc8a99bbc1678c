'use strict';
/**
 * Generation records and their lifecycle (reference §1.1–§1.4):
 *   created `pending` (progress_pos_in_queue = 1-based position among all pending generations, oldest first)
 *   → after timing.queueMs `processing` (progress_pct rising 0→99 with elapsed time)
 *   → after timing.processingMs `completed` (progress_pct 100, video_url) or `failed` (progress_pct null,
 *     error_message), decided by `outcome` at that moment
 *   → callback delivery if a callback_url was given.
 * Also owns the account balance (integer units of 1e-4 USD).
 */
const crypto = require('node:crypto');
const { isoMicro, formatUnits } = require('./util');
const { DEFAULT_ERROR_MESSAGE } = require('./options');

/**
 * @typedef {'pending'|'processing'|'completed'|'failed'} Status
 */

/**
 * @typedef {object} StatusObject the 9-key body of GET /v1/sora/generations/{id}/
 * @property {string} generation_id
 * @property {Status} status
 * @property {string} prompt
 * @property {string|null} video_url
 * @property {string} created_at
 * @property {string|null} completed_at
 * @property {number|null} progress_pct
 * @property {number|null} progress_pos_in_queue
 * @property {string|null} error_message
 */

/**
 * @typedef {StatusObject & {
 *   owner: string, orientation: string, duration: number, callback_url: string|null,
 *   image: {kind: 'base64'|'url'|null, bytes?: number, format?: string, url?: string},
 *   price: string, refunded: boolean, timing: import('./options').Timing,
 *   processing_started_at: string|null, video_path: string|null, video_size: number|null,
 *   webhook: import('./callbacks').WebhookState | null, callback_payload: Record<string, unknown> | null
 * }} GenerationRecord a snapshot as returned by sim.generations() / sim.get() / events
 */

class GenerationStore {
	/**
	 * @param {object} deps
	 * @param {import('./util').Timers} deps.timers
	 * @param {() => import('./options').ResolvedOptions} deps.opts
	 * @param {import('./callbacks').CallbackDispatcher} deps.dispatcher
	 * @param {() => string} deps.cdnBase base URL for video_url
	 * @param {(event: string, payload: unknown) => void} deps.emit
	 * @param {(msg: string) => void} deps.log
	 * @param {number} balanceUnits
	 */
	constructor(deps, balanceUnits) {
		this.deps = deps;
		/** @type {Map<string, any>} */
		this.records = new Map();
		this.seq = 0;
		this.balanceUnits = balanceUnits;
	}

	/**
	 * Create a generation after validation; debits the price. Returns null when the balance is too low (402).
	 * @param {string} owner keyTag of the API key
	 * @param {import('./validation').GenerateRequest} request
	 * @param {{kind: 'base64'|'url'|null, bytes?: number, format?: string}} image
	 */
	create(owner, request, image) {
		const opts = this.deps.opts();
		const priceUnits = opts.priceUnits[request.duration];
		if (priceUnits === undefined) throw new Error(`no price configured for duration ${request.duration}`);
		if (this.balanceUnits < priceUnits) return null;
		const now = Date.now();
		const rec = {
			generation_id: crypto.randomUUID(),
			owner,
			seq: ++this.seq,
			status: /** @type {Status} */ ('pending'),
			prompt: request.prompt,
			orientation: request.orientation,
			duration: request.duration,
			callback_url: request.callback_url,
			image: { ...image, ...(request.image_url ? { url: request.image_url } : {}) },
			priceUnits,
			refunded: false,
			createdAtMs: now,
			startedAtMs: /** @type {number|null} */ (null),
			completedAtMs: /** @type {number|null} */ (null),
			timing: { queueMs: 0, processingMs: 0 },
			video_url: /** @type {string|null} */ (null),
			video_path: /** @type {string|null} */ (null),
			video_size: /** @type {number|null} */ (null),
			error_message: /** @type {string|null} */ (null),
			webhook: /** @type {import('./callbacks').WebhookState|null} */ (null),
			callback_payload: /** @type {Record<string, unknown>|null} */ (null),
			timer: /** @type {NodeJS.Timeout|null} */ (null),
		};
		// Resolve per-generation timing before charging, so a throwing timing() charges nothing.
		const t = opts.timing(this.snapshot(rec));
		rec.timing = { queueMs: Math.max(0, Number(t.queueMs) || 0), processingMs: Math.max(0, Number(t.processingMs) || 0) };
		this.balanceUnits -= priceUnits;
		this.records.set(rec.generation_id, rec);
		rec.timer = this.deps.timers.after(() => this.startProcessing(rec), rec.timing.queueMs);
		this.deps.log(`generation ${rec.generation_id} created (duration ${rec.duration}, price ${formatUnits(priceUnits)})`);
		this.deps.emit('generation', this.snapshot(rec));
		return rec;
	}

	/** @param {any} rec */
	startProcessing(rec) {
		if (rec.status !== 'pending') return;
		rec.status = 'processing';
		rec.startedAtMs = Date.now();
		rec.timer = this.deps.timers.after(() => this.terminate(rec, null), rec.timing.processingMs);
		this.deps.emit('status', this.snapshot(rec));
	}

	/**
	 * Move a record to its terminal state and start callback delivery.
	 * @param {any} rec
	 * @param {import('./options').Outcome | null} forced outcome from finish(); null = ask options.outcome
	 */
	terminate(rec, forced) {
		if (rec.status === 'completed' || rec.status === 'failed') return;
		this.deps.timers.cancel(rec.timer);
		rec.timer = null;
		const opts = this.deps.opts();
		let outcome = forced;
		if (!outcome) {
			try {
				outcome = opts.outcome(this.snapshot(rec)) || { status: 'completed' };
			} catch (e) {
				outcome = { status: 'failed', error_message: `simulator outcome() threw: ${e && e.message}` };
			}
		}
		const now = Date.now();
		rec.completedAtMs = now;
		if (outcome.status === 'failed') {
			rec.status = 'failed';
			rec.error_message = ('error_message' in outcome && outcome.error_message) || DEFAULT_ERROR_MESSAGE;
			if (opts.refundFailed) {
				this.balanceUnits += rec.priceUnits;
				rec.refunded = true;
			}
		} else {
			rec.status = 'completed';
			let size;
			try {
				size = Number(opts.videoSize(this.snapshot(rec)));
			} catch (e) {
				this.deps.log(`videoSize() threw for ${rec.generation_id}: ${e && e.message}; using 0`);
				size = 0;
			}
			rec.video_size = Number.isSafeInteger(size) && size >= 0 ? size : 0;
			const d = new Date(now);
			const month = String(d.getUTCMonth() + 1).padStart(2, '0');
			rec.video_path = `/videos/${d.getUTCFullYear()}/${month}/${rec.generation_id}.mp4`;
			rec.video_url = this.deps.cdnBase() + rec.video_path;
		}
		rec.callback_payload = callbackPayload(rec);
		this.deps.log(`generation ${rec.generation_id} ${rec.status}`);
		this.deps.emit('status', this.snapshot(rec));
		if (rec.callback_url) {
			rec.webhook = { state: 'pending', attempts: 0, nextAttemptAt: null, deliveredAt: null, lastError: null };
			let faults;
			try {
				faults = opts.callbackFaults(this.snapshot(rec)) || {};
			} catch (e) {
				this.deps.log(`callbackFaults() threw for ${rec.generation_id}: ${e && e.message}; no faults`);
				faults = {};
			}
			this.deps.dispatcher.start({
				generation_id: rec.generation_id,
				callback_url: rec.callback_url,
				payload: rec.callback_payload,
				faults,
				webhook: rec.webhook,
			});
		}
	}

	/**
	 * Force a generation to finish now.
	 * @param {string} id
	 * @param {{status?: 'completed'|'failed', error_message?: string}} [outcome]
	 * @returns {GenerationRecord}
	 */
	finish(id, outcome = {}) {
		const rec = this.records.get(String(id).toLowerCase());
		if (!rec) throw Object.assign(new Error(`unknown generation ${id}`), { code: 'NOT_FOUND' });
		if (rec.status === 'completed' || rec.status === 'failed') {
			throw Object.assign(new Error(`generation ${id} already ${rec.status}`), { code: 'ALREADY_FINISHED' });
		}
		const status = outcome.status || 'completed';
		if (status !== 'completed' && status !== 'failed') {
			throw Object.assign(new Error(`status must be 'completed' or 'failed'`), { code: 'BAD_STATUS' });
		}
		this.terminate(
			rec,
			status === 'failed' ? { status: 'failed', error_message: outcome.error_message || DEFAULT_ERROR_MESSAGE } : { status: 'completed' },
		);
		return this.snapshot(rec);
	}

	/**
	 * The 9-key status object of §1.2, computed now.
	 * @param {any} rec
	 * @returns {StatusObject}
	 */
	statusObject(rec) {
		let pct = null;
		let pos = null;
		if (rec.status === 'pending') {
			pos = 1;
			for (const r of this.records.values()) if (r.status === 'pending' && r.seq < rec.seq) pos++;
		} else if (rec.status === 'processing') {
			const total = rec.timing.processingMs;
			const frac = total > 0 ? Math.min(1, (Date.now() - rec.startedAtMs) / total) : 1;
			pct = Math.min(99, Math.max(0, Math.floor(frac * 99)));
		} else if (rec.status === 'completed') {
			pct = 100;
		}
		return {
			generation_id: rec.generation_id,
			status: rec.status,
			prompt: rec.prompt,
			video_url: rec.status === 'completed' ? rec.video_url : null,
			created_at: isoMicro(rec.createdAtMs),
			completed_at: rec.completedAtMs === null ? null : isoMicro(rec.completedAtMs),
			progress_pct: pct,
			progress_pos_in_queue: pos,
			error_message: rec.status === 'failed' ? rec.error_message : null,
		};
	}

	/**
	 * Status object plus internal fields (a copy; safe to keep).
	 * @param {any} rec
	 * @returns {GenerationRecord}
	 */
	snapshot(rec) {
		return {
			...this.statusObject(rec),
			owner: rec.owner,
			orientation: rec.orientation,
			duration: rec.duration,
			callback_url: rec.callback_url,
			image: { ...rec.image },
			price: formatUnits(rec.priceUnits),
			refunded: rec.refunded,
			timing: { ...rec.timing },
			processing_started_at: rec.startedAtMs === null ? null : isoMicro(rec.startedAtMs),
			video_path: rec.video_path,
			video_size: rec.video_size,
			webhook: rec.webhook ? { ...rec.webhook } : null,
			callback_payload: rec.callback_payload ? { ...rec.callback_payload } : null,
		};
	}

	/** @param {string} id */
	raw(id) {
		return this.records.get(String(id).toLowerCase()) || null;
	}

	/**
	 * Newest first.
	 * @param {string|null} owner null = all owners
	 */
	list(owner) {
		const out = [];
		for (const r of this.records.values()) if (owner === null || r.owner === owner) out.push(r);
		return out.sort((a, b) => b.seq - a.seq);
	}

	/** Forget every generation (timers are cleared by the owner of the Timers registry). */
	clear() {
		this.records.clear();
	}
}

/**
 * Callback payload of §1.4: the status object minus the progress fields; `error_message` only on failure.
 * @param {any} rec
 */
function callbackPayload(rec) {
	/** @type {Record<string, unknown>} */
	const p = {
		generation_id: rec.generation_id,
		status: rec.status,
		prompt: rec.prompt,
		video_url: rec.status === 'completed' ? rec.video_url : null,
		created_at: isoMicro(rec.createdAtMs),
		completed_at: isoMicro(rec.completedAtMs),
	};
	if (rec.status === 'failed') p.error_message = rec.error_message;
	return p;
}

module.exports = { GenerationStore, callbackPayload };
