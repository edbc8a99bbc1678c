'use strict';
/**
 * Small shared helpers: timestamps, money, timers, JSON I/O, bounded logs.
 * Built-in modules only so the simulator runs with plain `node`.
 */
const crypto = require('node:crypto');

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * RunBlob timestamps: ISO-8601, UTC, microseconds, NO timezone suffix, e.g. `2025-11-24T10:00:00.000000`.
 * JS clocks have millisecond resolution, so the last three digits are always `000`.
 * @param {number} ms epoch milliseconds
 * @returns {string}
 */
function isoMicro(ms) {
	return new Date(ms).toISOString().replace('Z', '000');
}

/** Money is kept in integer ten-thousandths of a USD (RunBlob prints 4 decimals) to avoid float drift. */
const UNITS_PER_USD = 10000;

/** @param {number|string} usd @returns {number} */
function toUnits(usd) {
	const n = typeof usd === 'string' ? Number(usd) : usd;
	if (!Number.isFinite(n)) throw new TypeError(`not a finite amount: ${usd}`);
	return Math.round(n * UNITS_PER_USD);
}

/**
 * @param {number} units
 * @param {number} [decimals] 4 (default) or fewer: most RunBlob pages print 4 decimals, Kling O1 Video prints "0.30"
 * @returns {string} as RunBlob prints prices and balances
 */
function formatUnits(units, decimals = 4) {
	const sign = units < 0 ? '-' : '';
	const abs = Math.abs(units);
	const frac = String(abs % UNITS_PER_USD).padStart(4, '0').slice(0, Math.max(0, Math.min(4, decimals)));
	return `${sign}${Math.floor(abs / UNITS_PER_USD)}${frac ? '.' + frac : ''}`;
}

/**
 * Short, non-reversible tag for an API key. Records store this instead of the key so that state dumps, logs and
 * events never contain a key.
 * @param {string} key
 */
function keyTag(key) {
	return 'key_' + crypto.createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/**
 * Registry of timers so close()/reset() can cancel every pending one.
 */
class Timers {
	/** @param {(e: unknown) => void} [onError] called if a timer callback throws (instead of crashing the process) */
	constructor(onError) {
		/** @type {Set<NodeJS.Timeout>} */
		this.set = new Set();
		this.onError = onError || (() => {});
	}
	/**
	 * @param {() => void} fn
	 * @param {number} ms
	 * @returns {NodeJS.Timeout}
	 */
	after(fn, ms) {
		const t = setTimeout(() => {
			this.set.delete(t);
			try {
				fn();
			} catch (e) {
				this.onError(e);
			}
		}, Math.max(0, ms));
		this.set.add(t);
		return t;
	}
	/** @param {NodeJS.Timeout | undefined | null} t */
	cancel(t) {
		if (!t) return;
		clearTimeout(t);
		this.set.delete(t);
	}
	clearAll() {
		for (const t of this.set) clearTimeout(t);
		this.set.clear();
	}
	get size() {
		return this.set.size;
	}
}

/**
 * Append to an array used as a log, dropping the oldest entries beyond `max` (long-running playgrounds stay bounded).
 * @template T
 * @param {T[]} arr
 * @param {T} item
 * @param {number} max
 */
function pushBounded(arr, item, max) {
	arr.push(item);
	if (arr.length > max) arr.splice(0, arr.length - max);
}

/**
 * Write a JSON response the way Starlette's JSONResponse does (compact separators, UTF-8).
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string|number>} [headers]
 */
function sendJson(res, status, body, headers = {}) {
	if (res.headersSent || res.destroyed) return;
	const data = Buffer.from(JSON.stringify(body), 'utf8');
	res.writeHead(status, {
		'content-type': 'application/json',
		'content-length': data.length,
		...headers,
	});
	res.end(data);
}

/**
 * Read a request body up to `limit` bytes.
 * @param {import('node:http').IncomingMessage} req
 * @param {number} limit
 * @returns {Promise<Buffer>} rejects with an Error whose `code` is 'TOO_LARGE' beyond the limit
 */
function readBody(req, limit) {
	return new Promise((resolve, reject) => {
		/** @type {Buffer[]} */
		const chunks = [];
		let size = 0;
		let done = false;
		req.on('data', (chunk) => {
			if (done) return;
			size += chunk.length;
			if (size > limit) {
				done = true;
				const err = /** @type {Error & {code?: string}} */ (new Error('request body too large'));
				err.code = 'TOO_LARGE';
				reject(err);
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => {
			if (done) return;
			done = true;
			resolve(Buffer.concat(chunks));
		});
		req.on('error', (e) => {
			if (done) return;
			done = true;
			reject(e);
		});
		req.on('aborted', () => {
			if (done) return;
			done = true;
			reject(new Error('request aborted'));
		});
	});
}

/** @param {unknown} v @returns {v is Record<string, any>} */
function isPlainObject(v) {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Length in Unicode code points, which is what Python's len() (and so pydantic's min/max_length) counts.
 * @param {string} s
 */
function codePointLength(s) {
	let n = 0;
	// eslint-disable-next-line no-unused-vars
	for (const _ of s) n++;
	return n;
}

module.exports = {
	UUID_RE,
	isoMicro,
	toUnits,
	formatUnits,
	keyTag,
	Timers,
	pushBounded,
	sendJson,
	readBody,
	isPlainObject,
	codePointLength,
	UNITS_PER_USD,
};
