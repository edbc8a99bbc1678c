// The GitHub Actions workflows: actionlint finds nothing in them (and does find a broken workflow, so this check can
// fail), CI runs exactly .ci/run, and the release publishes with provenance through OIDC without any stored token.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { execFileSync } from 'node:child_process';

import { workflowFiles } from '../../scripts/lint-workflows';

jest.setTimeout(60_000);

const root = path.resolve(__dirname, '..', '..');
const read = (f: string) => fs.readFileSync(path.join(root, f), 'utf8');

/** actionlint's findings, from its own process (the linter's Go runtime lives until its process exits). */
function lintWorkflows(files: string[]): Array<{ file: string; kind: string; message: string }> {
	const out = execFileSync(process.execPath, [path.join(root, 'scripts', 'lint-workflows.js'), '--json', ...files], {
		cwd: root,
		encoding: 'utf8',
	});
	return JSON.parse(out);
}

describe('GitHub Actions workflows', () => {
	test('ci.yml and release.yml exist and actionlint reports no problem in them', () => {
		const files = workflowFiles().map((f: string) => path.basename(f));
		expect(files).toEqual(expect.arrayContaining(['ci.yml', 'release.yml']));
		expect(lintWorkflows(workflowFiles())).toEqual([]);
	});

	test('actionlint reports a broken workflow (unknown job, undefined matrix value)', () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runblob-wf-'));
		const bad = path.join(dir, 'bad.yml');
		fs.writeFileSync(
			bad,
			['on: push', 'jobs:', '  a:', '    runs-on: ubuntu-24.04', '    needs: [missing]', '    steps:', '      - run: echo ${{ matrix.nope }}', ''].join('\n'),
		);
		try {
			const problems = lintWorkflows([bad]);
			expect(problems.map((p: { kind: string }) => p.kind)).toEqual(expect.arrayContaining(['job-needs', 'expression']));
		} finally {
			fs.rmSync(dir, { recursive: true, force: true });
		}
	});

	test('CI runs .ci/run on pull requests and pushes, and is what the release calls first', () => {
		const ci = read('.github/workflows/ci.yml');
		expect(ci).toMatch(/^\s+pull_request:/m);
		expect(ci).toMatch(/^\s+push:/m);
		expect(ci).toMatch(/^\s+workflow_call:/m);
		expect(ci).toMatch(/run: bash \.ci\/run$/m);
	});

	test('.ci/run installs nothing itself: npm ci, then npm test', () => {
		const commands = read('.ci/run')
			.split('\n')
			.filter((l) => /^phase /.test(l));
		expect(commands).toEqual(['phase "npm ci" npm ci </dev/null', 'phase "npm test" npm test </dev/null']);
		expect(read('.ci/run')).not.toMatch(/apt-get install|apt install/);
	});

	test('the release: on a version tag only, after the CI checks, n8n-node release with an OIDC token and no stored secret', () => {
		const rel = read('.github/workflows/release.yml');
		const on = rel.slice(rel.indexOf('\non:'), rel.indexOf('\npermissions:'));
		expect(on).toMatch(/push:\s+tags:/);
		expect(on).not.toMatch(/pull_request|branches|workflow_dispatch/);
		expect(rel).toMatch(/uses: \.\/\.github\/workflows\/ci\.yml/);
		expect(rel).toMatch(/needs: checks/);
		expect(rel).toMatch(/id-token: write/);
		expect(rel).toMatch(/run: npx n8n-node release$/m);
		expect(rel).not.toMatch(/secrets\.|NPM_TOKEN|NODE_AUTH_TOKEN|_authToken/);
		// id-token only where the publish happens: the top level grants read access alone.
		expect(rel.slice(rel.indexOf('\npermissions:'), rel.indexOf('\njobs:'))).not.toMatch(/id-token/);
	});
});
