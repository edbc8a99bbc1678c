// A small HTTP load balancer in front of n8n's webhook processors, as production queue mode has one: every request
// goes to the next backend in turn (round robin), so duplicates of a callback land on different processes. It records
// each request, and can lose the answer of a request n8n did process (what a proxy timeout or a reset connection does
// to RunBlob), which makes RunBlob retry on its real schedule. A backend that is down answers 502.
// Two more behaviours of real deployments: a routing rule that pins some paths to one backend (how a proxy sends a
// trigger's path to a single webhook processor), and concurrent copies of one request sent to different backends at
// the same moment (what a balancer that retries a slow upstream, or a sender that delivers twice, produces).
// With `healthCheck`, it checks every backend actively (as the README's recipe asks of the proxy) and sends nothing to
// one that fails the check: a starting n8n listens before its database is migrated and answers every request with
// 200 "n8n is starting up. Please wait", which RunBlob would take as delivered.
'use strict';

const http = require('node:http');

/**
 * @typedef {{ at: number, method: string, path: string, backend: number, status: number, answerLost: boolean, body: string, answer: string, copy: number, byBalancer: boolean }} BalancedRequest
 * @typedef {{ method: string, path: string, body: string }} IncomingRequest
 * @typedef {{ host: string, port: number }} Backend
 * @param {{ port?: number, healthCheck?: { path: string, intervalMs?: number, timeoutMs?: number } }} [o]
 */
async function startBalancer({ port = 0, healthCheck } = {}) {
	/** @type {Array<Backend | null>} */
	let backends = [];
	/** Backends ("host:port") that failed their last health check; a backend is healthy until a check fails. */
	const unhealthy = new Set();
	/** @type {Array<{ at: number, backend: string, healthy: boolean }>} */
	const healthChanges = [];
	const checking = new Set();
	const keyOf = (/** @type {Backend} */ b) => `${b.host}:${b.port}`;
	function check(/** @type {Backend} */ b) {
		const key = keyOf(b);
		if (!healthCheck || checking.has(key)) return;
		checking.add(key);
		const done = (/** @type {boolean} */ healthy) => {
			checking.delete(key);
			if (healthy === !unhealthy.has(key)) return;
			if (healthy) unhealthy.delete(key);
			else unhealthy.add(key);
			healthChanges.push({ at: Date.now(), backend: key, healthy });
		};
		const probe = http.get({ host: b.host, port: b.port, path: healthCheck.path, timeout: healthCheck.timeoutMs ?? 5000 }, (res) => {
			res.resume();
			res.on('end', () => done(res.statusCode === 200));
			res.on('error', () => done(false));
		});
		probe.on('timeout', () => probe.destroy(new Error('health check timed out')));
		probe.on('error', () => done(false));
	}
	const checks = healthCheck
		? setInterval(() => {
				for (const b of backends) if (b) check(b);
			}, healthCheck.intervalMs ?? 250)
		: undefined;
	checks?.unref();
	/** @type {Map<string, number>} next backend per rotation key */
	const next = new Map();
	/** @type {(req: IncomingRequest) => string} */
	let rotationKey = () => '';
	/** @type {(req: IncomingRequest) => boolean} */
	let loseAnswer = () => false;
	/** @type {(req: IncomingRequest) => number | number[] | null | undefined} */
	let route = () => null;
	/** @type {BalancedRequest[]} */
	const requests = [];
	/** Requests received and not finished yet (every copy answered or failed). */
	let inFlight = 0;

	/** Forwards one copy to backend `index`; resolves with its record once the backend answered (or failed). */
	function forward(incoming, headersIn, body, index, copy) {
		const backend = backends[index] ?? null;
		/** @type {BalancedRequest} */
		const record = { at: Date.now(), ...incoming, backend: index, status: 0, answerLost: false, answer: '', copy, byBalancer: false };
		requests.push(record);
		return new Promise((resolve) => {
			if (!backend || unhealthy.has(keyOf(backend))) {
				Object.assign(record, { status: 502, byBalancer: true });
				resolve({ record, status: 502, headers: { 'content-type': 'text/plain' }, out: Buffer.from('no backend') });
				return;
			}
			const headers = { ...headersIn, host: `${backend.host}:${backend.port}`, 'content-length': String(body.length) };
			const upstream = http.request({ host: backend.host, port: backend.port, method: incoming.method, path: incoming.path, headers }, (up) => {
				const upChunks = [];
				up.on('data', (c) => upChunks.push(c));
				up.on('end', () => {
					record.status = up.statusCode || 0;
					const out = Buffer.concat(upChunks);
					record.answer = out.toString('utf8').slice(0, 2000);
					resolve({ record, status: up.statusCode || 502, headers: up.headers, out });
				});
				up.on('error', () => resolve({ record, status: 0, headers: {}, out: Buffer.alloc(0) }));
			});
			upstream.on('error', () => {
				Object.assign(record, { status: 502, byBalancer: true });
				resolve({ record, status: 502, headers: { 'content-type': 'text/plain' }, out: Buffer.from('backend unavailable') });
			});
			upstream.end(body);
		});
	}

	const server = http.createServer((req, res) => {
		const chunks = [];
		inFlight += 1;
		let finished = false;
		const finish = () => {
			if (!finished) inFlight -= 1;
			finished = true;
		};
		req.on('close', () => {
			if (!req.complete) finish(); // the caller gave up before sending the whole body: nothing was forwarded
		});
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const body = Buffer.concat(chunks);
			const incoming = { method: req.method || 'GET', path: req.url || '/', body: body.toString('utf8') };
			const routed = route(incoming);
			/** @type {number[]} */
			let targets;
			if (typeof routed === 'number') targets = [routed];
			else if (Array.isArray(routed) && routed.length) targets = routed;
			else {
				const key = rotationKey(incoming);
				const turn = next.get(key) ?? 0;
				next.set(key, turn + 1);
				// Turns go round the backends that pass their health check (all of them without checks).
				const inRotation = backends.flatMap((b, i) => (b && unhealthy.has(keyOf(b)) ? [] : [i]));
				targets = [inRotation.length ? inRotation[turn % inRotation.length] : -1];
			}
			const lose = loseAnswer(incoming);
			// Every copy goes out at once; the caller gets the first answer (the others are recorded, then dropped).
			let answered = false;
			const copies = [];
			for (const [copy, index] of targets.entries()) {
				const forwarded = forward(incoming, req.headers, body, index, copy);
				copies.push(forwarded);
				void forwarded.then(({ record, status, headers, out }) => {
					if (answered) return;
					answered = true;
					if (status === 0) return void req.socket.destroy();
					if (lose && status !== 502) {
						// n8n has done its work; the caller never hears back (its request fails, so RunBlob retries).
						record.answerLost = true;
						req.socket.destroy();
						return;
					}
					const h = { ...headers, 'content-length': String(out.length) };
					delete h['transfer-encoding'];
					delete h.connection;
					res.writeHead(status, h).end(out);
				});
			}
			void Promise.all(copies).then(finish);
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
		/**
		 * A routing rule per request: the backend index it goes to (502 while that one is down), several indexes to send
		 * concurrent copies to them at the same moment (the caller gets the first answer), or null to balance it.
		 */
		setRoute(fn) {
			route = fn || (() => null);
		},
		/** Requests received and not finished yet: 0 once every copy sent to a backend has its answer (or failed). */
		inFlight: () => inFlight,
		/** Each time a backend failed its health check or passed it again. */
		healthChanges,
		close() {
			if (checks) clearInterval(checks);
			return new Promise((resolve) => {
				server.closeAllConnections?.();
				server.close(() => resolve(undefined));
			});
		},
	};
}

module.exports = { startBalancer };
