// The published package: what `npm pack` ships and what n8n reads from package.json. Runs after `npm run build`.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

describe('the published package', () => {
	test('npm pack contains only dist/, README, LICENSE and package.json', () => {
		const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
		const [{ files }] = JSON.parse(out) as Array<{ files: Array<{ path: string }> }>;
		const paths = files.map((f) => f.path);
		expect(paths.filter((p) => !p.startsWith('dist/')).sort()).toEqual(['LICENSE', 'README.md', 'package.json']);
		expect(paths).toEqual(expect.arrayContaining(['dist/icons/runblob.svg', 'dist/icons/runblob.dark.svg']));
		expect(paths.some((p) => /test|simulator|\.test\./.test(p))).toBe(false);
	});

	test('package.json follows the community-node rules', () => {
		expect(pkg.name).toBe('n8n-nodes-runblob');
		expect(pkg.license).toBe('MIT');
		expect(pkg.keywords).toContain('n8n-community-node-package');
		expect(pkg.dependencies ?? {}).toEqual({});
		expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		const entries = [...pkg.n8n.credentials, ...pkg.n8n.nodes];
		expect(entries.length).toBe(3);
		for (const entry of entries) {
			expect(entry.startsWith('dist/')).toBe(true);
			expect(fs.existsSync(path.join(root, entry))).toBe(true);
		}
	});
});
