// `npm run bench:quick` inside the suite: every benchmark (waiting, economy, resubmit, submit, trigger, download) runs once in a
// real n8n 2.8.4 at small sizes, and the run must end with exit code 0 — its correctness checks hold: every parked run
// resumed once, every generation created once and no request sent for no run, no duplicate create under 429s, exactly
// one execution per callback and none per duplicate, exact bytes stored. Timing targets are printed by the benchmark,
// not asserted here; they belong to `npm run bench` on an idle machine (README, Benchmarks).
import { spawn } from 'node:child_process';
import * as path from 'node:path';

import { cleanNpmEnv } from '../../scripts/runtimes';
import { killGroup, REPO_ROOT, startWatchdog } from './harness';

const TIMEOUT_MS = 10 * 60_000;

test(
	'bench:quick runs every benchmark and every correctness check holds',
	async () => {
		let output = '';
		const code = await new Promise<number | null>((resolve, reject) => {
			const proc = spawn(process.execPath, [path.join(REPO_ROOT, 'bench', 'run.js'), '--quick'], {
				cwd: REPO_ROOT,
				// The environment this suite controls: no npm_* variables from `npm test` (scripts/runtimes.js).
				env: cleanNpmEnv(process.env),
				detached: true,
				stdio: ['ignore', 'pipe', 'pipe'],
			});
			if (proc.pid) startWatchdog(proc.pid);
			const timer = setTimeout(() => {
				if (proc.pid) killGroup(proc.pid, 'SIGTERM');
			}, TIMEOUT_MS - 30_000);
			proc.stdout!.on('data', (d) => (output += d));
			proc.stderr!.on('data', (d) => (output += d));
			proc.on('error', reject);
			proc.on('exit', (exitCode) => {
				clearTimeout(timer);
				resolve(exitCode);
			});
		});
		if (code !== 0) throw new Error(`bench:quick exited with ${code}:\n${output.slice(-6000)}`);

		const summary = output.slice(output.indexOf('\nSummary ('));
		expect(summary).toMatch(/quick mode\)/);
		expect(summary).not.toMatch(/CHECK FAILED|CRASHED/);
		// One correctness row per benchmark, each OK.
		for (const row of [
			/\| waiting: correctness +\| 2\.8\.4 \| every run resumed once .*\| OK/,
			/\| economy: correctness +\| 2\.8\.4 \| N generations, N videos, every run .*\| OK/,
			/\| resubmit: correctness +\| 2\.8\.4 \| N videos, each failure resubmitted once, paired .*\| OK/,
			/\| submit: with 429s +\| 2\.8\.4 \| \d+ creates refused, 0 failures, 0 duplicates .*\| OK/,
			/\| trigger: executions started +\| 2\.8\.4 \| 60 of 60; 30\/30 dup\. without a run .*\| OK/,
			/\| download 128\.0 MiB: peak RSS growth +\| 2\.8\.4 \|/,
		])
			expect(summary).toMatch(row);
	},
	TIMEOUT_MS,
);
