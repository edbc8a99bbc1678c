'use strict';
// Benchmark 2 — acknowledgement latency and de-duplication throughput of the RunBlob Trigger.
//
// One n8n runs two active workflows: RunBlob Trigger → NoOp (credential with a Callback Secret; the trigger URL is
// signed with signCallbackUrl from dist/) and, as the baseline, n8n's Webhook node (Respond: Immediately) → NoOp.
// N completed generations are created in the simulator; their callback payloads (exactly what RunBlob would send)
// are POSTed to both endpoints, together with M duplicate deliveries of already-sent ids placed at random later
// positions (some race their original, like RunBlob's concurrent duplicates). The load runs in ABBA phases
// (trigger, webhook, webhook, trigger) so drift over the run hits both endpoints alike. Every phase waits until
// n8n has finished the executions it started. Acknowledgement time = request written → full response received,
// on a fresh connection per request (as RunBlob sends them).
const http = require('node:http');

const { CALLBACKS, CALLBACK_SECRET } = require('./lib/workflows');
const { signCallbackUrl } = require('./lib/dist');
const { completedGenerations } = require('./lib/sim');
const { sleep, percentile, ms, ratio, pool, rng, timedPost } = require('./lib/util');

const FINISHED = ['success', 'error', 'crashed', 'canceled'];
const BUSY = ['new', 'running', 'waiting'];

/**
 * How many executions of a workflow have one of the statuses: the `count` of n8n's execution list
 * (GET /rest/executions, the endpoint the harness's executions() reads; executions() itself returns one page of at
 * most 100, and paging differs between n8n 2.8 (lastId) and 2.41 (cursor)). With a status filter the count is exact.
 */
async function countExecutions(n8n, workflowId, status) {
	const qs = new URLSearchParams({ filter: JSON.stringify({ workflowId, status }), limit: '1' });
	const data = (await n8n.rest('GET', `/executions?${qs}`))?.data;
	if (!data || typeof data.count !== 'number' || data.count < 0 || data.estimated) {
		throw new Error(
			`n8n returned no exact execution count: ${JSON.stringify(data)?.slice(0, 300)}`,
		);
	}
	return data.count;
}

async function executionCounts(n8n, workflowId) {
	const [success, finished, busy] = await Promise.all([
		countExecutions(n8n, workflowId, ['success']),
		countExecutions(n8n, workflowId, FINISHED),
		countExecutions(n8n, workflowId, BUSY),
	]);
	return { total: finished + busy, success, failed: finished - success, busy };
}

/** Waits until at least `expected` executions of the workflow exist and none is still running; returns the counts. */
async function settle(n8n, workflowId, expected, timeoutMs = 120_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const c = await executionCounts(n8n, workflowId);
		if ((c.total >= expected && c.busy === 0) || Date.now() > deadline) break;
		await sleep(250);
	}
	// Anything still arriving (a late duplicate that started a run) would show up now.
	await sleep(500);
	return executionCounts(n8n, workflowId);
}

/** N originals in order, each of the M duplicates inserted at a random position after its original. */
function deliverySequence(n, m, random) {
	const seq = Array.from({ length: n }, (_, i) => ({ index: i, duplicate: false }));
	for (let k = 0; k < m; k++) {
		const index = Math.floor(random() * n);
		const origin = seq.findIndex((d) => d.index === index && !d.duplicate);
		const at = origin + 1 + Math.floor(random() * (seq.length - origin));
		seq.splice(at, 0, { index, duplicate: true });
	}
	return seq;
}

/**
 * @param {{ n8n: any, sim: any, log: (s: string) => void }} ctx
 * @param {{ n: number, m: number, concurrency: number, warmup: number }} opts
 */
async function run(ctx, { n, m, concurrency, warmup }) {
	const { n8n, sim, log } = ctx;
	const random = rng(0x5eed);
	sim.configure({ videoSize: 1024 * 1024 });
	const gens = await completedGenerations(
		sim,
		Array.from({ length: n + warmup }, (_, i) => `bench callback #${i}`),
		{ timeoutMs: 120_000 },
	);
	const bodies = gens.map((g) => JSON.stringify(g.callback_payload));
	if (bodies.some((b) => !b || b === 'null'))
		throw new Error('a generation has no callback payload');
	const warmBodies = bodies.slice(n);
	const measured = bodies.slice(0, n);

	const triggerUrl = () =>
		signCallbackUrl(n8n.webhookUrl(CALLBACKS.triggerPath), CALLBACK_SECRET, Date.now());
	const webhookUrl = n8n.webhookUrl(CALLBACKS.webhookPath);
	const agent = new http.Agent({ keepAlive: false, maxSockets: concurrency });
	const headers = { 'user-agent': 'RunBlob-Webhook/1.0' };

	// Warm-up (JIT, caches, DB pages): both endpoints, distinct ids, same concurrency, not measured.
	await pool(warmBodies, concurrency, async (body) => {
		await timedPost(agent, triggerUrl(), body, headers);
		await timedPost(agent, webhookUrl, body, headers);
	});
	const before = {
		trigger: (await settle(n8n, CALLBACKS.trigger.id, warmup)).total,
		webhook: (await settle(n8n, CALLBACKS.webhook.id, warmup)).total,
	};

	const seq = deliverySequence(n, m, random);
	const half = Math.ceil(seq.length / 2);
	const parts = [seq.slice(0, half), seq.slice(half)];
	const phases = [
		{ target: 'trigger', part: 0 },
		{ target: 'webhook', part: 0 },
		{ target: 'webhook', part: 1 },
		{ target: 'trigger', part: 1 },
	];
	const res = { trigger: [], webhook: [] };
	const busyMs = { trigger: 0, webhook: 0 };
	const expected = { ...before };
	for (const phase of phases) {
		const jobs = parts[phase.part];
		const t0 = process.hrtime.bigint();
		const answers = await pool(jobs, concurrency, async (job) => {
			const url = phase.target === 'trigger' ? triggerUrl() : webhookUrl;
			const r = await timedPost(agent, url, measured[job.index], headers);
			return { ...r, job };
		});
		busyMs[phase.target] += Number(process.hrtime.bigint() - t0) / 1e6;
		res[phase.target].push(...answers);
		phase.answers = answers;
		// Let n8n finish (and save) what this phase started before the next phase is timed.
		expected[phase.target] +=
			phase.target === 'webhook' ? jobs.length : jobs.filter((j) => !j.duplicate).length;
		await settle(n8n, CALLBACKS[phase.target].id, expected[phase.target]);
	}
	// Rejects: the same bodies on URLs signed with another secret (what a forged or stale callback looks like). The
	// trigger answers 401 and starts nothing; the Webhook node gets the same bodies (each starts a run), ABBA again.
	const rejectCount = Math.max(2, m);
	const rejectUrl = () =>
		signCallbackUrl(n8n.webhookUrl(CALLBACKS.triggerPath), 'not-the-callback-secret', Date.now());
	const rejectParts = [
		Array.from({ length: Math.ceil(rejectCount / 2) }, (_, i) => i),
		Array.from({ length: Math.floor(rejectCount / 2) }, (_, i) => Math.ceil(rejectCount / 2) + i),
	];
	const rejects = { trigger: [], webhook: [] };
	for (const phase of [
		{ target: 'trigger', part: 0 },
		{ target: 'webhook', part: 0 },
		{ target: 'webhook', part: 1 },
		{ target: 'trigger', part: 1 },
	]) {
		const answers = await pool(rejectParts[phase.part], concurrency, async (k) => {
			const url = phase.target === 'trigger' ? rejectUrl() : webhookUrl;
			return timedPost(agent, url, measured[k % n], headers);
		});
		rejects[phase.target].push(...answers);
		if (phase.target === 'webhook') {
			expected.webhook += answers.length;
			await settle(n8n, CALLBACKS.webhook.id, expected.webhook);
		}
	}
	agent.destroy();
	const wrongRejects = rejects.trigger.filter((r) => r.status !== 401).length;

	const after = {
		trigger: await executionCounts(n8n, CALLBACKS.trigger.id),
		webhook: await executionCounts(n8n, CALLBACKS.webhook.id),
	};
	const started = {
		trigger: after.trigger.total - before.trigger,
		webhook: after.webhook.total - before.webhook - rejectCount,
	};
	const failedRuns =
		after.trigger.failed + after.webhook.failed + after.trigger.busy + after.webhook.busy;

	const bad = [...res.trigger, ...res.webhook, ...rejects.webhook].filter((r) => r.status !== 200);
	const isDup = (r) => /"duplicate"\s*:\s*true/.test(r.text);
	const trigNew = res.trigger.filter((r) => !isDup(r));
	const trigDup = res.trigger.filter(isDup);
	const lat = (list) => list.map((r) => r.ms);
	const stats = (list) => ({
		count: list.length,
		p50: percentile(lat(list), 50),
		p95: percentile(lat(list), 95),
	});
	const summary = {
		n,
		m,
		concurrency,
		trigger: stats(res.trigger),
		triggerNew: stats(trigNew),
		triggerDuplicate: stats(trigDup),
		webhook: stats(res.webhook),
		reject: stats(rejects.trigger),
		rejectWebhook: stats(rejects.webhook),
		wrongRejects,
		throughput: {
			trigger: (res.trigger.length / busyMs.trigger) * 1000,
			webhook: (res.webhook.length / busyMs.webhook) * 1000,
		},
		started,
		duplicatesAcknowledged: trigDup.length,
		failedRuns,
		errors: bad.length,
	};
	summary.ratioP50 = summary.trigger.p50 / summary.webhook.p50;
	summary.ratioNewP50 = summary.triggerNew.p50 / summary.webhook.p50;
	summary.ratioDuplicateP50 = summary.triggerDuplicate.p50 / summary.webhook.p50;
	summary.ratioRejectP50 = summary.reject.p50 / summary.rejectWebhook.p50;
	summary.ratioP95 = summary.trigger.p95 / summary.webhook.p95;
	summary.throughputRatio = summary.throughput.trigger / summary.throughput.webhook;
	summary.ok =
		started.trigger === n &&
		trigDup.length === m &&
		bad.length === 0 &&
		wrongRejects === 0 &&
		failedRuns === 0 &&
		started.webhook === n + m;

	log(
		`  trigger: ${res.trigger.length} callbacks (${n} new, ${m} duplicates), webhook: ${res.webhook.length} requests, ` +
			`concurrency ${concurrency}, ABBA phases`,
	);
	for (const [i, phase] of phases.entries()) {
		const a = phase.answers;
		const fresh = a.filter((r) => !isDup(r));
		log(
			`  phase ${i + 1} ${phase.target.padEnd(7)} ${String(a.length).padStart(4)} requests: p50 ${ms(percentile(lat(a), 50))}, ` +
				`p95 ${ms(percentile(lat(a), 95))}` +
				(phase.target === 'trigger'
					? `; new ids p50 ${ms(percentile(lat(fresh), 50))} (${fresh.length})`
					: ''),
		);
	}
	log(
		`  RunBlob Trigger  all p50 ${ms(summary.trigger.p50)} p95 ${ms(summary.trigger.p95)} | new p50 ${ms(summary.triggerNew.p50)} ` +
			`p95 ${ms(summary.triggerNew.p95)} | duplicate p50 ${ms(summary.triggerDuplicate.p50)} p95 ${ms(summary.triggerDuplicate.p95)} | ` +
			`${summary.throughput.trigger.toFixed(0)} req/s`,
	);
	log(
		`  Webhook node     all p50 ${ms(summary.webhook.p50)} p95 ${ms(summary.webhook.p95)} | ${summary.throughput.webhook.toFixed(0)} req/s`,
	);
	log(
		`  Rejects (bad signature) p50 ${ms(summary.reject.p50)} p95 ${ms(summary.reject.p95)} (${rejects.trigger.length}, ${wrongRejects} not 401) | ` +
			`Webhook node, same bodies, p50 ${ms(summary.rejectWebhook.p50)}`,
	);
	log(
		`RESULT trigger: ack p50 ${ms(summary.trigger.p50)} vs Webhook node ${ms(summary.webhook.p50)} → ratio ${ratio(summary.ratioP50)} ` +
			`(p95 ratio ${ratio(summary.ratioP95)}; new-callback p50 ratio ${ratio(summary.ratioNewP50)}; duplicate ${ratio(summary.ratioDuplicateP50)}; reject ${ratio(summary.ratioRejectP50)}); ` +
			`executions started ${started.trigger} (expected ${n}), duplicates acknowledged without a run ${trigDup.length}/${m}, ` +
			`webhook executions ${started.webhook}/${n + m}, non-200 answers ${bad.length}, failed runs ${failedRuns}` +
			`${summary.ok ? '' : '  ← CHECK FAILED'}`,
	);
	if (bad.length) log(`  first non-200 answer: ${bad[0].status} ${bad[0].text.slice(0, 300)}`);
	return summary;
}

module.exports = { run };
