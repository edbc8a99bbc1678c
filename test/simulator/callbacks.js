'use strict';
/**
 * Callback (webhook) delivery with RunBlob's documented reliability rules (reference §1.4, §2, §3):
 * POST JSON to the exact callback_url; initial attempt + one retry after each delay of the family's schedule (Sora:
 * 30/60/120/240/480 s; see families/*.js), scaled by `timeScale`; any 2xx is a success; non-2xx, network error or timeout (30 s per request, 10 s to connect, both
 * scaled) schedules the next retry; after the last failed attempt the webhook is marked failed. Redirects are not
 * followed (a 3xx counts as a failure). Deliveries of different generations are independent and concurrent.
 *
 * Fault injection per generation: drop (never deliver), dropAttempts (first n attempts lost), duplicate (n extra
 * copies of each successful delivery, partly concurrent), delayMs (extra delay before the first attempt, in real
 * milliseconds: it is NOT multiplied by timeScale).
 */
const http = require('node:http');
const https = require('node:https');

const USER_AGENT = 'RunBlob-Webhook/1.0';
const MAX_RESPONSE_BODY = 4096;

/**
 * @typedef {object} CallbackOptions
 * @property {boolean|'loopback'} allowHttp
 * @property {number[]} retryDelaysMs
 * @property {number} timeScale
 * @property {number} timeoutMs
 * @property {number} connectTimeoutMs
 * @property {boolean} [rejectUnauthorized] verify TLS certificates of https receivers (default true)
 * @property {string|Buffer|Array<string|Buffer>} [ca] extra CA certificate(s) for https receivers
 * @property {Record<string, {retryDelaysMs?: number[], timeoutMs?: number, connectTimeoutMs?: number}>} [families]
 *   per-family overrides of the family's documented schedule
 */

/**
 * @typedef {object} CallbackFaults
 * @property {boolean} [drop] never deliver
 * @property {number} [dropAttempts] the first n attempts are lost (not sent, counted as failed)
 * @property {number} [duplicate] send each successful delivery n extra times
 * @property {number} [delayMs] extra delay before the first attempt (real ms, not scaled)
 */

/**
 * @typedef {object} Delivery one logged delivery attempt
 * @property {string} generation_id the generation's id (the `task_uuid` for families that call it that)
 * @property {string} [family] the generation's family
 * @property {number} attempt 1 = initial delivery, 2.. = retries
 * @property {string} url
 * @property {number} [status] HTTP status answered by the receiver
 * @property {string} [error] network error / timeout / simulated drop
 * @property {boolean} ok true on 2xx
 * @property {boolean} [dropped] simulated lost attempt (nothing was sent)
 * @property {boolean} [duplicate] an injected extra copy of a successful delivery
 * @property {number} startedAt epoch ms
 * @property {number} finishedAt epoch ms
 * @property {Record<string, unknown>} body the JSON payload that was (or would have been) sent
 * @property {string} [responseBody] first 4 KiB of the receiver's answer
 */

/**
 * @typedef {object} WebhookState
 * @property {'pending'|'delivering'|'retrying'|'delivered'|'failed'|'dropped'} state
 * @property {number} attempts attempts made so far (including simulated drops, excluding duplicates)
 * @property {number|null} nextAttemptAt epoch ms of the scheduled next attempt
 * @property {number|null} deliveredAt epoch ms of the first successful delivery
 * @property {string|null} lastError
 */

/**
 * The request target exactly as given (path + query, fragment removed), so the query string reaches the receiver
 * byte for byte; falls back to the WHATWG-normalised form if the raw text is not a valid request target.
 * @param {string} raw
 * @param {URL} url
 */
function requestTarget(raw, url) {
	const noFrag = raw.split('#')[0];
	const afterScheme = noFrag.indexOf('//') + 2;
	const idx = noFrag.slice(afterScheme).search(/[/?]/);
	let target = idx === -1 ? '/' : noFrag.slice(afterScheme + idx);
	if (target.startsWith('?')) target = '/' + target;
	// eslint-disable-next-line no-control-regex
	if (/[\u0000-\u0020\u007f-\uffff]/.test(target)) target = url.pathname + url.search;
	return target;
}

class CallbackDispatcher {
	/**
	 * @param {object} deps
	 * @param {import('./util').Timers} deps.timers
	 * @param {(job: {family?: string}) => CallbackOptions} deps.getOptions read at every attempt, so configure() applies
	 *   to queued retries; the job's family picks its documented schedule
	 * @param {(d: Delivery) => void} deps.onDelivery
	 * @param {(generationId: string) => void} deps.onStateChange
	 * @param {(msg: string) => void} deps.log
	 */
	constructor(deps) {
		this.deps = deps;
		this.closed = false;
		/** Incremented by abortInflight() (reset) so jobs started before it stop retrying. */
		this.epoch = 0;
		/** @type {Set<import('node:http').ClientRequest>} */
		this.inflight = new Set();
		this.httpAgent = new http.Agent({ keepAlive: false });
		/** @type {https.Agent | null} */
		this.httpsAgent = null;
		/** @type {string} */
		this.httpsAgentKey = '';
	}

	/**
	 * Start delivering `payload` for one generation.
	 * @param {{generation_id: string, family?: string, callback_url: string, payload: Record<string, unknown>,
	 *   faults: CallbackFaults, webhook: WebhookState}} job `webhook` is mutated in place to reflect progress;
	 *   `generation_id` is the generation's id whatever the family calls it (task_uuid for some)
	 */
	start(job) {
		if (this.closed) return;
		/** @type {any} */ (job).epoch = this.epoch;
		const f = job.faults || {};
		if (f.drop) {
			job.webhook.state = 'dropped';
			this.deps.log(`callback ${job.generation_id}: dropped (fault injection)`);
			this.deps.onStateChange(job.generation_id);
			return;
		}
		const delay = Math.max(0, Number(f.delayMs) || 0);
		job.webhook.nextAttemptAt = Date.now() + delay;
		this.deps.timers.after(() => this.runAttempt(job, 1), delay);
	}

	/**
	 * attempt() without a floating promise: anything unexpected is logged, never an unhandled rejection.
	 * @param {Parameters<CallbackDispatcher['start']>[0]} job
	 * @param {number} n
	 */
	runAttempt(job, n) {
		this.attempt(job, n).catch((e) => this.deps.log(`callback ${job.generation_id}: internal error ${e && e.stack}`));
	}

	/**
	 * @param {Parameters<CallbackDispatcher['start']>[0]} job
	 * @param {number} n attempt number (1-based)
	 */
	async attempt(job, n) {
		if (this.stale(job)) return;
		const wh = job.webhook;
		wh.attempts = n;
		wh.nextAttemptAt = null;
		wh.state = 'delivering';
		this.deps.onStateChange(job.generation_id);
		const dropAttempts = Math.max(0, Number(job.faults.dropAttempts) || 0);
		/** @type {Delivery} */
		let d;
		if (n <= dropAttempts) {
			const now = Date.now();
			d = {
				generation_id: job.generation_id,
				...(job.family ? { family: job.family } : {}),
				attempt: n,
				url: job.callback_url,
				error: 'dropped (simulated lost delivery)',
				ok: false,
				dropped: true,
				startedAt: now,
				finishedAt: now,
				body: job.payload,
			};
		} else {
			d = await this.send(job, n, false);
		}
		if (this.stale(job)) return;
		this.deps.onDelivery(d);
		if (d.ok) {
			wh.state = 'delivered';
			wh.deliveredAt = d.finishedAt;
			wh.lastError = null;
			this.deps.onStateChange(job.generation_id);
			const dup = Math.max(0, Math.floor(Number(job.faults.duplicate) || 0));
			if (dup > 0) {
				this.sendDuplicates(job, n, dup).catch((e) => this.deps.log(`callback ${job.generation_id}: duplicate error ${e && e.stack}`));
			}
			return;
		}
		wh.lastError = d.error ?? `HTTP ${d.status}`;
		const opts = this.deps.getOptions(job);
		const delays = opts.retryDelaysMs;
		if (n - 1 < delays.length) {
			const wait = Math.max(0, delays[n - 1] * opts.timeScale);
			wh.state = 'retrying';
			wh.nextAttemptAt = Date.now() + wait;
			this.deps.log(`callback ${job.generation_id}: attempt ${n} failed (${wh.lastError}); retry in ${wait} ms`);
			this.deps.onStateChange(job.generation_id);
			this.deps.timers.after(() => this.runAttempt(job, n + 1), wait);
		} else {
			wh.state = 'failed';
			this.deps.log(`callback ${job.generation_id}: attempt ${n} failed (${wh.lastError}); webhook marked failed`);
			this.deps.onStateChange(job.generation_id);
		}
	}

	/**
	 * Extra copies of a successful delivery: half of them at once (racing each other), the rest one after another.
	 * @param {Parameters<CallbackDispatcher['start']>[0]} job
	 * @param {number} n
	 * @param {number} count
	 */
	async sendDuplicates(job, n, count) {
		const concurrent = Math.ceil(count / 2);
		const batch = [];
		for (let i = 0; i < concurrent; i++) batch.push(this.send(job, n, true));
		for (const d of await Promise.all(batch)) if (!this.stale(job)) this.deps.onDelivery(d);
		for (let i = concurrent; i < count && !this.stale(job); i++) {
			const d = await this.send(job, n, true);
			if (!this.stale(job)) this.deps.onDelivery(d);
		}
	}

	/** @param {object} job */
	stale(job) {
		return this.closed || /** @type {any} */ (job).epoch !== this.epoch;
	}

	/** @param {CallbackOptions} opts */
	agentFor(opts) {
		const key = JSON.stringify([opts.rejectUnauthorized !== false, opts.ca ? String(opts.ca) : '']);
		if (!this.httpsAgent || this.httpsAgentKey !== key) {
			if (this.httpsAgent) this.httpsAgent.destroy();
			this.httpsAgent = new https.Agent({
				keepAlive: false,
				rejectUnauthorized: opts.rejectUnauthorized !== false,
				...(opts.ca ? { ca: opts.ca } : {}),
			});
			this.httpsAgentKey = key;
		}
		return this.httpsAgent;
	}

	/**
	 * One HTTP POST. Never rejects.
	 * @param {Parameters<CallbackDispatcher['start']>[0]} job
	 * @param {number} n
	 * @param {boolean} duplicate
	 * @returns {Promise<Delivery>}
	 */
	send(job, n, duplicate) {
		const opts = this.deps.getOptions(job);
		const startedAt = Date.now();
		/** @type {Delivery} */
		const d = {
			generation_id: job.generation_id,
			...(job.family ? { family: job.family } : {}),
			attempt: n,
			url: job.callback_url,
			ok: false,
			startedAt,
			finishedAt: startedAt,
			body: job.payload,
			...(duplicate ? { duplicate: true } : {}),
		};
		return new Promise((resolve) => {
			let settled = false;
			/** @type {NodeJS.Timeout | null} */
			let connectTimer = null;
			/** @type {NodeJS.Timeout | null} */
			let totalTimer = null;
			/** @param {{status?: number, error?: string, responseBody?: string}} r */
			const done = (r) => {
				if (settled) return;
				settled = true;
				this.deps.timers.cancel(connectTimer);
				this.deps.timers.cancel(totalTimer);
				this.inflight.delete(req);
				d.finishedAt = Date.now();
				if (r.status !== undefined) d.status = r.status;
				if (r.error !== undefined) d.error = r.error;
				if (r.responseBody !== undefined) d.responseBody = r.responseBody;
				d.ok = r.status !== undefined && r.status >= 200 && r.status < 300;
				resolve(d);
			};
			/** @type {URL} */
			let url;
			try {
				url = new URL(job.callback_url);
			} catch (e) {
				// Cannot happen for URLs accepted at creation; kept so a bad record never throws.
				settled = true;
				d.error = `invalid URL: ${e && e.message}`;
				resolve(d);
				return;
			}
			const body = Buffer.from(JSON.stringify(job.payload), 'utf8');
			const isHttps = url.protocol === 'https:';
			const mod = isHttps ? https : http;
			const req = mod.request({
				protocol: url.protocol,
				hostname: url.hostname.replace(/^\[|\]$/g, ''),
				port: url.port || (isHttps ? 443 : 80),
				method: 'POST',
				path: requestTarget(job.callback_url, url),
				agent: isHttps ? this.agentFor(opts) : this.httpAgent,
				headers: {
					host: url.host,
					'content-type': 'application/json',
					'content-length': body.length,
					'user-agent': USER_AGENT,
					...(url.username ? { authorization: 'Basic ' + Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64') } : {}),
				},
			});
			this.inflight.add(req);
			// A timeout of 0 disables it.
			if (opts.timeoutMs > 0) {
				totalTimer = this.deps.timers.after(
					() => req.destroy(new Error(`timeout after ${Math.round(opts.timeoutMs * opts.timeScale)} ms`)),
					opts.timeoutMs * opts.timeScale,
				);
			}
			req.on('socket', (socket) => {
				if (!socket.connecting || !(opts.connectTimeoutMs > 0)) return;
				connectTimer = this.deps.timers.after(
					() => req.destroy(new Error(`connect timeout after ${Math.round(opts.connectTimeoutMs * opts.timeScale)} ms`)),
					opts.connectTimeoutMs * opts.timeScale,
				);
				socket.once('connect', () => this.deps.timers.cancel(connectTimer));
			});
			req.on('error', (e) => done({ error: e && e.message ? e.message : String(e) }));
			req.on('response', (res) => {
				/** @type {Buffer[]} */
				const chunks = [];
				let size = 0;
				res.on('data', (c) => {
					if (size < MAX_RESPONSE_BODY) chunks.push(c);
					size += c.length;
				});
				res.on('end', () =>
					done({
						status: res.statusCode,
						responseBody: Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BODY).toString('utf8'),
					}),
				);
				res.on('error', (e) => done({ status: res.statusCode, error: e.message }));
				res.on('aborted', () => done({ status: res.statusCode, error: 'response aborted' }));
			});
			req.end(body);
		});
	}

	/** Stop everything: no new attempts, in-flight requests destroyed. Timers are cleared by the owner. */
	close() {
		this.closed = true;
		for (const req of this.inflight) req.destroy();
		this.inflight.clear();
		this.httpAgent.destroy();
		if (this.httpsAgent) this.httpsAgent.destroy();
	}

	/** Cancel in-flight requests but keep working (used by reset). */
	abortInflight() {
		this.epoch++;
		for (const req of this.inflight) req.destroy();
		this.inflight.clear();
	}
}

module.exports = { CallbackDispatcher, USER_AGENT, requestTarget };
