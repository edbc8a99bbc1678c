#!/usr/bin/env node
// Installs the pinned n8n runtimes used by the end-to-end tests and the playground, and reuses them when present.
// Layout (default <repo>/.runtimes, git-ignored; RUNBLOB_RUNTIMES_DIR overrides it so CI can keep a machine cache):
//   node24/            the npm package node@24 (current n8n needs Node >= 24)
//   n8n-<version>/     n8n installed with its own node_modules, outside the package's dependency tree
// Usage: node scripts/runtimes.js [current] [oldest]   (no argument = all runtimes)
// CommonJS on purpose: jest (the e2e harness) can require it without ESM support in its VM.
'use strict';

const { spawnSync } = require('node:child_process');
const { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..');

/** The n8n versions the package is tested against: newest installable 2.41.x, and 2.8.4 (oldest supported). */
const RUNTIMES = {
	current: { n8n: '2.41.1', node: '24' },
	oldest: { n8n: '2.8.4', node: 'system' },
};

function runtimesDir() {
	return path.resolve(process.env.RUNBLOB_RUNTIMES_DIR || path.join(repoRoot, '.runtimes'));
}

function run(cmd, args, opts) {
	const res = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
	if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${res.status}`);
}

const MARKER = '.runblob-installed';

function isInstalled(dir, fingerprint) {
	const marker = path.join(dir, MARKER);
	return existsSync(marker) && readFileSync(marker, 'utf8') === fingerprint;
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

/** Returns the directory holding a `node` binary for the runtime (`null` = the machine's own node). */
function ensureNode(which) {
	if (which === 'system') return null;
	const { dir, fingerprint, bin } = nodeLayout(which);
	if (!isInstalled(dir, fingerprint)) {
		rmSync(dir, { recursive: true, force: true });
		mkdirSync(dir, { recursive: true });
		writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'runblob-node-runtime', private: true }));
		log(`installing Node ${which} into ${dir}`);
		run('npm', ['install', `node@${which}`, '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir });
		run(path.join(bin, 'node'), ['--version'], { cwd: dir });
		writeFileSync(path.join(dir, MARKER), fingerprint);
	}
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

function ensureN8n(name) {
	const { spec, dir, fingerprint, n8nBin } = n8nLayout(name);
	const nodeBin = ensureNode(spec.node);
	if (!isInstalled(dir, fingerprint)) {
		rmSync(dir, { recursive: true, force: true });
		mkdirSync(dir, { recursive: true });
		// xlsx: n8n-nodes-base points at a tarball on a host that is not a package registry; the registry copy works.
		writeFileSync(
			path.join(dir, 'package.json'),
			JSON.stringify(
				{ name: 'runblob-n8n-runtime', private: true, dependencies: { n8n: spec.n8n }, overrides: { xlsx: '0.18.5' } },
				null,
				2,
			),
		);
		const env = { ...envFor(nodeBin), npm_config_nodedir: '/usr' };
		log(`installing n8n ${spec.n8n} (Node ${spec.node}) into ${dir}; this takes a few minutes`);
		// Install scripts are skipped (some download binaries from hosts we cannot reach); the only native module n8n
		// needs, sqlite3, is then built from source against the machine's Node headers.
		run('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
			cwd: dir,
			env,
		});
		run('npm', ['rebuild', 'sqlite3', '--loglevel=error'], { cwd: dir, env });
		const sqlite = path.join(dir, 'node_modules', 'sqlite3', 'build', 'Release', 'node_sqlite3.node');
		if (!existsSync(sqlite)) throw new Error(`sqlite3 native module missing after build: ${sqlite}`);
		run(n8nBin, ['--version'], { cwd: dir, env });
		writeFileSync(path.join(dir, MARKER), fingerprint);
	}
	return { name, version: spec.n8n, dir, n8nBin, nodeBin, env: envFor(nodeBin) };
}

function log(msg) {
	process.stderr.write(`[runtimes] ${msg}\n`);
}

module.exports = { RUNTIMES, runtimesDir, ensureNode, envFor, ensureN8n, isRuntimeInstalled, runtimeInfo, repoRoot };

if (require.main === module) {
	const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(RUNTIMES);
	for (const n of names) {
		const started = Date.now();
		const rt = ensureN8n(n);
		log(`${n}: n8n ${rt.version} ready in ${rt.dir} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
	}
}
