#!/usr/bin/env node
// Runs the analysis of n8n's community-package scanner (@n8n/scan-community-package, the gate a package passes before
// n8n verifies it) locally and offline, on both of its legs: the package's source (package.json, nodes/,
// credentials/, with the full rule set) and the packed tarball (its compiled .js and published package.json). The
// registry-only parts of the real scan — the provenance statement and fetching the attested source — can only run
// after a release; the release workflow checks the provenance statement then.
//   node scripts/scan-package.mjs [package.tgz | unpacked package folder] [source folder, default: this repository]
//   (no argument: packs this repository with `npm pack`; `npm run scan` builds first)
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// eslint-plugin-n8n-nodes-base switches some rules to its own test fixtures' conventions when NODE_ENV=test (as under
// jest): the scanner must judge this package by the rules it applies to everyone, so the plugin loads without it.
delete process.env.NODE_ENV;
const { analyzePackage, SOURCE_FILE_PATTERNS } = await import('@n8n/scan-community-package/scanner/scanner.mjs');

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { cleanNpmEnv } = createRequire(import.meta.url)('./runtimes.js');

/** `npm pack` of this repository into a temporary folder; returns the tarball's path. */
function packRepository() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runblob-pack-'));
	const res = spawnSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], {
		cwd: repoRoot,
		env: cleanNpmEnv(),
		encoding: 'utf8',
	});
	if (res.status !== 0) throw new Error(`npm pack failed: ${res.stderr}`);
	return path.join(dir, res.stdout.trim().split('\n').pop());
}

function unpack(tarball) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runblob-scan-'));
	const res = spawnSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1'], { encoding: 'utf8' });
	if (res.status !== 0) throw new Error(`could not unpack ${tarball}: ${res.stderr}`);
	return dir;
}

export async function scan(target, sourceDir = repoRoot) {
	const packageDir = fs.statSync(target).isDirectory() ? target : unpack(target);
	try {
		// The scanner passes a folder with nothing to lint; a tarball without its built nodes must not pass.
		const pkg = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
		const entries = [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])];
		const absent = entries.filter((f) => !fs.existsSync(path.join(packageDir, f)));
		if (entries.length === 0 || absent.length) {
			throw new Error(`${target} lacks the files its package.json "n8n" section names: ${absent.join(', ') || '(none named)'}`);
		}
		const source = await analyzePackage(sourceDir, SOURCE_FILE_PATTERNS);
		const dist = await analyzePackage(packageDir, ['**/*.js', 'package.json']);
		return { source, dist, passed: source.passed && dist.passed };
	} finally {
		if (packageDir !== target) fs.rmSync(packageDir, { recursive: true, force: true });
	}
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	const [target, source] = process.argv.slice(2);
	const tarball = target ? path.resolve(target) : packRepository();
	console.log(`scanning ${tarball}`);
	const result = await scan(tarball, source ? path.resolve(source) : repoRoot);
	if (!target) fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
	for (const [leg, r] of [['source', result.source], ['tarball', result.dist]]) {
		console.log(`${r.passed ? 'passed' : 'FAILED'}: ${leg}${r.message ? ` (${r.message})` : ''}`);
		if (r.details) console.log(r.details);
	}
	console.log(result.passed ? 'scan-community-package analysis: passed' : 'scan-community-package analysis: FAILED');
	process.exit(result.passed ? 0 : 1);
}
