// The queue-mode tests need redis-server and the PostgreSQL server. Where they are missing, the tests must fail and
// say how to install them, never skip silently.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { postgresBinDir, redisServerBin } from '../e2e/services/binaries';

describe('queue-mode service binaries', () => {
	const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'runblob-nobin-'));
	afterAll(() => fs.rmSync(empty, { recursive: true, force: true }));
	const install = 'sudo apt-get install -y redis-server postgresql';

	test('a machine without redis-server: the error names the install command', () => {
		expect(() => redisServerBin({ env: { PATH: empty } })).toThrow(install);
	});

	test('a machine without the PostgreSQL server: the error names the install command', () => {
		expect(() => postgresBinDir({ env: { PATH: empty }, debian: path.join(empty, 'missing') })).toThrow(install);
	});

	test('a Debian layout is found off PATH, newest version first', () => {
		for (const v of ['13', '15']) {
			const bin = path.join(empty, 'pg', v, 'bin');
			fs.mkdirSync(bin, { recursive: true });
			for (const b of ['initdb', 'postgres', 'createdb']) fs.writeFileSync(path.join(bin, b), '');
		}
		expect(postgresBinDir({ env: { PATH: empty }, debian: path.join(empty, 'pg') })).toBe(path.join(empty, 'pg', '15', 'bin'));
	});
});
