// One n8n per runtime per jest run, shared by the e2e files that do not need an n8n of their own (a cluster, a special
// environment). n8n start-up was most of each file's time (test/e2e/README.md, "Where the time goes"). A file with a
// restart scenario shares when it runs alone in jest's main process (-i / --runInBand) and restarts the shared n8n
// through the control endpoint; in a parallel run (`npm test`: three jest workers) it gets its own.
//
//   global setup:    startSharedN8n(['current', 'oldest'])   prepares them; the first useSharedN8n has them all started
//   a test file:     const n8n = await useSharedN8n({ runtime, label, credentials, workflows });  …  await n8n.detach();
//   global teardown: stopSharedN8n()
//
// The attach facts travel through test/e2e/.work/shared/<runtime>.json: jest gives each test file a fresh module
// registry (and, without --runInBand, its own worker process). A file gets its own credentials (n8n assigns their ids,
// so the nodes' per-credential caches never see another file's simulator) and its workflows (their fixture ids and
// webhook paths must be unique among the e2e files: a duplicate is refused with an error naming the file). detach()
// deletes both. Where no shared instance was started (RUNBLOB_E2E_SHARED=0, or a runner without the global setup),
// useSharedN8n starts an n8n of its own the same way and detach() stops it.
'use strict';

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const { startN8n, addClientMembers, httpRequest, isAlive, recordPhase, WORK_ROOT } = require('./harness');

const SHARED_DIR = path.join(WORK_ROOT, 'shared');
/** The environment of every shared n8n: the union of what the sharing files need (mcp.test.ts reads $env.WEBHOOK_URL). */
const SHARED_ENV = Object.freeze({ N8N_BLOCK_ENV_ACCESS_IN_NODE: 'false' });
/** How long a test file waits for a shared n8n to be ready. */
const WAIT_READY_MS = Number(process.env.RUNBLOB_E2E_START_TIMEOUT_MS || 240_000) + 60_000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const secondsSince = (t) => Math.round((Date.now() - t) / 100) / 10;

const readyFile = (runtime) => path.join(SHARED_DIR, `${runtime}.json`);
const failedFile = (runtime) => path.join(SHARED_DIR, `${runtime}.failed`);
/** The control endpoint's URL (startControlServer). */
const CONTROL_FILE = path.join(SHARED_DIR, 'control');
/** Written before the start with the pid of the process starting it (a killed run leaves a stale one behind). */
const startingFile = (runtime) => path.join(SHARED_DIR, `${runtime}.starting`);
const sharingDisabled = () => /^(0|false|no)$/i.test(process.env.RUNBLOB_E2E_SHARED || '');

// ---------------------------------------------------------------------------------------------------------------------
// Global setup and teardown (jest's main process)

/** Instances started by this process, for the teardown (jest: globals set in globalSetup are visible in globalTeardown). */
const STATE_KEY = '__runblobSharedN8n';

/**
 * Prepares one shared n8n per runtime and resolves at once. They start — all runtimes in parallel, in the background —
 * when the first test file asks for one (POST /start on the control endpoint), so the fast layers before the e2e files
 * never compete with two n8n starts for the CPU; RUNBLOB_E2E_SHARED_EARLY=1 starts them right away instead (overlapping
 * the fast layers). Each writes its attach file when ready (or a `.failed` file with the error, which the test files
 * then report).
 * @param {string[]} runtimeNames
 */
function startSharedN8n(runtimeNames) {
	fs.rmSync(SHARED_DIR, { recursive: true, force: true });
	fs.mkdirSync(SHARED_DIR, { recursive: true });
	/** @type {Array<{ runtime: string, started: Promise<any>|null }>} */
	const state = runtimeNames.map((runtime) => ({ runtime, started: null }));
	const startAll = () => {
		for (const entry of state.filter((e) => !e.started)) {
			const { runtime } = entry;
			entry.started = startN8n({ runtime: /** @type {any} */ (runtime), label: 'shared', env: { ...SHARED_ENV } }).then(
				(n8n) => {
					writeFacts(runtime, n8n, control.url());
					process.stderr.write(`[e2e] shared n8n ${n8n.runtime.version} (${runtime}) ready in ${n8n.timings.total} s\n`);
					return n8n;
				},
				(e) => {
					fs.writeFileSync(failedFile(runtime), String(e?.stack || e));
					process.stderr.write(`[e2e] shared n8n (${runtime}) failed to start: ${String(e?.message || e).split('\n')[0]}\n`);
					return null;
				},
			);
		}
	};
	const control = startControlServer(state, startAll);
	for (const { runtime } of state) fs.writeFileSync(startingFile(runtime), String(process.pid));
	control.server.once('listening', () => fs.writeFileSync(CONTROL_FILE, control.url()));
	if (/^(1|true|yes)$/i.test(process.env.RUNBLOB_E2E_SHARED_EARLY || '')) startAll();
	/** @type {any} */ (globalThis)[STATE_KEY] = { state, control: control.server };
}

/** The attach file of a ready shared n8n (rewritten after a restart: its pid changed). */
function writeFacts(runtime, n8n, control) {
	const facts = {
		runtime: n8n.runtime,
		baseUrl: n8n.baseUrl,
		port: n8n.port,
		pid: n8n.pid(),
		workDir: n8n.workDir,
		userFolder: n8n.userFolder,
		apiKey: n8n.apiKey,
		cookie: n8n.cookie,
		// A test file running in this very process (--runInBand) runs alone: it may restart the instance.
		setupPid: process.pid,
		control,
	};
	// The instance's own API key and session: a local test n8n, readable by this user only.
	fs.writeFileSync(`${readyFile(runtime)}.tmp`, JSON.stringify(facts, null, 2), { mode: 0o600 });
	fs.renameSync(`${readyFile(runtime)}.tmp`, readyFile(runtime));
}

/**
 * A loopback HTTP endpoint through which a test file has the shared n8n instances started (`POST /start`) or one
 * restarted (`POST /restart/<runtime>`, answered once n8n is ready again): they belong to this (jest's main) process.
 */
function startControlServer(state, startAll) {
	const server = http.createServer(async (req, res) => {
		if (req.method === 'POST' && req.url === '/start') {
			startAll();
			return res.writeHead(202).end();
		}
		const runtime = /^\/restart\/([a-z]+)$/.exec(req.url || '')?.[1];
		const entry = req.method === 'POST' && state.find((s) => s.runtime === runtime);
		if (!entry || !entry.started) return res.writeHead(404).end();
		try {
			const n8n = await entry.started;
			if (!n8n) throw new Error(`the shared n8n (${runtime}) did not start`);
			await n8n.restart();
			writeFacts(runtime, n8n, url());
			res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ pid: n8n.pid() }));
		} catch (e) {
			res.writeHead(500).end(String(e?.stack || e));
		}
	});
	const url = () => `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
	server.listen(0, '127.0.0.1');
	server.unref();
	return { server, url };
}

/** Stops what startSharedN8n started (waiting for a start still under way), and says how long each stop took. */
async function stopSharedN8n() {
	const { state = [], control = null } = /** @type {any} */ (globalThis)[STATE_KEY] || {};
	/** @type {any} */ (globalThis)[STATE_KEY] = undefined;
	control?.close();
	await Promise.all(
		state.map(async ({ runtime, started }) => {
			const n8n = await (started || null);
			fs.rmSync(readyFile(runtime), { force: true });
			fs.rmSync(startingFile(runtime), { force: true });
			if (!n8n) return;
			const t = Date.now();
			await n8n.stop();
			process.stderr.write(`[e2e] shared n8n ${n8n.runtime.version} (${runtime}) stopped in ${secondsSince(t)} s\n`);
		}),
	);
}

// ---------------------------------------------------------------------------------------------------------------------
// A test file's handle

/** Whether the shared n8n of a runtime is owned by another process (a jest worker's file sees the main process's). */
function startedElsewhere(runtime) {
	try {
		const starter = Number(fs.readFileSync(startingFile(runtime), 'utf8'));
		return Boolean(starter) && starter !== process.pid;
	} catch {
		return false;
	}
}

/**
 * Waits for the shared n8n of a runtime; null when this run has none.
 * @param {string} runtime
 */
async function waitForShared(runtime) {
	if (sharingDisabled() || !fs.existsSync(SHARED_DIR)) return null;
	const deadline = Date.now() + WAIT_READY_MS;
	let requested = false;
	for (;;) {
		if (!requested && !fs.existsSync(readyFile(runtime)) && fs.existsSync(CONTROL_FILE)) {
			// The first file to ask starts them all (a no-op once they are started).
			const res = await httpRequest('POST', `${fs.readFileSync(CONTROL_FILE, 'utf8')}/start`).catch(() => null);
			requested = res?.status === 202;
		}
		if (fs.existsSync(failedFile(runtime))) {
			throw new Error(`the shared n8n (${runtime}) failed to start:\n${fs.readFileSync(failedFile(runtime), 'utf8')}`);
		}
		if (fs.existsSync(readyFile(runtime))) {
			const facts = JSON.parse(fs.readFileSync(readyFile(runtime), 'utf8'));
			if (facts.pid && isAlive(facts.pid)) return facts;
			throw new Error(`the shared n8n (${runtime}, pid ${facts.pid}) is gone; see ${facts.workDir}/n8n.log`);
		}
		// Nobody is starting one: this run's global setup did not start this runtime.
		let starter = 0;
		try {
			starter = Number(fs.readFileSync(startingFile(runtime), 'utf8'));
		} catch {
			/* none */
		}
		if (!starter || !isAlive(starter)) return null;
		if (Date.now() > deadline) throw new Error(`the shared n8n (${runtime}) was not ready within ${WAIT_READY_MS} ms`);
		await sleep(250);
	}
}

/**
 * A handle on the shared n8n of `runtime` (or on an n8n of its own when none is shared), with this file's credentials
 * and workflows created on it. Same members as a startN8n instance, except stop(): detach() instead.
 *
 * @param {object} o
 * @param {'current'|'oldest'} o.runtime
 * @param {string} o.label the file's name: prefixes its credential and workflow names, labels its phases
 * @param {Array<{ id: string, name: string, type: string, data: Record<string, unknown> }>} [o.credentials] fixture ids
 *   are replaced by the ids n8n assigns, in every workflow node that references them (credentialId(fixtureId) maps)
 * @param {Array<{ id: string, name: string, nodes: any[], connections: any, active?: boolean, [k: string]: any }>} [o.workflows]
 *   created with their fixture ids; `active` ones are activated
 * @param {string[]} [o.readyPaths] production webhook paths to wait for (Webhook-node paths are added)
 * @param {boolean} [o.editor] the file reads what only the editor's server serves (/types/*.json, the editor in a browser).
 *   The shared n8n always serves it; an n8n of the file's own starts without it otherwise (N8N_DISABLE_UI: about 3–5 s
 *   of CPU less per start, measured on both versions; webhooks, REST and public API are the same)
 * @param {boolean} [o.restarts] the file calls restart(): it shares only when it runs alone (in jest's main process,
 *   -i / --runInBand); in a parallel run (`npm test`, `npm run test:e2e`: three workers) it gets an n8n of its own
 */
async function useSharedN8n({ runtime, label, credentials = [], workflows = [], readyPaths = [], restarts = false, editor = false }) {
	const t0 = Date.now();
	// A restarting file outside the setup's process gets its own n8n: it need not wait for the shared start.
	const ownForRestarts = restarts && startedElsewhere(runtime);
	let facts = ownForRestarts ? null : await waitForShared(runtime);
	if (facts && restarts && facts.setupPid !== process.pid) facts = null;
	/** @type {any} */
	let own = null;
	if (!facts) {
		own = await startN8n({ runtime, label, env: { ...SHARED_ENV, ...(editor ? {} : { N8N_DISABLE_UI: 'true' }) } });
	}
	const waited = secondsSince(t0);
	const t1 = Date.now();
	const baseUrl = own ? own.baseUrl : facts.baseUrl;
	const logFile = path.join(own ? own.workDir : facts.workDir, 'n8n.log');
	let pid = own ? own.pid() : facts.pid;
	/** This file's production webhooks: waited for again after a restart (n8n 2.41 re-activates in the background). */
	const filePaths = [];
	const readLog = () => {
		try {
			return fs.readFileSync(logFile, 'utf8');
		} catch {
			return '';
		}
	};
	const tail = (n = 60) => `--- last lines of ${logFile} ---\n${readLog().split('\n').slice(-n).join('\n')}`;

	/** fixture credential id → { id, name } as created */
	const credentialIds = new Map();
	const workflowIds = [];
	const n8n = addClientMembers(
		{
			runtime: own ? own.runtime : facts.runtime,
			baseUrl,
			port: own ? own.port : facts.port,
			workDir: own ? own.workDir : facts.workDir,
			userFolder: own ? own.userFolder : facts.userFolder,
			apiKey: own ? own.apiKey : facts.apiKey,
			cookie: own ? own.cookie : facts.cookie,
			shared: !own,
			label,
			/** Everything this n8n printed (other files' runs included when shared). */
			logs: readLog,
			pid: () => (isAlive(pid) ? pid : null),
			/** The id n8n gave the credential created from this fixture id. */
			credentialId(/** @type {string} */ fixtureId) {
				const c = credentialIds.get(fixtureId);
				if (!c) throw new Error(`no credential with fixture id ${fixtureId} in ${label}`);
				return c.id;
			},
			/**
			 * Creates workflows for this file (fixture ids kept; credential references mapped), activates the `active` ones
			 * and waits for their webhooks and `readyPaths`; detach() deletes them.
			 * @param {Array<{ id: string, name: string, nodes: any[], connections: any, active?: boolean, [k: string]: any }>} list
			 * @param {string[]} [readyPaths]
			 */
			async addWorkflows(list, readyPaths = []) {
				const paths = [...readyPaths];
				for (const wf of list) {
					const { active, ...body } = withCredentials(wf, credentialIds);
					// Creating with an existing id would overwrite that workflow: refuse instead.
					const existing = await n8n.http('GET', `/rest/workflows/${encodeURIComponent(wf.id)}`, { auth: 'cookie' });
					if (existing.status === 200) {
						throw new Error(`${label}: workflow id ${wf.id} is already in use on the shared n8n (by "${existing.json?.data?.name}"): fixture ids must be unique among the e2e files`);
					}
					try {
						await n8n.rest('POST', '/workflows', { ...body, name: `${label}: ${wf.name}` });
					} catch (e) {
						throw new Error(`${label}: workflow ${wf.id} could not be created on the shared n8n (is its id used by another e2e file?): ${e.message}`);
					}
					workflowIds.push(wf.id);
					if (!active) continue;
					try {
						await n8n.activate(wf.id);
					} catch (e) {
						throw new Error(`${label}: workflow ${wf.id} could not be activated (is a webhook path used by another e2e file?): ${e.message}`);
					}
					for (const node of wf.nodes || []) {
						if (node.type === 'n8n-nodes-base.webhook' && typeof node.parameters?.path === 'string' && !node.disabled) {
							paths.push(node.parameters.path);
						}
					}
				}
				filePaths.push(...paths);
				if (paths.length) await n8n.waitForWebhooks(paths);
			},
			/** Restarts n8n (the shared one only for a file attached with `restarts: true`); resolves when its webhooks are back. */
			async restart() {
				const t = Date.now();
				if (own) {
					await own.restart();
					pid = own.pid();
				} else {
					if (!restarts) throw new Error(`${label}: attach with useSharedN8n({ restarts: true }) to restart n8n`);
					const res = await httpRequest('POST', `${facts.control}/restart/${runtime}`, { timeoutMs: WAIT_READY_MS });
					if (res.status !== 200) throw new Error(`restarting the shared n8n (${runtime}) failed: ${res.text}`);
					pid = res.json.pid;
				}
				if (filePaths.length) await n8n.waitForWebhooks(filePaths);
				if (!own) recordPhase('restart', secondsSince(t), { runtime, label });
				return n8n;
			},
			/** Deletes this file's workflows (with their executions) and credentials; stops the n8n when it is its own. */
			async detach() {
				const t = Date.now();
				const problems = [];
				const ids = workflowIds.splice(0);
				// All unpublished first: n8n 2.41 does that in the background, the deletes then wait less.
				for (const id of ids) await n8n.deactivate(id).catch(() => undefined);
				for (const id of ids) await deleteWorkflow(n8n, id).catch((e) => problems.push(e.message));
				for (const { id } of [...credentialIds.values()]) {
					await n8n.api('DELETE', `/credentials/${encodeURIComponent(id)}`).catch((e) => problems.push(e.message));
				}
				credentialIds.clear();
				if (own) await own.stop();
				else recordPhase('detach', secondsSince(t), { runtime, label });
				if (problems.length) throw new Error(`could not remove ${label}'s fixtures from the shared n8n:\n${problems.join('\n')}`);
			},
		},
		{ baseUrl, tail, exited: () => (isAlive(pid) ? null : { pid, gone: true }) },
	);

	try {
		for (const cred of credentials) {
			const created = await n8n.rest('POST', '/credentials', { name: `${label}: ${cred.name}`, type: cred.type, data: cred.data });
			credentialIds.set(cred.id, { id: String(created.data.id), name: created.data.name });
		}
		await n8n.addWorkflows(workflows, readyPaths);
	} catch (e) {
		await n8n.detach().catch(() => undefined);
		throw e;
	}
	if (!own) recordPhase('attach', secondsSince(t1), { runtime, label });
	if (!own && waited >= 1) recordPhase('wait for shared start', waited, { runtime, label });
	return n8n;
}

/** Deletes a workflow (and its executions). n8n 2.41 unpublishes asynchronously: it answers 409 until that is done. */
async function deleteWorkflow(n8n, id) {
	const deadline = Date.now() + 60_000;
	for (;;) {
		try {
			return await n8n.api('DELETE', `/workflows/${encodeURIComponent(id)}`);
		} catch (e) {
			if (e.status !== 409 || Date.now() > deadline) throw e;
			await sleep(200);
		}
	}
}

/** A copy of the workflow whose nodes reference the credentials n8n created instead of their fixture ids. */
function withCredentials(wf, credentialIds) {
	const nodes = (wf.nodes || []).map((node) => {
		if (!node.credentials) return node;
		const refs = {};
		for (const [type, ref] of Object.entries(node.credentials)) {
			const created = ref && credentialIds.get(ref.id);
			refs[type] = created ? { id: created.id, name: created.name } : ref;
		}
		return { ...node, credentials: refs };
	});
	return { ...wf, nodes };
}

/**
 * Whether the selected e2e files include one that uses the shared n8n (the global setup starts none otherwise).
 * @param {{ testPathPattern?: string }} globalConfig jest's
 */
function runUsesSharedN8n(globalConfig) {
	if (sharingDisabled()) return false;
	const pattern = globalConfig?.testPathPattern ? new RegExp(globalConfig.testPathPattern, 'i') : null;
	const files = [];
	const walk = (dir) => {
		for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
			if (ent.name.startsWith('.') || ent.name === 'node_modules') continue;
			const full = path.join(dir, ent.name);
			if (ent.isDirectory()) walk(full);
			else if (ent.name.endsWith('.test.ts')) files.push(full);
		}
	};
	walk(__dirname);
	return files.some((f) => (!pattern || pattern.test(f)) && /\buseSharedN8n\(/.test(fs.readFileSync(f, 'utf8')));
}

module.exports = { startSharedN8n, stopSharedN8n, useSharedN8n, runUsesSharedN8n, SHARED_ENV, SHARED_DIR };
