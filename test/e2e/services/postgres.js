// A throwaway PostgreSQL for the queue-mode tests: initdb into a temporary folder, the server on a free loopback port
// (unix socket in that folder too), trust authentication on loopback only, durability off (it is deleted on stop).
// PostgreSQL refuses to run as root, so under root it runs as the `postgres` user through runuser.
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { freePort, portInUse } = require('../harness');
const { postgresBinDir } = require('./binaries');
const { startGroup, waitUntil } = require('./processes');

const USER = 'n8n';

function asServerUser() {
	if (typeof process.getuid !== 'function' || process.getuid() !== 0) return { prefix: [], uid: null, gid: null };
	const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
	const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
	return { prefix: ['runuser', '-u', 'postgres', '--'], uid, gid };
}

function run(prefix, bin, args, env) {
	const [cmd, ...rest] = prefix.length ? [...prefix, bin, ...args] : [bin, ...args];
	return execFileSync(cmd, rest, { env, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

/**
 * @param {{ logDir?: string }} [o] where postgres.log goes (default: the temporary folder, removed on stop)
 * @returns {Promise<{ host: string, port: number, user: string, password: string, dataDir: string, createDatabase(name: string): Promise<void>, stop(): Promise<void> }>}
 */
async function startPostgres({ logDir } = {}) {
	const bin = postgresBinDir();
	const { prefix, uid, gid } = asServerUser();
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'runblob-pg-'));
	const dataDir = path.join(root, 'data');
	const socketDir = path.join(root, 'sock');
	fs.mkdirSync(dataDir);
	fs.mkdirSync(socketDir);
	if (uid !== null) {
		fs.chmodSync(root, 0o755);
		for (const d of [root, dataDir, socketDir]) fs.chownSync(d, uid, gid);
	}
	const env = { ...process.env, LC_ALL: 'C', LANG: 'C' };
	delete env.PGDATA;
	run(prefix, path.join(bin, 'initdb'), ['-D', dataDir, '-U', USER, '--auth=trust', '--no-sync', '-E', 'UTF8'], env);

	const port = await freePort();
	const logFile = path.join(logDir || root, 'postgres.log');
	const proc = startGroup(
		prefix.length ? prefix[0] : path.join(bin, 'postgres'),
		[
			...(prefix.length ? [...prefix.slice(1), path.join(bin, 'postgres')] : []),
			'-D', dataDir,
			'-p', String(port),
			'-k', socketDir,
			'-c', 'listen_addresses=127.0.0.1',
			'-c', 'fsync=off',
			'-c', 'synchronous_commit=off',
			'-c', 'full_page_writes=off',
			'-c', 'max_connections=200',
		],
		{ logFile, env },
	);
	const cleanup = async () => {
		// SIGINT = PostgreSQL's "fast" shutdown: rolls back open transactions and exits promptly.
		await proc.stop({ signal: 'SIGINT' });
		fs.rmSync(root, { recursive: true, force: true });
	};
	const isReady = () => {
		try {
			run(prefix, path.join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-U', USER, '-d', 'postgres'], env);
			return true;
		} catch {
			return false;
		}
	};
	try {
		await waitUntil(async () => (await portInUse(port)) && isReady(), {
			timeoutMs: 30_000,
			intervalMs: 200,
			failed: () => proc.exitInfo() && `postgres exited (${JSON.stringify(proc.exitInfo())})`,
			describe: () => proc.output().slice(-2000),
		});
	} catch (e) {
		await cleanup();
		throw e;
	}
	return {
		host: '127.0.0.1',
		port,
		user: USER,
		password: 'unused-trust-auth', // loopback trust: n8n insists on a value
		dataDir: root,
		/** Creates an empty database (one per n8n cluster). */
		async createDatabase(name) {
			run(prefix, path.join(bin, 'createdb'), ['-h', '127.0.0.1', '-p', String(port), '-U', USER, name], env);
		},
		stop: cleanup,
	};
}

module.exports = { startPostgres };
