'use strict';
// Benchmark 5 — what a parked "Wait for Video" run costs n8n, against n8n's own Wait node ("On Webhook Call").
//
// One n8n, one simulator whose renders never finish on their own (the benchmark finishes each one when it wants its
// callback). Workflows: Webhook → RunBlob Generate (Wait for Video, one item) → NoOp, and the baseline Webhook → Code
// (records $execution.resumeUrl) → Wait "On Webhook Call" → NoOp. After a warm-up (a few runs of each, parked and
// resumed) and a settling batch of n/4 of each (parked, not measured), n runs of each are parked in ABBA batches of
// n/2 (baseline, ours, ours, baseline); after each batch, the quiet RSS of n8n's main process (median over 2 s) gives
// that batch's growth. Then, from n8n's SQLite database: rows
// and bytes per waiting run. Then every run is resumed one at a time, alternating: ours by finishing its generation in
// the simulator (RunBlob's callback goes to the run's resume URL), the baseline by POSTing its resume URL. Latency =
// callback (or POST) sent → the execution's stoppedAt. Correctness: every run must finish with success, ours with its
// one completed generation, exactly once.
const { uuidFrom, chain, noOpNode, webhookNode, runBlobNode } = require('../test/e2e/fixtures');
const flows = require('./lib/flows');
const { query } = require('./lib/sqlite');
const { quietRss, percentile, mib, ms, ratio, sleep, pool } = require('./lib/util');

const WF = {
	ours: chain('benchParkOurs001', 'bench: park Wait for Video', [
		webhookNode('Start', 'bench-park-ours'),
		runBlobNode('RunBlob', {
			operation: 'generate',
			prompt: '={{ $json.body.prompt }}',
			orientation: '16:9',
			duration: 10,
			completion: 'waitForVideo',
		}),
		noOpNode('Done'),
	]),
	base: chain('benchParkWait001', 'bench: park Wait node', [
		webhookNode('Start', 'bench-park-wait'),
		{
			id: uuidFrom('bench-park-resume-url'),
			name: 'Resume URL',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			position: [0, 0],
			parameters: { jsCode: 'return [{ json: { resumeUrl: $execution.resumeUrl } }];' },
		},
		{
			id: uuidFrom('bench-park-wait-node'),
			name: 'Wait',
			type: 'n8n-nodes-base.wait',
			typeVersion: 1.1,
			position: [0, 0],
			webhookId: uuidFrom('bench-park-wait-webhook'),
			parameters: { resume: 'webhook', httpMethod: 'POST', options: {} },
		},
		noOpNode('Done'),
	]),
};

/**
 * @param {{ n8n: any, sim: any, log: (s: string) => void }} ctx
 * @param {{ n: number, warmup: number, quietMs?: number }} opts (quietMs: how long each quiet-RSS reading lasts)
 */
async function run(ctx, { n, warmup, quietMs = 2000 }) {
	const { log } = ctx;
	const { sim, n8n } = ctx;
	sim.reset();
	sim.configure({
		videoSize: 64 * 1024,
		timing: { queueMs: 3_600_000, processingMs: 60_000 },
		// Retries come quickly (× 0.01); the timeouts stay RunBlob's real 30 s / 10 s (they are scaled too).
		callbacks: { allowHttp: 'loopback', timeScale: 0.01, timeoutMs: 3_000_000, connectTimeoutMs: 1_000_000 },
	});
	const problems = [];
	let seq = 0;
	{
		const pid = n8n.pid();

		/** Parks one run; resolves with what resuming it needs. */
		const park = async (variant) => {
			const prompt = `bench park ${variant} ${seq++}`;
			const id = await flows.startRun(n8n, WF[variant], { prompt });
			await flows.untilWaiting(n8n, id);
			if (variant === 'ours') {
				const g = await sim.waitFor(() => sim.generations().find((x) => x.prompt === prompt), 10_000);
				return { variant, id, generationId: g.generation_id };
			}
			const exec = await n8n.execution(id);
			const url = flows.nodeOutput(exec, 'Resume URL')[0]?.json?.resumeUrl;
			if (!url) throw new Error(`no resume URL in execution ${id}`);
			return { variant, id, resumeUrl: url };
		};

		/** Resumes one parked run and waits until it is finished; resolves with the latency in ms. */
		const resume = async (parked) => {
			let sentAt;
			if (parked.variant === 'ours') {
				sim.finish(parked.generationId);
				const delivery = await sim.waitFor(
					() => sim.deliveries.find((d) => d.generation_id === parked.generationId),
					10_000,
				);
				sentAt = delivery.startedAt;
			} else {
				sentAt = Date.now();
				const res = await n8n.http('POST', parked.resumeUrl, { body: { ok: true } });
				if (res.status !== 200) throw new Error(`resume URL answered ${res.status}: ${res.text}`);
			}
			const exec = await flows.finishedExecution(n8n, parked.id, 120_000, 50).catch((e) => {
				const answers = sim.deliveries
					.filter((d) => d.generation_id === parked.generationId)
					.map((d) => `${d.status ?? d.error} ${JSON.stringify(d.responseBody ?? '').slice(0, 200)}`);
				throw new Error(`${e.message}${answers.length ? `; RunBlob's callbacks got: ${answers.join(' | ')}` : ''}`);
			});
			if (exec.status !== 'success') problems.push(`${parked.variant} run ${parked.id} ended ${exec.status}`);
			if (parked.variant === 'ours') {
				const out = flows.nodeOutput(exec, 'RunBlob');
				if (out.length !== 1 || out[0].json.status !== 'completed' || out[0].json.generation_id !== parked.generationId)
					problems.push(`run ${parked.id}: RunBlob output ${JSON.stringify(out.map((i) => i.json.status))}`);
			}
			return new Date(exec.stoppedAt).getTime() - sentAt;
		};

		// Warm-up: code paths, caches and database pages of both variants.
		for (let i = 0; i < warmup; i++) {
			for (const v of ['base', 'ours']) await resume(await park(v));
		}
		// Settling batch (not measured, left parked): n8n's heap and pools grow under the first burst of parked runs,
		// whichever kind comes first; on n8n 2.41 that step is hundreds of MiB and would swamp the comparison.
		for (const v of ['base', 'ours']) await pool(Array.from({ length: Math.ceil(n / 4) }), 1, () => park(v));
		await sleep(quietMs / 2);

		const parked = { ours: [], base: [] };
		const growth = { ours: [], base: [] };
		let rss = await quietRss(pid, quietMs);
		const rss0 = rss;
		const half = Math.ceil(n / 2);
		for (const variant of ['base', 'ours', 'ours', 'base']) {
			// One at a time: startRun tells runs apart by "the execution that was not there before".
			const batch = await pool(Array.from({ length: half }), 1, () => park(variant));
			parked[variant].push(...batch);
			await sleep(quietMs / 2);
			const now = await quietRss(pid, quietMs);
			growth[variant].push(now - rss);
			log(`  parked ${half} × ${variant === 'ours' ? 'Wait for Video' : 'Wait node     '}: RSS ${mib(rss)} → ${mib(now)} (${mib(now - rss)})`);
			rss = now;
		}

		// Database rows and bytes of each waiting run.
		const ids = (list) => list.map((p) => `'${p.id}'`).join(',');
		const dbCost = (list) => {
			const rows = query(
				n8n,
				`SELECT e.id AS id,
					(SELECT COUNT(*) FROM execution_data d WHERE d.executionId = e.id) AS dataRows,
					(SELECT COALESCE(SUM(LENGTH(d.data) + LENGTH(d.workflowData)), 0) FROM execution_data d WHERE d.executionId = e.id) AS dataBytes,
					(SELECT COUNT(*) FROM execution_metadata m WHERE m.executionId = e.id) AS metaRows
				FROM execution_entity e WHERE e.id IN (${ids(list)}) AND e.status = 'waiting'`,
			);
			if (rows.length !== list.length)
				problems.push(`${rows.length} of ${list.length} runs waiting in the database`);
			const avg = (f) => rows.reduce((s, r) => s + f(r), 0) / Math.max(1, rows.length);
			return { waiting: rows.length, rows: avg((r) => 1 + r.dataRows + r.metaRows), bytes: avg((r) => r.dataBytes) };
		};
		const db = { ours: dbCost(parked.ours), base: dbCost(parked.base) };

		// Resume, alternating variants, one at a time.
		const latency = { ours: [], base: [] };
		for (let i = 0; i < Math.max(parked.ours.length, parked.base.length); i++) {
			for (const v of i % 2 ? ['ours', 'base'] : ['base', 'ours']) {
				const p = parked[v][i];
				if (p) latency[v].push(await resume(p));
			}
		}
		const sum = (a) => a.reduce((s, x) => s + x, 0);
		const summary = {
			n: half * 2,
			rss0,
			growth: { ours: sum(growth.ours), base: sum(growth.base) },
			noise: Math.max(Math.abs(growth.ours[0] - growth.ours[1]), Math.abs(growth.base[0] - growth.base[1])),
			db,
			latency: {
				ours: { p50: percentile(latency.ours, 50), p95: percentile(latency.ours, 95) },
				base: { p50: percentile(latency.base, 50), p95: percentile(latency.base, 95) },
			},
			problems,
		};
		summary.latencyRatio = summary.latency.ours.p50 / summary.latency.base.p50;
		summary.rssHeld = summary.growth.ours - summary.growth.base <= summary.noise;
		summary.latencyHeld = summary.latencyRatio <= 1.2;
		const ok = problems.length === 0;
		summary.ok = ok;
		log(
			`RESULT waiting: ${summary.n} parked runs each: RSS growth Wait for Video ${mib(summary.growth.ours)} vs Wait node ${mib(summary.growth.base)} ` +
				`(noise between batches ${mib(summary.noise)}; target within noise ${summary.rssHeld ? 'held' : 'MISSED'}); ` +
				`per waiting run ${db.ours.rows.toFixed(1)} rows ${(db.ours.bytes / 1024).toFixed(1)} KiB vs ${db.base.rows.toFixed(1)} rows ${(db.base.bytes / 1024).toFixed(1)} KiB; ` +
				`last callback → finished p50 ${ms(summary.latency.ours.p50)} vs resume URL ${ms(summary.latency.base.p50)} → ${ratio(summary.latencyRatio)} ` +
				`(target ≤ 1.2 ${summary.latencyHeld ? 'held' : 'MISSED'})${ok ? '' : `  ← CHECK FAILED: ${problems.slice(0, 3).join('; ')}`}`,
		);
		return summary;
	}
}

/** The workflows this benchmark needs in n8n (imported when n8n starts). */
const workflows = () => [WF.ours, WF.base];

module.exports = { run, workflows };
