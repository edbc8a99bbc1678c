#!/usr/bin/env node
// Installs the pinned n8n runtimes used by the end-to-end tests, the benchmarks and the playground, and reuses them.
// Layout (default <repo>/.runtimes, git-ignored; RUNBLOB_RUNTIMES_DIR overrides it so CI can keep a machine cache):
//   node24/            the npm package node@24 (current n8n needs Node >= 24)
//   n8n-<version>/     n8n installed with its own node_modules, outside the package's dependency tree
//   install-<what>.log the full output of the last install of that piece
//   .failed-<name>     written when an install failed, so the rest of one test run does not try again
// Usage: node scripts/runtimes.js [current] [oldest]   (no argument = all runtimes)
// CommonJS on purpose: jest (the e2e global setup and harness) requires it without ESM support in its VM.
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..');

/** The n8n versions the package is tested against: newest installable 2.41.x, and 2.8.4 (oldest supported). */
const RUNTIMES = {
	current: { n8n: '2.41.1', node: '24' },
	oldest: { n8n: '2.8.4', node: 'system' },
};

/** What a person should expect, printed before an install starts and repeated in the README. */
const EXPECTED = {
	node: { minutes: 0.5, gb: 0.2 },
	n8n: { minutes: 4, gb: 2.9 },
};

const MARKER = '.runblob-installed';
const TICK_MS = Number(process.env.RUNBLOB_RUNTIMES_TICK_MS || 15_000);

function runtimesDir() {
	return path.resolve(process.env.RUNBLOB_RUNTIMES_DIR || path.join(repoRoot, '.runtimes'));
}

/**
 * The environment for every npm child process: the caller's environment without anything npm put there. Under
 * `npm test` or `npm start`, npm exports its whole configuration (including this repository's `.npmrc`, which sets
 * ignore-scripts=true) as npm_config_* variables, and a child npm would obey them.
 */
function cleanNpmEnv(base = process.env, extra = {}) {
	const env = {};
	for (const [k, v] of Object.entries(base)) {
		if (/^npm_/i.test(k) || k === 'INIT_CWD' || k === 'NODE_ENV') continue;
		env[k] = v;
	}
	return {
		...env,
		npm_config_fund: 'false',
		npm_config_audit: 'false',
		npm_config_update_notifier: 'false',
		...extra,
	};
}

function log(msg) {
	process.stderr.write(`[runtimes] ${msg}\n`);
}

function elapsed(t0) {
	const s = Math.round((Date.now() - t0) / 1000);
	return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** Size of a folder in bytes (follows no links; cheap enough to sample every few seconds while npm fills it). */
function folderBytes(dir) {
	let total = 0;
	const stack = [dir];
	while (stack.length) {
		const d = stack.pop();
		let entries;
		try {
			entries = fs.readdirSync(d, { withFileTypes: true });
		} catch {
			continue;
		}
		for (const e of entries) {
			const full = path.join(d, e.name);
			if (e.isDirectory()) stack.push(full);
			else if (e.isFile()) {
				try {
					total += fs.statSync(full).size;
				} catch {
					/* removed while counting */
				}
			}
		}
	}
	return total;
}

/** npm at --loglevel=http logs one "http fetch" line per request; they are the progress of the resolve phase. */
function countFetches(logFile, from) {
	try {
		const text = fs.readFileSync(logFile, 'utf8').slice(from);
		return (text.match(/http fetch GET 200/g) || []).length;
	} catch {
		return 0;
	}
}

const gb = (bytes) => (bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${Math.round(bytes / 1e6)} MB`);

/**
 * Runs one install step: output to `logFile` (appended), a progress line every TICK_MS with elapsed time and the size
 * of `watchDir`, and an error naming the step and the log when it fails.
 */
function step(label, cmd, args, { cwd, env, logFile, watchDir }) {
	const t0 = Date.now();
	log(`${label}: started (${cmd} ${args.join(' ')}; log ${logFile})`);
	fs.appendFileSync(logFile, `\n$ (cd ${cwd} && ${cmd} ${args.join(' ')})\n`);
	return new Promise((resolve, reject) => {
		const out = fs.openSync(logFile, 'a');
		const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', out, out] });
		const logStart = fs.statSync(logFile).size;
		const timer = setInterval(() => {
			const size = watchDir ? `, ${gb(folderBytes(watchDir))} installed` : '';
			const fetched = countFetches(logFile, logStart);
			const fetches = fetched ? `, ${fetched} package downloads` : '';
			log(`${label}: still running, ${elapsed(t0)}${fetches}${size}`);
		}, TICK_MS);
		const done = (err) => {
			clearInterval(timer);
			fs.closeSync(out);
			if (err) {
				reject(stepError(label, logFile, err.message));
			} else {
				log(`${label}: done in ${elapsed(t0)}`);
				resolve();
			}
		};
		child.on('error', done);
		child.on('exit', (code, signal) =>
			done(code === 0 ? null : new Error(`exit code ${code}${signal ? `, signal ${signal}` : ''}`)),
		);
	});
}

function stepError(label, logFile, reason) {
	let tail = '';
	try {
		tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n');
	} catch {
		/* no log yet */
	}
	const err = new Error(`${label} failed (${reason}); full log: ${logFile}\n--- last lines of the log ---\n${tail}`);
	err.step = label;
	err.logFile = logFile;
	return err;
}

/** Runs a quick check synchronously; throws with the step name when it does not pass. */
function check(label, cmd, args, { cwd, env, logFile }) {
	const res = spawnSync(cmd, args, { cwd, env, encoding: 'utf8' });
	fs.appendFileSync(logFile, `\n$ ${cmd} ${args.join(' ')}\n${res.stdout || ''}${res.stderr || ''}`);
	if (res.status !== 0) throw stepError(label, logFile, res.error ? res.error.message : `exit code ${res.status}`);
	return (res.stdout || '').trim();
}

function isInstalled(dir, fingerprint) {
	const marker = path.join(dir, MARKER);
	return fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === fingerprint;
}

function nodeLayout(which) {
	const dir = path.join(runtimesDir(), `node${which}`);
	return { dir, fingerprint: `node@${which}`, bin: path.join(dir, 'node_modules', '.bin') };
}

function n8nLayout(name) {
	const spec = RUNTIMES[name];
	if (!spec) throw new Error(`unknown runtime ${name} (known: ${Object.keys(RUNTIMES).join(', ')})`);
	const dir = path.join(runtimesDir(), `n8n-${spec.n8n}`);
	return {
		spec,
		dir,
		fingerprint: `n8n@${spec.n8n} node@${spec.node}`,
		n8nBin: path.join(dir, 'node_modules', '.bin', 'n8n'),
	};
}

function freshFolder(dir, pkg) {
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
}

/**
 * Runs npm for one install step, always in an environment built by cleanNpmEnv (`base` defaults to this process's
 * environment). Exported so a test can prove the steps ignore an inherited npm_config_ignore_scripts=true.
 * @param {string} label
 * @param {string[]} args
 * @param {{ cwd: string, logFile: string, base?: NodeJS.ProcessEnv, extraEnv?: Record<string, string>, watchDir?: string }} opts
 * @returns {Promise<void>}
 */
function npmStep(label, args, { cwd, base = process.env, extraEnv = {}, logFile, watchDir }) {
	return step(label, 'npm', args, { cwd, env: cleanNpmEnv(base, extraEnv), logFile, watchDir });
}

/** Returns the directory holding a `node` binary for the runtime (`null` = the machine's own node). */
async function ensureNode(which) {
	if (which === 'system') return null;
	const { dir, fingerprint, bin } = nodeLayout(which);
	if (isInstalled(dir, fingerprint)) return bin;
	const logFile = path.join(runtimesDir(), `install-node${which}.log`);
	fs.mkdirSync(runtimesDir(), { recursive: true });
	fs.writeFileSync(logFile, '');
	const t0 = Date.now();
	log(
		`installing Node ${which} (the npm package node@${which}) into ${dir}: about ${EXPECTED.node.gb} GB, ` +
			`usually under a minute`,
	);
	freshFolder(dir, { name: 'runblob-node-runtime', private: true });
	// Scripts explicitly on: the package's preinstall fetches the Node binary.
	await npmStep(
		`Node ${which}: npm install node@${which}`,
		['install', '--ignore-scripts=false', '--no-audit', '--no-fund', '--loglevel=error', `node@${which}`],
		{ cwd: dir, logFile, watchDir: dir },
	);
	const version = check(`Node ${which}: node --version`, path.join(bin, 'node'), ['--version'], {
		cwd: dir,
		env: cleanNpmEnv(),
		logFile,
	});
	if (!version.startsWith(`v${which}.`)) {
		throw stepError(`Node ${which}: node --version`, logFile, `printed "${version}", expected v${which}.x`);
	}
	fs.writeFileSync(path.join(dir, MARKER), fingerprint);
	log(`Node ${which}: ${version} ready in ${elapsed(t0)}`);
	return bin;
}

/** Environment whose PATH puts the runtime's node first. */
function envFor(nodeBin, base = process.env) {
	if (!nodeBin) return { ...base };
	return { ...base, PATH: `${nodeBin}${path.delimiter}${base.PATH}` };
}

/** True when the runtime (n8n and its Node) is fully installed; never installs anything. */
function isRuntimeInstalled(name) {
	const { spec, dir, fingerprint } = n8nLayout(name);
	if (!isInstalled(dir, fingerprint)) return false;
	if (spec.node === 'system') return true;
	const node = nodeLayout(spec.node);
	return isInstalled(node.dir, node.fingerprint);
}

/** Describes an installed runtime without installing it (same shape as ensureN8n's result). */
function runtimeInfo(name) {
	const { spec, dir, n8nBin } = n8nLayout(name);
	const nodeBin = spec.node === 'system' ? null : nodeLayout(spec.node).bin;
	return { name, version: spec.n8n, dir, n8nBin, nodeBin, env: envFor(nodeBin) };
}

async function ensureN8n(name) {
	const { spec, dir, fingerprint, n8nBin } = n8nLayout(name);
	const nodeBin = await ensureNode(spec.node);
	if (!isInstalled(dir, fingerprint)) {
		const logFile = path.join(runtimesDir(), `install-n8n-${spec.n8n}.log`);
		fs.writeFileSync(logFile, '');
		const t0 = Date.now();
		log(
			`installing n8n ${spec.n8n} (runtime "${name}", Node ${spec.node}) into ${dir}: about ${EXPECTED.n8n.gb} GB ` +
				`and ${EXPECTED.n8n.minutes}-${EXPECTED.n8n.minutes * 2} minutes; progress every ${TICK_MS / 1000} s`,
		);
		// xlsx: n8n-nodes-base points at a tarball on a host that is not a package registry; the registry copy works.
		freshFolder(dir, {
			name: 'runblob-n8n-runtime',
			private: true,
			dependencies: { n8n: spec.n8n },
			overrides: { xlsx: '0.18.5' },
		});
		// The runtime's node first on PATH (native builds target it); sqlite3 builds against the machine's headers.
		const opts = { cwd: dir, base: envFor(nodeBin), extraEnv: { npm_config_nodedir: '/usr' }, logFile, watchDir: dir };
		// Install scripts skipped on purpose (some download binaries from hosts we cannot reach); the only native module
		// n8n needs, sqlite3, is then built from source with its scripts explicitly on.
		await npmStep(
			`n8n ${spec.n8n}: npm install (1/3)`,
			['install', '--omit=dev', '--ignore-scripts=true', '--no-audit', '--no-fund', '--loglevel=http'],
			opts,
		);
		await npmStep(
			`n8n ${spec.n8n}: build sqlite3 (2/3)`,
			['rebuild', 'sqlite3', '--ignore-scripts=false', '--foreground-scripts', '--loglevel=error'],
			opts,
		);
		const verifyEnv = cleanNpmEnv(envFor(nodeBin));
		const nodeExe = nodeBin ? path.join(nodeBin, 'node') : process.execPath;
		check(
			`n8n ${spec.n8n}: load sqlite3's native binding (3/3)`,
			nodeExe,
			['-e', "new (require('sqlite3').Database)(':memory:').close()"],
			{ cwd: dir, env: verifyEnv, logFile },
		);
		const printed = check(`n8n ${spec.n8n}: n8n --version (3/3)`, n8nBin, ['--version'], {
			cwd: dir,
			env: verifyEnv,
			logFile,
		});
		if (!printed.includes(spec.n8n)) {
			throw stepError(`n8n ${spec.n8n}: n8n --version`, logFile, `printed "${printed}", expected ${spec.n8n}`);
		}
		fs.writeFileSync(path.join(dir, MARKER), fingerprint);
		log(`n8n ${spec.n8n}: ready in ${elapsed(t0)}, ${gb(folderBytes(dir))} on disk`);
	}
	return { name, version: spec.n8n, dir, n8nBin, nodeBin, env: envFor(nodeBin) };
}

// One attempt per run: a failure is recorded so the harness (and later test files) report it instead of retrying.
function failureMarker(name) {
	return path.join(runtimesDir(), `.failed-${name}`);
}

function recordFailure(name, err) {
	fs.mkdirSync(runtimesDir(), { recursive: true });
	fs.writeFileSync(failureMarker(name), err.message);
}

function readFailure(name) {
	try {
		return fs.readFileSync(failureMarker(name), 'utf8');
	} catch {
		return null;
	}
}

function clearFailure(name) {
	fs.rmSync(failureMarker(name), { force: true });
}

/** Installs every named runtime (or reuses it); on failure records it and rethrows with the runtime's name. */
async function ensureAll(names = Object.keys(RUNTIMES)) {
	const infos = [];
	for (const name of names) {
		const t0 = Date.now();
		clearFailure(name);
		const wasInstalled = isRuntimeInstalled(name);
		try {
			const rt = await ensureN8n(name);
			log(`${name}: n8n ${rt.version} ${wasInstalled ? 'reused' : 'installed'} in ${rt.dir} (${elapsed(t0)})`);
			infos.push(rt);
		} catch (err) {
			const wrapped = new Error(`could not install the n8n runtime "${name}" (n8n ${RUNTIMES[name].n8n}): ${err.message}`);
			recordFailure(name, wrapped);
			throw wrapped;
		}
	}
	return infos;
}

module.exports = {
	RUNTIMES,
	EXPECTED,
	runtimesDir,
	cleanNpmEnv,
	npmStep,
	ensureNode,
	envFor,
	ensureN8n,
	ensureAll,
	isRuntimeInstalled,
	runtimeInfo,
	readFailure,
	repoRoot,
};

if (require.main === module) {
	const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(RUNTIMES);
	log(`runtimes folder: ${runtimesDir()}`);
	ensureAll(names).catch((err) => {
		log(err.message);
		process.exit(1);
	});
}
