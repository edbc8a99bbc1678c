'use strict';
// The summary table of bench/run.js: one row per measurement and n8n version, with the baseline of the same run, the
// ratio and whether the target of issue 13 held.
const { mib, ms, ratio, frac } = require('./util');

/** Targets per n8n version (`current` = 2.41, `oldest` = 2.8) for the trigger's acknowledgement ratios. */
const TRIGGER_TARGETS = {
	current: { fresh: 1.5, duplicate: 1.1, reject: 1.1 },
	oldest: { fresh: 1.05, duplicate: 1.05, reject: 1.05 },
};

const verdict = (held, target) => `${target}: ${held ? 'held' : 'MISSED'}`;
const atMost = (value, max) => `≤ ${max}: ${Number.isFinite(value) && value <= max ? 'held' : 'MISSED'}`;

function table(rows) {
	const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
	const line = (r) => `| ${r.map((cell, c) => String(cell).padEnd(widths[c])).join(' | ')} |`;
	return [
		line(rows[0]),
		`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
		...rows.slice(1).map(line),
	].join('\n');
}

/** @param {Array<{ runtime: string, version: string, results: Record<string, any> }>} all */
function summaryRows(all) {
	const rows = [['benchmark', 'n8n', 'RunBlob package', 'baseline (same run)', 'ratio', 'target']];
	const crashed = (name, v) => rows.push([name, v, 'CRASHED', '', '', 'MISSED']);
	for (const { runtime, version, results } of all) {
		const v = version;
		const w = results.waiting;
		if (w?.error) crashed('waiting cost', v);
		else if (w) {
			rows.push([
				`waiting: RSS growth, ${w.n} parked runs`,
				v,
				`Wait for Video ${mib(w.growth.ours)}`,
				`Wait node "On Webhook Call" ${mib(w.growth.base)}`,
				ratio(w.growth.ours / w.growth.base),
				verdict(w.rssHeld, `within noise (${mib(w.noise)})`),
			]);
			rows.push([
				'waiting: database per waiting run',
				v,
				`${w.db.ours.rows.toFixed(1)} rows, ${(w.db.ours.bytes / 1024).toFixed(1)} KiB`,
				`${w.db.base.rows.toFixed(1)} rows, ${(w.db.base.bytes / 1024).toFixed(1)} KiB`,
				ratio(w.db.ours.bytes / w.db.base.bytes),
				'–',
			]);
			rows.push([
				'waiting: last callback → run finished, p50',
				v,
				ms(w.latency.ours.p50),
				`resume URL ${ms(w.latency.base.p50)}`,
				ratio(w.latencyRatio),
				atMost(w.latencyRatio, 1.2),
			]);
			rows.push(['waiting: correctness', v, w.ok ? 'every run resumed once' : 'FAILED', '', '', w.ok ? 'OK' : 'CHECK FAILED']);
		}
		const e = results.economy;
		if (e?.error) crashed('API economy', v);
		else if (e) {
			rows.push([
				`economy: API requests per generation (N=${e.n})`,
				v,
				`Wait for Video ${e.waitMean.toFixed(2)} on average (worst scenario ${e.waitMax.toFixed(2)})`,
				`polling loop at 5 s ${e.pollMean.toFixed(2)} (exact 5 s: ${e.pollIdeal.toFixed(2)})`,
				ratio(e.waitMean / e.pollMean),
				atMost(e.waitMean, 2),
			]);
			rows.push([
				'economy: worker-seconds per run',
				v,
				`${e.waitWorkerSeconds.toFixed(2)} s`,
				`${e.pollWorkerSeconds.toFixed(1)} s (scaled 1/25)`,
				frac(e.waitWorkerSeconds / e.pollWorkerSeconds),
				'–',
			]);
			rows.push(['economy: correctness', v, e.ok ? 'N generations, N videos, every run' : 'FAILED', '', '', e.ok ? 'OK' : 'CHECK FAILED']);
		}
		const r = results.resubmit;
		if (r?.error) crashed('resubmit failed generations', v);
		else if (r) {
			rows.push([
				`resubmit: requests per video (N=${r.n}, ${Math.round(r.failShare * 100)} % transient failures)`,
				v,
				`Wait for Video + Resubmit ${r.wait.requestsPerVideo.toFixed(2)} (${r.wait.createsPerVideo.toFixed(2)} creates)`,
				`hand-built retry loop ${r.loop.requestsPerVideo.toFixed(2)} (${r.loop.createsPerVideo.toFixed(2)} creates)`,
				ratio(r.wait.requestsPerVideo / r.loop.requestsPerVideo),
				'–',
			]);
			rows.push(['resubmit: correctness', v, r.ok ? 'N videos, each failure resubmitted once, paired' : 'FAILED', '', '', r.ok ? 'OK' : 'CHECK FAILED']);
		}
		const s = results.submit;
		if (s?.error) crashed('parallel submission', v);
		else if (s) {
			rows.push([
				`submit: ${s.n} items, ${s.latencyMs} ms per create`,
				v,
				`${s.parallel.seconds.toFixed(2)} s`,
				`one at a time ${s.serial.seconds.toFixed(2)} s`,
				`${ratio(s.speedup)}× faster`,
				verdict(s.held, '≥ 4×'),
			]);
			const t = s.throttled;
			rows.push([
				'submit: with 429s',
				v,
				`${t.refused} creates refused, ${t.problems.length ? t.problems.join('; ') : '0 failures, 0 duplicates'}`,
				'',
				'',
				t.problems.length ? 'CHECK FAILED' : 'OK',
			]);
		}
		const t = results.trigger;
		const target = TRIGGER_TARGETS[runtime];
		if (t?.error) crashed('trigger', v);
		else if (t) {
			rows.push([
				`trigger ack p50, new callbacks (${t.n}, c=${t.concurrency})`,
				v,
				ms(t.triggerNew.p50),
				`Webhook node ${ms(t.webhook.p50)}`,
				ratio(t.ratioNewP50),
				atMost(t.ratioNewP50, target.fresh),
			]);
			rows.push([
				`trigger ack p50, duplicates (${t.m})`,
				v,
				ms(t.triggerDuplicate.p50),
				`Webhook node ${ms(t.webhook.p50)}`,
				ratio(t.ratioDuplicateP50),
				atMost(t.ratioDuplicateP50, target.duplicate),
			]);
			rows.push([
				`trigger ack p50, rejects (bad signature, ${t.reject.count})`,
				v,
				ms(t.reject.p50),
				`Webhook node ${ms(t.rejectWebhook.p50)}`,
				ratio(t.ratioRejectP50),
				atMost(t.ratioRejectP50, target.reject),
			]);
			rows.push([
				'trigger ack p50 / p95, all',
				v,
				`${ms(t.trigger.p50)} / ${ms(t.trigger.p95)}`,
				`${ms(t.webhook.p50)} / ${ms(t.webhook.p95)}`,
				`${ratio(t.ratioP50)} / ${ratio(t.ratioP95)}`,
				'–',
			]);
			rows.push([
				'trigger: executions started',
				v,
				`${t.started.trigger} of ${t.n}; ${t.duplicatesAcknowledged}/${t.m} dup. without a run`,
				`${t.started.webhook} of ${t.n + t.m}`,
				'',
				t.ok ? 'OK' : 'CHECK FAILED',
			]);
		}
		const d = results.download;
		if (d?.error) crashed('download', v);
		else if (d) {
			rows.push([
				`download ${mib(d.size)}: peak RSS growth`,
				v,
				`Download ${mib(d.ours.growth)}, Trigger ${mib(d.trigger.growth)}`,
				`HTTP Request node ${mib(d.base.growth)}`,
				`${ratio(d.oursVsBase)}, ${ratio(d.triggerVsBase)}`,
				'–',
			]);
			rows.push([
				`download ${mib(d.size)}: growth ÷ file size`,
				v,
				`${frac(d.oursPerFile)}, ${frac(d.triggerPerFile)}`,
				frac(d.basePerFile),
				'',
				'–',
			]);
		}
	}
	return rows;
}

module.exports = { summaryRows, table };
