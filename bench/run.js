#!/usr/bin/env node
// Benchmarks of n8n-nodes-runblob inside a real n8n (see bench/README.md).
//
//   npm run bench                 build, then the full run on both n8n versions
//   node bench/run.js --quick     smaller sizes, n8n 2.8.4 only (under a minute); uses dist/ as it is
//
// Options: --quick, --runtime oldest|current|both (default both; quick: oldest), --only <benchmark>[,<benchmark>]
//          (waiting, economy, resubmit, submit, trigger, download), --size <MiB> (download size), --reps <k> (download
//          repetitions), --n <callbacks>, --m <duplicates>, --concurrency <k>, --items <k> (economy and submit batch),
//          --parked <k> (waiting), --n8n-env KEY=VALUE (repeatable; extra environment for n8n)
// Each benchmark prints a `RESULT` line with the numbers measured in this run and their ratios; a summary table
// follows. Exit code 0 unless a benchmark crashes or its correctness check fails.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

// Bench work folders (n8n user folders holding the downloaded videos) live in bench/.work, not test/e2e/.work.
process.env.RUNBLOB_E2E_WORK_DIR ??= path.join(__dirname, '.work');
process.env.RUNBLOB_E2E_KEEP_RECENT ??= '2';
// Use the machine's runtime cache (as CI does) when RUNBLOB_RUNTIMES_DIR is unset and the repository has no
// .runtimes/ of its own, rather than installing ~2.5 GB per runtime into the repository.
if (!process.env.RUNBLOB_RUNTIMES_DIR) {
	const machineCache = path.join(require('node:os').homedir(), '.cache', 'runblob-runtimes');
	if (!fs.existsSync(path.join(__dirname, '..', '.runtimes')) && fs.existsSync(machineCache)) {
		process.env.RUNBLOB_RUNTIMES_DIR = machineCache;
	}
}

const { startN8n } = require('../test/e2e/harness.js');
const { createSimulator } = require('../test/simulator');
const { credentialFixture, DOWNLOAD, CALLBACKS } = require('./lib/workflows');
const { MiB } = require('./lib/util');
const { summaryRows, table } = require('./lib/report');
const BENCHES = {
	waiting: require('./waiting.bench'),
	economy: require('./economy.bench'),
	resubmit: require('./resubmit.bench'),
	submit: require('./submit.bench'),
	trigger: require('./trigger.bench'),
	download: require('./download.bench'),
};
const NAMES = Object.keys(BENCHES);
const LAZY = 'N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE';

const usage = (message) => Object.assign(new Error(message), { usage: true });

function parseArgs(argv) {
	const args = { quick: false, runtime: null, only: null, n8nEnv: {} };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		const value = () => {
			const v = argv[++i];
			if (v === undefined) throw usage(`${a} needs a value`);
			return v;
		};
		if (a === '--quick') args.quick = true;
		else if (a === '--runtime') args.runtime = value();
		else if (a === '--only') args.only = value().split(',');
		else if (a === '--items') args.items = Number(value());
		else if (a === '--parked') args.parked = Number(value());
		else if (a === '--size') args.sizeMiB = Number(value());
		else if (a === '--n') args.n = Number(value());
		else if (a === '--m') args.m = Number(value());
		else if (a === '--concurrency') args.concurrency = Number(value());
		else if (a === '--reps') args.reps = Number(value());
		else if (a === '--n8n-env') {
			const [k, ...v] = value().split('=');
			args.n8nEnv[k] = v.join('=');
		} else if (a === '-h' || a === '--help') args.help = true;
		else throw usage(`unknown option ${a}`);
	}
	for (const k of ['sizeMiB', 'n', 'm', 'concurrency', 'reps', 'items', 'parked']) {
		if (args[k] !== undefined && !(Number.isFinite(args[k]) && args[k] >= (k === 'm' ? 0 : 1)))
			throw usage(`bad value for --${k === 'sizeMiB' ? 'size' : k}`);
	}
	args.runtime ??= args.quick ? 'oldest' : 'both';
	if (!['oldest', 'current', 'both'].includes(args.runtime))
		throw usage('--runtime must be oldest, current or both');
	if (args.only && args.only.some((name) => !NAMES.includes(name)))
		throw usage(`--only takes ${NAMES.join(', ')}`);
	return args;
}


async function main() {
	const args = parseArgs(process.argv.slice(2));
	if (args.help) {
		process.stdout.write(
			fs.readFileSync(__filename, 'utf8').split('\n').slice(1, 12).join('\n') + '\n',
		);
		return 0;
	}
	const q = args.quick;
	const settings = {
		download: {
			size: Math.round((args.sizeMiB ?? (q ? 128 : 1024)) * MiB),
			reps: args.reps ?? (q ? 1 : 3),
			// A restart per measurement costs ~15 s; quick mode measures in the running n8n after the same warm-up.
			restart: !q,
		},
		trigger: {
			n: args.n ?? (q ? 60 : 300),
			m: args.m ?? (q ? 30 : 150),
			concurrency: args.concurrency ?? 4,
			warmup: q ? 5 : 40,
		},
		economy: {
			n: args.items ?? (q ? 12 : 50),
			orders: q ? ['random'] : ['in-order', 'reverse', 'random'],
			lossShare: 0.1,
			overlap: q,
		},
		resubmit: { n: args.items ?? (q ? 10 : 50), failShare: 0.1, overlap: q },
		submit: { n: args.items ?? (q ? 16 : 50), latencyMs: q ? 100 : 400, share429: 0.2 },
		waiting: { n: args.parked ?? (q ? 10 : 100), warmup: q ? 1 : 3, quietMs: q ? 1000 : 2000 },
	};
	const want = (name) => !args.only || args.only.includes(name);
	const log = (s) => process.stdout.write(`${s}\n`);
	const started = Date.now();
	const runtimes = args.runtime === 'both' ? ['oldest', 'current'] : [args.runtime];
	const all = [];
	let failed = false;
	const passes = runtimes.map((runtime) => ({ runtime, env: args.n8nEnv, want, tag: '' }));
	// On n8n 2.41 every request to a webhook node other than n8n's own Webhook node takes an expression isolate, built
	// for it when isolates are acquired eagerly (n8n's default). A second trigger pass with lazy acquisition shows what
	// the package itself costs (bench/README.md, "Trigger on n8n 2.41").
	if (runtimes.includes('current') && want('trigger') && !q && !(LAZY in args.n8nEnv)) {
		passes.push({
			runtime: 'current',
			env: { ...args.n8nEnv, [LAZY]: 'true' },
			want: (name) => name === 'trigger',
			tag: ' (lazy isolates)',
		});
	}
	for (const pass of passes) {
		const { results, version, ok } = await runOn(pass.runtime, args, settings, pass.want, log, pass.env);
		all.push({ runtime: pass.runtime, version: `${version}${pass.tag}`, results });
		if (!ok) failed = true;
	}
	log(
		`\nSummary (${new Date().toISOString().slice(0, 10)}, ${require('node:os').cpus().length} CPUs, total ${((Date.now() - started) / 1000).toFixed(0)} s` +
			`${q ? ', quick mode' : ''}${failed ? ', A CHECK FAILED' : ''})`,
	);
	log(table(summaryRows(all)));
	return failed ? 1 : 0;
}

/** Every wanted benchmark on one n8n version: one simulator, one n8n holding every benchmark's workflows. */
async function runOn(runtime, args, settings, want, log, n8nEnv) {
	let sim;
	let n8n;
	const results = {};
	let failed = false;
	try {
		sim = await createSimulator({
			port: 0,
			balance: 1_000_000,
			maxLogEntries: 1_000_000,
			timing: { queueMs: 0, processingMs: 20 },
			callbacks: { allowHttp: 'loopback' },
		});
		const workflows = [
			...(want('download') ? [DOWNLOAD.runblob, DOWNLOAD.trigger, DOWNLOAD.httpRequest] : []),
			...(want('trigger') ? [CALLBACKS.trigger, CALLBACKS.webhook] : []),
			...['waiting', 'economy', 'resubmit', 'submit'].flatMap((name) =>
				want(name) ? BENCHES[name].workflows(sim.url) : [],
			),
		];
		n8n = await startN8n({
			runtime,
			label: 'bench',
			credentials: [credentialFixture(sim.url)],
			workflows,
			readyPaths: [
				...(want('trigger') ? [CALLBACKS.triggerPath] : []),
				...(want('download') ? [DOWNLOAD.triggerPath] : []),
			],
			env: { N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem', ...n8nEnv },
		});
		const extraEnv = Object.entries(n8nEnv).map(([k, v]) => `${k}=${v}`);
		log(
			`\n### n8n ${n8n.runtime.version} (${runtime}) on Node ${runtime === 'oldest' ? process.versions.node : '24'}, ` +
				`binary data mode filesystem${extraEnv.length ? `, ${extraEnv.join(' ')}` : ''}, ready in ${n8n.timings.total} s` +
				`${args.quick ? ', quick mode' : ''}; ${require('node:os').cpus().length} CPUs`,
		);
		const ctx = { n8n, sim, log };
		// Each benchmark runs on its own; a crash in one is reported and the others still run. The download benchmark
		// restarts n8n for every measurement, so it goes last.
		for (const name of NAMES) {
			if (!want(name)) continue;
			log(`\n== ${name} (${runtime}) ==`);
			const t = Date.now();
			try {
				sim.reset();
				results[name] = await BENCHES[name].run(ctx, settings[name]);
				results[name].seconds = (Date.now() - t) / 1000;
				log(`(${name}: ${results[name].seconds.toFixed(1)} s)`);
				if (results[name].ok === false) failed = true;
			} catch (e) {
				failed = true;
				results[name] = { error: e };
				log(`BENCHMARK ${name} CRASHED: ${e && e.stack ? e.stack : e}`);
			}
		}
	} finally {
		// Keep the work folder (logs, database) only after a failure, without the downloaded videos.
		await n8n
			?.stop({ removeWorkDir: !failed })
			.catch((e) => log(`stopping n8n failed: ${e.message}`));
		if (n8n && failed) {
			for (const dir of ['storage', 'binaryData'])
				fs.rmSync(path.join(n8n.userFolder, '.n8n', dir), { recursive: true, force: true });
			log(`n8n's work folder (log: n8n.log) is kept in ${n8n.workDir}`);
		}
		await sim?.close();
	}
	return { results, version: n8n?.runtime.version ?? runtime, ok: !failed };
}

main().then(
	(code) => process.exit(code),
	(e) => {
		process.stderr.write(
			`${e && e.usage ? `${e.message} (see --help)` : e && e.stack ? e.stack : e}\n`,
		);
		process.exit(1);
	},
);
