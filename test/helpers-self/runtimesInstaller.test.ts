// Guards the runtime installer against the environment npm passes to scripts. Under `npm test` / `npm start`, npm
// exports this repository's .npmrc (ignore-scripts=true) as npm_config_ignore_scripts=true to every child process; the
// installer's own npm steps must still run install scripts (the node@24 package fetches its binary in one, sqlite3
// builds in one). Runs offline against a throwaway package with an install script.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';

import { cleanNpmEnv, npmStep } from '../../scripts/runtimes';

// npm spawns take a few seconds each on a loaded machine.
jest.setTimeout(120_000);

let root: string;
let tarball: string;
const saved = { ...process.env };

beforeAll(() => {
	root = fs.mkdtempSync(path.join(os.tmpdir(), 'runblob-installer-'));
	const dep = path.join(root, 'dep');
	fs.mkdirSync(dep);
	fs.writeFileSync(
		path.join(dep, 'package.json'),
		JSON.stringify({
			name: 'runblob-script-probe',
			version: '1.0.0',
			scripts: { install: 'node -e "require(\'fs\').appendFileSync(\'ran.txt\', \'x\')"' },
		}),
	);
	const packed = spawnSync('npm', ['pack', '--silent', '--pack-destination', root], {
		cwd: dep,
		env: cleanNpmEnv(),
		encoding: 'utf8',
	});
	expect(packed.status).toBe(0);
	tarball = path.join(root, packed.stdout.trim().split('\n').pop() as string);
});

afterAll(() => {
	process.env = saved;
	fs.rmSync(root, { recursive: true, force: true });
});

function consumer(name: string): string {
	const dir = path.join(root, name);
	fs.mkdirSync(dir);
	fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, private: true }));
	return dir;
}

const ran = (dir: string) => path.join(dir, 'node_modules', 'runblob-script-probe', 'ran.txt');
const offline = ['--offline', '--no-audit', '--no-fund', '--loglevel=error'];

describe('runtime installer under npm-inherited configuration', () => {
	beforeEach(() => {
		// Exactly what `npm test` puts in the environment of scripts/runtimes.js when .npmrc says ignore-scripts=true.
		process.env.npm_config_ignore_scripts = 'true';
		process.env.npm_lifecycle_event = 'test';
	});

	it('the inherited variable really disables scripts for a plain child npm (the bug this guards against)', () => {
		const dir = consumer('plain');
		const res = spawnSync('npm', ['install', ...offline, tarball], { cwd: dir, env: process.env, encoding: 'utf8' });
		expect(res.status).toBe(0);
		expect(fs.existsSync(ran(dir))).toBe(false);
	});

	it('npm install steps run install scripts anyway', async () => {
		const dir = consumer('install');
		await npmStep('probe install', ['install', '--ignore-scripts=false', ...offline, tarball], {
			cwd: dir,
			logFile: path.join(root, 'install.log'),
		});
		expect(fs.readFileSync(ran(dir), 'utf8')).toBe('x');
	});

	it('npm rebuild steps (how sqlite3 is built) run install scripts anyway', async () => {
		const dir = consumer('rebuild');
		await npmStep('probe install, scripts off', ['install', '--ignore-scripts=true', ...offline, tarball], {
			cwd: dir,
			logFile: path.join(root, 'rebuild.log'),
		});
		expect(fs.existsSync(ran(dir))).toBe(false);
		await npmStep('probe rebuild', ['rebuild', 'runblob-script-probe', '--ignore-scripts=false', '--loglevel=error'], {
			cwd: dir,
			logFile: path.join(root, 'rebuild.log'),
		});
		expect(fs.readFileSync(ran(dir), 'utf8')).toBe('x');
	});

	it('the environment given to child npm processes carries nothing npm exported', () => {
		const env = cleanNpmEnv({ PATH: '/bin', npm_config_ignore_scripts: 'true', NPM_CONFIG_PREFIX: '/x', HOME: '/h' });
		expect(env).toMatchObject({ PATH: '/bin', HOME: '/h' });
		expect(Object.keys(env).filter((k) => /ignore_scripts|prefix/i.test(k))).toEqual([]);
	});

	it('a failing step names itself and its log file', async () => {
		const dir = consumer('failing');
		const logFile = path.join(root, 'failing.log');
		await expect(
			npmStep('probe missing package', ['install', ...offline, path.join(root, 'nope.tgz')], { cwd: dir, logFile }),
		).rejects.toThrow(/probe missing package failed \(exit code \d+\); full log: .*failing\.log/);
	});
});
