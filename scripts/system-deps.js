#!/usr/bin/env node
// The system programs the tests run (queue mode: a real Redis and a real PostgreSQL; the editor test: Chromium) come
// from Debian packages, not npm. `npm test` runs this first: when a server is missing it installs the Debian package itself where it can (root,
// or passwordless sudo, and apt-get), saying what and why, with progress and timing; otherwise it stops within seconds
// printing the one command to run. The e2e project's jest global setup runs it too, for direct `npx jest` runs.
//   node scripts/system-deps.js          check, install what is missing
// RUNBLOB_SYSTEM_INSTALL=0 never installs (stops with the command instead).
// CommonJS, Node built-ins only: it runs before anything is built.
'use strict';

const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const { cleanNpmEnv } = require('./runtimes.js');
const { chromiumBin, postgresBinDir, redisServerBin } = require('../test/e2e/services/binaries.js');

const TICK_MS = Number(process.env.RUNBLOB_SYSTEM_TICK_MS || 15_000);

/** Each Debian package the tests need, why, and how to tell that its server is there (the finder the tests use). */
const PACKAGES = [
	{
		name: 'redis-server',
		why: 'the queue-mode e2e tests start a real Redis (test/e2e/services/redis.js)',
		present: (o) => found(() => redisServerBin(o)),
	},
	{
		name: 'postgresql',
		why: 'the queue-mode e2e tests start a real PostgreSQL (test/e2e/services/postgres.js)',
		present: (o) => found(() => postgresBinDir(o)),
	},
	{
		name: 'chromium',
		why: "the editor e2e test opens n8n's editor in a real browser (test/e2e/editorOptions.test.ts)",
		present: (o) => found(() => chromiumBin(o)),
	},
];

function found(fn) {
	try {
		fn();
		return true;
	} catch {
		return false;
	}
}

function log(msg) {
	process.stderr.write(`[system] ${msg}\n`);
}

function onPath(name, env) {
	return (env.PATH || '').split(path.delimiter).some((dir) => dir && fs.existsSync(path.join(dir, name)));
}

/** Which of PACKAGES are missing, judged by the same finders the tests use. */
function missingPackages({ env = process.env, debian } = {}) {
	return PACKAGES.filter((p) => !p.present({ env, ...(debian ? { debian } : {}) }));
}

/**
 * What to do about the missing packages; pure, so its cases are tested without touching the machine.
 * @param {{ missing: string[], uid: number, aptGet: boolean, sudo: boolean, allowInstall: boolean }} facts
 *   sudo: passwordless sudo works (`sudo -n true`)
 * @returns {{ action: 'none' } | { action: 'install', packages: string[], sudo: boolean } |
 *   { action: 'stop', packages: string[], command: string, reason: string }}
 */
function planInstall({ missing, uid, aptGet, sudo, allowInstall }) {
	if (missing.length === 0) return { action: 'none' };
	const list = missing.join(' ');
	if (!aptGet) {
		return {
			action: 'stop',
			packages: missing,
			command: `install ${list} with this system's package manager (or point RUNBLOB_REDIS_SERVER / RUNBLOB_PG_BIN / CHROMIUM at them)`,
			reason: 'there is no apt-get on this machine',
		};
	}
	const command = `sudo apt-get update && sudo apt-get install -y ${list}`;
	if (!allowInstall) return { action: 'stop', packages: missing, command, reason: 'RUNBLOB_SYSTEM_INSTALL=0 forbids installing' };
	if (uid === 0) return { action: 'install', packages: missing, sudo: false };
	if (sudo) return { action: 'install', packages: missing, sudo: true };
	return { action: 'stop', packages: missing, command, reason: 'this user is not root and has no passwordless sudo' };
}

/** The facts planInstall decides on, read from this machine (env decides where apt-get and sudo are looked up). */
function machineFacts({ env = process.env, uid = process.getuid ? process.getuid() : -1 } = {}) {
	const aptGet = onPath('apt-get', env);
	let sudo = false;
	if (uid !== 0 && onPath('sudo', env)) {
		sudo = spawnSync('sudo', ['-n', 'true'], { env, stdio: 'ignore', timeout: 10_000 }).status === 0;
	}
	const allowInstall = !/^(0|false|no)$/i.test(env.RUNBLOB_SYSTEM_INSTALL || '');
	return { uid, aptGet, sudo, allowInstall };
}

const elapsed = (t0) => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

/** Runs one command, its output prefixed on stderr and a heartbeat every TICK_MS; rejects naming the step. */
function runStep(label, cmd, args, env) {
	const t0 = Date.now();
	log(`${label}: ${cmd} ${args.join(' ')}`);
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
		let tail = '';
		const onData = (d) => {
			const text = d.toString();
			tail = (tail + text).slice(-4000);
			for (const line of text.split('\n')) if (line.trim()) process.stderr.write(`[system]   ${line}\n`);
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', onData);
		const timer = setInterval(() => log(`${label}: still running, ${elapsed(t0)}`), TICK_MS);
		const done = (err) => {
			clearInterval(timer);
			if (err) reject(new Error(`${label} failed (${err}) after ${elapsed(t0)}:\n${tail}`));
			else {
				log(`${label}: done in ${elapsed(t0)}`);
				resolve();
			}
		};
		child.on('error', (e) => done(e.message));
		child.on('close', (code, signal) => done(code === 0 ? null : signal || `exit code ${code}`));
	});
}

/**
 * Makes sure every server the tests start is installed; installs the missing Debian packages when it can, else throws
 * an error whose message is the one command to run.
 * @param {{ env?: NodeJS.ProcessEnv, uid?: number, debian?: string }} [o] env: where servers, apt-get and sudo are
 *   looked up and the base of the installers' environment (tests point PATH at stand-ins)
 * @returns {Promise<{ installed: string[] }>}
 */
async function ensureSystemPackages({ env = process.env, uid, debian } = {}) {
	const t0 = Date.now();
	const missing = missingPackages({ env, debian });
	const facts = machineFacts({ env, ...(uid === undefined ? {} : { uid }) });
	const plan = planInstall({ missing: missing.map((p) => p.name), ...facts });
	if (plan.action === 'none') return { installed: [] };
	for (const p of missing) log(`missing Debian package ${p.name}: ${p.why}`);
	if (plan.action === 'stop') {
		throw new Error(
			`The tests need ${plan.packages.join(' and ')}, which ${plan.packages.length > 1 ? 'are' : 'is'} not installed, ` +
				`and this run cannot install ${plan.packages.length > 1 ? 'them' : 'it'} (${plan.reason}). Run:\n  ${plan.command}\n` +
				'then run the tests again.',
		);
	}
	// apt-get's own environment: no npm_config_* from `npm test`, never a prompt, and wait for a held dpkg lock.
	const aptEnv = cleanNpmEnv(env, { DEBIAN_FRONTEND: 'noninteractive' });
	const [cmd, pre] = plan.sudo ? ['sudo', ['-n', 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get']] : ['apt-get', []];
	const apt = (args) => [...pre, ...args];
	const lock = ['-o', 'DPkg::Lock::Timeout=300'];
	log(
		`installing ${plan.packages.join(', ')} with apt-get${plan.sudo ? ' (through sudo)' : ''}: ` +
			"apt's output follows, with the time each step took",
	);
	await runStep('apt-get update (1/2)', cmd, apt(['-q', ...lock, 'update']), aptEnv);
	await runStep(
		`apt-get install ${plan.packages.join(' ')} (2/2)`,
		cmd,
		apt(['-q', '-y', ...lock, '--no-install-recommends', 'install', ...plan.packages]),
		aptEnv,
	);
	const still = missingPackages({ env, debian }).map((p) => p.name);
	if (still.length) throw new Error(`apt-get installed ${plan.packages.join(' ')} but ${still.join(', ')} still cannot be found`);
	log(`installed ${plan.packages.join(', ')} in ${elapsed(t0)}`);
	return { installed: plan.packages };
}

module.exports = { PACKAGES, missingPackages, planInstall, machineFacts, ensureSystemPackages };

if (require.main === module) {
	ensureSystemPackages().then(
		({ installed }) => {
			if (!installed.length) log(`system services present: ${PACKAGES.map((p) => p.name).join(', ')}`);
		},
		(err) => {
			log(err.message);
			process.exit(1);
		},
	);
}
