'use strict';
// Benchmark 1 — streamed download memory.
//
// A real n8n downloads a simulator CDN video of the same size with three workflows, each measurement in a freshly
// restarted n8n process (so one variant's leftovers never flatter or burden the next):
//   RunBlob Download        Webhook (respond when the last node finishes) → RunBlob "Download" by Video URL
//   RunBlob Trigger         a signed callback → RunBlob Trigger with "Download Video" (answers, then downloads)
//   HTTP Request (baseline) Webhook (respond when the last node finishes) → HTTP Request node, Response Format "File"
// All three end in n8n's prepareBinaryData in filesystem binary-data mode. While a download runs, the n8n main
// process's VmRSS is read from /proc every 50 ms. Peak RSS growth = highest sample − median RSS of the quiet second
// before the request. VmHWM (reset before the request) is read afterwards as a cross-check that sampling missed no
// spike. Every run must store exactly the file's size on disk (checked, then the file is deleted).
const fs = require('node:fs');
const path = require('node:path');

const { DOWNLOAD, CALLBACK_SECRET } = require('./lib/workflows');
const { signCallbackUrl } = require('./lib/dist');
const { completedGenerations } = require('./lib/sim');
const { sleep, MiB, sampleRss, quietRss, mib, ratio, frac } = require('./lib/util');

/** The file n8n's filesystem binary mode wrote for a binary id (`filesystem-v2:<path>`). */
function binaryFile(userFolder, binaryId) {
	const relative = String(binaryId).slice(String(binaryId).indexOf(':') + 1);
	const candidates = ['storage', 'binaryData'].map((dir) =>
		path.join(userFolder, '.n8n', dir, relative),
	);
	return candidates.find((file) => fs.existsSync(file)) ?? candidates[0];
}

/** Webhook (lastNode) → node: the HTTP answer arrives when the download is stored. */
async function viaWebhook(n8n, workflow, generation) {
	const webhookPath = workflow.nodes[0].parameters.path;
	const res = await n8n.http('POST', n8n.webhookUrl(webhookPath), {
		body: { url: generation.video_url },
		timeoutMs: 10 * 60_000,
	});
	if (res.status !== 200)
		throw new Error(`${workflow.name}: webhook answered ${res.status}: ${res.text.slice(0, 500)}`);
}

/** RunBlob's callback → trigger: the answer comes first; done when the CDN sent everything and the run has ended. */
async function viaCallback(n8n, sim, generation) {
	const known = new Set(
		(await n8n.executions({ workflowId: DOWNLOAD.trigger.id })).map((e) => e.id),
	);
	const sentAt = Date.now();
	const url = signCallbackUrl(n8n.webhookUrl(DOWNLOAD.triggerPath), CALLBACK_SECRET, sentAt);
	const res = await n8n.http('POST', url, {
		body: generation.callback_payload,
		headers: { 'user-agent': 'RunBlob-Webhook/1.0' },
	});
	if (res.status !== 200)
		throw new Error(`trigger answered ${res.status}: ${res.text.slice(0, 500)}`);
	// Poll n8n only once the CDN has finished sending, so the polling itself does not run during the download.
	const cdn = await sim.waitFor(
		() =>
			sim.cdnRequests.find(
				(r) =>
					r.path === generation.video_path &&
					r.method === 'GET' &&
					r.startedAt >= sentAt &&
					r.finishedAt &&
					r.bytesSent >= generation.video_size,
			),
		10 * 60_000,
	);
	await n8n.waitForExecution(
		(e) => !known.has(e.id) && !['new', 'running'].includes(e.status),
		10 * 60_000,
		{
			workflowId: DOWNLOAD.trigger.id,
			includeData: false,
			intervalMs: 100,
		},
	);
	return { streamedAt: cdn.finishedAt };
}

const VARIANTS = [
	{
		key: 'runblob',
		label: 'RunBlob Download',
		workflow: DOWNLOAD.runblob,
		node: 'RunBlob',
		download: (ctx, gen) => viaWebhook(ctx.n8n, DOWNLOAD.runblob, gen),
	},
	{
		key: 'trigger',
		label: 'RunBlob Trigger',
		workflow: DOWNLOAD.trigger,
		node: 'RunBlob Trigger',
		download: (ctx, gen) => viaCallback(ctx.n8n, ctx.sim, gen),
	},
	{
		key: 'httpRequest',
		label: 'HTTP Request (file)',
		workflow: DOWNLOAD.httpRequest,
		node: 'HTTP Request',
		download: (ctx, gen) => viaWebhook(ctx.n8n, DOWNLOAD.httpRequest, gen),
	},
];

/** Observations worth printing once (not errors). */
const notes = new Set();

/** Checks that the newest execution of the variant succeeded and stored exactly `size` bytes; deletes the file. */
async function verifyStored(n8n, variant, size) {
	const [latest] = await n8n.executions({ workflowId: variant.workflow.id, limit: 1 });
	if (!latest) throw new Error(`${variant.label}: no execution found`);
	const execution = await n8n.execution(latest.id);
	if (execution.status !== 'success')
		throw new Error(`${variant.label}: execution ${latest.id} is ${execution.status}`);
	const item = execution.data?.resultData?.runData?.[variant.node]?.[0]?.data?.main?.[0]?.[0];
	if (item?.json?.download_error)
		throw new Error(`${variant.label}: download_error ${item.json.download_error}`);
	const binary = item?.binary?.data;
	if (!binary?.id)
		throw new Error(`${variant.label}: no binary data reference in execution ${latest.id}`);
	let file = binaryFile(n8n.userFolder, binary.id);
	// For webhook-started runs n8n moves files written before the execution existed (…/executions/temp/…) into the
	// execution's folder once it is saved (restoreBinaryDataId); the reference we read may predate the move.
	if (!fs.existsSync(file) && binary.id.includes('/temp/')) {
		file = binaryFile(n8n.userFolder, binary.id.replace('/temp/', `/${latest.id}/`));
		notes.add(
			`note: n8n left the saved ${variant.label} execution's binary reference at executions/temp/… after moving the ` +
				'file into the execution folder (its restoreBinaryDataId renames once per node sharing the id and loses the race)',
		);
	}
	const stored = fs.statSync(file).size;
	if (stored !== size)
		throw new Error(`${variant.label}: stored ${stored} bytes, expected ${size} (${file})`);
	fs.rmSync(file, { force: true });
	return stored;
}

async function measureOnce(ctx, variant, gens, restart) {
	const { n8n, log } = ctx;
	if (restart) await n8n.restart();
	const pid = n8n.pid();
	// Warm-up in the fresh process: loads the node's code paths and n8n's binary-data service with a 1 MiB file.
	await variant.download(ctx, gens.warmup);
	await verifyStored(n8n, variant, gens.warmup.video_size);
	await sleep(1000);
	const baseline = await quietRss(pid, 1000);
	const sampler = sampleRss(pid, 50);
	const t0 = Date.now();
	const info = (await variant.download(ctx, gens.big)) || {};
	const seconds = (Date.now() - t0) / 1000;
	const rss = sampler.stop();
	// For the trigger: the part of the peak reached while the video was still streaming (before the run finished).
	const streamingGrowth = info.streamedAt ? rss.peakUntil(info.streamedAt) - baseline : null;
	const stored = await verifyStored(n8n, variant, gens.big.video_size);
	const result = {
		variant: variant.key,
		baseline,
		peak: rss.peak,
		growth: rss.peak - baseline,
		hwmGrowth: rss.hwm === null ? null : rss.hwm - baseline,
		samples: rss.samples,
		streamingGrowth,
		seconds,
		mibPerSecond: stored / MiB / seconds,
	};
	log(
		`  ${variant.label.padEnd(20)} peak RSS growth ${mib(result.growth).padStart(10)} (VmHWM ${result.hwmGrowth === null ? 'n/a' : mib(result.hwmGrowth)}), ` +
			`${streamingGrowth === null ? '' : `until the CDN finished ${mib(streamingGrowth)}, `}` +
			`baseline ${mib(baseline)}, ${seconds.toFixed(1)} s (${result.mibPerSecond.toFixed(0)} MiB/s), ${rss.samples} samples`,
	);
	return result;
}

/**
 * @param {{ n8n: any, sim: any, log: (s: string) => void }} ctx
 * @param {{ size: number, reps: number, restart: boolean }} opts (quick mode: no restarts, the warm-up still runs)
 */
async function run(ctx, { size, reps, restart }) {
	const { sim, log } = ctx;
	const warmupSize = 1 * MiB;
	sim.configure({ videoSize: (record) => (/warm-up/.test(record.prompt) ? warmupSize : size) });
	// One pair per repetition: the trigger de-duplicates by generation id, so each callback needs a fresh one.
	const prompts = [];
	for (let r = 0; r < reps; r++)
		prompts.push(`bench download warm-up ${r}`, `bench download measured ${r}`);
	const generated = await completedGenerations(sim, prompts);
	log(
		`download: ${mib(size)} per run from the simulator CDN, ${reps} repetition(s), ${restart ? 'every run in a restarted n8n' : 'all in one n8n (quick mode)'}`,
	);

	const runs = Object.fromEntries(VARIANTS.map((v) => [v.key, []]));
	for (let r = 0; r < reps; r++) {
		const gens = { warmup: generated[2 * r], big: generated[2 * r + 1] };
		// Rotate the order so no variant always runs first.
		const order = VARIANTS.map((_, i) => VARIANTS[(i + r) % VARIANTS.length]);
		for (const variant of order) runs[variant.key].push(await measureOnce(ctx, variant, gens, restart));
	}
	for (const note of notes) log(`  ${note}`);
	// The largest growth of each variant is the one that counts for a memory bound.
	const worst = (list) => list.reduce((a, b) => (b.growth > a.growth ? b : a));
	const ours = worst(runs.runblob);
	const trigger = worst(runs.trigger);
	const base = worst(runs.httpRequest);
	const median = (list) => {
		const v = list.map((x) => x.mibPerSecond).sort((a, b) => a - b);
		return v[Math.floor(v.length / 2)];
	};
	const summary = {
		size,
		mibPerSecond: {
			runblob: median(runs.runblob),
			trigger: median(runs.trigger),
			httpRequest: median(runs.httpRequest),
		},
		reps,
		ours,
		trigger,
		base,
		oursPerFile: ours.growth / size,
		triggerPerFile: trigger.growth / size,
		basePerFile: base.growth / size,
		oursVsBase: ours.growth / base.growth,
		triggerVsBase: trigger.growth / base.growth,
		runs,
	};
	log(
		`RESULT download ${mib(size)}: peak RSS growth RunBlob Download ${mib(ours.growth)} (${frac(summary.oursPerFile)} × file size), ` +
			`RunBlob Trigger Download Video ${mib(trigger.growth)} (${frac(summary.triggerPerFile)} × file size), ` +
			`HTTP Request node ${mib(base.growth)} (${frac(summary.basePerFile)} × file size); ` +
			`ours ÷ HTTP Request = ${ratio(summary.oursVsBase)} (Download), ${ratio(summary.triggerVsBase)} (Trigger)`,
	);
	return summary;
}

module.exports = { run };
