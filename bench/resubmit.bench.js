'use strict';
// Benchmark 6 — a batch that finishes despite transient failures: "Wait for Video" with Resubmit Failed Generations
// against the retry loop an n8n user builds by hand (HTTP Request create → Wait → HTTP Request status → IF finished,
// else back to Wait → IF failed → back to the create, else Done), in the same run.
//
// N prompts, 10 % of them fail once with an upstream error (the simulator's transient failures) and complete when
// submitted again. Counted in the simulator, per finished video: creates, and every RunBlob API request (creates and
// status reads). Render times and the loop's 5 s poll interval are scaled by 1/25 as in the economy benchmark, so the
// loop polls as often per render as it would unscaled. Checked: every prompt ends with exactly one completed video,
// each transient failure was submitted again exactly once, and no other prompt was submitted twice.
const flows = require('./lib/flows');
const { ratio } = require('./lib/util');

const SCALE = 1 / 25;
const POLL_SECONDS = 5 * SCALE;
const RENDER_MIN_MS = 1500;
const RENDER_SPAN_MS = 3000;

const WF = {
	wait: flows.generateFlow('benchResubWait01', 'bench-resub-wait', {
		completion: 'waitForVideo',
		waitOptions: { resubmitAttempts: 1 },
	}),
	loop: (baseUrl) => flows.retryLoopFlow('benchResubLoop01', 'bench-resub-loop', baseUrl, POLL_SECONDS),
};

// The node's version 2 holds the option: the generate flow's node is made version 2 (model Sora 2, as version 1).
WF.wait.nodes.find((node) => node.name === 'RunBlob').typeVersion = 2;
Object.assign(WF.wait.nodes.find((node) => node.name === 'RunBlob').parameters, { model: 'sora-2' });

const workflows = (simUrl) => [WF.wait, WF.loop(simUrl)];

/**
 * @param {{ n8n: any, sim: any, log: (s: string) => void }} ctx
 * @param {{ n: number, failShare: number, overlap?: boolean }} opts
 */
async function run(ctx, { n, failShare, overlap = false }) {
	const { sim, n8n, log } = ctx;
	const scenarios = new Map();
	const parse = (prompt) => {
		const m = /^(\S+)#(\d+)$/.exec(prompt);
		return m ? { run: scenarios.get(m[1]), i: Number(m[2]) } : null;
	};
	sim.reset();
	sim.configure({
		videoSize: 64 * 1024,
		callbacks: { allowHttp: 'loopback', timeScale: 0.01, timeoutMs: 3_000_000, connectTimeoutMs: 1_000_000 },
		timing: (record) => {
			const p = parse(record.prompt);
			if (!p || !p.run) return { queueMs: 0, processingMs: 100 };
			return { queueMs: 0, processingMs: p.run.renderMs[p.i] };
		},
		// The flaky prompts fail their first generation only (an upstream error a second try fixes).
		outcome: (record) => {
			const p = parse(record.prompt);
			if (!p || !p.run || !p.run.flaky.has(p.i) || p.run.failed.has(p.i)) return { status: 'completed' };
			p.run.failed.add(p.i);
			return { status: 'failed', error_message: 'Generation failed: upstream error' };
		},
	});
	const every = Math.round(1 / failShare);
	const rows = [];
	let ok = true;
	const readId = (path) => /^\/v1\/sora\/generations\/([^/]+)\/?$/.exec(path)?.[1];
	const runOnce = async (variant) => {
		const name = `${variant}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`;
		const renderMs = Array.from({ length: n }, (_, i) => RENDER_MIN_MS + ((i * 7) % n) * (RENDER_SPAN_MS / n));
		const flaky = new Set(Array.from({ length: n }, (_, i) => i).filter((i) => i % every === every - 1));
		scenarios.set(name, { renderMs, flaky, failed: new Set() });
		const prompts = renderMs.map((_, i) => `${name}#${i}`);
		const wf = variant === 'wait' ? WF.wait : WF.loop(sim.url);
		const id = await flows.startRun(n8n, wf, { prompts });
		const execution = await flows.finishedExecution(n8n, id, 180_000);
		await new Promise((r) => setTimeout(r, 300));
		return { variant, name, n, flaky, execution };
	};
	const variants = ['wait', 'loop'];
	const runs = overlap
		? await Promise.all(variants.map(runOnce))
		: [await runOnce('wait'), await runOnce('loop')];
	// Late requests (a callback in flight while a run resumed) still count for their run.
	await new Promise((r) => setTimeout(r, 1000));
	for (const { variant, name, flaky, execution } of runs) {
		const mine = sim.generations().filter((g) => g.prompt.startsWith(`${name}#`));
		const ids = new Set(mine.map((g) => g.generation_id));
		const creates = sim.requests.filter((r) => r.method === 'POST' && r.path === '/v1/sora/generate' && ids.has(r.createdId));
		const reads = sim.requests.filter((r) => r.method === 'GET' && ids.has(readId(r.path)));
		const out = variant === 'wait' ? flows.nodeOutput(execution, 'RunBlob') : flows.allNodeOutput(execution, 'Done');
		const videos = out.filter((item) => item.json.status === 'completed');
		const problems = [];
		if (execution.status !== 'success') problems.push(`execution ${execution.status}`);
		if (videos.length !== n) problems.push(`${videos.length} videos in the output, expected ${n}`);
		if (mine.length !== n + flaky.size) problems.push(`${mine.length} generations, expected ${n + flaky.size}`);
		const perPrompt = new Map();
		for (const g of mine) perPrompt.set(g.prompt, (perPrompt.get(g.prompt) ?? 0) + 1);
		const twice = [...perPrompt].filter(([, c]) => c > 2).length;
		if (twice) problems.push(`${twice} prompts submitted more than twice`);
		if (variant === 'wait') {
			const unpaired = out.filter((item, i) => item.pairedItem?.item !== i || item.json.prompt !== `${name}#${i}`);
			if (unpaired.length) problems.push(`${unpaired.length} items not paired with their input`);
		}
		if (problems.length) ok = false;
		const row = {
			variant,
			creates: creates.length,
			requests: creates.length + reads.length,
			createsPerVideo: creates.length / Math.max(1, videos.length),
			requestsPerVideo: (creates.length + reads.length) / Math.max(1, videos.length),
			workerSeconds: (variant === 'wait' ? flows.busyMs(execution) : flows.wallMs(execution)) / 1000,
			problems,
		};
		rows.push(row);
		log(
			`  ${variant === 'wait' ? 'Wait for Video + Resubmit' : 'hand-built retry loop    '}: ${videos.length} videos, ${row.creates} creates, ` +
				`${row.requests} requests = ${row.createsPerVideo.toFixed(2)} creates and ${row.requestsPerVideo.toFixed(2)} requests per video, ` +
				`worker-seconds ${row.workerSeconds.toFixed(1)}${problems.length ? `  ← CHECK FAILED: ${problems.join('; ')}` : ''}`,
		);
	}
	const [wait, loop] = variants.map((v) => rows.find((r) => r.variant === v));
	const summary = { n, failShare, wait, loop, ok };
	log(
		`RESULT resubmit: Wait for Video + Resubmit ${wait.requestsPerVideo.toFixed(2)} requests (${wait.createsPerVideo.toFixed(2)} creates) per video ` +
			`vs hand-built retry loop ${loop.requestsPerVideo.toFixed(2)} (${loop.createsPerVideo.toFixed(2)}) → ratio ${ratio(wait.requestsPerVideo / loop.requestsPerVideo)}` +
			`${ok ? '' : '  ← CHECK FAILED'}`,
	);
	return summary;
}

module.exports = { run, workflows };
