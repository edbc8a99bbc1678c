#!/usr/bin/env node
// The checks `npm test` runs before jest: build, n8n's lint rules, actionlint on the workflows and the type-check. One
// after the other they took ~28 s on the 2-core machine; they do not depend on each other, so they run side by side
// (~17 s). Each one's output is printed whole when it ends, with its time; the first failure fails the run after all
// have ended (so every problem shows at once).
//   node scripts/checks.js [script …]   default: build lint lint:workflows typecheck
'use strict';

const { spawn } = require('node:child_process');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..');
const DEFAULT = ['build', 'lint', 'lint:workflows', 'typecheck'];

function run(script) {
	const t0 = Date.now();
	return new Promise((resolve) => {
		// The npm scripts of this package; the environment is this process's (what `npm test` passes to its own scripts).
		const child = spawn('npm', ['run', '--silent', script], { cwd: REPO_ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
		let out = '';
		child.stdout.on('data', (d) => (out += d));
		child.stderr.on('data', (d) => (out += d));
		child.on('error', (e) => resolve({ script, code: 1, out: String(e), seconds: 0 }));
		child.on('close', (code, signal) => resolve({ script, code: signal ? 1 : code, out, seconds: (Date.now() - t0) / 1000 }));
	});
}

async function main() {
	const scripts = process.argv.slice(2).length ? process.argv.slice(2) : DEFAULT;
	const t0 = Date.now();
	process.stdout.write(`[checks] ${scripts.join(', ')}: side by side\n`);
	const results = await Promise.all(
		scripts.map((s) =>
			run(s).then((r) => {
				const body = r.out.trim();
				process.stdout.write(`[checks] ${r.script}: ${r.code === 0 ? 'ok' : `FAILED (exit ${r.code})`} in ${r.seconds.toFixed(1)} s\n${body ? `${body}\n` : ''}`);
				return r;
			}),
		),
	);
	const failed = results.filter((r) => r.code !== 0);
	process.stdout.write(`[checks] ${failed.length ? `failed: ${failed.map((r) => r.script).join(', ')}` : 'all passed'} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
	process.exitCode = failed.length ? 1 : 0;
}

main();
