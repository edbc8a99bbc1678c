// A small HTTP load balancer in front of n8n's webhook processors, as production queue mode has one: every request
// goes to the next backend in turn (round robin), so duplicates of a callback land on different processes. It records
// each request, and can lose the answer of a request n8n did process (what a proxy timeout or a reset connection does
// to RunBlob), which makes RunBlob retry on its real schedule. A backend that is down answers 502.
'use strict';

const http = require('node:http');

/**
 * @typedef {{ at: number, method: string, path: string, backend: number, status: number, answerLost: boolean, body: string }} BalancedRequest
 * @param {{ port?: number }} [o]
 */
async function startBalancer({ port = 0 } = {}) {
	/** @type {Array<{ host: string, port: number } | null>} */
	let backends = [];
	/** @type {Map<string, number>} next backend per rotation key */
	const next = new Map();
	/** @type {(req: { method: string, path: string, body: string }) => string} */
	let rotationKey = () => '';
	/** @type {(req: { method: string, path: string, body: string }) => boolean} */
	let loseAnswer = () => false;
	/** @type {BalancedRequest[]} */
	const requests = [];

	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const body = Buffer.concat(chunks);
			const key = rotationKey({ method: req.method || 'GET', path: req.url || '/', body: body.toString('utf8') });
			const turn = next.get(key) ?? 0;
			next.set(key, turn + 1);
			const index = backends.length ? turn % backends.length : -1;
			const backend = index >= 0 ? backends[index] : null;
			const record = { at: Date.now(), method: req.method || 'GET', path: req.url || '/', backend: index, status: 0, answerLost: false, body: body.toString('utf8') };
			requests.push(record);
			if (!backend) {
				record.status = 502;
				res.writeHead(502, { 'content-type': 'text/plain' }).end('no backend');
				return;
			}
			const lose = loseAnswer({ method: record.method, path: record.path, body: record.body });
			const headers = { ...req.headers, host: `${backend.host}:${backend.port}`, 'content-length': String(body.length) };
			const upstream = http.request({ host: backend.host, port: backend.port, method: req.method, path: req.url, headers }, (up) => {
				const upChunks = [];
				up.on('data', (c) => upChunks.push(c));
				up.on('end', () => {
					record.status = up.statusCode || 0;
					if (lose) {
						// n8n has done its work; the caller never hears back (its request fails, so RunBlob retries).
						record.answerLost = true;
						req.socket.destroy();
						return;
					}
					const out = Buffer.concat(upChunks);
					const h = { ...up.headers, 'content-length': String(out.length) };
					delete h['transfer-encoding'];
					delete h.connection;
					res.writeHead(up.statusCode || 502, h).end(out);
				});
				up.on('error', () => req.socket.destroy());
			});
			upstream.on('error', () => {
				record.status = 502;
				if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end('backend unavailable');
			});
			upstream.end(body);
		});
	});
	await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
	const address = /** @type {import('node:net').AddressInfo} */ (server.address());
	return {
		url: `http://127.0.0.1:${address.port}`,
		port: address.port,
		requests,
		/** Backends in rotation order; `null` marks one that is down (answers 502 on its turn). */
		setBackends(list) {
			backends = list;
		},
		setBackend(index, backend) {
			backends[index] = backend;
		},
		/**
		 * Requests with the same key take turns over the backends (default: one rotation for all requests). Keyed by a
		 * callback's generation_id, each generation's deliveries alternate between webhook processors.
		 */
		setRotationKey(fn) {
			rotationKey = fn || (() => '');
		},
		/** Decides per request whether the caller loses the answer after the backend processed it. */
		setLoseAnswer(fn) {
			loseAnswer = fn || (() => false);
		},
		close() {
			return new Promise((resolve) => {
				server.closeAllConnections?.();
				server.close(() => resolve(undefined));
			});
		},
	};
}

module.exports = { startBalancer };
