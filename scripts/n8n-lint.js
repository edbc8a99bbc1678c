#!/usr/bin/env node
// `npm run lint`: n8n's own `n8n-node lint` (from @n8n/node-cli, the tool n8n's verification guidelines ask for), run
// on what the package is made of — package.json, the ESLint and TypeScript configs, nodes/, credentials/, icons/ —
// copied into a throwaway folder. `n8n-node lint` lints `.` and, in strict mode, insists that eslint.config.mjs is its
// unmodified template, so it cannot be told to skip this repository's tests, simulator and scripts (which use Node's
// built-ins on purpose and are never published). The copy is exactly a package as `n8n-node new` lays it out.
//   node scripts/n8n-lint.js [--fix]   (--fix writes the fixes back to nodes/ and credentials/)
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { cleanNpmEnv } = require('./runtimes.js');

const repoRoot = path.resolve(__dirname, '..');
/** What `n8n-node lint` sees; everything the published package is built from. */
const PACKAGE_SOURCES = ['package.json', 'eslint.config.mjs', 'tsconfig.json', 'nodes', 'credentials', 'icons'];
/** Folders --fix copies back. */
const FIXABLE = ['nodes', 'credentials'];

function lint({ fix = false } = {}) {
	const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'runblob-n8n-lint-'));
	try {
		for (const entry of PACKAGE_SOURCES) {
			const from = path.join(repoRoot, entry);
			if (fs.existsSync(from)) fs.cpSync(from, path.join(stage, entry), { recursive: true });
		}
		fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(stage, 'node_modules'), 'dir');
		const bin = path.join(repoRoot, 'node_modules', '.bin', 'n8n-node');
		const res = spawnSync(bin, ['lint', ...(fix ? ['--fix'] : [])], {
			cwd: stage,
			env: cleanNpmEnv(process.env, { CI: 'true' }),
			encoding: 'utf8',
		});
		// Report paths in the repository, not in the throwaway copy.
		const out = `${res.stdout || ''}${res.stderr || ''}`.split(stage).join(repoRoot);
		process.stdout.write(out);
		if (res.error) throw res.error;
		if (fix) {
			for (const dir of FIXABLE) fs.cpSync(path.join(stage, dir), path.join(repoRoot, dir), { recursive: true });
		}
		return res.status ?? 1;
	} finally {
		fs.rmSync(stage, { recursive: true, force: true });
	}
}

module.exports = { lint, PACKAGE_SOURCES };

if (require.main === module) {
	const status = lint({ fix: process.argv.includes('--fix') });
	if (status === 0) process.stderr.write('[lint] n8n-node lint: clean (package.json, nodes/, credentials/, icons/)\n');
	process.exit(status);
}
