#!/usr/bin/env node
// Benchmarks of n8n-nodes-runblob inside a real n8n (see bench/README.md).
//
//   npm run bench                 build, then the full run (about 2.5 minutes on n8n 2.8.4)
//   node bench/run.js --quick     smaller sizes (under a minute); uses dist/ as it is
//
// Options: --quick, --runtime oldest|current (default oldest = n8n 2.8.4), --only download|trigger,
//          --size <MiB> (download size), --reps <k> (download repetitions), --n <callbacks>, --m <duplicates>,
//          --concurrency <k>, --n8n-env KEY=VALUE (repeatable; extra environment for n8n)
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
const { MiB, mib, ms, ratio, frac } = require('./lib/util');
const downloadBench = require('./download.bench');
const triggerBench = require('./trigger.bench');

const usage = (message) => Object.assign(new Error(message), { usage: true });

function parseArgs(argv) {
	const args = { quick: false, runtime: 'oldest', only: null, n8nEnv: {} };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		const value = () => {
			const v = argv[++i];
			if (v === undefined) throw usage(`${a} needs a value`);
			return v;
		};
		if (a === '--quick') args.quick = true;
		else if (a === '--runtime') args.runtime = value();
		else if (a === '--only') args.only = value();
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
	for (const k of ['sizeMiB', 'n', 'm', 'concurrency', 'reps']) {
		if (args[k] !== undefined && !(Number.isFinite(args[k]) && args[k] >= (k === 'm' ? 0 : 1)))
			throw usage(`bad value for --${k === 'sizeMiB' ? 'size' : k}`);
	}
	if (!['oldest', 'current'].includes(args.runtime))
		throw usage('--runtime must be oldest or current');
	if (args.only && !['download', 'trigger'].includes(args.only))
		throw usage('--only must be download or trigger');
	return args;
}

function table(rows) {
	const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
	const line = (r) => `| ${r.map((cell, c) => String(cell).padEnd(widths[c])).join(' | ')} |`;
	return [
		line(rows[0]),
		`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
		...rows.slice(1).map(line),
	].join('\n');
}

async function main() {
	const args = parseArgs(process.argv.slice(2));
	if (args.help) {
		process.stdout.write(
			fs.readFileSync(__filename, 'utf8').split('\n').slice(1, 11).join('\n') + '\n',
		);
		return 0;
	}
	const settings = {
		download: {
			size: Math.round((args.sizeMiB ?? (args.quick ? 256 : 1024)) * MiB),
			reps: args.reps ?? (args.quick ? 1 : 3),
		},
		trigger: {
			n: args.n ?? (args.quick ? 100 : 300),
			m: args.m ?? (args.quick ? 50 : 150),
			concurrency: args.concurrency ?? 4,
			warmup: args.quick ? 20 : 40,
		},
	};
	const want = (name) => !args.only || args.only === name;
	const log = (s) => process.stdout.write(`${s}\n`);
	const started = Date.now();

	let sim;
	let n8n;
	const results = {};
	let failed = false;
	try {
		sim = await createSimulator({
			port: 0,
			balance: 100_000,
			timing: { queueMs: 0, processingMs: 20 },
			callbacks: { allowHttp: 'loopback' },
		});
		const workflows = [
			...(want('download') ? [DOWNLOAD.runblob, DOWNLOAD.trigger, DOWNLOAD.httpRequest] : []),
			...(want('trigger') ? [CALLBACKS.trigger, CALLBACKS.webhook] : []),
		];
		n8n = await startN8n({
			runtime: args.runtime,
			label: 'bench',
			credentials: [credentialFixture(sim.url)],
			workflows,
			readyPaths: [
				...(want('trigger') ? [CALLBACKS.triggerPath] : []),
				...(want('download') ? [DOWNLOAD.triggerPath] : []),
			],
			env: { N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem', ...args.n8nEnv },
		});
		const extraEnv = Object.entries(args.n8nEnv).map(([k, v]) => `${k}=${v}`);
		log(
			`n8n ${n8n.runtime.version} (${args.runtime}) on Node ${args.runtime === 'oldest' ? process.versions.node : '24'}, ` +
				`binary data mode filesystem${extraEnv.length ? `, ${extraEnv.join(' ')}` : ''}, ready in ${n8n.timings.total} s` +
				`${args.quick ? ', quick mode' : ''}; ${require('node:os').cpus().length} CPUs`,
		);
		const ctx = { n8n, sim, log };
		// Each benchmark runs on its own; a crash in one is reported and the other still runs.
		for (const [name, bench] of [
			['trigger', triggerBench],
			['download', downloadBench],
		]) {
			if (!want(name)) continue;
			log(`\n== ${name} ==`);
			const t = Date.now();
			try {
				results[name] = await bench.run(ctx, settings[name]);
				results[name].seconds = (Date.now() - t) / 1000;
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

	const rows = [['benchmark', 'measured', 'baseline (same run)', 'ratio']];
	const d = results.download;
	if (d && !d.error) {
		rows.push([
			`download ${mib(d.size)}: peak RSS growth`,
			`RunBlob Download ${mib(d.ours.growth)}`,
			`HTTP Request node ${mib(d.base.growth)}`,
			`ours ÷ HTTP Request ${ratio(d.oursVsBase)}`,
		]);
		rows.push([
			`download ${mib(d.size)}: peak RSS growth`,
			`RunBlob Trigger (Download Video) ${mib(d.trigger.growth)}`,
			`HTTP Request node ${mib(d.base.growth)}`,
			`ours ÷ HTTP Request ${ratio(d.triggerVsBase)}`,
		]);
		rows.push([
			`download ${mib(d.size)}: growth ÷ file size`,
			`Download ${frac(d.oursPerFile)}, Trigger ${frac(d.triggerPerFile)}`,
			frac(d.basePerFile),
			'',
		]);
		rows.push([
			`download ${mib(d.size)}: median throughput`,
			`Download ${d.mibPerSecond.runblob.toFixed(0)} MiB/s, Trigger ${d.mibPerSecond.trigger.toFixed(0)} MiB/s`,
			`${d.mibPerSecond.httpRequest.toFixed(0)} MiB/s`,
			`Download ÷ HTTP Request ${ratio(d.mibPerSecond.runblob / d.mibPerSecond.httpRequest)}`,
		]);
	} else if (d) rows.push(['download', 'CRASHED', '', '']);
	const t = results.trigger;
	if (t && !t.error) {
		rows.push([
			`callback ack p50 (${t.n}+${t.m} dup, c=${t.concurrency})`,
			`RunBlob Trigger ${ms(t.trigger.p50)}`,
			`Webhook node ${ms(t.webhook.p50)}`,
			`trigger ÷ webhook ${ratio(t.ratioP50)}`,
		]);
		rows.push(['callback ack p95', ms(t.trigger.p95), ms(t.webhook.p95), ratio(t.ratioP95)]);
		rows.push([
			'callback ack p50, new ids only',
			ms(t.triggerNew.p50),
			ms(t.webhook.p50),
			ratio(t.ratioNewP50),
		]);
		rows.push([
			'callback throughput',
			`${t.throughput.trigger.toFixed(0)} req/s`,
			`${t.throughput.webhook.toFixed(0)} req/s`,
			ratio(t.throughputRatio),
		]);
		rows.push([
			'executions started',
			`${t.started.trigger} (expected ${t.n}; ${t.duplicatesAcknowledged}/${t.m} dup. acked, no run)`,
			`${t.started.webhook} (expected ${t.n + t.m})`,
			t.ok ? 'OK' : 'CHECK FAILED',
		]);
	} else if (t) rows.push(['trigger', 'CRASHED', '', '']);
	log(
		`\nSummary (${new Date().toISOString().slice(0, 10)}, n8n ${n8n?.runtime.version}, total ${((Date.now() - started) / 1000).toFixed(0)} s)`,
	);
	log(table(rows));
	return failed ? 1 : 0;
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
