'use strict';
/** Test helpers for the simulator's own tests: a raw HTTP client and a configurable callback receiver. */
const http = require('node:http');

const { httpRequest } = require('../support');

const KEY = 'sk-sim-test-key';

/**
 * Plain node:http request (no redirects followed, no keep-alive), body as JSON unless `raw` is given.
 * @param {string} base
 * @param {string} method
 * @param {string} path
 * @param {{body?: unknown, raw?: string|Buffer, key?: string|null, headers?: Record<string,string>}} [o]
 * @returns {Promise<{status: number, headers: http.IncomingHttpHeaders, text: string, json: any}>}
 */
function request(base, method, path, o = {}) {
	const headers = { ...(o.headers || {}) };
	const key = o.key === undefined ? KEY : o.key;
	if (key !== null && !('authorization' in headers)) headers.authorization = `Bearer ${key}`;
	return httpRequest(method, new URL(path, base).toString(), { headers, body: o.raw ?? o.body });
}

/**
 * A local callback receiver.
 * @param {{failFirst?: number, failStatus?: number, hang?: boolean}} [o] failFirst: answer failStatus (default 500)
 *   to the first n requests; hang: never answer
 */
async function createReceiver(o = {}) {
	/** @type {{at: number, method: string, url: string, headers: http.IncomingHttpHeaders, body: any, raw: string}[]} */
	const received = [];
	const sockets = new Set();
	let count = 0;
	const server = http.createServer((req, res) => {
		/** @type {Buffer[]} */
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const raw = Buffer.concat(chunks).toString('utf8');
			let body;
			try {
				body = JSON.parse(raw);
			} catch {
				body = undefined;
			}
			received.push({ at: Date.now(), method: req.method || '', url: req.url || '', headers: req.headers, body, raw });
			count++;
			if (o.hang) return;
			if (count <= (o.failFirst || 0)) {
				res.writeHead(o.failStatus || 500);
				res.end('nope');
				return;
			}
			res.writeHead(200, { 'content-type': 'application/json' });
			res.end('{"ok":true}');
		});
	});
	server.on('connection', (s) => {
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
	});
	await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
	const addr = /** @type {import('node:net').AddressInfo} */ (server.address());
	return {
		url: `http://127.0.0.1:${addr.port}`,
		received,
		close: () =>
			new Promise((r) => {
				for (const s of sockets) s.destroy();
				server.close(() => r(undefined));
			}),
	};
}

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

module.exports = { KEY, request, createReceiver, sleep };
