'use strict';
// Benchmark 3 — API economy of "Wait for Video" against an HTTP Request + Wait polling loop.
//
// One n8n, one simulator. N prompts go to a Webhook → split → RunBlob Generate (Wait for Video) → NoOp workflow; the
// simulator finishes them in input order, in reverse order, or in a random order, with or without lost callbacks
// (10 % of the callbacks are never sent; never the last one to finish, which alone could resume the run). Every
// RunBlob API request of the run (creates and status reads) is counted in the simulator. The baseline is the
// classic polling loop — HTTP Request (create) → Wait → HTTP Request (status) → IF finished, else back to Wait — at
// RunBlob's suggested 5 s interval, over the same render times. Render times and the poll interval are both scaled
// by 1/25 (5 s → 200 ms, renders of 37–112 s → 1.5–4.5 s), so the number of polls per generation is what it would
// be unscaled, and the run takes seconds. Worker-seconds: how long the execution held a worker — the sum of its node
// run times for Wait for Video (the wait itself holds nothing), its whole duration for the polling loop (a Wait
// under 65 s keeps the execution in the process).
const flows = require('./lib/flows');
const { rng, ratio } = require('./lib/util');

const SCALE = 1 / 25;
const POLL_SECONDS = 5 * SCALE;
const RENDER_MIN_MS = 1500;
const RENDER_SPAN_MS = 3000;

const WF = {
	wait: flows.generateFlow('benchEconWait001', 'bench-econ-wait', { completion: 'waitForVideo' }),
	poll: (baseUrl) => flows.pollingFlow('benchEconPoll001', 'bench-econ-poll', baseUrl, POLL_SECONDS),
};

/** The workflows this benchmark needs in n8n (imported when n8n starts). */
const workflows = (simUrl) => [WF.wait, WF.poll(simUrl)];

/** The finishing rank (0 = first to finish) of each input position, per order. */
function ranks(order, n, random) {
	const idx = Array.from({ length: n }, (_, i) => i);
	if (order === 'in-order') return idx;
	if (order === 'reverse') return idx.map((i) => n - 1 - i);
	const perm = [...idx];
	for (let i = n - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[perm[i], perm[j]] = [perm[j], perm[i]];
	}
	return perm;
}

/**
 * @param {{ n8n: any, sim: any, log: (s: string) => void }} ctx
 * @param {{ n: number, orders: string[], lossShare: number, overlap?: boolean }} opts
 */
async function run(ctx, { n, orders, lossShare, overlap = false }) {
	const { log } = ctx;
	const random = rng(0xec0);
	// Scenario of each prompt: "<run>#<position>"; the simulator's timing and faults read it back.
	const scenarios = new Map();
	const parse = (prompt) => {
		const m = /^(\S+)#(\d+)$/.exec(prompt);
		return m ? { run: scenarios.get(m[1]), i: Number(m[2]) } : null;
	};
	const { sim, n8n } = ctx;
	sim.reset();
	sim.configure({
		videoSize: 64 * 1024,
		// Retries come quickly (× 0.01); the timeouts stay RunBlob's real 30 s / 10 s (they are scaled too).
		callbacks: { allowHttp: 'loopback', timeScale: 0.01, timeoutMs: 3_000_000, connectTimeoutMs: 1_000_000 },
		timing: (record) => {
			const p = parse(record.prompt);
			if (!p || !p.run) return { queueMs: 0, processingMs: 100 };
			return { queueMs: 0, processingMs: Math.max(50, p.run.renderMs[p.i] - (Date.now() - p.run.t0)) };
		},
		callbackFaults: (record) => {
			const p = parse(record.prompt);
			return p && p.run && p.run.lost.has(p.i) ? { drop: true } : null;
		},
	});
	const rows = [];
	let ok = true;
	const readId = (path) => /^\/v1\/sora\/generations\/([^/]+)\/?$/.exec(path)?.[1];
	/** The creates and status reads of a set of generations (a create by the id it answered with). */
	const requestsOf = (ids) => {
		const creates = sim.requests.filter(
			(r) => r.method === 'POST' && r.path === '/v1/sora/generate' && ids.has(r.createdId),
		);
		const reads = sim.requests.filter((r) => r.method === 'GET' && ids.has(readId(r.path)));
		return { creates, reads, requests: [...creates, ...reads] };
	};
	{
		const wait = WF.wait;
		const poll = WF.poll(sim.url);
		const runOnce = async (variant, order, lost) => {
			const name = `${variant}-${order}-${lost ? 'lost' : 'all'}-${Math.floor(random() * 1e9)}`;
			const rank = ranks(order, n, random);
			// Render time of each position measured from the start of the run: creates take time too, so the
			// finishing order is set on absolute times, not on each generation's own render time.
			const renderMs = rank.map((r) => RENDER_MIN_MS + (r * RENDER_SPAN_MS) / Math.max(1, n - 1));
			const lastRank = n - 1;
			const lostSet = new Set();
			if (lost) {
				const every = Math.round(1 / lossShare);
				rank.forEach((r, i) => {
					if (r !== lastRank && r % every === every - 1) lostSet.add(i);
				});
			}
			const scenario = { renderMs, lost: lostSet, t0: Date.now() };
			scenarios.set(name, scenario);
			const prompts = rank.map((_, i) => `${name}#${i}`);
			const wf = variant === 'wait' ? wait : poll;
			scenario.t0 = Date.now();
			const id = await flows.startRun(n8n, wf, { prompts });
			const execution = await flows.finishedExecution(n8n, id, 120_000);
			// Late answers to the run's requests (none expected) would still be logged now.
			await new Promise((r) => setTimeout(r, 300));
			// This run's requests, told apart by generation id (runs may overlap in quick mode).
			const mine = sim.generations().filter((g) => g.prompt.startsWith(`${name}#`));
			const ids = new Set(mine.map((g) => g.generation_id));
			const { creates, reads, requests } = requestsOf(ids);
			const out =
				variant === 'wait' ? flows.nodeOutput(execution, 'RunBlob') : flows.allNodeOutput(execution, 'Done');
			const completed = out.filter((item) => item.json.status === 'completed').length;
			const problems = [];
			if (execution.status !== 'success') problems.push(`execution ${execution.status}`);
			if (mine.length !== n) problems.push(`${mine.length} generations created, expected ${n}`);
			if (completed !== n) problems.push(`${completed} completed items in the output, expected ${n}`);
			// What the callbacks were answered (a 503 makes RunBlob deliver again, and the retry reads again).
			const answers = new Map();
			for (const d of sim.deliveries) {
				if (!ids.has(d.generation_id) || d.dropped) continue;
				const key = d.status ?? d.error ?? '?';
				answers.set(key, (answers.get(key) ?? 0) + 1);
			}
			const row = {
				variant,
				order,
				lost: lostSet.size,
				requests: requests.length,
				creates: creates.length,
				reads: reads.length,
				perGeneration: requests.length / n,
				ids,
				// What a loop that really polls every 5 s would send: a create plus one read per interval until done.
				idealPollPerGeneration:
					1 + renderMs.reduce((sum, ms) => sum + Math.ceil(ms / (POLL_SECONDS * 1000)), 0) / n,
				workerSeconds: (variant === 'wait' ? flows.busyMs(execution) : flows.wallMs(execution)) / 1000,
				wallSeconds: flows.wallMs(execution) / 1000,
				problems,
			};
			if (problems.length) ok = false;
			log(
				`  ${variant === 'wait' ? 'Wait for Video' : 'polling loop  '} ${order.padEnd(8)} ${lost ? `${String(lostSet.size).padStart(2)} lost` : 'no loss'}: ` +
					`${row.requests} requests (${row.creates} creates, ${row.reads} status reads) = ${row.perGeneration.toFixed(2)} per generation, ` +
					`worker-seconds ${row.workerSeconds.toFixed(1)}, wall ${row.wallSeconds.toFixed(1)} s` +
					(variant === 'wait' ? `, callbacks answered ${[...answers].map(([k, c]) => `${c} × ${k}`).join(', ')}` : '') +
					(variant === 'poll' ? ` (an exact 5 s loop: ${row.idealPollPerGeneration.toFixed(2)} per generation)` : '') +
					`${problems.length ? `  ← CHECK FAILED: ${problems.join('; ')}` : ''}`,
			);
			rows.push(row);
			return row;
		};
		const from = sim.requests.length;
		for (const order of orders) {
			const scenarioRuns = [
				() => runOnce('wait', order, false),
				() => runOnce('wait', order, true),
				() => runOnce('poll', order, false),
			];
			// Quick mode overlaps a scenario's three runs (the counts are per generation id, so they stay exact).
			if (overlap) await Promise.all(scenarioRuns.map((start) => start()));
			else for (const start of scenarioRuns) await start();
		}
		// Requests sent after a run ended still count for it (a callback in flight while the run resumed may read
		// siblings), and every request RunBlob received belongs to one of the runs: anything else is a request the
		// package should not have sent.
		await new Promise((r) => setTimeout(r, 1000));
		let attributed = 0;
		for (const row of rows) {
			const all = requestsOf(row.ids);
			const late = all.requests.length - row.requests;
			attributed += all.requests.length;
			if (late === 0) continue;
			Object.assign(row, {
				requests: all.requests.length,
				creates: all.creates.length,
				reads: all.reads.length,
				perGeneration: all.requests.length / n,
			});
			log(`  ${row.variant} ${row.order} ${row.lost} lost: ${late} more requests after the run ended → ${row.perGeneration.toFixed(2)} per generation`);
		}
		const strays = sim.requests.slice(from).length - attributed;
		if (strays !== 0) {
			ok = false;
			log(`  ← CHECK FAILED: ${strays} requests belong to no run's generations`);
		}
	}
	const waitRows = rows.filter((r) => r.variant === 'wait');
	const pollRows = rows.filter((r) => r.variant === 'poll');
	const mean = (list, f) => list.reduce((s, r) => s + f(r), 0) / list.length;
	const summary = {
		n,
		rows,
		waitMax: Math.max(...waitRows.map((r) => r.perGeneration)),
		waitMean: mean(waitRows, (r) => r.perGeneration),
		pollMean: mean(pollRows, (r) => r.perGeneration),
		pollIdeal: mean(pollRows, (r) => r.idealPollPerGeneration),
		waitWorkerSeconds: mean(waitRows, (r) => r.workerSeconds),
		pollWorkerSeconds: mean(pollRows, (r) => r.workerSeconds),
		ok,
	};
	// The target (issue 13): ≤ 2 requests per generation on average over the scenarios, creates included.
	summary.held = summary.waitMean <= 2;
	log(
		`RESULT economy: Wait for Video ${summary.waitMean.toFixed(2)} requests per generation on average (target ≤ 2 ${summary.held ? 'held' : 'MISSED'}; worst scenario ${summary.waitMax.toFixed(2)}) ` +
			`vs polling loop ${summary.pollMean.toFixed(2)} → ratio ${ratio(summary.waitMean / summary.pollMean)}; ` +
			`worker-seconds per run ${summary.waitWorkerSeconds.toFixed(1)} vs ${summary.pollWorkerSeconds.toFixed(1)}` +
			`${ok ? '' : '  ← CHECK FAILED'}`,
	);
	return summary;
}

module.exports = { run, workflows, SCALE };
