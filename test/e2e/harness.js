// End-to-end harness: runs a real n8n (a pinned runtime from scripts/runtimes.js) with this package installed from its
// packed tarball, the way n8n installs community packages. CommonJS, Node built-ins only, so jest (ts-jest), the
// playground and plain `node` scripts can all use it.
//
//   const { startN8n } = require('./harness');
//   const n8n = await startN8n({ runtime: 'oldest', workflows: [wf], credentials: [cred] });
//   await fetch(n8n.webhookUrl('my-path'), …); await n8n.waitForExecution((e) => e.status === 'success');
//   await n8n.stop();
//
// Every n8n it starts runs in its own process group (n8n + its task-runner child) and is killed as a group on stop(),
// on process exit, and — through a small detached watchdog — even when the test process dies abruptly (jest timeout
// kill, Ctrl-C). See test/e2e/README.md for the environment variables.
'use strict';

const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');

const runtimes = require('../../scripts/runtimes.js');
const { httpRequest } = require('../support');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const WORK_ROOT = path.resolve(process.env.RUNBLOB_E2E_WORK_DIR || path.join(__dirname, '.work'));
const ENCRYPTION_KEY = 'runblob-e2e-not-a-secret';
const DEFAULT_OWNER = Object.freeze({
	email: 'e2e@example.com',
	firstName: 'E2E',
	lastName: 'Owner',
	password: 'E2e-Passw0rd-not-secret',
});
const START_TIMEOUT_MS = Number(process.env.RUNBLOB_E2E_START_TIMEOUT_MS || 240_000);
/** How many finished work folders to keep for post-mortem debugging (older ones are pruned at the next start). */
const KEEP_RECENT = Number(process.env.RUNBLOB_E2E_KEEP_RECENT ?? 8);

/**
 * @typedef {'current'|'oldest'} RuntimeName
 * @typedef {{ id: string, name: string, type: string, data: Record<string, unknown> }} CredentialFixture
 * @typedef {{ id?: string, name: string, nodes: any[], connections: Record<string, any>, settings?: Record<string, any>, active?: boolean, [k: string]: any }} WorkflowFixture
 * @typedef {{ status: number, headers: http.IncomingHttpHeaders, text: string, json: any }} HttpResult
 * @typedef {{ id: string, workflowId: string, status: string, mode: string, finished: boolean, startedAt: string|null, stoppedAt: string|null, waitTill: string|null, retryOf: string|null }} ExecutionSummary
 */

// ---------------------------------------------------------------------------------------------------------------------
// Small utilities

const verbose = () => /^(1|true|yes)$/i.test(process.env.RUNBLOB_E2E_VERBOSE || '');
function note(msg) {
	if (verbose()) process.stderr.write(`[e2e] ${msg}\n`);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const secondsSince = (t) => Math.round((Date.now() - t) / 100) / 10;

/** Where this run's n8n phase times go (read by test/jest/durationReporter.js at the end of the run). */
const PHASES_FILE = path.join(WORK_ROOT, 'phases.jsonl');

/**
 * Records how long one phase of an instance took (start, restart, stop, cluster start), with the test file it ran
 * for, so the end-of-run report can say how much of each e2e file is n8n starting and stopping.
 * @param {string} phase
 * @param {number} seconds
 * @param {{ runtime?: string, label?: string }} [o]
 */
function recordPhase(phase, seconds, { runtime = '', label = '' } = {}) {
	let file = '';
	try {
		// Inside a jest test file: the file that asked (jest's expect is a global there).
		file = /** @type {any} */ (globalThis).expect?.getState?.().testPath || '';
	} catch {
		/* not under jest */
	}
	try {
		fs.mkdirSync(WORK_ROOT, { recursive: true });
		fs.appendFileSync(PHASES_FILE, `${JSON.stringify({ file, phase, runtime, label, seconds })}\n`);
	} catch {
		/* a report only: never fail a test over it */
	}
}

/**
 * Runs a command to completion without blocking the event loop; rejects with its output on a non-zero exit.
 * @returns {Promise<{ code: number, out: string }>}
 */
function runCommand(cmd, args, { cwd, env, timeoutMs = 10 * 60_000, echo = false } = {}) {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		const onData = (d) => {
			out += d;
			if (echo) process.stderr.write(d);
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', onData);
		const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
		child.on('error', (e) => {
			clearTimeout(timer);
			reject(e);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			if (code === 0) resolve({ code, out });
			else reject(new Error(`${path.basename(cmd)} ${args.join(' ')} failed (${signal || `exit ${code}`}):\n${out.slice(-4000)}`));
		});
	});
}

const reservedPorts = new Set();

/** The kernel's range for ports picked by bind(0) and outgoing connections ("32768 60999" on Linux), read once. */
let ephemeral = null;
function ephemeralRange() {
	return (ephemeral ??= readEphemeralRange());
}
function readEphemeralRange() {
	try {
		const [lo, hi] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
		if (lo > 0 && hi >= lo) return [lo, hi];
	} catch {
		// not Linux: the IANA dynamic range
	}
	return [49152, 65535];
}

/** Whether a TCP server can listen on 127.0.0.1:port right now. */
function canListen(port) {
	return new Promise((resolve) => {
		const srv = net.createServer();
		srv.unref();
		srv.once('error', () => resolve(false));
		srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
	});
}

/**
 * A currently free TCP port on 127.0.0.1 that this process has not handed out before, chosen at random *below* the
 * kernel's ephemeral range. A port from bind(0) is free only until the next bind(0) or outgoing connection takes it:
 * a process started on it a moment later (n8n, which binds its ports itself) then fails with "port already in use"
 * when anything else on the machine starts a server on a random port or opens a connection meanwhile.
 */
async function freePort() {
	const [ephemeralLow] = ephemeralRange();
	const low = 10_000;
	const high = ephemeralLow > low + 1000 ? ephemeralLow - 1 : 29_999;
	for (let i = 0; i < 200; i++) {
		const port = low + crypto.randomInt(high - low + 1);
		if (reservedPorts.has(port) || !claimAcrossProcesses(port) || !(await canListen(port))) continue;
		reservedPorts.add(port);
		return port;
	}
	throw new Error(`could not find a free port in ${low}-${high}`);
}

/** How long a port handed out stays reserved against the other test processes (jest workers, a benchmark, npm start). */
const PORT_CLAIM_MS = 10 * 60_000;

/**
 * Reserves a port against the other processes of this run (`npm test` runs three jest workers), which pick from the
 * same range: a claim file test/e2e/.work/ports/<port> made exclusively, taken over only when older than
 * PORT_CLAIM_MS. Without it two processes could both find a port free and both hand it out before either binds it.
 */
function claimAcrossProcesses(port) {
	const dir = path.join(WORK_ROOT, 'ports');
	const file = path.join(dir, String(port));
	fs.mkdirSync(dir, { recursive: true });
	try {
		fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
		return true;
	} catch (e) {
		if (e.code !== 'EEXIST') throw e;
	}
	try {
		if (Date.now() - fs.statSync(file).mtimeMs < PORT_CLAIM_MS) return false;
		fs.writeFileSync(file, String(process.pid)); // an old claim: its process has bound the port long ago, or never will
		return true;
	} catch {
		return false;
	}
}

/** True when something accepts TCP connections on host:port. */
function portInUse(port, host = '127.0.0.1') {
	return new Promise((resolve) => {
		const sock = net.connect({ port, host });
		sock.setTimeout(1000);
		sock.once('connect', () => {
			sock.destroy();
			resolve(true);
		});
		sock.once('timeout', () => {
			sock.destroy();
			resolve(false);
		});
		sock.once('error', () => resolve(false));
	});
}

/** Cross-process lock based on mkdir; steals locks whose owner process is gone. */
async function withLock(lockDir, fn, timeoutMs = 10 * 60_000) {
	const started = Date.now();
	fs.mkdirSync(path.dirname(lockDir), { recursive: true });
	for (;;) {
		try {
			fs.mkdirSync(lockDir);
			fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
			break;
		} catch (e) {
			if (e.code !== 'EEXIST') throw e;
			let owner = NaN;
			try {
				owner = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
			} catch {
				/* being written or removed */
			}
			if (owner && !isAlive(owner)) fs.rmSync(lockDir, { recursive: true, force: true });
			else if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for lock ${lockDir}`);
			else await sleep(200);
		}
	}
	try {
		return await fn();
	} finally {
		fs.rmSync(lockDir, { recursive: true, force: true });
	}
}

function isAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return e.code === 'EPERM';
	}
}

/** Signals a whole process group; ignores "no such process". */
function killGroup(pgid, signal) {
	try {
		process.kill(-pgid, signal);
		return true;
	} catch (e) {
		if (e.code !== 'ESRCH') throw e;
		return false;
	}
}

// ---------------------------------------------------------------------------------------------------------------------
// Runtime and package

/**
 * Makes sure the pinned n8n runtime is installed and describes it. Inside `npm test` the e2e project's global setup
 * has already installed every runtime once (or failed, leaving a marker): then this only reports. Elsewhere (the
 * playground, the benchmarks) it installs on first use in a child process, streaming progress to stderr.
 * @param {RuntimeName} name
 * @returns {Promise<{ name: string, version: string, dir: string, n8nBin: string, nodeBin: string|null, env: NodeJS.ProcessEnv }>}
 */
async function ensureRuntime(name) {
	if (runtimes.isRuntimeInstalled(name)) return runtimes.runtimeInfo(name);
	if (process.env.RUNBLOB_RUNTIMES_CHECKED) {
		const failure = runtimes.readFailure(name);
		throw new Error(
			failure ||
				`n8n runtime "${name}" is not installed in ${runtimes.runtimesDir()} and this run's setup did not install it`,
		);
	}
	process.stderr.write(`[e2e] n8n runtime "${name}" is not installed in ${runtimes.runtimesDir()}; installing it\n`);
	await runCommand(process.execPath, [path.join(REPO_ROOT, 'scripts', 'runtimes.js'), name], {
		cwd: REPO_ROOT,
		env: runtimes.cleanNpmEnv(),
		echo: true,
		// A safety net only: the installer reports progress itself, and a loaded machine can take far longer than usual.
		timeoutMs: 120 * 60_000,
	});
	if (!runtimes.isRuntimeInstalled(name)) throw new Error(runtimes.readFailure(name) || `runtime ${name} still not installed`);
	return runtimes.runtimeInfo(name);
}

function listFiles(dir, base = dir, acc = []) {
	if (!fs.existsSync(dir)) return acc;
	for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
		const full = path.join(dir, ent.name);
		if (ent.isDirectory()) listFiles(full, base, acc);
		else if (ent.isFile()) acc.push(full);
	}
	return acc;
}

function newestMtime(files) {
	let max = 0;
	for (const f of files) max = Math.max(max, fs.statSync(f).mtimeMs);
	return max;
}

/** Sources whose change makes dist/ stale (the package's own build inputs). */
function buildInputs(pkgDir) {
	const files = ['nodes', 'credentials', 'icons'].flatMap((d) => listFiles(path.join(pkgDir, d)));
	for (const f of ['package.json', 'tsconfig.json', 'gulpfile.js']) {
		if (fs.existsSync(path.join(pkgDir, f))) files.push(path.join(pkgDir, f));
	}
	return files;
}

const packCache = new Map();

/**
 * Builds the package when dist/ is missing or older than its sources (unless RUNBLOB_E2E_BUILD=0), then `npm pack`s it
 * once per content hash; the tarball is cached under test/e2e/.work/pack/<hash>/ and reused across test files and runs.
 * @param {{ packageDir?: string }} [opts]
 * @returns {Promise<string>} absolute path of the .tgz
 */
async function packPackage({ packageDir = process.env.RUNBLOB_E2E_PACKAGE_DIR || REPO_ROOT } = {}) {
	packageDir = path.resolve(packageDir);
	return withLock(path.join(WORK_ROOT, 'pack.lock'), async () => {
		const dist = path.join(packageDir, 'dist');
		const allowBuild = !/^(0|false|no)$/i.test(process.env.RUNBLOB_E2E_BUILD || '');
		const distFiles = listFiles(dist);
		const stale = distFiles.length === 0 || newestMtime(buildInputs(packageDir)) > newestMtime(distFiles);
		if (stale) {
			if (!allowBuild) {
				if (distFiles.length === 0) throw new Error(`${dist} is missing; run \`npm run build\` first`);
				process.stderr.write('[e2e] warning: dist/ looks older than the sources (RUNBLOB_E2E_BUILD=0, not rebuilding)\n');
			} else {
				const t = Date.now();
				process.stderr.write(`[e2e] dist/ is ${distFiles.length ? 'stale' : 'missing'}; running npm run build\n`);
				await runCommand('npm', ['run', 'build', '--silent'], { cwd: packageDir });
				note(`build took ${secondsSince(t)} s`);
			}
		}
		const pkgJson = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
		const hash = crypto.createHash('sha256');
		const hashed = listFiles(dist).concat(
			['package.json', 'README.md', 'LICENSE', 'LICENSE.md']
				.map((f) => path.join(packageDir, f))
				.filter((f) => fs.existsSync(f)),
		);
		for (const f of hashed.sort()) {
			hash.update(path.relative(packageDir, f)).update('\0').update(fs.readFileSync(f)).update('\0');
		}
		const digest = hash.digest('hex').slice(0, 16);
		const cached = packCache.get(digest);
		if (cached && fs.existsSync(cached)) return cached;
		const outDir = path.join(WORK_ROOT, 'pack', digest);
		const tgz = path.join(outDir, `${pkgJson.name.replace(/^@/, '').replace(/\//g, '-')}-${pkgJson.version}.tgz`);
		if (!fs.existsSync(tgz)) {
			const t = Date.now();
			const tmp = `${outDir}.tmp-${process.pid}`;
			fs.rmSync(tmp, { recursive: true, force: true });
			fs.mkdirSync(tmp, { recursive: true });
			await runCommand('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', tmp], {
				cwd: packageDir,
				env: runtimes.cleanNpmEnv(),
			});
			const produced = fs.readdirSync(tmp).find((f) => f.endsWith('.tgz'));
			if (!produced) throw new Error('npm pack produced no tarball');
			fs.rmSync(outDir, { recursive: true, force: true });
			fs.renameSync(tmp, outDir);
			if (produced !== path.basename(tgz)) fs.renameSync(path.join(outDir, produced), tgz);
			note(`packed ${path.relative(REPO_ROOT, tgz)} in ${secondsSince(t)} s`);
			prunePackCache(digest);
		}
		packCache.set(digest, tgz);
		return tgz;
	});
}

function prunePackCache(keep) {
	const dir = path.join(WORK_ROOT, 'pack');
	const entries = fs
		.readdirSync(dir)
		.filter((d) => d !== keep && !d.includes('.tmp-'))
		.map((d) => ({ d, t: fs.statSync(path.join(dir, d)).mtimeMs }))
		.sort((a, b) => b.t - a.t);
	for (const { d } of entries.slice(3)) fs.rmSync(path.join(dir, d), { recursive: true, force: true });
}

/**
 * Installs a packed tarball into <userFolder>/.n8n/nodes the way n8n's community-package installer does. The package
 * has no dependencies, so one `npm install` per tarball is enough: it is made once into a folder next to the other
 * installs of this run (test/e2e/.work/installed/<hash of the tarball>) and copied from there. A queue cluster has four
 * members per version, each with its own user folder; eight npm installs at once cost the cluster start ~20 s of CPU.
 * A nodes folder that already holds something (the playground's, kept between runs) gets a real `npm install` on top.
 * @returns {Promise<void>}
 */
async function installPackage(userFolder, tarball) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	if (fs.existsSync(path.join(nodesDir, 'package.json'))) return npmInstallInto(nodesDir, tarball);
	const template = await installedTemplate(tarball);
	fs.mkdirSync(path.dirname(nodesDir), { recursive: true });
	fs.cpSync(template, nodesDir, { recursive: true });
}

/** The nodes folder with only this tarball installed (made once per tarball content, under a lock). */
async function installedTemplate(tarball) {
	const digest = crypto.createHash('sha256').update(fs.readFileSync(tarball)).digest('hex').slice(0, 16);
	const dir = path.join(WORK_ROOT, 'installed', digest);
	if (fs.existsSync(path.join(dir, '.complete'))) return dir;
	return withLock(`${dir}.lock`, async () => {
		if (fs.existsSync(path.join(dir, '.complete'))) return dir;
		const tmp = `${dir}.tmp-${process.pid}`;
		fs.rmSync(tmp, { recursive: true, force: true });
		await npmInstallInto(tmp, tarball);
		fs.rmSync(dir, { recursive: true, force: true });
		fs.renameSync(tmp, dir);
		fs.writeFileSync(path.join(dir, '.complete'), '');
		pruneInstalled(digest);
		return dir;
	});
}

/** Keeps the three newest template installs. */
function pruneInstalled(keep) {
	const dir = path.join(WORK_ROOT, 'installed');
	const entries = fs
		.readdirSync(dir)
		.filter((d) => d !== keep && /^[0-9a-f]{16}$/.test(d))
		.map((d) => ({ d, t: fs.statSync(path.join(dir, d)).mtimeMs }))
		.sort((a, b) => b.t - a.t);
	for (const { d } of entries.slice(2)) fs.rmSync(path.join(dir, d), { recursive: true, force: true });
}

async function npmInstallInto(nodesDir, tarball) {
	fs.mkdirSync(nodesDir, { recursive: true });
	const pkgFile = path.join(nodesDir, 'package.json');
	// No "name": jest's haste map would warn about duplicate package names across work folders.
	if (!fs.existsSync(pkgFile)) fs.writeFileSync(pkgFile, JSON.stringify({ private: true, dependencies: {} }, null, 2));
	await runCommand(
		'npm',
		[
			'install',
			'--prefix',
			nodesDir,
			'--omit=dev',
			'--omit=peer',
			'--legacy-peer-deps',
			'--ignore-scripts',
			'--audit=false',
			'--fund=false',
			'--loglevel=error',
			tarball,
		],
		{ cwd: nodesDir, env: runtimes.cleanNpmEnv(process.env, { npm_config_ignore_scripts: 'true' }) },
	);
}

// ---------------------------------------------------------------------------------------------------------------------
// Process bookkeeping: kill every n8n we started, whatever happens

/** @type {Set<number>} process-group ids of running n8n instances */
const liveGroups = new Set();
let exitHookInstalled = false;
function installExitHook() {
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	process.once('exit', () => {
		for (const pgid of liveGroups) killGroup(pgid, 'SIGKILL');
	});
}

// Detached watchdog: when the process that started n8n dies without stopping it (jest worker killed, SIGKILL), it
// terminates n8n's process group; it exits by itself once the group is gone.
const WATCHDOG_SOURCE = `
const [parent, pgid] = process.argv.slice(1).map(Number);
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const groupAlive = () => { try { process.kill(-pgid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const t = setInterval(() => {
  if (!groupAlive()) process.exit(0);
  if (alive(parent)) return;
  clearInterval(t);
  try { process.kill(-pgid, 'SIGTERM'); } catch {}
  setTimeout(() => { try { process.kill(-pgid, 'SIGKILL'); } catch {} process.exit(0); }, 5000);
}, 500);
`;
function startWatchdog(pgid) {
	const wd = spawn(process.execPath, ['-e', WATCHDOG_SOURCE, String(process.pid), String(pgid)], {
		detached: true,
		stdio: 'ignore',
	});
	wd.unref();
}

/**
 * Creates an instance folder (and its user folder `home`) owned by this process: pruneWorkFolders leaves it alone while
 * this process lives, even before its n8n starts (a queue cluster prepares a spare worker's folder minutes ahead).
 */
function makeWorkDir(workDir) {
	fs.mkdirSync(path.join(workDir, 'home'), { recursive: true });
	fs.writeFileSync(path.join(workDir, 'owner.pid'), String(process.pid));
	return workDir;
}

/** Deletes all but the newest KEEP_RECENT instance folders (never one whose n8n or owning test process still runs). */
function pruneWorkFolders() {
	if (!fs.existsSync(WORK_ROOT)) return;
	const dirs = fs
		.readdirSync(WORK_ROOT, { withFileTypes: true })
		.filter((d) => d.isDirectory() && /^n8n-/.test(d.name))
		.map((d) => path.join(WORK_ROOT, d.name))
		.filter((d) =>
			['n8n.pid', 'owner.pid'].every((f) => {
				try {
					const pid = Number(fs.readFileSync(path.join(d, f), 'utf8'));
					return !(pid && isAlive(pid));
				} catch {
					return true;
				}
			}),
		)
		.flatMap((d) => {
			try {
				return [{ d, t: fs.statSync(d).mtimeMs }];
			} catch {
				return []; // removed by another test process meanwhile (jest's workers prune side by side)
			}
		})
		.sort((a, b) => b.t - a.t);
	// A folder made in the last minute may not have its owner.pid yet (makeWorkDir writes it right after mkdir).
	const settled = dirs.slice(Math.max(0, KEEP_RECENT)).filter(({ t }) => Date.now() - t > 60_000);
	for (const { d } of settled) fs.rmSync(d, { recursive: true, force: true });
	// Port claims that no longer reserve anything (claimAcrossProcesses).
	const ports = path.join(WORK_ROOT, 'ports');
	for (const f of fs.existsSync(ports) ? fs.readdirSync(ports) : []) {
		try {
			if (Date.now() - fs.statSync(path.join(ports, f)).mtimeMs > PORT_CLAIM_MS) fs.rmSync(path.join(ports, f), { force: true });
		} catch {
			// removed by another process meanwhile
		}
	}
}

// ---------------------------------------------------------------------------------------------------------------------
// n8n environment and CLI

/**
 * The hermetic environment n8n runs with (recipe §3). Variables from the caller's environment that could change n8n's
 * behaviour (N8N_*, DB_*, WEBHOOK_URL, NODE_ENV=test set by jest, NODE_OPTIONS) are dropped first.
 */
function n8nEnv({ runtimeEnv, userFolder, port, brokerPort, extra = {} }) {
	const env = {};
	for (const [k, v] of Object.entries(runtimeEnv)) {
		if (/^(N8N_|DB_|QUEUE_|EXECUTIONS_|WEBHOOK_URL$|NODE_ENV$|NODE_OPTIONS$|JEST_|GENERIC_TIMEZONE$)/.test(k)) continue;
		if (/^npm_/.test(k)) continue;
		env[k] = v;
	}
	const base = `http://127.0.0.1:${port}/`;
	Object.assign(env, {
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		N8N_EDITOR_BASE_URL: base,
		WEBHOOK_URL: base,
		N8N_WEBHOOK_URL: base,
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		DB_TYPE: 'sqlite',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_ENCRYPTION_KEY: ENCRYPTION_KEY,
		GENERIC_TIMEZONE: 'UTC',
		TZ: 'UTC',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
	});
	for (const [k, v] of Object.entries(extra)) {
		if (v === undefined || v === null) delete env[k];
		else env[k] = String(v);
	}
	return env;
}

/** Runs an n8n CLI command (import:*, publish:*, …) against the instance's folder; n8n must not be running. */
async function n8nCli(ctx, args) {
	const t = Date.now();
	const { out } = await runCommand(ctx.runtime.n8nBin, args, { cwd: ctx.workDir, env: ctx.env, timeoutMs: 120_000 });
	fs.appendFileSync(path.join(ctx.workDir, 'cli.log'), `$ n8n ${args.join(' ')}\n${out}\n`);
	// Some n8n versions log an import failure and still exit 0.
	if (/An error occurred|Error: /i.test(out) && !/Successfully imported/i.test(out)) {
		throw new Error(`n8n ${args.join(' ')} reported an error:\n${out.slice(-4000)}`);
	}
	note(`n8n ${args[0]} took ${secondsSince(t)} s`);
	return out;
}

/**
 * A migrated, empty n8n database per runtime version (created once with a no-op CLI command and cached under
 * .work/templates/). Copying it into a new user folder saves the 1–2 s of migrations on every instance.
 * @returns {Promise<string|null>} folder holding `config` and `database.sqlite*`, or null when unavailable
 */
async function dbTemplate(runtime, env) {
	const key = crypto.createHash('sha256').update(`${runtime.version}\0${env.N8N_ENCRYPTION_KEY}`).digest('hex').slice(0, 12);
	const dir = path.join(WORK_ROOT, 'templates', `n8n-${runtime.version}-${key}`);
	const ok = path.join(dir, '.ok');
	if (fs.existsSync(ok)) return dir;
	return withLock(`${dir}.lock`, async () => {
		if (fs.existsSync(ok)) return dir;
		const t = Date.now();
		const tmpUser = `${dir}.tmp-${process.pid}`;
		fs.rmSync(tmpUser, { recursive: true, force: true });
		fs.mkdirSync(tmpUser, { recursive: true });
		try {
			await runCommand(runtime.n8nBin, ['list:workflow'], {
				cwd: tmpUser,
				env: { ...env, N8N_USER_FOLDER: tmpUser },
				timeoutMs: 120_000,
			});
			const src = path.join(tmpUser, '.n8n');
			const files = fs.readdirSync(src).filter((f) => f === 'config' || f.startsWith('database.sqlite'));
			if (!files.includes('database.sqlite')) return null;
			fs.rmSync(dir, { recursive: true, force: true });
			fs.mkdirSync(dir, { recursive: true });
			for (const f of files) fs.copyFileSync(path.join(src, f), path.join(dir, f));
			fs.writeFileSync(ok, new Date().toISOString());
			note(`created the migrated DB template for n8n ${runtime.version} in ${secondsSince(t)} s`);
			return dir;
		} catch (e) {
			process.stderr.write(`[e2e] could not create a DB template (continuing without): ${e.message.split('\n')[0]}\n`);
			return null;
		} finally {
			fs.rmSync(tmpUser, { recursive: true, force: true });
		}
	});
}

// ---------------------------------------------------------------------------------------------------------------------
// startN8n

/**
 * Starts a real n8n with the package installed. See the file header and test/e2e/README.md.
 *
 * @param {object} [options]
 * @param {RuntimeName} [options.runtime] 'current' (n8n 2.41.1 on Node 24) or 'oldest' (n8n 2.8.4 on the system Node 20);
 *   default $RUNBLOB_E2E_RUNTIME or 'current'
 * @param {WorkflowFixture[]} [options.workflows] created with their fixture ids (generated when missing) through the
 *   editor's REST API right after start, or with `n8n import:workflow` before start when workflowImport is 'cli';
 *   those with `active: true` are then activated through the public API
 * @param {'rest'|'cli'} [options.workflowImport] default 'rest' (about 3 s faster per instance than the CLI)
 * @param {CredentialFixture[]} [options.credentials] imported (data in clear text; n8n encrypts it) before start
 * @param {Record<string, string|number|boolean|undefined>} [options.env] extra environment for n8n (undefined deletes)
 * @param {string[]} [options.readyPaths] production webhook paths (as in webhookUrl(path)) that must be registered
 *   before start()/restart() resolve; Webhook-node paths of active workflows are added automatically
 * @param {string} [options.label] part of the work-folder name
 * @param {string} [options.tarball] a packed package to install instead of packing the repository
 * @param {boolean} [options.installPackage] default true; false starts n8n without the package
 * @param {{ email: string, password: string, firstName: string, lastName: string }} [options.owner]
 * @param {number} [options.startTimeoutMs] how long a start may take (default $RUNBLOB_E2E_START_TIMEOUT_MS or 240 s: a first start migrates the database, slow on a loaded machine)
 */
async function startN8n(options = {}) {
	const t0 = Date.now();
	const timings = {};
	const mark = (k, t) => (timings[k] = secondsSince(t));
	const runtimeName = options.runtime || /** @type {RuntimeName} */ (process.env.RUNBLOB_E2E_RUNTIME) || 'current';
	const owner = { ...DEFAULT_OWNER, ...(options.owner || {}) };
	installExitHook();

	let t = Date.now();
	const runtime = await ensureRuntime(runtimeName);
	mark('runtime', t);

	t = Date.now();
	const tarball =
		options.installPackage === false ? null : options.tarball ? path.resolve(options.tarball) : await packPackage();
	mark('pack', t);

	fs.mkdirSync(WORK_ROOT, { recursive: true });
	pruneWorkFolders();
	const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
	const label = (options.label || '').replace(/[^a-zA-Z0-9_.-]+/g, '-');
	const workDir = path.join(WORK_ROOT, `n8n-${stamp}-${runtimeName}${label ? `-${label}` : ''}-${crypto.randomBytes(3).toString('hex')}`);
	const userFolder = path.join(makeWorkDir(workDir), 'home');

	t = Date.now();
	if (tarball) await installPackage(userFolder, tarball);
	mark('install', t);

	const port = await freePort();
	const brokerPort = await freePort();
	const baseUrl = `http://127.0.0.1:${port}`;
	const env = n8nEnv({ runtimeEnv: runtime.env, userFolder, port, brokerPort, extra: options.env });
	const ctx = { runtime, workDir, env };

	t = Date.now();
	const useTemplate =
		!/^(0|false|no)$/i.test(process.env.RUNBLOB_E2E_DB_TEMPLATE || '') &&
		!Object.keys(options.env || {}).some((k) => /^(DB_|N8N_ENCRYPTION_KEY$|N8N_USER_FOLDER$)/.test(k));
	const template = useTemplate ? await dbTemplate(runtime, env) : null;
	if (template) {
		const dest = path.join(userFolder, '.n8n');
		fs.mkdirSync(dest, { recursive: true });
		for (const f of fs.readdirSync(template).filter((f) => f !== '.ok')) {
			fs.copyFileSync(path.join(template, f), path.join(dest, f));
		}
	}
	mark('template', t);

	const workflows = (options.workflows || []).map((wf) => ({ ...wf, id: wf.id || crypto.randomBytes(8).toString('hex') }));
	const credentials = options.credentials || [];

	t = Date.now();
	const importDir = path.join(workDir, 'import');
	if (credentials.length) {
		fs.mkdirSync(importDir, { recursive: true });
		const file = path.join(importDir, 'credentials.json');
		fs.writeFileSync(file, JSON.stringify(credentials, null, 2));
		await n8nCli(ctx, ['import:credentials', `--input=${file}`]);
	}
	const workflowImport = options.workflowImport || 'rest';
	if (workflows.length && workflowImport === 'cli') {
		const dir = path.join(importDir, 'workflows');
		fs.mkdirSync(dir, { recursive: true });
		for (const wf of workflows) {
			const { active, ...rest } = wf;
			fs.writeFileSync(path.join(dir, `${wf.id}.json`), JSON.stringify({ ...rest, active: false }, null, 2));
		}
		await n8nCli(ctx, ['import:workflow', '--separate', `--input=${dir}`]);
	}
	mark('import', t);

	const activeIds = workflows.filter((w) => w.active).map((w) => w.id);
	const readyPaths = [...(options.readyPaths || [])];
	for (const wf of workflows.filter((w) => w.active)) {
		for (const node of wf.nodes || []) {
			if (node.type === 'n8n-nodes-base.webhook' && typeof node.parameters?.path === 'string' && !node.disabled) {
				readyPaths.push(node.parameters.path);
			}
		}
	}

	/** @type {import('node:child_process').ChildProcess|null} */
	let proc = null;
	let exitInfo = null;
	let logText = '';
	let generation = 0;
	const logFile = path.join(workDir, 'n8n.log');

	const instance = addClientMembers({
		runtime: { name: runtime.name, version: runtime.version, dir: runtime.dir },
		workDir,
		userFolder,
		port,
		brokerPort,
		baseUrl,
		env,
		owner,
		tarball,
		timings,
		/** @type {string} */ apiKey: '',
		/** @type {string} */ cookie: '',
		/** Everything n8n printed so far (stdout + stderr, all starts). */
		logs: () => logText,
		/** The pid of the running n8n main process (also its process-group id), or null. */
		pid: () => (proc && exitInfo === null ? proc.pid : null),
		/** SIGTERM (then SIGKILL after 20 s) and start again on the same folder and ports; resolves when ready. */
		async restart() {
			const t1 = Date.now();
			await stopProcess();
			await launch();
			await waitForWebhooks();
			timings.lastRestart = secondsSince(t1);
			recordPhase('restart', timings.lastRestart, { runtime: runtimeName, label });
			return instance;
		},
		/**
		 * Stops n8n (whole process group) and frees its ports. The work folder is kept for debugging (the newest
		 * RUNBLOB_E2E_KEEP_RECENT are kept, older ones pruned at the next start) unless `{ removeWorkDir: true }` or
		 * RUNBLOB_E2E_KEEP=0.
		 * @param {{ removeWorkDir?: boolean }} [o]
		 */
		async stop(o = {}) {
			const t1 = Date.now();
			const wasRunning = instance.pid() !== null;
			await stopProcess();
			if (wasRunning) recordPhase('stop', secondsSince(t1), { runtime: runtimeName, label });
			const remove = o.removeWorkDir ?? /^(0|false|no)$/i.test(process.env.RUNBLOB_E2E_KEEP || '');
			if (remove) fs.rmSync(workDir, { recursive: true, force: true });
		},
	}, { baseUrl, tail: () => tail(), exited: () => exitInfo });

	function tail(n = 60) {
		return `--- last lines of ${logFile} ---\n${logText.split('\n').slice(-n).join('\n')}`;
	}

	async function launch() {
		generation += 1;
		const myGeneration = generation;
		exitInfo = null;
		const marker = `\n===== n8n start #${myGeneration} (${new Date().toISOString()}) =====\n`;
		logText += marker;
		fs.appendFileSync(logFile, marker);
		const child = spawn(runtime.n8nBin, ['start'], {
			cwd: workDir,
			env,
			detached: true,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		proc = child;
		if (!child.pid) throw new Error('failed to spawn n8n');
		liveGroups.add(child.pid);
		startWatchdog(child.pid);
		fs.writeFileSync(path.join(workDir, 'n8n.pid'), String(child.pid));
		const onData = (d) => {
			const s = d.toString();
			logText += s;
			try {
				fs.appendFileSync(logFile, s);
			} catch (e) {
				// Output can arrive after stop({ removeWorkDir }) removed the folder.
				if (e.code !== 'ENOENT') throw e;
			}
			if (verbose()) process.stderr.write(s);
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', onData);
		child.on('exit', (code, signal) => {
			if (myGeneration === generation) exitInfo = { code, signal };
		});
		// Ready = the HTTP server is up and the DB is migrated (the editor line is printed after both).
		const t1 = Date.now();
		const startTimeoutMs = options.startTimeoutMs ?? START_TIMEOUT_MS;
		const deadline = Date.now() + startTimeoutMs;
		for (;;) {
			if (exitInfo) throw new Error(`n8n exited during start (${JSON.stringify(exitInfo)})\n${tail()}`);
			if (/Editor is now accessible/.test(logText.slice(logText.lastIndexOf(marker)))) {
				const res = await httpRequest('GET', `${baseUrl}/healthz/readiness`).catch(() => ({ status: 0 }));
				if (res.status === 200) break;
			}
			if (Date.now() > deadline) {
				await stopProcess();
				throw new Error(`n8n did not become ready within ${startTimeoutMs} ms\n${tail()}`);
			}
			await sleep(100);
		}
		timings.lastStart = secondsSince(t1);
	}

	async function stopProcess() {
		const child = proc;
		if (!child || !child.pid) return;
		const pgid = child.pid;
		if (exitInfo === null && child.exitCode === null && child.signalCode === null) {
			const exited = new Promise((r) => child.once('exit', r));
			killGroup(pgid, 'SIGTERM');
			let timer;
			const timeout = new Promise((r) => (timer = setTimeout(() => r('timeout'), 20_000)));
			const outcome = await Promise.race([exited, timeout]);
			clearTimeout(timer);
			if (outcome === 'timeout') {
				process.stderr.write(`[e2e] n8n (pgid ${pgid}) ignored SIGTERM for 20 s; killing it\n`);
				killGroup(pgid, 'SIGKILL');
				await exited;
			}
		}
		// The task runner (and anything else in the group) must not outlive n8n.
		killGroup(pgid, 'SIGKILL');
		liveGroups.delete(pgid);
		proc = null;
		const deadline = Date.now() + 10_000;
		while ((await portInUse(port)) || (await portInUse(brokerPort))) {
			if (Date.now() > deadline) throw new Error(`ports ${port}/${brokerPort} still bound after n8n stopped`);
			await sleep(100);
		}
	}

	async function waitForWebhooks() {
		if (readyPaths.length) await instance.waitForWebhooks(readyPaths);
	}

	try {
		t = Date.now();
		await launch();
		mark('start', t);

		t = Date.now();
		await setupOwnerAndApiKey(instance);
		mark('owner', t);

		t = Date.now();
		if (workflowImport !== 'cli') {
			// The editor's own endpoint; unlike the public API it keeps the fixture's id (same on 2.8.4 and 2.41).
			for (const wf of workflows) {
				const { active, ...body } = wf;
				await instance.rest('POST', '/workflows', body);
			}
		}
		for (const id of activeIds) await instance.activate(id);
		await waitForWebhooks();
		mark('workflows', t);
	} catch (e) {
		await stopProcess().catch(() => undefined);
		throw e;
	}
	timings.total = secondsSince(t0);
	recordPhase('start', timings.total, { runtime: runtimeName, label });
	note(`n8n ${runtime.version} ready at ${baseUrl} in ${timings.total} s ${JSON.stringify(timings)}`);
	return instance;
}

/**
 * Adds the HTTP members every handle on a running n8n has (its own instance, or a test file's handle on a shared one,
 * see shared.js): webhook URLs, raw/public/internal API calls, executions, activation, webhook readiness. They read
 * `instance.apiKey` and `instance.cookie` at call time.
 * @template T
 * @param {T & { apiKey: string, cookie: string }} instance
 * @param {{ baseUrl: string, tail: () => string, exited: () => unknown }} o `exited` returns why n8n is gone, or null
 */
function addClientMembers(instance, { baseUrl, tail, exited }) {
	return Object.assign(instance, {
		/** Production webhook URL of a path (as configured in a Webhook node / full-path trigger). */
		webhookUrl: (p) => `${baseUrl}/webhook/${String(p).replace(/^\/+/, '')}`,
		/** Test webhook URL (only live while the editor listens). */
		webhookTestUrl: (p) => `${baseUrl}/webhook-test/${String(p).replace(/^\/+/, '')}`,
		/**
		 * Raw HTTP against n8n; `path` is absolute (`/rest/...`) or a full URL. `auth`: 'api' adds the API key, 'cookie'
		 * the owner's session cookie. Never throws on HTTP status.
		 * @param {string} method
		 * @param {string} p
		 * @param {{ body?: unknown, headers?: Record<string,string>, auth?: 'api'|'cookie'|'none', timeoutMs?: number }} [o]
		 * @returns {Promise<HttpResult>}
		 */
		http(method, p, o = {}) {
			const headers = { ...(o.headers || {}) };
			if (o.auth === 'api') headers['x-n8n-api-key'] = instance.apiKey;
			if (o.auth === 'cookie') headers.cookie = instance.cookie;
			const url = /^https?:\/\//.test(p) ? p : `${baseUrl}${p.startsWith('/') ? '' : '/'}${p}`;
			return httpRequest(method, url, { headers, body: o.body, timeoutMs: o.timeoutMs });
		},
		/**
		 * Public API (`/api/v1` + path) with the API key. Resolves to the parsed JSON body; rejects on a non-2xx status.
		 * @param {string} method
		 * @param {string} p
		 * @param {unknown} [body]
		 */
		async api(method, p, body) {
			const res = await instance.http(method, `/api/v1${p.startsWith('/') ? '' : '/'}${p}`, { body, auth: 'api' });
			if (res.status < 200 || res.status >= 300) throw httpError(method, `/api/v1${p}`, res);
			return res.json;
		},
		/**
		 * Internal REST API (`/rest` + path) with the owner's cookie. Resolves to the parsed JSON body (usually
		 * `{ data: … }`); rejects on a non-2xx status.
		 * @param {string} method
		 * @param {string} p
		 * @param {unknown} [body]
		 */
		async rest(method, p, body) {
			const res = await instance.http(method, `/rest${p.startsWith('/') ? '' : '/'}${p}`, { body, auth: 'cookie' });
			if (res.status < 200 || res.status >= 300) throw httpError(method, `/rest${p}`, res);
			return res.json;
		},
		/**
		 * Executions, newest first, from the editor's list (`GET /rest/executions`), which — unlike the public API on
		 * 2.8.4 — includes executions that are waiting right now.
		 * @param {{ workflowId?: string, status?: string|string[], limit?: number }} [filter] limit ≤ 100 (n8n 2.41 rejects more)
		 * @returns {Promise<ExecutionSummary[]>}
		 */
		async executions({ workflowId, status, limit = 100 } = {}) {
			const f = {};
			if (workflowId) f.workflowId = workflowId;
			if (status) f.status = Array.isArray(status) ? status : [status];
			const qs = new URLSearchParams({ filter: JSON.stringify(f), limit: String(limit) });
			const body = await instance.rest('GET', `/executions?${qs}`);
			const results = body?.data?.results || [];
			return results.map((e) => ({
				id: String(e.id),
				workflowId: e.workflowId,
				status: e.status,
				mode: e.mode,
				finished: e.finished ?? e.status === 'success', // the editor's list has no `finished` field
				startedAt: e.startedAt ?? null,
				stoppedAt: e.stoppedAt ?? null,
				waitTill: e.waitTill ?? null,
				retryOf: e.retryOf ?? null,
			}));
		},
		/**
		 * One execution from the public API (`GET /api/v1/executions/:id`); with includeData (default) `data.resultData`
		 * holds the run data per node.
		 * @param {string} id
		 * @param {{ includeData?: boolean }} [o]
		 */
		async execution(id, { includeData = true } = {}) {
			return instance.api('GET', `/executions/${encodeURIComponent(id)}?includeData=${includeData}`);
		},
		/**
		 * Polls executions(filter) until `pred(summary)` holds for one of them, then resolves to that execution with its
		 * data (execution(id)). Rejects after timeoutMs with the statuses it saw and the log tail.
		 * @param {(e: ExecutionSummary) => boolean} [pred]
		 * @param {number} [timeoutMs]
		 * @param {{ workflowId?: string, status?: string|string[], includeData?: boolean, intervalMs?: number }} [filter]
		 */
		async waitForExecution(pred = () => true, timeoutMs = 30_000, filter = {}) {
			const { includeData = true, intervalMs = 200, ...listFilter } = filter;
			const deadline = Date.now() + timeoutMs;
			let seen = [];
			for (;;) {
				seen = await instance.executions(listFilter);
				const hit = seen.find((e) => pred(e));
				if (hit) return includeData ? instance.execution(hit.id, { includeData: true }) : hit;
				if (exited()) throw new Error(`n8n exited (${JSON.stringify(exited())}) while waiting for an execution\n${tail()}`);
				if (Date.now() > deadline) {
					throw new Error(
						`no matching execution within ${timeoutMs} ms; executions: ${JSON.stringify(
							seen.map((e) => ({ id: e.id, status: e.status, workflowId: e.workflowId })),
						)}\n${tail()}`,
					);
				}
				await sleep(intervalMs);
			}
		},
		/** Activates (publishes) a workflow through the public API; its production webhooks are live when this resolves. */
		async activate(workflowId) {
			return instance.api('POST', `/workflows/${encodeURIComponent(workflowId)}/activate`);
		},
		async deactivate(workflowId) {
			return instance.api('POST', `/workflows/${encodeURIComponent(workflowId)}/deactivate`);
		},
		/**
		 * Waits until each production webhook path is registered. Probes with a CORS preflight (OPTIONS with an Origin,
		 * which never starts an execution): n8n lists the registered methods of the path in Access-Control-Allow-Methods
		 * ("OPTIONS" alone = unknown path). The status code is useless: 204 for unknown paths too without an Origin.
		 * @param {string[]} paths
		 * @param {number} [timeoutMs]
		 */
		async waitForWebhooks(paths, timeoutMs = 30_000) {
			const deadline = Date.now() + timeoutMs;
			for (const p of paths) {
				for (;;) {
					if (await instance.isWebhookRegistered(p)) break;
					if (exited()) throw new Error(`n8n exited (${JSON.stringify(exited())})\n${tail()}`);
					if (Date.now() > deadline) throw new Error(`webhook ${p} not registered within ${timeoutMs} ms\n${tail()}`);
					await sleep(100);
				}
			}
		},
		/** True when n8n has a production webhook registered at path (any method); see waitForWebhooks. */
		async isWebhookRegistered(p) {
			const res = await instance
				.http('OPTIONS', instance.webhookUrl(p), {
					headers: { origin: baseUrl, 'access-control-request-method': 'POST' },
				})
				.catch(() => null);
			if (!res) return false;
			const allow = String(res.headers['access-control-allow-methods'] || '');
			return allow.split(',').some((m) => m.trim() && m.trim().toUpperCase() !== 'OPTIONS');
		},
	});
}

function httpError(method, p, res) {
	const err = new Error(`${method} ${p} → HTTP ${res.status}: ${res.text.slice(0, 2000)}`);
	Object.assign(err, { status: res.status, body: res.json ?? res.text });
	return err;
}

/** Owner setup (once per DB) → session cookie → a public-API key with every scope (recipe §5.2). */
async function setupOwnerAndApiKey(instance) {
	const { owner } = instance;
	let res;
	for (let attempt = 0; ; attempt++) {
		res = await instance.http('POST', '/rest/owner/setup', { body: owner });
		if (res.status === 200) break;
		// Already set up (restarted folder): log in instead.
		if (res.status === 400 && /already|setup/i.test(res.text)) {
			res = await instance.http('POST', '/rest/login', {
				body: { emailOrLdapLoginId: owner.email, email: owner.email, password: owner.password },
			});
			if (res.status === 200) break;
		}
		if (attempt >= 20) throw httpError('POST', '/rest/owner/setup', res);
		await sleep(250);
	}
	instance.cookie = cookieFrom(res.headers);
	if (!instance.cookie) throw new Error('owner setup returned no auth cookie');
	const scopes = (await instance.rest('GET', '/api-keys/scopes')).data;
	const key = await instance.rest('POST', '/api-keys', { label: 'e2e', expiresAt: null, scopes });
	instance.apiKey = key.data.rawApiKey;
	if (!instance.apiKey) throw new Error(`no rawApiKey in ${JSON.stringify(key)}`);
}

function cookieFrom(headers) {
	const set = headers['set-cookie'] || [];
	return set
		.map((c) => c.split(';')[0])
		.filter((c) => /^n8n-auth=/.test(c))
		.join('; ');
}

module.exports = {
	startN8n,
	addClientMembers,
	isAlive,
	ensureRuntime,
	packPackage,
	installPackage,
	makeWorkDir,
	httpRequest,
	freePort,
	portInUse,
	n8nEnv,
	setupOwnerAndApiKey,
	killGroup,
	startWatchdog,
	recordPhase,
	PHASES_FILE,
	REPO_ROOT,
	WORK_ROOT,
	ENCRYPTION_KEY,
};
