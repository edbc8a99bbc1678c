// A throwaway Redis for the queue-mode tests: a real redis-server on a free loopback port, no persistence, its own
// data folder (deleted on stop).
'use strict';

const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const { freePort } = require('../harness');
const { redisServerBin } = require('./binaries');
const { startGroup, waitUntil } = require('./processes');

/** Resolves true when Redis answers PING with PONG. */
function ping(port) {
	return new Promise((resolve) => {
		const sock = net.connect({ port, host: '127.0.0.1' });
		let buf = '';
		const done = (ok) => {
			sock.destroy();
			resolve(ok);
		};
		sock.setTimeout(1000, () => done(false));
		sock.on('connect', () => sock.write('PING\r\n'));
		sock.on('data', (d) => {
			buf += d;
			if (buf.includes('\r\n')) done(buf.startsWith('+PONG'));
		});
		sock.on('error', () => done(false));
	});
}

/**
 * @param {{ logDir?: string }} [o] where redis.log goes (default: the data folder, removed on stop)
 * @returns {Promise<{ host: string, port: number, dataDir: string, stop(): Promise<void> }>}
 */
async function startRedis({ logDir } = {}) {
	const bin = redisServerBin();
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'runblob-redis-'));
	const port = await freePort();
	const logFile = path.join(logDir || dataDir, 'redis.log');
	const proc = startGroup(
		bin,
		['--port', String(port), '--bind', '127.0.0.1', '--dir', dataDir, '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
		{ logFile, cwd: dataDir },
	);
	try {
		await waitUntil(() => ping(port), {
			timeoutMs: 20_000,
			failed: () => proc.exitInfo() && `redis-server exited (${JSON.stringify(proc.exitInfo())})`,
			describe: () => proc.output().slice(-2000),
		});
	} catch (e) {
		await proc.stop();
		fs.rmSync(dataDir, { recursive: true, force: true });
		throw e;
	}
	return {
		host: '127.0.0.1',
		port,
		dataDir,
		async stop() {
			await proc.stop();
			fs.rmSync(dataDir, { recursive: true, force: true });
		},
	};
}

module.exports = { startRedis, ping };
