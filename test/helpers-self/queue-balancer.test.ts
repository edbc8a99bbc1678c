// The queue-mode tests read their trigger counts once the balancer has nothing in flight: inFlight() must count a
// request until every copy sent to a backend has its answer, not only until the caller got the first one.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { startBalancer } from '../e2e/queue/balancer';

type Backend = { port: number; held: () => number; release: () => void; close: () => Promise<void> };

/** A backend that answers 200 at once, or (slow) only when release() is called. */
async function backend(slow: boolean): Promise<Backend> {
	const held: http.ServerResponse[] = [];
	const server = http.createServer((req, res) => {
		req.resume();
		req.on('end', () => (slow ? held.push(res) : res.end('{"received":true}')));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		port: (server.address() as AddressInfo).port,
		held: () => held.length,
		release: () => held.splice(0).forEach((res) => res.end('{"received":true}')),
		close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
	};
}

async function until(check: () => boolean) {
	const deadline = Date.now() + 5000;
	while (!check()) {
		if (Date.now() > deadline) throw new Error('condition not met within 5 s');
		await new Promise((r) => setTimeout(r, 10));
	}
}

describe('queue-mode balancer: requests in flight', () => {
	test('a request counts until its slowest copy is answered; a request without a backend finishes at once', async () => {
		const fast = await backend(false);
		const slow = await backend(true);
		const balancer = await startBalancer();
		try {
			balancer.setBackends([
				{ host: '127.0.0.1', port: fast.port },
				{ host: '127.0.0.1', port: slow.port },
			]);
			balancer.setRoute(() => [0, 1]);
			expect(balancer.inFlight()).toBe(0);
			const res = await fetch(`${balancer.url}/webhook/x`, { method: 'POST', body: '{}' });
			expect(res.status).toBe(200); // the fast copy's answer
			await res.text();
			await until(() => slow.held() === 1);
			expect(balancer.inFlight()).toBe(1); // the slow copy is still being handled
			slow.release();
			await until(() => balancer.inFlight() === 0);
			expect(balancer.requests.map((r) => [r.backend, r.status])).toEqual([
				[0, 200],
				[1, 200],
			]);

			balancer.setRoute(() => 5); // no such backend: 502
			const missing = await fetch(`${balancer.url}/webhook/y`, { method: 'POST', body: '{}' });
			expect(missing.status).toBe(502);
			await missing.text();
			await until(() => balancer.inFlight() === 0);
		} finally {
			slow.release();
			await balancer.close();
			await Promise.all([fast.close(), slow.close()]);
		}
	});

	test('a lost answer still counts until the backend answered', async () => {
		const slow = await backend(true);
		const balancer = await startBalancer();
		try {
			balancer.setBackends([{ host: '127.0.0.1', port: slow.port }]);
			balancer.setLoseAnswer(() => true);
			const sent = fetch(`${balancer.url}/webhook/z`, { method: 'POST', body: '{}' }).then(
				() => 'answered',
				() => 'connection reset',
			);
			await until(() => slow.held() === 1);
			expect(balancer.inFlight()).toBe(1);
			slow.release();
			expect(await sent).toBe('connection reset');
			await until(() => balancer.inFlight() === 0);
			expect(balancer.requests[0]).toMatchObject({ status: 200, answerLost: true });
		} finally {
			await balancer.close();
			await slow.close();
		}
	});

	// n8n listens before its database is migrated and answers every request 200 "n8n is starting up. Please wait" until
	// then (abstract-server.js, setupHealthCheck): a proxy without readiness checks hands RunBlob a 200 for a callback
	// no workflow saw. The cluster's balancer, like the README's recipe, checks /healthz/readiness.
	test('with readiness checks, a starting backend gets nothing until it is ready; balanced turns skip it', async () => {
		let ready = false;
		const hits: string[] = [];
		const starting = http.createServer((req, res) => {
			req.resume();
			if (req.url === '/healthz/readiness') return void res.writeHead(ready ? 200 : 503).end();
			hits.push(req.url ?? '');
			res.end(ready ? '{"received":true}' : 'n8n is starting up. Please wait');
		});
		await new Promise<void>((resolve) => starting.listen(0, '127.0.0.1', resolve));
		const other = await backend(false);
		const balancer = await startBalancer({ healthCheck: { path: '/healthz/readiness', intervalMs: 20 } });
		try {
			balancer.setBackends([
				{ host: '127.0.0.1', port: (starting.address() as AddressInfo).port },
				{ host: '127.0.0.1', port: other.port },
			]);
			await until(() => balancer.healthChanges.length === 1);
			expect(balancer.healthChanges[0]).toMatchObject({ healthy: false });
			balancer.setRoute((req: { path: string }) => (req.path === '/webhook/pinned' ? 0 : null));
			const pinned = await fetch(`${balancer.url}/webhook/pinned`, { method: 'POST', body: '{}' });
			expect(pinned.status).toBe(502); // not 200: the sender retries
			expect(balancer.requests.find((r) => r.path === '/webhook/pinned')).toMatchObject({ status: 502, byBalancer: true });
			await pinned.text();
			for (let i = 0; i < 4; i++) {
				const res = await fetch(`${balancer.url}/webhook/any`, { method: 'POST', body: '{}' });
				expect(await res.text()).toBe('{"received":true}');
			}
			expect(hits).toEqual([]);
			expect(balancer.requests.filter((r) => r.path === '/webhook/any').map((r) => r.backend)).toEqual([1, 1, 1, 1]);

			ready = true;
			await until(() => balancer.healthChanges.length === 2);
			const res = await fetch(`${balancer.url}/webhook/pinned`, { method: 'POST', body: '{}' });
			expect([res.status, await res.text()]).toEqual([200, '{"received":true}']);
			expect(hits).toEqual(['/webhook/pinned']);
		} finally {
			await balancer.close();
			starting.closeAllConnections();
			await new Promise((resolve) => starting.close(resolve));
			await other.close();
		}
	});
});
