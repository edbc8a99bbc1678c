'use strict';
/**
 * Generation records of every family and their lifecycle:
 *   created `pending` (queue position = 1-based among all pending generations of the same family, oldest first)
 *   → after timing.queueMs `processing` (progress rising 0→99 with elapsed time)
 *   → after timing.processingMs `completed` (result URL) or `failed` (failure reason), decided by `outcome`
 *   → callback delivery if a callback_url was given.
 * What the API shows of a record (status object, callback payload) comes from the record's family declaration.
 * Also owns the account balance (integer units of 1e-4 USD).
 */
const { isoMicro, formatUnits } = require('./util');
const { imageFileSize } = require('./images');

/**
 * @typedef {'pending'|'processing'|'completed'|'failed'} Status
 */

/**
 * @typedef {{
 *   family: string, kind: 'video'|'image', id: string, status: Status, prompt: string, owner: string,
 *   callback_url: string|null, request: Record<string, any>, inputs: Record<string, any>[], price: string,
 *   refunded: boolean, timing: import('./options').Timing, progress: {pct: number|null, pos: number|null},
 *   processing_started_at: string|null, result_url: string|null, failure: string|null,
 *   webhook: import('./callbacks').WebhookState | null, callback_payload: Record<string, unknown> | null,
 *   [key: string]: any
 * }} GenerationRecord a snapshot as returned by sim.generations() / sim.get() / events: the family's status object
 *   (e.g. Sora's 9 keys) plus these internal fields, `video_path`/`video_size` or `image_path`/`image_size`, and the
 *   family's extras (Sora: orientation, duration, image; others: model, …)
 */

/** What a family's hard timeout ends a job with. */
const TIMEOUT = Object.freeze({ status: /** @type {'failed'} */ ('failed'), code: 'TIMEOUT' });

class GenerationStore {
	/**
	 * @param {object} deps
	 * @param {import('./util').Timers} deps.timers
	 * @param {() => import('./options').ResolvedOptions} deps.opts
	 * @param {import('./callbacks').CallbackDispatcher} deps.dispatcher
	 * @param {() => string} deps.cdnBase base URL of result files
	 * @param {(event: string, payload: unknown) => void} deps.emit
	 * @param {(msg: string) => void} deps.log
	 * @param {number} balanceUnits
	 */
	constructor(deps, balanceUnits) {
		this.deps = deps;
		/** @type {Map<string, any>} */
		this.records = new Map();
		/** @type {Map<string, any>} CDN path → record */
		this.byPath = new Map();
		this.seq = 0;
		this.balanceUnits = balanceUnits;
	}

	/**
	 * Create a generation after validation; debits the price. Returns null when the balance is too low (402).
	 * @param {string} owner keyTag of the API key
	 * @param {import('./families/types').Family} family
	 * @param {{value: Record<string, any>, prompt: string, inputs: object[], extra?: Record<string, any>}} valid
	 * @param {Record<string, any>} body the request body as received (long strings redacted)
	 */
	create(owner, family, valid, body) {
		const opts = this.deps.opts();
		const price = family.price(valid.value, opts);
		if (this.balanceUnits < price.units) return null;
		const now = Date.now();
		const rec = {
			id: family.newId(),
			family,
			owner,
			seq: ++this.seq,
			status: /** @type {Status} */ ('pending'),
			prompt: valid.prompt,
			request: valid.value,
			body,
			inputs: valid.inputs,
			extra: valid.extra || {},
			callback_url: valid.value.callback_url || null,
			priceUnits: price.units,
			priceText: price.text ?? formatUnits(price.units, family.priceDecimals),
			refunded: false,
			createdAtMs: now,
			startedAtMs: /** @type {number|null} */ (null),
			completedAtMs: /** @type {number|null} */ (null),
			timing: { queueMs: 0, processingMs: 0 },
			result_url: /** @type {string|null} */ (null),
			media_path: /** @type {string|null} */ (null),
			media_size: /** @type {number|null} */ (null),
			failure: /** @type {string|null} */ (null),
			webhook: /** @type {import('./callbacks').WebhookState|null} */ (null),
			callback_payload: /** @type {Record<string, unknown>|null} */ (null),
			timer: /** @type {NodeJS.Timeout|null} */ (null),
			deadlineMs: Infinity,
		};
		// Resolve per-generation timing before charging, so a throwing timing() charges nothing.
		const t = opts.timing(this.snapshot(rec));
		rec.timing = { queueMs: Math.max(0, Number(t.queueMs) || 0), processingMs: Math.max(0, Number(t.processingMs) || 0) };
		// The family's documented hard timeout (scaled): a job still unfinished then fails with TIMEOUT.
		rec.deadlineMs = family.jobTimeoutMs && opts.jobTimeoutScale > 0 ? family.jobTimeoutMs * opts.jobTimeoutScale : Infinity;
		this.balanceUnits -= price.units;
		this.records.set(rec.id, rec);
		rec.timer =
			rec.timing.queueMs >= rec.deadlineMs
				? this.deps.timers.after(() => this.terminate(rec, TIMEOUT), rec.deadlineMs)
				: this.deps.timers.after(() => this.startProcessing(rec), rec.timing.queueMs);
		this.deps.log(`${family.name} generation ${rec.id} created (price ${rec.priceText})`);
		this.deps.emit('generation', this.snapshot(rec));
		return rec;
	}

	/**
	 * Applies the transitions whose time has come but whose timer has not fired yet (a busy event loop runs timers
	 * late), before a status read: like RunBlob's, the state follows the clock. A job set to finish the moment it is
	 * created (queueMs 0, processingMs 0) then reads completed at once, on a loaded machine too. Outcomes and deadlines
	 * are decided exactly as when the timers fire.
	 * @param {any} rec
	 */
	catchUp(rec) {
		const now = Date.now();
		if (rec.status === 'pending' && rec.timing.queueMs < rec.deadlineMs && now >= rec.createdAtMs + rec.timing.queueMs) {
			this.deps.timers.cancel(rec.timer);
			this.startProcessing(rec, rec.createdAtMs + rec.timing.queueMs);
		}
		if (
			rec.status === 'processing' &&
			rec.timing.processingMs <= rec.deadlineMs - rec.timing.queueMs &&
			now >= rec.startedAtMs + rec.timing.processingMs
		) {
			this.terminate(rec, null);
		}
	}

	/**
	 * @param {any} rec
	 * @param {number} [startedAtMs] when it began processing (catchUp: when its queue time ended)
	 */
	startProcessing(rec, startedAtMs = Date.now()) {
		if (rec.status !== 'pending') return;
		rec.status = 'processing';
		rec.startedAtMs = startedAtMs;
		const left = rec.deadlineMs - rec.timing.queueMs;
		const late = Date.now() - startedAtMs;
		rec.timer =
			rec.timing.processingMs > left
				? this.deps.timers.after(() => this.terminate(rec, TIMEOUT), left - late)
				: this.deps.timers.after(() => this.terminate(rec, null), rec.timing.processingMs - late);
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
		/** @type {import('./families/types').Family} */
		const family = rec.family;
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
			rec.failure = family.failureText(outcome);
			if (opts.refundFailed || family.refundFailed) {
				this.balanceUnits += rec.priceUnits;
				rec.refunded = true;
			}
		} else {
			rec.status = 'completed';
			let size;
			try {
				size = Number(family.kind === 'video' ? opts.videoSize(this.snapshot(rec)) : opts.imageSize(this.snapshot(rec)));
			} catch (e) {
				this.deps.log(`media size option threw for ${rec.id}: ${e && e.message}; using 0`);
				size = 0;
			}
			rec.media_size = Number.isSafeInteger(size) && size >= 0 ? size : 0;
			if (family.kind === 'image') rec.media_size = imageFileSize(rec.media_size, /** @type {import('./images').ImageExt} */ (family.media.ext));
			const d = new Date(now);
			const month = String(d.getUTCMonth() + 1).padStart(2, '0');
			const dir = family.media.dir || (family.kind === 'video' ? 'videos' : `images/${family.name}`);
			rec.media_path = `/${dir}/${d.getUTCFullYear()}/${month}/${rec.id}.${family.media.ext}`;
			rec.result_url = this.deps.cdnBase() + rec.media_path;
			this.byPath.set(rec.media_path, rec);
		}
		rec.callback_payload = family.callbackPayload(rec, { variants: opts.variants });
		this.deps.log(`${family.name} generation ${rec.id} ${rec.status}`);
		this.deps.emit('status', this.snapshot(rec));
		if (rec.callback_url) {
			rec.webhook = { state: 'pending', attempts: 0, nextAttemptAt: null, deliveredAt: null, lastError: null };
			let faults;
			try {
				faults = opts.callbackFaults(this.snapshot(rec)) || {};
			} catch (e) {
				this.deps.log(`callbackFaults() threw for ${rec.id}: ${e && e.message}; no faults`);
				faults = {};
			}
			this.deps.dispatcher.start({
				generation_id: rec.id,
				family: family.name,
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
	 * @param {{status?: 'completed'|'failed', error_message?: string, code?: string, message?: string}} [outcome]
	 * @returns {GenerationRecord}
	 */
	finish(id, outcome = {}) {
		const rec = this.raw(id);
		if (!rec) throw Object.assign(new Error(`unknown generation ${id}`), { code: 'NOT_FOUND' });
		if (rec.status === 'completed' || rec.status === 'failed') {
			throw Object.assign(new Error(`generation ${id} already ${rec.status}`), { code: 'ALREADY_FINISHED' });
		}
		const status = outcome.status || 'completed';
		if (status !== 'completed' && status !== 'failed') {
			throw Object.assign(new Error(`status must be 'completed' or 'failed'`), { code: 'BAD_STATUS' });
		}
		this.terminate(rec, status === 'failed' ? { ...outcome, status: 'failed' } : { status: 'completed' });
		return this.snapshot(rec);
	}

	/**
	 * Queue position while pending, progress while processing (every family tracks both; only Sora shows them).
	 * @param {any} rec
	 */
	progress(rec) {
		let pct = null;
		let pos = null;
		if (rec.status === 'pending') {
			pos = 1;
			for (const r of this.records.values()) if (r.family === rec.family && r.status === 'pending' && r.seq < rec.seq) pos++;
		} else if (rec.status === 'processing') {
			const total = rec.timing.processingMs;
			const frac = total > 0 ? Math.min(1, (Date.now() - rec.startedAtMs) / total) : 1;
			pct = Math.min(99, Math.max(0, Math.floor(frac * 99)));
		} else if (rec.status === 'completed') {
			pct = 100;
		}
		return { pct, pos };
	}

	/**
	 * The family's status body, computed now.
	 * @param {any} rec
	 */
	statusObject(rec) {
		return rec.family.statusObject(rec, { progress: this.progress(rec), variants: this.deps.opts().variants });
	}

	/**
	 * Status object plus internal fields (a copy; safe to keep).
	 * @param {any} rec
	 * @returns {GenerationRecord}
	 */
	snapshot(rec) {
		/** @type {import('./families/types').Family} */
		const family = rec.family;
		const media = family.kind === 'video' ? { video_path: rec.media_path, video_size: rec.media_size } : { image_path: rec.media_path, image_size: rec.media_size };
		return {
			...this.statusObject(rec),
			family: family.name,
			kind: family.kind,
			id: rec.id,
			owner: rec.owner,
			callback_url: rec.callback_url,
			request: rec.body,
			inputs: rec.inputs.map((/** @type {object} */ i) => ({ ...i })),
			price: rec.priceText,
			refunded: rec.refunded,
			timing: { ...rec.timing },
			progress: this.progress(rec),
			processing_started_at: rec.startedAtMs === null ? null : isoMicro(rec.startedAtMs),
			result_url: rec.result_url,
			failure: rec.failure,
			...media,
			webhook: rec.webhook ? { ...rec.webhook } : null,
			callback_payload: rec.callback_payload ? { ...rec.callback_payload } : null,
			...(family.snapshotExtra ? family.snapshotExtra(rec) : {}),
		};
	}

	/** @param {string} id */
	raw(id) {
		const s = String(id);
		return this.records.get(s) || this.records.get(s.toLowerCase()) || null;
	}

	/** @param {string} path CDN path */
	byMediaPath(path) {
		return this.byPath.get(path) || null;
	}

	/**
	 * Newest first.
	 * @param {string|null} owner null = all owners
	 * @param {string|null} [family] null = all families
	 */
	list(owner, family = null) {
		const out = [];
		for (const r of this.records.values()) {
			if ((owner === null || r.owner === owner) && (family === null || r.family.name === family)) out.push(r);
		}
		return out.sort((a, b) => b.seq - a.seq);
	}

	/** Forget every generation (timers are cleared by the owner of the Timers registry). */
	clear() {
		this.records.clear();
		this.byPath.clear();
	}
}

module.exports = { GenerationStore };
