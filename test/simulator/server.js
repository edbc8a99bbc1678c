'use strict';
/**
 * The RunBlob simulator: an API listener (the endpoints of every family in ./families + the /_sim control API) and a
 * CDN listener on a second port (a different origin, like cdn.runblob.io vs platform.runblob.io) that serves the
 * videos and images.
 */
const http = require('node:http');
const { EventEmitter } = require('node:events');
const { DETAIL, FAULT_BODIES } = require('./errors');
const { decodeBody, validateListQuery } = require('./validation');
const { redactBody } = require('./inputs');
const { GenerationStore } = require('./generations');
const { CallbackDispatcher } = require('./callbacks');
const { FaultQueue } = require('./faults');
const { createCdnHandler } = require('./video');
const { createImageHandler } = require('./images');
const { FAMILIES, BY_NAME } = require('./families');
const { resolveOptions, mergeOptions, describeOptions, DEFAULTS } = require('./options');
const { Timers, formatUnits, toUnits, keyTag, pushBounded, sendJson, readBody, isPlainObject, UNITS_PER_USD } = require('./util');

/**
 * @typedef {object} RequestLogEntry
 * @property {string} method
 * @property {string} path
 * @property {Record<string, string>} query
 * @property {boolean} authorization whether an Authorization header was present (its value is never recorded)
 * @property {number|null} status HTTP status answered (null when the connection was dropped)
 * @property {boolean} [dropped] connection destroyed by an injected fault
 * @property {number} [fault] id of the injected fault that shaped this answer
 * @property {string} [family] the family whose endpoint was called
 * @property {boolean} [hung] never answered (injected `hang` fault); logged as soon as it hangs
 * @property {string} [createdId] the generation a successful create answered with (tells concurrent runs' creates apart)
 * @property {number} startedAt
 * @property {number|null} finishedAt
 */

/** @typedef {{status: number, body?: unknown, headers?: Record<string, string|number>, empty?: boolean}} Reply */

/**
 * @param {string} method
 * @param {RegExp} re
 * @param {string} name
 * @param {import('./families/types').Family | null} [family]
 */
const route = (method, re, name, family = null) => ({ method, re, name, family });

/** @param {string} s */
const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Every family's create / status (/ list) routes, plus the balance (reference §0–§5). Kept in step with the family
 * list (`registerFamily` in families/index.js adds to it): rebuilt when a family was added.
 */
const ROUTES = [];
let routedFamilies = 0;
function routes() {
	if (routedFamilies === FAMILIES.length) return ROUTES;
	ROUTES.splice(0, ROUTES.length, ...buildRoutes());
	routedFamilies = FAMILIES.length;
	return ROUTES;
}

const buildRoutes = () => [
	...FAMILIES.flatMap((f) => {
		const base = escapeRe(f.base);
		return [
			route('POST', new RegExp(`^${base}/generate$`), 'generate', f),
			...(f.list ? [route('GET', new RegExp(`^${base}/generations$`), 'list', f)] : []),
			route('GET', new RegExp(`^${base}/generations/([^/]+)${f.statusSlash ? '/' : ''}$`), 'status', f),
		];
	}),
	route('GET', /^\/v1\/data\/balance$/, 'balance'),
];

/** @typedef {{create: number, status: number, list: number, created: number, callbacks: number}} FamilyCounters */

/** @param {string} host @param {number} port */
function baseUrl(host, port) {
	const h = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
	return `http://${h}:${port}`;
}

class Simulator extends EventEmitter {
	/** @param {import('./options').SimulatorOptions} [options] */
	constructor(options = {}) {
		super();
		/** @type {import('./options').SimulatorOptions} */
		this.initialOptions = { ...options };
		/** @type {import('./options').SimulatorOptions} */
		this.rawOptions = { ...options };
		this.opts = resolveOptions(this.rawOptions);
		this.closed = false;
		/** @type {Promise<void> | null} */
		this.closePromise = null;
		this.timers = new Timers((e) => this.log(`timer callback threw: ${e && /** @type {any} */ (e).stack}`));
		/** @type {import('./callbacks').Delivery[]} */
		this.deliveries = [];
		/** @type {RequestLogEntry[]} */
		this.requests = [];
		/** @type {import('./video').CdnLogEntry[]} */
		this.cdnRequests = [];
		this.faultQueue = new FaultQueue();
		/** @type {Set<import('node:net').Socket>} */
		this.sockets = new Set();
		this.url = '';
		this.cdnUrl = '';
		this.log = (/** @type {string} */ msg) => {
			try {
				this.opts.log(`[runblob-sim] ${msg}`);
			} catch {
				/* a broken log sink must not break the simulator */
			}
		};
		this.dispatcher = new CallbackDispatcher({
			timers: this.timers,
			getOptions: (job) => this.callbackOptionsFor(job.family),
			onDelivery: (d) => {
				if (d.family) this.count(d.family, 'callbacks');
				pushBounded(this.deliveries, d, this.opts.maxLogEntries);
				this.safeEmit('callback', d);
			},
			onStateChange: () => {},
			log: this.log,
		});
		this.store = new GenerationStore(
			{
				timers: this.timers,
				opts: () => this.opts,
				dispatcher: this.dispatcher,
				cdnBase: () => this.opts.publicCdnBase || this.cdnUrl,
				emit: (event, payload) => this.safeEmit(event, payload),
				log: this.log,
			},
			toUnits(options.balance ?? DEFAULTS.balance),
		);
		this.apiServer = http.createServer((req, res) => {
			this.handleApi(req, res).catch((e) => {
				this.log(`internal error: ${e && e.stack}`);
				sendJson(res, 500, { detail: DETAIL.internal });
			});
		});
		/** @type {Map<string, FamilyCounters>} */
		this.counts = new Map();
		const onCdnRequest = (/** @type {import('./video').CdnLogEntry} */ entry) => pushBounded(this.cdnRequests, entry, this.opts.maxLogEntries);
		const videos = createCdnHandler({
			lookup: (id) => {
				const rec = this.store.raw(id);
				return rec && rec.family.kind === 'video' && rec.status === 'completed' ? { size: rec.media_size } : null;
			},
			onRequest: onCdnRequest,
			log: this.log,
		});
		const images = createImageHandler({
			lookup: (path) => {
				const rec = this.store.byMediaPath(path);
				return rec && rec.status === 'completed' ? { id: rec.id, size: rec.media_size, ext: rec.family.media.ext } : null;
			},
			onRequest: onCdnRequest,
		});
		this.cdnServer = http.createServer((req, res) => {
			const path = (req.url || '/').split('?')[0];
			if (/\.(png|jpe?g|webp)$/i.test(path)) images(req, res);
			else videos(req, res);
		});
		for (const server of [this.apiServer, this.cdnServer]) {
			// Track sockets so close() can destroy keep-alive and streaming connections at once.
			server.on('connection', (socket) => {
				this.sockets.add(socket);
				socket.on('close', () => this.sockets.delete(socket));
			});
		}
	}

	/** Emit without letting a throwing listener break a timer callback. @param {string} event @param {unknown} payload */
	safeEmit(event, payload) {
		try {
			this.emit(event, payload);
		} catch (e) {
			this.log(`listener for '${event}' threw: ${e && e.message}`);
		}
	}

	/** Start both listeners. */
	async start() {
		const host = this.rawOptions.host ?? DEFAULTS.host;
		/** @param {http.Server} server @param {number} port @returns {Promise<number>} */
		const listen = (server, port) =>
			new Promise((resolve, reject) => {
				server.once('error', reject);
				server.listen(port, host, () => {
					server.off('error', reject);
					const addr = server.address();
					resolve(typeof addr === 'object' && addr ? addr.port : port);
				});
			});
		try {
			const apiPort = await listen(this.apiServer, Number(this.rawOptions.port ?? DEFAULTS.port));
			const cdnPort = await listen(this.cdnServer, Number(this.rawOptions.cdnPort ?? DEFAULTS.cdnPort));
			this.url = baseUrl(host, apiPort);
			this.cdnUrl = baseUrl(host, cdnPort);
		} catch (e) {
			await this.close();
			throw e;
		}
		this.log(`listening: api ${this.url}, cdn ${this.cdnUrl}`);
		return this;
	}

	/** Stop both servers, cancel every timer and in-flight callback, destroy open sockets. Idempotent. */
	async close() {
		if (this.closePromise) return this.closePromise;
		this.closed = true;
		this.timers.clearAll();
		this.dispatcher.close();
		/** @param {http.Server} server @returns {Promise<void>} */
		const stop = (server) =>
			new Promise((resolve) => {
				if (!server.listening) return resolve();
				server.close(() => resolve());
				server.closeAllConnections();
			});
		this.closePromise = (async () => {
			const done = Promise.all([stop(this.apiServer), stop(this.cdnServer)]);
			for (const s of this.sockets) s.destroy();
			this.sockets.clear();
			await done;
			this.timers.clearAll(); // anything scheduled while closing
		})();
		return this.closePromise;
	}

	// ---------------------------------------------------------------- programmatic API

	/**
	 * @param {{family?: string}} [filter] only one family
	 * @returns {import('./generations').GenerationRecord[]} all generations, newest first
	 */
	generations(filter = {}) {
		return this.store.list(null, filter.family ?? null).map((r) => this.store.snapshot(r));
	}

	/**
	 * Request and delivery counters per family, e.g. `sim.counters().veo.create` = POST /v1/veo/generate requests
	 * (whatever their answer), `.created` = generations created, `.status` / `.list` = reads, `.callbacks` = delivery
	 * attempts (duplicates included). Every family is present, with zeros when unused.
	 * @returns {Record<string, FamilyCounters>}
	 */
	counters() {
		/** @type {Record<string, FamilyCounters>} */
		const out = {};
		for (const f of FAMILIES) out[f.name] = { create: 0, status: 0, list: 0, created: 0, callbacks: 0, ...(this.counts.get(f.name) || {}) };
		return out;
	}

	/** @param {string} family @param {keyof FamilyCounters} key */
	count(family, key) {
		let c = this.counts.get(family);
		if (!c) this.counts.set(family, (c = { create: 0, status: 0, list: 0, created: 0, callbacks: 0 }));
		c[key]++;
	}

	/**
	 * Callback options for one family: the global `callbacks` option, then the family's documented schedule, then
	 * `callbacks.families[name]`. Sora's documented schedule IS the global default.
	 * @param {string | undefined} name
	 */
	callbackOptionsFor(name) {
		const base = this.opts.callbacks;
		const family = name ? BY_NAME.get(name) : undefined;
		const override = (name && base.families && base.families[name]) || {};
		return { ...base, ...((family && family.callbacks) || {}), ...override };
	}

	/** @param {string} id @returns {import('./generations').GenerationRecord | undefined} */
	get(id) {
		const rec = this.store.raw(id);
		return rec ? this.store.snapshot(rec) : undefined;
	}

	/** Account balance in USD. */
	get balance() {
		return this.store.balanceUnits / UNITS_PER_USD;
	}

	/** @param {number} usd */
	setBalance(usd) {
		this.store.balanceUnits = toUnits(usd);
	}

	/** JSON-safe view of the current options (functions shown as "[function]", API keys omitted). */
	get options() {
		return describeOptions(this.rawOptions);
	}

	/**
	 * Change options at runtime. Timing, videoSize, outcome and callbackFaults apply to generations from the moment
	 * they are consulted (timing at creation; outcome, videoSize and callbackFaults when a generation finishes);
	 * callback options apply to the next attempt. `balance` sets the balance; `faults` queues API faults (as
	 * injectFaults). host/port/cdnPort cannot change.
	 * @param {import('./options').SimulatorOptions & {faults?: import('./faults').FaultSpec[]}} partial
	 */
	configure(partial) {
		if (!isPlainObject(partial)) throw new TypeError('configure() expects an object');
		const { balance, host, port, cdnPort, faults, ...rest } = partial;
		if (host !== undefined || port !== undefined || cdnPort !== undefined) {
			this.log('configure(): host/port/cdnPort cannot change at runtime; ignored');
		}
		const raw = mergeOptions(this.rawOptions, rest);
		const resolved = resolveOptions(raw); // throws on invalid values, leaving the old options in place
		if (balance !== undefined) toUnits(balance); // validate before changing anything
		if (faults !== undefined) this.injectFaults(faults);
		if (balance !== undefined) this.setBalance(balance);
		this.rawOptions = raw;
		this.opts = resolved;
	}

	/**
	 * Queue API faults; the next matching /v1 requests get them.
	 * @param {import('./faults').FaultSpec[] | import('./faults').FaultSpec} faults
	 */
	injectFaults(faults) {
		return this.faultQueue.add(faults);
	}

	/** Pending injected faults (JSON-safe). */
	get faults() {
		return this.faultQueue.describe();
	}

	/**
	 * Force a generation to finish now; callbacks then run as usual.
	 * @param {string} id
	 * @param {{status?: 'completed'|'failed', error_message?: string, code?: string, message?: string}} [outcome] default completed (the failure reason: see README, sim.finish)
	 */
	finish(id, outcome) {
		return this.store.finish(id, outcome);
	}

	/**
	 * Finish every unfinished generation (of one family, or all) now.
	 * @param {{family?: string} & Parameters<Simulator['finish']>[1]} [o]
	 * @returns {import('./generations').GenerationRecord[]}
	 */
	finishAll(o = {}) {
		const { family, ...outcome } = o;
		return this.store
			.list(null, family ?? null)
			.filter((r) => r.status === 'pending' || r.status === 'processing')
			.map((r) => this.store.finish(r.id, outcome));
	}

	/**
	 * Resolve with predicate's truthy result once it returns one (polled every 20 ms); reject after timeoutMs.
	 * A predicate that throws counts as false (e.g. reading a record that does not exist yet).
	 * @template T
	 * @param {(sim: Simulator) => T | Promise<T>} predicate
	 * @param {number} [timeoutMs] default 5000
	 * @returns {Promise<T>}
	 */
	waitFor(predicate, timeoutMs = 5000) {
		return new Promise((resolve, reject) => {
			const start = Date.now();
			/** @type {unknown} */
			let lastError;
			const tick = async () => {
				try {
					const v = await predicate(this);
					if (v) return resolve(v);
				} catch (e) {
					lastError = e;
				}
				if (Date.now() - start >= timeoutMs) {
					const why = lastError ? ` (last error: ${/** @type {any} */ (lastError).message || lastError})` : '';
					return reject(new Error(`waitFor: condition not met within ${timeoutMs} ms${why}`));
				}
				setTimeout(tick, 20);
			};
			void tick();
		});
	}

	/**
	 * Back to a clean slate: forget generations, logs and faults, cancel timers and in-flight callbacks, restore the
	 * options and balance given at creation. Listeners and URLs stay.
	 */
	reset() {
		this.timers.clearAll();
		this.dispatcher.abortInflight();
		this.store.clear();
		this.faultQueue.clear();
		this.deliveries.length = 0;
		this.requests.length = 0;
		this.cdnRequests.length = 0;
		this.counts.clear();
		this.rawOptions = { ...this.initialOptions };
		this.opts = resolveOptions(this.rawOptions);
		this.setBalance(this.initialOptions.balance ?? DEFAULTS.balance);
	}

	/** JSON-safe state dump (what GET /_sim/state returns). */
	state() {
		return {
			url: this.url,
			cdnUrl: this.cdnUrl,
			balance: formatUnits(this.store.balanceUnits),
			generations: this.generations(),
			deliveries: this.deliveries,
			requests: this.requests,
			cdnRequests: this.cdnRequests,
			faults: this.faults,
			counters: this.counters(),
			options: this.options,
		};
	}

	// ---------------------------------------------------------------- HTTP: API listener

	/**
	 * @param {http.IncomingMessage} req
	 * @param {http.ServerResponse} res
	 */
	async handleApi(req, res) {
		let url;
		try {
			url = new URL(req.url || '/', 'http://api.invalid');
		} catch {
			req.resume();
			return sendJson(res, 404, { detail: DETAIL.notFound });
		}
		const path = url.pathname;
		const method = (req.method || 'GET').toUpperCase();
		if (path === '/_sim' || path.startsWith('/_sim/')) return this.handleControl(req, res, method, path);

		/** @type {RequestLogEntry} */
		const entry = {
			method,
			path,
			query: Object.fromEntries(url.searchParams),
			authorization: req.headers.authorization !== undefined,
			status: null,
			startedAt: Date.now(),
			finishedAt: null,
		};
		const hitRoute = routes().find((r) => r.family && r.re.test(path));
		if (hitRoute && hitRoute.family) {
			entry.family = hitRoute.family.name;
			// Counted whatever the answer (faults included), so tests can spot a repeated create.
			const counted = routes().find((r) => r.family && r.method === method && r.re.test(path));
			if (counted && counted.family) this.count(counted.family.name, counted.name === 'generate' ? 'create' : /** @type {'status'|'list'} */ (counted.name));
		}
		let logged = false;
		const logEntry = () => {
			if (entry.hung) {
				entry.finishedAt = Date.now();
				return;
			}
			if (logged) return;
			logged = true;
			entry.finishedAt = Date.now();
			if (!entry.dropped) entry.status = res.headersSent ? res.statusCode : null;
			pushBounded(this.requests, entry, this.opts.maxLogEntries);
		};
		res.on('finish', logEntry);
		res.on('close', logEntry);

		const fault = this.faultQueue.take(method, path);
		if (fault) entry.fault = fault.id;
		const phase = fault && fault.phase === 'after' ? 'after' : 'before';
		const answersWithFault = Boolean(fault && (fault.status !== undefined || fault.drop));

		if (fault && fault.hang && phase === 'before') return this.hang(req, entry);
		if (fault && phase === 'before') {
			if (fault.delayMs) await this.sleep(fault.delayMs);
			if (this.closed) return;
			if (answersWithFault) return this.answerFault(req, res, fault, entry);
		}

		const reply = await this.dispatchApi(req, method, path, url);
		if (this.closed) return;
		if (method === 'POST' && reply.status < 300 && reply.body && typeof reply.body === 'object') {
			const body = /** @type {Record<string, unknown>} */ (reply.body);
			const created = body.generation_id ?? body.task_uuid ?? body.id;
			if (typeof created === 'string') entry.createdId = created;
		}

		if (fault && fault.hang) return this.hang(req, entry);
		if (fault && phase === 'after') {
			if (fault.delayMs) await this.sleep(fault.delayMs);
			if (this.closed) return;
			if (answersWithFault) return this.answerFault(req, res, fault, entry);
		}
		this.send(res, reply);
	}

	/**
	 * Never answer (a hanging request): the socket stays open until the client gives up or the simulator closes.
	 * @param {http.IncomingMessage} req
	 * @param {RequestLogEntry} entry
	 */
	hang(req, entry) {
		entry.hung = true;
		pushBounded(this.requests, entry, this.opts.maxLogEntries);
		req.resume();
	}

	/** @param {number} ms */
	sleep(ms) {
		return new Promise((resolve) => this.timers.after(() => resolve(undefined), ms));
	}

	/**
	 * @param {http.IncomingMessage} req
	 * @param {http.ServerResponse} res
	 * @param {import('./faults').ActiveFault} fault
	 * @param {RequestLogEntry} entry
	 */
	answerFault(req, res, fault, entry) {
		if (fault.drop) {
			entry.dropped = true;
			req.socket.destroy();
			return;
		}
		const status = /** @type {number} */ (fault.status);
		/** @type {Record<string, string|number>} */
		const headers = {};
		if (status === 429) headers['retry-after'] = String(fault.retryAfter ?? this.opts.retryAfterSeconds);
		Object.assign(headers, fault.headers || {});
		const body = fault.body !== undefined ? fault.body : (/** @type {Record<number, unknown>} */ (FAULT_BODIES))[status] ?? { detail: http.STATUS_CODES[status] || 'Error' };
		// Drain the request body so the client is not left writing into a socket nobody reads.
		req.resume();
		sendJson(res, status, body, headers);
	}

	/** @param {http.ServerResponse} res @param {Reply} reply */
	send(res, reply) {
		if (reply.empty) {
			if (res.headersSent || res.destroyed) return;
			res.writeHead(reply.status, { 'content-length': 0, ...(reply.headers || {}) });
			res.end();
			return;
		}
		sendJson(res, reply.status, reply.body, reply.headers);
	}

	/**
	 * Route like Starlette/FastAPI: exact match → handler; path matches but method doesn't → 405; the path with its
	 * trailing slash toggled matches → 307 redirect (redirect_slashes); otherwise 404.
	 * @param {http.IncomingMessage} req
	 * @param {string} method
	 * @param {string} path
	 * @param {URL} url
	 * @returns {Promise<Reply>}
	 */
	async dispatchApi(req, method, path, url) {
		const matching = routes().filter((r) => r.re.test(path));
		const hit = matching.find((r) => r.method === method);
		if (hit) {
			const m = /** @type {RegExpExecArray} */ (hit.re.exec(path));
			return this.handleRoute(hit, req, m, url);
		}
		req.resume();
		if (matching.length) {
			return { status: 405, body: { detail: DETAIL.methodNotAllowed }, headers: { allow: matching.map((r) => r.method).join(', ') } };
		}
		if (path !== '/') {
			const toggled = path.endsWith('/') ? path.replace(/\/+$/, '') : path + '/';
			if (routes().some((r) => r.re.test(toggled))) {
				const hostHeader = req.headers.host || new URL(this.url).host;
				return { status: 307, empty: true, headers: { location: `http://${hostHeader}${toggled}${url.search}` } };
			}
		}
		return { status: 404, body: { detail: DETAIL.notFound } };
	}

	/**
	 * Bearer auth: missing header or empty token → "Missing credentials"; other scheme or unknown key →
	 * "Invalid API key". Returns the key's tag (records are scoped per key) or a 401 reply. With
	 * `variants.authError: 'error'` the body is the Authentication page's `{"error": "Unauthorized", "message"}` with
	 * its three messages instead.
	 * @param {http.IncomingMessage} req
	 * @returns {{owner: string} | {reply: Reply}}
	 */
	authenticate(req) {
		const header = req.headers.authorization;
		const errorShape = this.opts.variants.authError === 'error';
		/** @param {string} detail @param {string} message the Authentication page's wording */
		const unauthorized = (detail, message) => ({
			reply: {
				status: 401,
				body: errorShape ? { error: 'Unauthorized', message } : { detail },
				headers: { 'www-authenticate': 'Bearer' },
			},
		});
		const noHeader = () => unauthorized(DETAIL.missingCredentials, 'Authorization header required');
		const badFormat = () => unauthorized(DETAIL.invalidKey, 'Invalid authorization format. Use: Bearer YOUR_API_KEY');
		if (header === undefined || header.trim() === '') return noHeader();
		const m = /^(\S+)(?:\s+(.*))?$/.exec(header.trim());
		const scheme = m ? m[1] : '';
		const token = m && m[2] ? m[2].trim() : '';
		if (scheme.toLowerCase() !== 'bearer') return badFormat();
		if (!token) return errorShape ? badFormat() : noHeader();
		if (!this.opts.apiKeys.has(token)) return unauthorized(DETAIL.invalidKey, 'Invalid API key');
		return { owner: keyTag(token) };
	}

	/**
	 * @param {ReturnType<typeof route>} hit
	 * @param {http.IncomingMessage} req
	 * @param {RegExpExecArray} m
	 * @param {URL} url
	 * @returns {Promise<Reply>}
	 */
	async handleRoute(hit, req, m, url) {
		const auth = this.authenticate(req);
		if ('reply' in auth) {
			req.resume();
			return auth.reply;
		}
		const { owner } = auth;
		const family = /** @type {import('./families/types').Family} */ (hit.family);
		switch (hit.name) {
			case 'generate':
				return this.handleGenerate(req, owner, family);
			case 'status': {
				req.resume();
				let id;
				try {
					id = decodeURIComponent(m[1]);
				} catch {
					id = m[1];
				}
				if (!family.isId(id)) return family.invalidId || family.notFound;
				const rec = this.store.raw(id);
				if (!rec || rec.owner !== owner || rec.family !== family) return family.notFound;
				this.store.catchUp(rec);
				return { status: 200, body: this.store.statusObject(rec) };
			}
			case 'list': {
				req.resume();
				const limits = /** @type {{defaultLimit: number, maxLimit: number}} */ (family.list);
				const q = validateListQuery(url.searchParams, limits);
				if (!q.ok) return { status: q.status, body: q.body };
				const page = this.store.list(owner, family.name).slice(q.offset, q.offset + q.limit);
				for (const r of page) this.store.catchUp(r);
				return { status: 200, body: page.map((r) => this.store.statusObject(r)) };
			}
			case 'balance':
				req.resume();
				return { status: 200, body: { balance: formatUnits(this.store.balanceUnits) } };
			default:
				return { status: 404, body: { detail: DETAIL.notFound } };
		}
	}

	/**
	 * POST <family>/generate: decode → validate (the family's 422 / 400 shapes) → credits (402) → 201.
	 * @param {http.IncomingMessage} req
	 * @param {string} owner
	 * @param {import('./families/types').Family} family
	 * @returns {Promise<Reply>}
	 */
	async handleGenerate(req, owner, family) {
		let raw;
		try {
			raw = await readBody(req, this.opts.maxBodyBytes);
		} catch (e) {
			if (e && e.code === 'TOO_LARGE') {
				req.resume();
				return { status: 413, body: { detail: DETAIL.tooLarge }, headers: { connection: 'close' } };
			}
			throw e;
		}
		const decoded = decodeBody(raw, req.headers['content-type']);
		if (!decoded.ok) return { status: decoded.status, body: decoded.body };
		const ctx = { allowHttp: this.opts.callbacks.allowHttp, variants: this.opts.variants };
		const v = family.validate(/** @type {any} */ (decoded.body), ctx);
		if (!v.ok) return { status: v.status, body: v.body };
		const rec = this.store.create(owner, family, v, redactBody(/** @type {any} */ (decoded.body)));
		if (!rec) return { status: 402, body: family.insufficientCredits };
		this.count(family.name, 'created');
		return { status: 201, body: family.createResponse(rec, { priceText: rec.priceText, variants: this.opts.variants }) };
	}

	// ---------------------------------------------------------------- HTTP: control API (local use only, no auth)

	/**
	 * @param {http.IncomingMessage} req
	 * @param {http.ServerResponse} res
	 * @param {string} method
	 * @param {string} path
	 */
	async handleControl(req, res, method, path) {
		/** @param {number} status @param {unknown} body */
		const reply = (status, body) => sendJson(res, status, body);
		const readJson = async () => {
			const raw = await readBody(req, this.opts.maxBodyBytes);
			if (raw.length === 0) return {};
			return JSON.parse(raw.toString('utf8'));
		};
		try {
			if (method === 'GET' && (path === '/_sim/state' || path === '/_sim/state/')) return reply(200, this.state());
			if (method === 'GET' && path === '/_sim/health') return reply(200, { ok: true, url: this.url, cdnUrl: this.cdnUrl });
			let m = /^\/_sim\/generations\/([^/]+)\/?$/.exec(path);
			if (method === 'GET' && m) {
				const rec = this.get(decodeURIComponent(m[1]));
				return rec ? reply(200, rec) : reply(404, { error: 'generation not found' });
			}
			if (method === 'POST' && path === '/_sim/config') {
				this.configure(await readJson());
				return reply(200, { ok: true, options: this.options, balance: formatUnits(this.store.balanceUnits) });
			}
			if (method === 'POST' && path === '/_sim/faults') {
				const body = await readJson();
				const list = Array.isArray(body) ? body : isPlainObject(body) && Array.isArray(body.faults) ? body.faults : [body];
				this.injectFaults(list);
				return reply(200, { ok: true, faults: this.faults });
			}
			m = /^\/_sim\/generations\/([^/]+)\/finish\/?$/.exec(path);
			if (method === 'POST' && m) {
				const body = await readJson();
				return reply(200, this.finish(decodeURIComponent(m[1]), isPlainObject(body) ? body : {}));
			}
			if (method === 'POST' && path === '/_sim/finish-all') {
				const body = await readJson();
				return reply(200, this.finishAll(isPlainObject(body) ? body : {}));
			}
			if (method === 'POST' && path === '/_sim/reset') {
				req.resume();
				this.reset();
				return reply(200, { ok: true });
			}
			req.resume();
			return reply(404, { error: `unknown control endpoint ${method} ${path}` });
		} catch (e) {
			const code = e && e.code;
			const status = code === 'NOT_FOUND' ? 404 : code === 'ALREADY_FINISHED' ? 409 : 400;
			return reply(status, { error: e && e.message ? e.message : String(e) });
		}
	}
}

/**
 * Create and start a simulator.
 * @param {import('./options').SimulatorOptions} [options]
 * @returns {Promise<Simulator>}
 */
async function createSimulator(options = {}) {
	const sim = new Simulator(options);
	await sim.start();
	return sim;
}

module.exports = { Simulator, createSimulator, ROUTES };
