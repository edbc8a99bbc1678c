// `npm test` installs the Debian packages of the programs the e2e tests run (scripts/system-deps.js): the servers the
// queue-mode tests start, Chromium for the editor test. These
// tests prove its decisions and its install path without touching this machine's packages: the servers, apt-get and
// sudo are stand-ins in a throwaway PATH (node scripts that record how they were called), and the uid is injected.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { ensureSystemPackages, planInstall } from '../../scripts/system-deps';

describe('planInstall (what to do about missing servers)', () => {
	const base = { uid: 1000, aptGet: true, sudo: false, allowInstall: true };

	test('nothing missing: nothing to do, whoever runs it', () => {
		expect(planInstall({ ...base, missing: [] })).toEqual({ action: 'none' });
		expect(planInstall({ ...base, missing: [], aptGet: false })).toEqual({ action: 'none' });
	});

	test('root installs the missing packages with apt-get directly', () => {
		expect(planInstall({ ...base, uid: 0, missing: ['redis-server'] })).toEqual({
			action: 'install',
			packages: ['redis-server'],
			sudo: false,
		});
	});

	test('a user with passwordless sudo installs through sudo', () => {
		expect(planInstall({ ...base, sudo: true, missing: ['redis-server', 'postgresql'] })).toEqual({
			action: 'install',
			packages: ['redis-server', 'postgresql'],
			sudo: true,
		});
	});

	test('no root and no passwordless sudo: stop with the one command naming only what is missing', () => {
		const plan = planInstall({ ...base, missing: ['redis-server'] });
		expect(plan).toMatchObject({ action: 'stop', command: 'sudo apt-get update && sudo apt-get install -y redis-server' });
	});

	test('RUNBLOB_SYSTEM_INSTALL=0 stops even as root', () => {
		expect(planInstall({ ...base, uid: 0, allowInstall: false, missing: ['postgresql'] })).toMatchObject({
			action: 'stop',
			command: 'sudo apt-get update && sudo apt-get install -y postgresql',
		});
	});

	test('no apt-get: stop, saying to use the system package manager', () => {
		const plan = planInstall({ ...base, uid: 0, aptGet: false, missing: ['redis-server'] });
		expect(plan).toMatchObject({ action: 'stop', reason: expect.stringContaining('no apt-get') });
	});
});

describe('ensureSystemPackages against stand-in apt-get and sudo', () => {
	let root: string;
	let bin: string;
	let pgRoot: string;
	let calls: string;

	/** A stand-in command: a node script (absolute interpreter, so PATH may hold nothing else). */
	function tool(name: string, source: string) {
		fs.writeFileSync(path.join(bin, name), `#!${process.execPath}\n'use strict';\nconst fs = require('fs');\n${source}\n`, {
			mode: 0o755,
		});
	}

	function pgInstalled() {
		const dir = path.join(pgRoot, '15', 'bin');
		fs.mkdirSync(dir, { recursive: true });
		for (const b of ['initdb', 'postgres', 'createdb']) fs.writeFileSync(path.join(dir, b), '');
	}

	beforeEach(() => {
		root = fs.mkdtempSync(path.join(os.tmpdir(), 'runblob-sysdeps-'));
		bin = path.join(root, 'bin');
		pgRoot = path.join(root, 'postgresql');
		calls = path.join(root, 'calls.jsonl');
		fs.mkdirSync(bin);
		// apt-get records its arguments and the environment it got; `install` "installs" the stand-in servers.
		tool(
			'apt-get',
			`fs.appendFileSync(${JSON.stringify(calls)}, JSON.stringify({ tool: 'apt-get', args: process.argv.slice(2),
  frontend: process.env.DEBIAN_FRONTEND, npmIgnoreScripts: process.env.npm_config_ignore_scripts ?? null }) + '\\n');
const args = process.argv.slice(2);
if (args.includes('install')) {
  console.log('Setting up redis-server ...');
  if (args.includes('redis-server')) fs.writeFileSync(${JSON.stringify(path.join(bin, 'redis-server'))}, '', { mode: 0o755 });
  if (args.includes('chromium')) fs.writeFileSync(${JSON.stringify(path.join(bin, 'chromium'))}, '', { mode: 0o755 });
  if (args.includes('postgresql')) {
    const d = ${JSON.stringify(path.join(pgRoot, '15', 'bin'))};
    fs.mkdirSync(d, { recursive: true });
    for (const b of ['initdb', 'postgres', 'createdb']) fs.writeFileSync(d + '/' + b, '');
  }
}`,
		);
		// Chromium is there unless a test removes it.
		fs.writeFileSync(path.join(bin, 'chromium'), '', { mode: 0o755 });
	});
	afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

	const recorded = () =>
		fs.existsSync(calls)
			? fs
					.readFileSync(calls, 'utf8')
					.trim()
					.split('\n')
					.map((l) => JSON.parse(l))
			: [];
	const env = (extra: Record<string, string> = {}) => ({ PATH: bin, ...extra });

	test('present: nothing runs', async () => {
		fs.writeFileSync(path.join(bin, 'redis-server'), '', { mode: 0o755 });
		pgInstalled();
		await expect(ensureSystemPackages({ env: env(), uid: 1000, debian: pgRoot })).resolves.toEqual({ installed: [] });
		expect(recorded()).toEqual([]);
	});

	test('root, redis-server missing: apt-get update then install of redis-server only, without npm configuration', async () => {
		pgInstalled();
		const result = await ensureSystemPackages({
			env: env({ npm_config_ignore_scripts: 'true' }),
			uid: 0,
			debian: pgRoot,
		});
		expect(result).toEqual({ installed: ['redis-server'] });
		const seen = recorded();
		expect(seen.map((c) => c.args.filter((a: string) => !a.startsWith('-') && !a.includes('=')))).toEqual([
			['update'],
			['install', 'redis-server'],
		]);
		expect(seen[1].args).toContain('-y');
		for (const c of seen) expect(c).toMatchObject({ frontend: 'noninteractive', npmIgnoreScripts: null });
	});

	test('Chromium missing (the editor test): installed like the servers', async () => {
		pgInstalled();
		fs.writeFileSync(path.join(bin, 'redis-server'), '', { mode: 0o755 });
		fs.rmSync(path.join(bin, 'chromium'));
		await expect(ensureSystemPackages({ env: env(), uid: 0, debian: pgRoot })).resolves.toEqual({ installed: ['chromium'] });
		expect(recorded().pop()?.args).toEqual(expect.arrayContaining(['install', 'chromium']));
		expect(recorded().pop()?.args).not.toContain('redis-server');
	});

	test('Chromium given by CHROMIUM: present, nothing runs; a CHROMIUM that does not exist counts as missing', async () => {
		pgInstalled();
		fs.writeFileSync(path.join(bin, 'redis-server'), '', { mode: 0o755 });
		fs.rmSync(path.join(bin, 'chromium'));
		const own = path.join(root, 'my-chromium');
		fs.writeFileSync(own, '', { mode: 0o755 });
		await expect(ensureSystemPackages({ env: env({ CHROMIUM: own }), uid: 1000, debian: pgRoot })).resolves.toEqual({ installed: [] });
		await expect(
			ensureSystemPackages({ env: env({ CHROMIUM: path.join(root, 'nowhere') }), uid: 1000, debian: pgRoot }),
		).rejects.toThrow('sudo apt-get install -y chromium');
		expect(recorded()).toEqual([]);
	});

	test('not root, passwordless sudo: apt-get runs through sudo -n', async () => {
		tool(
			'sudo',
			`const { spawnSync } = require('child_process');
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(calls)}, JSON.stringify({ tool: 'sudo', args }) + '\\n');
if (args[0] !== '-n') process.exit(1);
const rest = args.slice(1);
if (rest[0] === 'true') process.exit(0);
// "env VAR=value cmd args": what sudo would run as root.
const assigns = {};
while (rest[0] === 'env' || /^[A-Z_]+=/.test(rest[0])) { const a = rest.shift(); if (a !== 'env') { const [k, v] = a.split('='); assigns[k] = v; } }
const r = spawnSync(${JSON.stringify(path.join(bin, 'apt-get'))}, rest.slice(1), { stdio: 'inherit', env: { ...process.env, ...assigns } });
process.exit(r.status ?? 1);`,
		);
		const result = await ensureSystemPackages({ env: env(), uid: 1000, debian: pgRoot });
		expect(result).toEqual({ installed: ['redis-server', 'postgresql'] });
		const seen = recorded();
		expect(seen[0]).toEqual({ tool: 'sudo', args: ['-n', 'true'] });
		const viaSudo = seen.filter((c) => c.tool === 'sudo').slice(1);
		expect(viaSudo).toHaveLength(2);
		for (const c of viaSudo) expect(c.args.slice(0, 4)).toEqual(['-n', 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get']);
		expect(seen.filter((c) => c.tool === 'apt-get').pop()?.args).toEqual(
			expect.arrayContaining(['install', 'redis-server', 'postgresql']),
		);
	});

	test('not root, no sudo: stops at once with the one command, installs nothing', async () => {
		pgInstalled();
		const t0 = Date.now();
		await expect(ensureSystemPackages({ env: env(), uid: 1000, debian: pgRoot })).rejects.toThrow(
			'sudo apt-get update && sudo apt-get install -y redis-server',
		);
		expect(Date.now() - t0).toBeLessThan(5000);
		expect(recorded()).toEqual([]);
	});

	test('not root, sudo that wants a password: stops with the command', async () => {
		tool('sudo', `process.exit(1);`);
		await expect(ensureSystemPackages({ env: env(), uid: 1000, debian: pgRoot })).rejects.toThrow(
			'sudo apt-get install -y redis-server postgresql',
		);
		expect(recorded()).toEqual([]);
	});

	test('an install that leaves the server missing is an error, not a pass', async () => {
		pgInstalled();
		tool('apt-get', 'process.exit(0);');
		await expect(ensureSystemPackages({ env: env(), uid: 0, debian: pgRoot })).rejects.toThrow(
			'redis-server still cannot be found',
		);
	});

	test('a failing apt-get names the step', async () => {
		pgInstalled();
		tool('apt-get', `console.error('E: Unable to locate package'); process.exit(100);`);
		await expect(ensureSystemPackages({ env: env(), uid: 0, debian: pgRoot })).rejects.toThrow(
			/apt-get update \(1\/2\) failed \(exit code 100\)[\s\S]*Unable to locate package/,
		);
	});
});
