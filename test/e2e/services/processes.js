// Long-running helper processes of the e2e tests (Postgres, Redis, n8n workers and webhook processors): each runs in
// its own process group, is killed as a group on stop() and on process exit, and — through the harness's detached
// watchdog — when the test process dies abruptly. CommonJS, Node built-ins only.
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');

const { killGroup, startWatchdog } = require('../harness');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** @type {Set<number>} process groups started here and not stopped yet */
const live = new Set();
let hooked = false;
function hookExit() {
	if (hooked) return;
	hooked = true;
	process.once('exit', () => {
		for (const pgid of live) killGroup(pgid, 'SIGKILL');
	});
}

/**
 * Spawns `cmd args` detached (own process group), appending its output to logFile.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, cwd?: string, logFile: string }} o
 */
function startGroup(cmd, args, { env, cwd, logFile }) {
	hookExit();
	const child = spawn(cmd, args, { env, cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
	if (!child.pid) throw new Error(`failed to spawn ${cmd}`);
	live.add(child.pid);
	startWatchdog(child.pid);
	let text = '';
	let exitInfo = null;
	const onData = (d) => {
		const s = d.toString();
		text += s;
		try {
			fs.appendFileSync(logFile, s);
		} catch (e) {
			// Output can still arrive after stop() resolved and the caller removed the folder (seen with Postgres under load).
			if (e.code !== 'ENOENT') throw e;
		}
	};
	child.stdout.on('data', onData);
	child.stderr.on('data', onData);
	const exited = new Promise((resolve) =>
		child.once('exit', (code, signal) => {
			exitInfo = { code, signal };
			resolve(exitInfo);
		}),
	);
	return {
		pid: child.pid,
		/** Output since spawn. */
		output: () => text,
		/** null while running, else { code, signal }. */
		exitInfo: () => exitInfo,
		exited,
		/**
		 * SIGTERM (or `signal`) to the group, SIGKILL after graceMs; resolves once the leader has exited and the whole
		 * group is gone.
		 */
		async stop({ signal = 'SIGTERM', graceMs = 20_000 } = {}) {
			if (!exitInfo) {
				killGroup(child.pid, signal);
				let timer;
				const outcome = await Promise.race([exited, new Promise((r) => (timer = setTimeout(() => r('timeout'), graceMs)))]);
				clearTimeout(timer);
				if (outcome === 'timeout') killGroup(child.pid, 'SIGKILL');
				await exited;
			}
			// Children (task runners, postgres backends) must not outlive the leader.
			killGroup(child.pid, 'SIGKILL');
			for (let i = 0; i < 100 && groupAlive(child.pid); i++) await sleep(50);
			live.delete(child.pid);
		},
	};
}

function groupAlive(pgid) {
	try {
		process.kill(-pgid, 0);
		return true;
	} catch (e) {
		return e.code === 'EPERM';
	}
}

/** Polls `check` until it resolves truthy; rejects with `describe()` after timeoutMs or when `failed()` is truthy. */
async function waitUntil(check, { timeoutMs = 60_000, intervalMs = 100, failed = () => null, describe = () => '' } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const ok = await Promise.resolve(check()).catch(() => false);
		if (ok) return ok;
		const why = failed();
		if (why) throw new Error(`${why}\n${describe()}`);
		if (Date.now() > deadline) throw new Error(`not ready within ${timeoutMs} ms\n${describe()}`);
		await sleep(intervalMs);
	}
}

module.exports = { startGroup, waitUntil, sleep };
