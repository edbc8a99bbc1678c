'use strict';
/**
 * Injected API faults: the next `count` API requests matching (method, path) get this fault instead of (or, with
 * `phase: 'after'`, after) normal handling.
 */
const { isPlainObject } = require('./util');

/**
 * @typedef {object} FaultSpec
 * @property {number} [status] HTTP status to answer (429, 500, 503, ...). Optional when only `drop`/`delayMs` are given.
 * @property {number} [count] how many matching requests get the fault (default 1)
 * @property {string} [method] only requests with this method
 * @property {RegExp|string} [path] only requests whose path matches: a RegExp, or a string = exact path or prefix
 * @property {string} [pathRegex] RegExp source (JSON-friendly form of a RegExp `path`)
 * @property {unknown} [body] response body (default: RunBlob-style `{"detail": ...}` for the status)
 * @property {Record<string, string>} [headers] extra response headers
 * @property {number} [retryAfter] Retry-After seconds for 429 (default: options.retryAfterSeconds)
 * @property {boolean} [drop] destroy the connection without answering
 * @property {number} [delayMs] wait this long before answering (fault or normal answer)
 * @property {boolean} [hang] never answer (e.g. a hanging status request); with phase 'after' the request is handled first
 * @property {'before'|'after'} [phase] 'before' (default): answer instead of handling the request; 'after': handle it
 *   normally (side effects such as creating and charging a generation happen) and replace the answer with the fault
 */

/**
 * @typedef {FaultSpec & {remaining: number, id: number}} ActiveFault
 */

class FaultQueue {
	constructor() {
		/** @type {ActiveFault[]} */
		this.faults = [];
		this.nextId = 1;
	}

	/**
	 * @param {FaultSpec[] | FaultSpec} specs
	 * @returns {ActiveFault[]}
	 */
	add(specs) {
		const list = Array.isArray(specs) ? specs : [specs];
		const added = [];
		for (const spec of list) {
			if (!isPlainObject(spec)) throw new TypeError('a fault must be an object');
			if (spec.status === undefined && !spec.drop && !spec.hang && spec.delayMs === undefined) {
				throw new TypeError('a fault needs a status, drop: true, hang: true or delayMs');
			}
			if (spec.status !== undefined && !(Number.isInteger(spec.status) && spec.status >= 100 && spec.status <= 599)) {
				throw new TypeError(`invalid fault status ${spec.status}`);
			}
			if (spec.phase !== undefined && spec.phase !== 'before' && spec.phase !== 'after') {
				throw new TypeError(`fault phase must be 'before' or 'after'`);
			}
			const count = spec.count === undefined ? 1 : Number(spec.count);
			if (!(Number.isInteger(count) && count >= 1)) throw new TypeError('fault count must be a positive integer');
			const fault = { ...spec, remaining: count, id: 0 };
			if (spec.pathRegex) fault.path = new RegExp(spec.pathRegex);
			added.push(fault);
		}
		// All validated: queue them together (an invalid spec queues nothing).
		for (const f of added) {
			f.id = this.nextId++;
			this.faults.push(f);
		}
		return added;
	}

	/**
	 * Take the first fault matching this request (decrementing its count), or null.
	 * @param {string} method
	 * @param {string} path
	 * @returns {ActiveFault | null}
	 */
	take(method, path) {
		const i = this.faults.findIndex((f) => matches(f, method, path));
		if (i === -1) return null;
		const f = this.faults[i];
		f.remaining--;
		if (f.remaining <= 0) this.faults.splice(i, 1);
		return f;
	}

	clear() {
		this.faults = [];
	}

	/** JSON-safe view of the pending faults. */
	describe() {
		return this.faults.map((f) => ({ ...f, path: f.path instanceof RegExp ? String(f.path) : f.path }));
	}
}

/**
 * @param {FaultSpec} f
 * @param {string} method
 * @param {string} path
 */
function matches(f, method, path) {
	if (f.method && f.method.toUpperCase() !== method.toUpperCase()) return false;
	if (f.path instanceof RegExp) {
		f.path.lastIndex = 0; // a /g or /y RegExp would otherwise alternate between matching and not
		return f.path.test(path);
	}
	if (typeof f.path === 'string') return path === f.path || path.startsWith(f.path);
	return true;
}

module.exports = { FaultQueue };
