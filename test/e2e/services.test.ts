// The real servers the queue-mode tests start: each on a free loopback port with a throwaway data folder, gone after
// stop() (process, port and folder).
import * as fs from 'node:fs';
import * as net from 'node:net';

import { portInUse } from './harness';
import { startPostgres } from './services/postgres';
import { startRedis } from './services/redis';

/** One RESP command over a raw socket; resolves to the first reply line. */
function redisCommand(port: number, ...args: string[]): Promise<string> {
	return new Promise((resolve, reject) => {
		const sock = net.connect({ port, host: '127.0.0.1' });
		let buf = '';
		sock.on('connect', () => sock.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`));
		sock.on('data', (d) => {
			buf += d;
			const lines = buf.split('\r\n');
			if (lines.length > 1 && (!buf.startsWith('$') || lines.length > 2)) {
				sock.destroy();
				resolve(buf.startsWith('$') ? lines[1] : lines[0]);
			}
		});
		sock.on('error', reject);
	});
}

test('Redis: a real redis-server on a free loopback port, its data folder removed on stop', async () => {
	const redis = await startRedis();
	expect(redis.host).toBe('127.0.0.1');
	expect(await redisCommand(redis.port, 'SET', 'runblob', 'queue')).toBe('+OK');
	expect(await redisCommand(redis.port, 'GET', 'runblob')).toBe('queue');
	await redis.stop();
	expect(await portInUse(redis.port)).toBe(false);
	expect(fs.existsSync(redis.dataDir)).toBe(false);
}, 60_000);

test('PostgreSQL: initdb into a throwaway folder, the server on a free loopback port, databases created, all gone on stop', async () => {
	const postgres = await startPostgres();
	expect(await portInUse(postgres.port)).toBe(true);
	await postgres.createDatabase('runblob_probe');
	await expect(postgres.createDatabase('runblob_probe')).rejects.toThrow(/already exists/);
	await postgres.stop();
	expect(await portInUse(postgres.port)).toBe(false);
	expect(fs.existsSync(postgres.dataDir)).toBe(false);
}, 120_000);
