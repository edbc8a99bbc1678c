// What a release publishes, checked the way n8n checks it: the package metadata n8n's verification and `n8n-node`
// expect, and the community-package scanner's analysis (@n8n/scan-community-package) of the packed tarball and of the
// source, run locally and offline (scripts/scan-package.mjs). The scanner's registry-only step, the provenance
// statement, is checked by the release workflow right after publishing.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { packPackage } from './harness';

jest.setTimeout(300_000);

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

function scan(target: string) {
	const res = spawnSync(process.execPath, [path.join(root, 'scripts', 'scan-package.mjs'), target], {
		cwd: root,
		encoding: 'utf8',
	});
	return { status: res.status, out: `${res.stdout}${res.stderr}` };
}

describe('release metadata', () => {
	test('package.json names its public GitHub repository, the same everywhere, as verification checks', () => {
		const repo = /^git\+https:\/\/github\.com\/([\w.-]+)\/([\w.-]+)\.git$/.exec(pkg.repository.url);
		expect(repo).not.toBeNull();
		const web = `https://github.com/${repo![1]}/${repo![2]}`;
		expect(pkg.repository.type).toBe('git');
		expect(repo![2]).toBe(pkg.name);
		expect(pkg.homepage).toBe(`${web}#readme`);
		expect(pkg.bugs.url).toBe(`${web}/issues`);
		expect(pkg.author.name).toEqual(expect.any(String));
		expect(pkg.author.email).toMatch(/^[^@\s]+@[^@\s]+\.[a-z]+$/);
		expect(pkg.name).toMatch(/^(@[\w-]+\/)?n8n-nodes-/);
		expect(pkg.keywords).toContain('n8n-community-node-package');
		expect(pkg.license).toBe('MIT');
		expect(pkg.files).toEqual(['dist']);
		expect(pkg.n8n).toMatchObject({ n8nNodesApiVersion: 1, strict: true });
	});

	test('a local npm publish cannot skip provenance; the CHANGELOG has a section for this version', () => {
		expect(pkg.publishConfig).toEqual({ access: 'public', provenance: true });
		const changelog = fs.readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8');
		expect(changelog).toMatch(new RegExp(`^## \\[${pkg.version.replace(/\./g, '\\.')}\\]`, 'm'));
	});

	test('the README explains how to release', () => {
		const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
		expect(readme).toMatch(/^## Releasing$/m);
		expect(readme).toMatch(/Trusted Publisher/);
	});
});

describe("the community-package scanner's analysis, offline", () => {
	let tarball: string;
	let scratch: string;
	beforeAll(async () => {
		tarball = await packPackage();
		scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'runblob-scan-test-'));
	});
	afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

	test('the packed tarball and the source pass', () => {
		const { status, out } = scan(tarball);
		expect(out).toMatch(/passed: source/);
		expect(out).toMatch(/passed: tarball/);
		expect(status).toBe(0);
	});

	test('a tarball whose node reads the file system and logs fails (the analysis can fail)', () => {
		const dir = path.join(scratch, 'tampered');
		fs.mkdirSync(dir);
		expect(spawnSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1']).status).toBe(0);
		const node = path.join(dir, pkg.n8n.nodes[0]);
		fs.appendFileSync(node, "\nconsole.log(require('fs').readdirSync('/'));\n");
		const { status, out } = scan(dir);
		expect(out).toMatch(/FAILED: tarball/);
		expect(out).toMatch(/no-restricted-imports/);
		expect(out).toMatch(/no-console/);
		expect(status).toBe(1);
	});

	test('a tarball without its built nodes does not pass vacuously', () => {
		const dir = path.join(scratch, 'empty');
		fs.mkdirSync(dir);
		fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg));
		const { status, out } = scan(dir);
		expect(out).toMatch(/lacks the files its package.json "n8n" section names/);
		expect(status).not.toBe(0);
	});
});
