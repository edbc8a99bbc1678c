'use strict';
/**
 * Simulator options: defaults, normalisation of the data (JSON) forms used by the CLI and the control API into
 * functions, and merging for configure().
 */
const { isPlainObject, toUnits } = require('./util');

/** The photorealistic-people message is the only Sora failure text RunBlob documents. */
const DEFAULT_ERROR_MESSAGE = 'Image contains photorealistic people. Please try with a different image.';

/**
 * @typedef {object} Timing
 * @property {number} queueMs how long a generation stays `pending`
 * @property {number} processingMs how long it stays `processing` before its terminal state
 */

/**
 * @typedef {{status: 'completed'} | {status: 'failed', error_message?: string, code?: string, message?: string}} Outcome
 *   `error_message` is Sora's free text; `code` (or `message`) is what the code-reporting families send
 */

/**
 * @typedef {object} Variants where RunBlob's pages disagree, which variant the simulator answers with
 * @property {'detail'|'error'} authError 401 body: `{"detail": ...}` (Sora/Kling errors pages) or
 *   `{"error": "Unauthorized", "message": ...}` (Authentication page)
 * @property {'both'|'error'|'message'|'errorObject'} veoFailure Veo failure field: `error` and `message` both set to
 *   the code (default), only `error: CODE`, only `message: CODE` (with `error: null`), or `error: {message: CODE}`
 * @property {'B'|'A'} veoCreate Veo create answer: B = with `price` (quickstart), A = without
 * @property {'default'|'error'|'message'|'none'} klingFailure Kling main failure field: default = `error` in the status
 *   object and `message` in the callback; or that one field everywhere; or none
 */

/**
 * @typedef {object} OutcomeData data form of `outcome` (CLI / control API)
 * @property {string} [failPromptsMatching] generations whose prompt matches this regex (case-insensitive) fail
 * @property {string} [errorMessage] error_message of those failures (Sora text; default: the documented one)
 * @property {string} [errorCode] failure code for the code-reporting families (default: the family's usual code)
 * @property {'completed'|'failed'} [status] 'failed' = every generation fails
 * @property {TransientFailures} [transient] failures that a resubmission fixes (checked after the permanent ones)
 */

/**
 * @typedef {object} TransientFailures a prompt matching `promptsMatching` fails its first `failures` generations (of
 *   the same family and prompt) and completes after that: what an overloaded model or an upstream error looks like
 * @property {string} promptsMatching regex (case-insensitive)
 * @property {number} [failures] default 1
 * @property {string} [errorMessage] Sora's error_message (default "Generation failed: upstream error")
 * @property {string} [errorCode] the code-reporting families' code (default TASK_FAILED)
 */

/**
 * @typedef {object} CallbackFaultsData data form of `callbackFaults`
 * @property {boolean} [drop]
 * @property {number} [dropAttempts]
 * @property {number} [duplicate]
 * @property {number} [delayMs]
 * @property {string} [match] only apply to generations whose prompt matches this regex (case-insensitive)
 */

/**
 * @typedef {object} SimulatorOptions
 * @property {string} [host] default '127.0.0.1'
 * @property {number} [port] API port, 0 = random (default)
 * @property {number} [cdnPort] CDN port, 0 = random (default)
 * @property {string[]} [apiKeys] valid API keys (default ['sk-sim-test-key'])
 * @property {number} [balance] starting balance in USD (default 100)
 * @property {Record<string|number, string|number>} [prices] price per duration in USD (default {10:'0.1200', 15:'0.1800'})
 * @property {Timing | ((record: any) => Partial<Timing>)} [timing]
 * @property {((request: any) => Outcome) | OutcomeData} [outcome]
 * @property {number | ((record: any) => number)} [videoSize] bytes of each completed video (default 1 MiB)
 * @property {number | ((record: any) => number)} [imageSize] bytes of each completed image (default 64 KiB)
 * @property {Record<string, unknown>} [familyPrices] price per family (USD number/string, or (request) => price), e.g.
 *   {veo: '0.2500'}; Sora keeps using `prices`
 * @property {number} [jobTimeoutScale] multiplies the families' documented hard timeouts (Veo 10 min, Kling 15 min);
 *   0 = no hard timeouts (default 1)
 * @property {Partial<Variants>} [variants] which documented variant the simulator answers with where pages disagree
 * @property {Partial<import('./callbacks').CallbackOptions>} [callbacks]
 * @property {import('./callbacks').CallbackFaults | CallbackFaultsData | ((record: any) => import('./callbacks').CallbackFaults | null | undefined)} [callbackFaults]
 * @property {string|null} [publicCdnBase] base used in video_url (default: the CDN listener's URL)
 * @property {boolean} [refundFailed] refund the price of failed generations (default false: undocumented for Sora)
 * @property {number} [retryAfterSeconds] Retry-After of injected 429s (default 1)
 * @property {number} [maxLogEntries] cap of requests/cdnRequests/deliveries logs (default 10000)
 * @property {number} [maxBodyBytes] request body limit of the API (default 32 MiB; 413 beyond)
 * @property {(msg: string) => void} [log] debug log sink (default silent)
 */

const DEFAULTS = Object.freeze({
	host: '127.0.0.1',
	port: 0,
	cdnPort: 0,
	apiKeys: ['sk-sim-test-key'],
	balance: 100,
	// The 10 s price is documented ($0.12). The 15 s price is NOT documented by RunBlob; 0.18 is pro-rata.
	prices: { 10: '0.1200', 15: '0.1800' },
	timing: { queueMs: 1000, processingMs: 3000 },
	outcome: undefined,
	videoSize: 1024 * 1024,
	imageSize: 64 * 1024,
	familyPrices: {},
	jobTimeoutScale: 1,
	variants: { authError: 'detail', veoFailure: 'both', veoCreate: 'B', klingFailure: 'default' },
	callbacks: {
		allowHttp: /** @type {boolean|'loopback'} */ (false),
		retryDelaysMs: [30000, 60000, 120000, 240000, 480000],
		timeScale: 1,
		timeoutMs: 30000,
		connectTimeoutMs: 10000,
		rejectUnauthorized: true,
		families: /** @type {Record<string, {retryDelaysMs?: number[], timeoutMs?: number, connectTimeoutMs?: number}> | undefined} */ (undefined),
	},
	callbackFaults: undefined,
	publicCdnBase: null,
	refundFailed: false,
	retryAfterSeconds: 1,
	maxLogEntries: 10000,
	maxBodyBytes: 32 * 1024 * 1024,
	log: undefined,
});

/** @param {unknown} v */
function parseAllowHttp(v) {
	if (v === true || v === 'true') return true;
	if (v === false || v === 'false' || v === undefined || v === null) return false;
	if (v === 'loopback') return 'loopback';
	throw new TypeError(`callbacks.allowHttp must be true, false or 'loopback' (got ${JSON.stringify(v)})`);
}

/**
 * Turn the data form of `outcome` into a function.
 * @param {SimulatorOptions['outcome']} o
 * @returns {(request: any) => Outcome}
 */
function outcomeFn(o) {
	if (typeof o === 'function') return o;
	if (o === undefined || o === null) return () => ({ status: 'completed' });
	if (!isPlainObject(o)) throw new TypeError('outcome must be a function or an object');
	const re = o.failPromptsMatching ? new RegExp(o.failPromptsMatching, 'i') : null;
	// Each family fills in its own default reason (Sora: the documented text; others: their usual code).
	const failed = /** @type {Outcome} */ ({
		status: 'failed',
		...(o.errorMessage ? { error_message: o.errorMessage } : {}),
		...(o.errorCode ? { code: o.errorCode } : {}),
	});
	const failAll = o.status === 'failed';
	const transient = transientFn(o.transient);
	return (request) =>
		failAll || (re && re.test(String(request.prompt))) ? { ...failed } : transient(request);
}

/**
 * @param {TransientFailures | undefined} t
 * @returns {(record: any) => Outcome}
 */
function transientFn(t) {
	if (!t) return () => ({ status: 'completed' });
	const re = new RegExp(t.promptsMatching, 'i');
	const limit = t.failures ?? 1;
	/** @type {Map<string, number>} failures so far per family and prompt */
	const seen = new Map();
	return (record) => {
		const key = `${record.family}\n${record.prompt}`;
		const count = seen.get(key) ?? 0;
		if (!re.test(String(record.prompt)) || count >= limit) return { status: 'completed' };
		seen.set(key, count + 1);
		return {
			status: 'failed',
			error_message: t.errorMessage ?? 'Generation failed: upstream error',
			code: t.errorCode ?? 'TASK_FAILED',
		};
	};
}

/**
 * Turn `callbackFaults` (object, data with `match`, or function) into a function of the record.
 * @param {SimulatorOptions['callbackFaults']} f
 * @returns {(record: any) => import('./callbacks').CallbackFaults}
 */
function callbackFaultsFn(f) {
	if (typeof f === 'function') return (rec) => f(rec) || {};
	if (f === undefined || f === null) return () => ({});
	if (!isPlainObject(f)) throw new TypeError('callbackFaults must be a function or an object');
	const { match, ...faults } = /** @type {CallbackFaultsData} */ (f);
	const re = match ? new RegExp(match, 'i') : null;
	return (rec) => (re && !re.test(String(rec.prompt)) ? {} : faults);
}

/**
 * @param {SimulatorOptions['timing']} t
 * @returns {(record: any) => Timing}
 */
function timingFn(t) {
	const base = DEFAULTS.timing;
	if (typeof t === 'function') return (rec) => ({ ...base, ...(t(rec) || {}) });
	// Data form: {queueMs, processingMs, families?: {veo: {queueMs, processingMs}}}
	const { families, ...fixed } = /** @type {any} */ ({ ...base, ...(t || {}) });
	if (families !== undefined && !isPlainObject(families)) throw new TypeError('timing.families must be an object');
	return (rec) => ({ ...fixed, ...((families && rec && families[rec.family]) || {}) });
}

/**
 * @param {SimulatorOptions['videoSize']} v
 * @returns {(record: any) => number}
 */
function videoSizeFn(v, def = DEFAULTS.videoSize, name = 'videoSize') {
	if (typeof v === 'function') return v;
	const n = v === undefined ? def : Number(v);
	if (!Number.isSafeInteger(n) || n < 0) throw new TypeError(`${name} must be a non-negative integer (got ${v})`);
	return () => n;
}

/** @param {unknown} v */
function jobTimeoutScaleOf(v) {
	const n = v === undefined ? DEFAULTS.jobTimeoutScale : Number(v);
	if (!(n >= 0)) throw new TypeError('jobTimeoutScale must be a non-negative number');
	return n;
}

/** @param {unknown} v */
function variantsOf(v) {
	if (v !== undefined && !isPlainObject(v)) throw new TypeError('variants must be an object');
	const out = { ...DEFAULTS.variants, ...(/** @type {object} */ (v) || {}) };
	/** @type {Record<string, string[]>} */
	const allowed = {
		authError: ['detail', 'error'],
		veoFailure: ['both', 'error', 'message', 'errorObject'],
		veoCreate: ['A', 'B'],
		klingFailure: ['default', 'error', 'message', 'none'],
	};
	for (const [k, val] of Object.entries(out)) {
		if (!allowed[k]) throw new TypeError(`unknown variant ${k}`);
		if (!allowed[k].includes(/** @type {string} */ (val))) throw new TypeError(`variants.${k} must be one of ${allowed[k].join(', ')}`);
	}
	return /** @type {Variants} */ (out);
}

/**
 * Merge a partial option set onto the current raw options (configure()): `callbacks` and `prices` are merged
 * key by key, an object `timing` is merged onto an object `timing`, everything else replaces.
 * @param {SimulatorOptions} current
 * @param {SimulatorOptions} partial
 * @returns {SimulatorOptions}
 */
function mergeOptions(current, partial) {
	/** @type {any} */
	const out = { ...current };
	for (const [k, v] of Object.entries(partial || {})) {
		if (v === undefined) continue;
		if (['callbacks', 'prices', 'familyPrices', 'variants'].includes(k) && isPlainObject(v)) out[k] = { ...(out[k] || {}), ...v };
		else if (k === 'timing' && isPlainObject(v) && isPlainObject(out.timing)) out.timing = { ...out.timing, ...v };
		else out[k] = v;
	}
	return out;
}

/**
 * Resolve raw options into the form the simulator uses internally. Throws TypeError on invalid values.
 * @param {SimulatorOptions} raw
 */
function resolveOptions(raw) {
	const callbacks = { ...DEFAULTS.callbacks, ...(raw.callbacks || {}) };
	callbacks.allowHttp = parseAllowHttp(callbacks.allowHttp);
	if (!Array.isArray(callbacks.retryDelaysMs) || callbacks.retryDelaysMs.some((d) => !(Number(d) >= 0))) {
		throw new TypeError('callbacks.retryDelaysMs must be an array of non-negative numbers');
	}
	callbacks.retryDelaysMs = callbacks.retryDelaysMs.map(Number);
	for (const k of /** @type {const} */ (['timeScale', 'timeoutMs', 'connectTimeoutMs'])) {
		const n = Number(callbacks[k]);
		if (!(n >= 0)) throw new TypeError(`callbacks.${k} must be a non-negative number`);
		callbacks[k] = n;
	}
	if (callbacks.families !== undefined) {
		if (!isPlainObject(callbacks.families)) throw new TypeError('callbacks.families must be an object');
		for (const [name, f] of Object.entries(callbacks.families)) {
			if (!isPlainObject(f)) throw new TypeError(`callbacks.families.${name} must be an object`);
			if (f.retryDelaysMs !== undefined && (!Array.isArray(f.retryDelaysMs) || f.retryDelaysMs.some((d) => !(Number(d) >= 0)))) {
				throw new TypeError(`callbacks.families.${name}.retryDelaysMs must be an array of non-negative numbers`);
			}
		}
	}
	// 0 would turn every timeout into an instant failure; use a small factor (e.g. 0.001) for fast schedules.
	if (callbacks.timeScale === 0) throw new TypeError('callbacks.timeScale must be greater than 0');
	const prices = { ...DEFAULTS.prices, ...(raw.prices || {}) };
	/** @type {Record<number, number>} price units (1e-4 USD) by duration */
	const priceUnits = {};
	for (const [d, p] of Object.entries(prices)) priceUnits[Number(d)] = toUnits(p);
	const apiKeys = raw.apiKeys ?? DEFAULTS.apiKeys;
	if (!Array.isArray(apiKeys) || apiKeys.some((k) => typeof k !== 'string' || !k)) {
		throw new TypeError('apiKeys must be an array of non-empty strings');
	}
	return {
		apiKeys: new Set(apiKeys),
		priceUnits,
		timing: timingFn(raw.timing),
		outcome: outcomeFn(raw.outcome),
		videoSize: videoSizeFn(raw.videoSize),
		imageSize: videoSizeFn(raw.imageSize, DEFAULTS.imageSize, 'imageSize'),
		familyPrices: isPlainObject(raw.familyPrices) ? raw.familyPrices : {},
		variants: variantsOf(raw.variants),
		jobTimeoutScale: jobTimeoutScaleOf(raw.jobTimeoutScale),
		callbacks,
		callbackFaults: callbackFaultsFn(raw.callbackFaults),
		publicCdnBase: raw.publicCdnBase ? String(raw.publicCdnBase).replace(/\/+$/, '') : null,
		refundFailed: Boolean(raw.refundFailed ?? DEFAULTS.refundFailed),
		retryAfterSeconds: Number(raw.retryAfterSeconds ?? DEFAULTS.retryAfterSeconds),
		maxLogEntries: Number(raw.maxLogEntries ?? DEFAULTS.maxLogEntries),
		maxBodyBytes: Number(raw.maxBodyBytes ?? DEFAULTS.maxBodyBytes),
		log: typeof raw.log === 'function' ? raw.log : () => {},
	};
}

/** @typedef {ReturnType<typeof resolveOptions>} ResolvedOptions */

/**
 * A JSON-safe view of raw options for the control API (functions shown as "[function]", API keys omitted).
 * @param {SimulatorOptions} raw
 */
function describeOptions(raw) {
	/** @type {Record<string, unknown>} */
	const out = {};
	for (const [k, v] of Object.entries(raw)) {
		if (k === 'apiKeys') out.apiKeyCount = Array.isArray(v) ? v.length : undefined;
		else if (typeof v === 'function') out[k] = '[function]';
		else out[k] = v;
	}
	return out;
}

module.exports = { DEFAULTS, DEFAULT_ERROR_MESSAGE, resolveOptions, mergeOptions, describeOptions, parseAllowHttp };
