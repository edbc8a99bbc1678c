'use strict';
// Benchmark 4 — parallel submission in Generate.
//
// One n8n, one simulator whose create call answers after a fixed latency (an injected delay fault on
// POST /v1/sora/generate). N prompts go through Webhook → split → RunBlob Generate (Don't Wait) → NoOp, twice in the
// same run: with Generate's default submission concurrency, and with "Parallel Submissions" = 1 (one at a time, the
// baseline). A third run answers 429 to a share of the creates (Retry-After 1 s): it must end with 0 failures, every
// item paired with its own prompt, and exactly one generation per prompt in the simulator (no duplicate creates).
const flows = require('./lib/flows');
const { ratio } = require('./lib/util');

const WF = {
	parallel: flows.generateFlow('benchSubmitPar01', 'bench-submit-parallel', { completion: 'dontWait' }),
	serial: flows.generateFlow('benchSubmitSer01', 'bench-submit-serial', {
		completion: 'dontWait',
		submissionConcurrency: 1,
	}),
};

/**
 * @param {{ n8n: any, sim: any, log: (s: string) => void }} ctx
 * @param {{ n: number, latencyMs: number, share429: number }} opts
 */
async function run(ctx, { n, latencyMs, share429 }) {
	const { log } = ctx;
	const { sim, n8n } = ctx;
	let ok = true;
	const runs = {};
	{
		const create = { method: 'POST', path: '/v1/sora/generate' };
		const once = async (label, wf, faults) => {
			sim.reset();
			sim.configure({ retryAfterSeconds: 1, timing: { queueMs: 600_000, processingMs: 60_000 } });
			sim.injectFaults(faults);
			const prompts = Array.from({ length: n }, (_, i) => `${label} #${i}`);
			const id = await flows.startRun(n8n, wf, { prompts });
			const execution = await flows.finishedExecution(n8n, id, 300_000, 100);
			const out = flows.nodeOutput(execution, 'RunBlob');
			const gens = sim.generations();
			const perPrompt = new Map();
			for (const g of gens) perPrompt.set(g.prompt, (perPrompt.get(g.prompt) ?? 0) + 1);
			const duplicates = [...perPrompt.values()].reduce((s, c) => s + Math.max(0, c - 1), 0);
			const byId = new Map(gens.map((g) => [g.generation_id, g.prompt]));
			const misPaired = out.filter(
				(item, i) => item.json.prompt !== prompts[i] || byId.get(item.json.generation_id) !== prompts[i],
			).length;
			const creates = sim.requests.filter((r) => r.method === 'POST' && r.path === create.path);
			const refused = creates.filter((r) => r.status === 429).length;
			const problems = [];
			if (execution.status !== 'success') problems.push(`execution ${execution.status}`);
			if (out.length !== n) problems.push(`${out.length} items out, expected ${n}`);
			if (gens.length !== n) problems.push(`${gens.length} generations created, expected ${n}`);
			if (duplicates) problems.push(`${duplicates} duplicate creates`);
			if (misPaired) problems.push(`${misPaired} items out of order or paired with the wrong generation`);
			if (problems.length) ok = false;
			// Node run time: from the RunBlob node's start to its end (without n8n's start-up of the run).
			const node = execution.data.resultData.runData.RunBlob?.[0];
			const seconds = (node?.executionTime ?? flows.wallMs(execution)) / 1000;
			const r = { seconds, creates: creates.length, refused, duplicates, generations: gens.length, problems };
			log(
				`  ${label.padEnd(24)} ${n} items: RunBlob node ${seconds.toFixed(2)} s, ${creates.length} create calls (${refused} answered 429), ` +
					`${gens.length} generations, ${duplicates} duplicates${problems.length ? `  ← CHECK FAILED: ${problems.join('; ')}` : ''}`,
			);
			return r;
		};
		const latency = { ...create, delayMs: latencyMs, count: 100_000 };
		runs.serial = await once('one at a time', WF.serial, [latency]);
		runs.parallel = await once('default concurrency', WF.parallel, [latency]);
		// Every k-th create is refused with 429 (before RunBlob acts on it); the rest answer after the latency.
		const every = Math.max(2, Math.round(1 / share429));
		const pattern = [];
		for (let i = 0; i < 4 * n; i++) {
			pattern.push(
				i % every === 0
					? { ...create, status: 429, delayMs: latencyMs }
					: { ...create, delayMs: latencyMs },
			);
		}
		runs.throttled = await once(`${Math.round(100 / every)} % answered 429`, WF.parallel, pattern);
	}
	const speedup = runs.serial.seconds / runs.parallel.seconds;
	const summary = { n, latencyMs, ...runs, speedup, held: speedup >= 4, ok };
	log(
		`RESULT submit: ${n} items at ${latencyMs} ms per create: ${runs.parallel.seconds.toFixed(2)} s vs one at a time ${runs.serial.seconds.toFixed(2)} s → ` +
			`${ratio(speedup)}× faster (target ≥ 4 ${summary.held ? 'held' : 'MISSED'}); with 429s: ${runs.throttled.refused} refused creates, ` +
			`${runs.throttled.problems.length ? runs.throttled.problems.join('; ') : '0 failures, 0 duplicate creates'}${ok ? '' : '  ← CHECK FAILED'}`,
	);
	return summary;
}

/** The workflows this benchmark needs in n8n (imported when n8n starts). */
const workflows = () => [WF.parallel, WF.serial];

module.exports = { run, workflows };
