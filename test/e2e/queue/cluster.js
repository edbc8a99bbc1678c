// n8n in queue mode for the e2e tests: a main process (not serving production webhooks), workers and webhook
// processors sharing one PostgreSQL database and one Redis, with this package installed in every process's user
// folder. A round-robin balancer (./balancer.js) stands for the load balancer in front of the webhook processors; its
// URL is n8n's public webhook URL in every process, so resume URLs built on a worker and trigger URLs point at it.
//
//   const cluster = await startCluster({ runtime: 'current', postgres, redis, credentials, workflows });
//   await cluster.http('POST', cluster.webhookUrl('start'), { body });   // through the balancer
//   await cluster.main.waitForExecution(...);                           // harness instance API of the main process
//   await cluster.stop();
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const { startN8n, ensureRuntime, packPackage, installPackage, makeWorkDir, freePort, portInUse, n8nEnv, httpRequest, recordPhase, WORK_ROOT } = require('../harness');
const { startGroup, waitUntil } = require('../services/processes');
const { startBalancer } = require('./balancer');

// A queue-mode process does more at start than a lone n8n (Postgres, Redis, leader election): twice the harness's default.
const READY_TIMEOUT_MS = Number(process.env.RUNBLOB_E2E_START_TIMEOUT_MS || 180_000);

/**
 * Environment every process of one cluster shares (checked in n8n 2.8.4 and 2.41.1's published code):
 * queue mode, the Postgres database, Redis, and the public webhook URL (`WEBHOOK_URL` on 2.8, `N8N_WEBHOOK_URL` on
 * 2.41 — workers build `$execution.resumeUrl` from it).
 */
function sharedEnv({ postgres, database, redis, publicUrl, extra = {} }) {
	return {
		EXECUTIONS_MODE: 'queue',
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: postgres.host,
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: postgres.password,
		// n8n's default pool is 2 connections with a 20 s wait: a burst of callbacks on one processor of a loaded machine
		// waited past it (2.41.1: runs stored redacted, "Workflow could not be started!"). The README's recipe says 10.
		DB_POSTGRESDB_POOL_SIZE: '10',
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		WEBHOOK_URL: `${publicUrl}/`,
		N8N_WEBHOOK_URL: `${publicUrl}/`,
		...extra,
	};
}

/**
 * Starts a queue-mode cluster. `postgres` and `redis` come from ../services (shared by the clusters of one test file);
 * each cluster gets its own database and Redis key prefix.
 * @param {object} o
 * @param {'current'|'oldest'} o.runtime
 * @param {{ host: string, port: number, user: string, password: string, createDatabase(n: string): Promise<void> }} o.postgres
 * @param {{ host: string, port: number }} o.redis
 * @param {any[]} [o.credentials]
 * @param {any[]} [o.workflows] created and activated on main before the workers and webhook processors start
 * @param {number} [o.workers] default 1
 * @param {number} [o.webhookProcessors] default 1
 * @param {number} [o.standbyWebhookProcessors] default 0: started with the others but kept out of the balancer until
 *   addWebhookProcessor() puts one in (a scenario that needs a second processor then does not wait for its start)
 * @param {number} [o.preparedWorkers] default 0: worker folders (package installed) prepared while main starts, not
 *   started: addWorker() starts one without installing first
 * @param {string} [o.label]
 * @param {Record<string, string>} [o.env] extra environment for every process
 */
async function startCluster(o) {
	const t0 = Date.now();
	const label = o.label || 'queue';
	const runtime = await ensureRuntime(o.runtime);
	const tarball = await packPackage();
	// Active readiness checks, as the README's recipe asks of the proxy (a starting n8n answers 200 before it is ready).
	const balancer = await startBalancer({ healthCheck: { path: '/healthz/readiness' } });
	const database = `n8n_${o.runtime}_${crypto.randomBytes(4).toString('hex')}`;
	await o.postgres.createDatabase(database);
	const shared = sharedEnv({
		postgres: o.postgres,
		database,
		redis: o.redis,
		publicUrl: balancer.url,
		extra: { QUEUE_BULL_PREFIX: database, ...(o.env || {}) },
	});

	/** @type {Awaited<ReturnType<typeof startN8n>> | null} */
	let main = null;
	/** @type {Array<ReturnType<typeof n8nProcess> extends Promise<infer P> ? P : never>} */
	const workers = [];
	/** @type {typeof workers} */
	const webhooks = [];
	let serial = 0;

	/** One `n8n worker` or `n8n webhook` process with its own user folder (package installed) and ports; not started. */
	async function n8nProcess(command) {
		serial += 1;
		const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
		const workDir = path.join(WORK_ROOT, `n8n-${stamp}-${o.runtime}-${label}-${command}${serial}-${crypto.randomBytes(3).toString('hex')}`);
		const userFolder = path.join(makeWorkDir(workDir), 'home');
		const t = Date.now();
		await installPackage(userFolder, tarball);
		recordPhase('cluster package install (one member)', (Date.now() - t) / 1000, { runtime: o.runtime, label });
		const port = await freePort();
		const brokerPort = await freePort();
		const extra = { ...shared };
		if (command === 'worker') {
			// The worker's health server (off by default; port 5678 on all interfaces when on) tells us when it is ready.
			Object.assign(extra, { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(port), N8N_WORKER_SERVER_ADDRESS: '127.0.0.1' });
		}
		const env = n8nEnv({ runtimeEnv: runtime.env, userFolder, port, brokerPort, extra });
		const logFile = path.join(workDir, 'n8n.log');
		let proc = null;
		let starts = 0;
		const member = {
			command,
			workDir,
			userFolder,
			port,
			url: `http://127.0.0.1:${port}`,
			/** Everything this process printed (all starts). */
			logs: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''),
			pid: () => (proc && !proc.exitInfo() ? proc.pid : null),
			async start() {
				const t = Date.now();
				starts += 1;
				fs.appendFileSync(logFile, `\n===== n8n ${command} start #${starts} (${new Date().toISOString()}) =====\n`);
				proc = startGroup(runtime.n8nBin, [command], { env, cwd: workDir, logFile });
				fs.writeFileSync(path.join(workDir, 'n8n.pid'), String(proc.pid));
				const current = proc;
				const readyLine = command === 'worker' ? /n8n worker is now ready/i : /Webhook listener waiting for requests/i;
				await waitUntil(
					async () => {
						if (!readyLine.test(current.output())) return false;
						const res = await httpRequest('GET', `${member.url}/healthz/readiness`).catch(() => ({ status: 0 }));
						return res.status === 200;
					},
					{
						timeoutMs: READY_TIMEOUT_MS,
						failed: () => current.exitInfo() && `n8n ${command} exited during start (${JSON.stringify(current.exitInfo())})`,
						describe: () => current.output().slice(-4000),
					},
				);
				if (starts > 1) recordPhase(`cluster ${command} restart: start`, (Date.now() - t) / 1000, { runtime: o.runtime, label });
				return member;
			},
			/**
			 * Graceful stop (SIGTERM: n8n finishes or hands back what it runs; SIGKILL after graceMs, default 20 s), then
			 * frees the ports.
			 */
			async stop({ graceMs = 20_000 } = {}) {
				const t = Date.now();
				if (proc) await proc.stop({ graceMs });
				await waitUntil(async () => !(await portInUse(port)) && !(await portInUse(brokerPort)), { timeoutMs: 10_000 });
				recordPhase(`cluster ${command} stop`, (Date.now() - t) / 1000, { runtime: o.runtime, label });
			},
			/** SIGKILL the whole process group: a crash, nothing is handed back. */
			async kill() {
				if (proc) await proc.stop({ signal: 'SIGKILL' });
			},
			async restart() {
				await member.stop();
				return member.start();
			},
		};
		return member;
	}

	/** Started webhook processors not in the balancer yet (o.standbyWebhookProcessors). */
	const standby = [];
	/** Worker folders installed, not started (o.preparedWorkers). */
	const spareWorkers = [];

	function syncBalancer() {
		balancer.setBackends(webhooks.map((w) => ({ host: '127.0.0.1', port: w.port })));
	}

	const cluster = {
		runtime: o.runtime,
		database,
		balancer,
		publicUrl: balancer.url,
		get main() {
			return /** @type {NonNullable<typeof main>} */ (main);
		},
		workers,
		webhooks,
		timings: /** @type {Record<string, number>} */ ({}),
		/** Production webhook URL through the balancer (the cluster's public URL). */
		webhookUrl: (p) => `${balancer.url}/webhook/${String(p).replace(/^\/+/, '')}`,
		http: (method, url, opts = {}) => httpRequest(method, url, opts),
		/** Starts another worker (same database and Redis). */
		async addWorker() {
			const w = spareWorkers.shift() || (await n8nProcess('worker'));
			await w.start();
			workers.push(w);
			return w;
		},
		/** Puts a webhook processor into the balancer: a standby one if any (already running), else a new one. */
		async addWebhookProcessor() {
			const w = standby.shift() || (await (await n8nProcess('webhook')).start());
			webhooks.push(w);
			syncBalancer();
			return w;
		},
		/** True when the production webhook path answers a CORS preflight with its methods on every webhook processor. */
		async webhookRegistered(p) {
			for (const w of webhooks) {
				const res = await httpRequest('OPTIONS', `${w.url}/webhook/${p}`, {
					headers: { origin: w.url, 'access-control-request-method': 'POST' },
				}).catch(() => null);
				const allow = String(res?.headers['access-control-allow-methods'] || '');
				if (!allow.split(',').some((m) => m.trim() && m.trim().toUpperCase() !== 'OPTIONS')) return false;
			}
			return true;
		},
		/**
		 * Stops every process. The cluster's database is thrown away, so its workers and webhook processors get a short
		 * grace (a webhook processor still draining RunBlob's requests would otherwise hold the teardown for 20 s).
		 */
		async stop() {
			const t = Date.now();
			await Promise.all([...webhooks, ...standby, ...workers].map((p) => p.stop({ graceMs: 3000 }).catch(() => p.kill())));
			await main?.stop();
			await balancer.close();
			recordPhase('cluster stop', (Date.now() - t) / 1000, { runtime: o.runtime, label });
		},
	};

	// The other members' folders (the package installed in each) are prepared while main starts; the processes start
	// once main has migrated the database and activated the workflows (they register the active webhooks at start).
	const prepared = [
		...Array.from({ length: o.workers ?? 1 }, () => ({ command: 'worker', list: workers })),
		...Array.from({ length: o.webhookProcessors ?? 1 }, () => ({ command: 'webhook', list: webhooks })),
		...Array.from({ length: o.standbyWebhookProcessors ?? 0 }, () => ({ command: 'webhook', list: standby })),
		...Array.from({ length: o.preparedWorkers ?? 0 }, () => ({ command: 'worker', list: spareWorkers, idle: true })),
	].map((m) => ({ ...m, member: n8nProcess(m.command) }));
	// Awaited below; until then a failed install must not count as an unhandled rejection.
	for (const { member } of prepared) member.catch(() => undefined);
	try {
		let t = Date.now();
		main = await startN8n({
			runtime: o.runtime,
			label: `${label}-main`,
			credentials: o.credentials || [],
			tarball,
			startTimeoutMs: READY_TIMEOUT_MS,
			// No test opens the main's editor: without it a start costs 3–5 s of CPU less (N8N_DISABLE_UI).
			env: { ...shared, N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true', N8N_DISABLE_UI: 'true' },
		});
		cluster.timings.main = Date.now() - t;
		t = Date.now();
		for (const wf of o.workflows || []) {
			const { active, ...body } = wf;
			await main.rest('POST', '/workflows', body);
			if (active) await main.activate(wf.id);
		}
		cluster.timings.workflows = Date.now() - t;
		t = Date.now();
		await Promise.all(prepared.map(({ member, list, idle }) => member.then((w) => (list.push(w), idle ? w : w.start()))));
		syncBalancer();
		cluster.timings.processes = Date.now() - t;
		cluster.timings.total = Date.now() - t0;
		// The main's own start is recorded by the harness; this is the workers and webhook processors on top.
		recordPhase('cluster workers+webhooks start', cluster.timings.processes / 1000, { runtime: o.runtime, label });
	} catch (e) {
		await cluster.stop().catch(() => undefined);
		throw e;
	}
	return cluster;
}

module.exports = { startCluster, sharedEnv };
