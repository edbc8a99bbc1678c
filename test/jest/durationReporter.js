// Jest reporter: at the end of a run, every test file's duration, slowest first per project, with each project's
// total, so the slow files of `npm test` are visible on every run (the e2e files especially). For e2e files it adds
// how much of that was n8n starting, restarting and stopping (recorded by test/e2e/harness.js in
// test/e2e/.work/phases.jsonl), and the machine's load average, since timings on a loaded machine mean little alone.
// Output on stderr.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ORDER = ['unit', 'simulator', 'support', 'e2e'];
const SHARED = '(shared n8n)';

class DurationReporter {
	constructor(globalConfig) {
		this.rootDir = globalConfig.rootDir;
		this.phasesFile = path.resolve(
			process.env.RUNBLOB_E2E_WORK_DIR || path.join(this.rootDir, 'test', 'e2e', '.work'),
			'phases.jsonl',
		);
		/** @type {Array<{ project: string, file: string, seconds: number, failed: boolean }>} */
		this.files = [];
	}

	onRunStart() {
		// The e2e global setup (which runs before this) already started this run's file: the shared n8n starts are in it.
		if (!process.env.RUNBLOB_E2E_PHASES_FRESH) fs.rmSync(this.phasesFile, { force: true });
		this.load = os.loadavg();
		this.cpu = cpuTimes();
	}

	/** file → "n8n start 2 × 11.0 s, stop 2 × 0.3 s" from the harness's records of this run. */
	phasesByFile() {
		const byFile = new Map();
		let text = '';
		try {
			text = fs.readFileSync(this.phasesFile, 'utf8');
		} catch {
			return byFile;
		}
		for (const line of text.split('\n').filter(Boolean)) {
			let r;
			try {
				r = JSON.parse(line);
			} catch {
				continue;
			}
			const file = r.file ? path.relative(this.rootDir, r.file) : r.label === 'shared' ? SHARED : '(outside a test file)';
			const phases = byFile.get(file) || new Map();
			const p = phases.get(r.phase) || { count: 0, seconds: 0 };
			p.count += 1;
			p.seconds += Number(r.seconds) || 0;
			phases.set(r.phase, p);
			byFile.set(file, phases);
		}
		return byFile;
	}

	onTestResult(test, result) {
		const { start, end } = result.perfStats || {};
		this.files.push({
			project: test.context.config.displayName?.name || 'default',
			file: path.relative(this.rootDir, result.testFilePath),
			seconds: start && end ? (end - start) / 1000 : 0,
			failed: result.numFailingTests > 0 || Boolean(result.testExecError),
		});
	}

	onRunComplete() {
		if (this.files.length === 0) return;
		const projects = [...new Set(this.files.map((f) => f.project))].sort(
			(a, b) => rank(a) - rank(b) || a.localeCompare(b),
		);
		const phases = this.phasesByFile();
		const load = (l) => (l ? l.map((x) => x.toFixed(1)).join(' / ') : '?');
		const lines = [
			'',
			`Test file durations (slowest first); load average (1/5/15 min) at start ${load(this.load)}, at end ${load(os.loadavg())}` +
				`${busyCores(this.cpu, cpuTimes())}:`,
		];
		for (const project of projects) {
			const files = this.files.filter((f) => f.project === project).sort((a, b) => b.seconds - a.seconds);
			const total = files.reduce((s, f) => s + f.seconds, 0);
			lines.push(`  ${project}: ${files.length} file(s), ${fmt(total)}`);
			// Fast layers: only their slowest few; e2e: every file.
			const shown = project === 'e2e' ? files : files.slice(0, 3);
			for (const f of shown) {
				const own = phases.get(f.file);
				const detail = own
					? `  [n8n ${[...own].map(([k, p]) => `${k} ${p.count} × ${fmt(p.seconds / p.count)}`).join(', ')}; ` +
						`${fmt([...own.values()].reduce((s, p) => s + p.seconds, 0))} in all]`
					: '';
				lines.push(`    ${fmt(f.seconds).padStart(8)}  ${f.file}${f.failed ? '  (failed)' : ''}${detail}`);
			}
			const shared = project === 'e2e' && phases.get(SHARED);
			if (shared) {
				// Started when the first e2e file asked; stopped by the global teardown (which prints that, after this report).
				lines.push(`    shared n8n (one per runtime): ${[...shared].map(([k, p]) => `${k} ${p.count} × ${fmt(p.seconds / p.count)}`).join(', ')}`);
			}
			if (shown.length < files.length) lines.push(`    … ${files.length - shown.length} more under ${fmt(shown[shown.length - 1].seconds)} each`);
		}
		process.stderr.write(`${lines.join('\n')}\n`);
	}
}

function rank(project) {
	const i = ORDER.indexOf(project);
	return i === -1 ? ORDER.length : i;
}

function fmt(seconds) {
	return seconds >= 60 ? `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s` : `${seconds.toFixed(1)}s`;
}

/** The machine's CPU time so far, busy and total, summed over its cores (os.cpus(): milliseconds). */
function cpuTimes() {
	let busy = 0;
	let total = 0;
	for (const { times } of os.cpus()) {
		const all = times.user + times.nice + times.sys + times.idle + times.irq;
		total += all;
		busy += all - times.idle;
	}
	return { busy, total, cores: os.cpus().length };
}

/** "; CPU busy 1.85 of 2 cores" over the run: near all cores means the run is bound by CPU, not by waiting. */
function busyCores(start, end) {
	const total = start ? end.total - start.total : 0;
	if (total <= 0) return '';
	return `; CPU busy ${((end.cores * (end.busy - start.busy)) / total).toFixed(2)} of ${end.cores} cores`;
}

module.exports = DurationReporter;
