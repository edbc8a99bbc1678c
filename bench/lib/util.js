'use strict';
// Small helpers shared by the benchmarks: RSS sampling from /proc, percentiles, formatting, a concurrency pool.
const fs = require('node:fs');
const http = require('node:http');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const MiB = 1024 * 1024;

/** Resident set size of a process in bytes (VmRSS), or null when it is gone. */
function rssBytes(pid) {
	return procStatusField(pid, 'VmRSS');
}

/** The kernel's resident high-water mark (VmHWM) in bytes, or null. */
function hwmBytes(pid) {
	return procStatusField(pid, 'VmHWM');
}

function procStatusField(pid, field) {
	try {
		const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
		return m ? Number(m[1]) * 1024 : null;
	} catch {
		return null;
	}
}

/** Resets VmHWM to the current RSS (Linux ≥ 4.0, same user). Returns false when the kernel refuses. */
function resetHwm(pid) {
	try {
		fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
		return true;
	} catch {
		return false;
	}
}

/**
 * Samples a process's VmRSS every intervalMs until stop() is called.
 * @returns {{ stop: () => { samples: number, peak: number, first: number, last: number, hwm: number|null, peakUntil: (t: number) => number } }}
 */
function sampleRss(pid, intervalMs = 50) {
	const hwmReset = resetHwm(pid);
	const values = [];
	const times = [];
	const take = () => {
		const v = rssBytes(pid);
		if (v !== null) {
			values.push(v);
			times.push(Date.now());
		}
	};
	take();
	const timer = setInterval(take, intervalMs);
	return {
		stop() {
			clearInterval(timer);
			take();
			return {
				samples: values.length,
				peak: Math.max(...values),
				first: values[0],
				last: values[values.length - 1],
				hwm: hwmReset ? hwmBytes(pid) : null,
				/** Highest sample taken at or before an epoch-ms time. */
				peakUntil: (t) => Math.max(...values.filter((_, i) => times[i] <= t)),
			};
		},
	};
}

/** Median RSS over a short quiet window: the baseline before a measurement. */
async function quietRss(pid, windowMs = 500, intervalMs = 50) {
	const values = [];
	for (let t = 0; t < windowMs; t += intervalMs) {
		const v = rssBytes(pid);
		if (v !== null) values.push(v);
		await sleep(intervalMs);
	}
	values.sort((a, b) => a - b);
	return values[Math.floor(values.length / 2)];
}

/** Nearest-rank percentile of an unsorted array (p in 0..100). */
function percentile(values, p) {
	if (!values.length) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
	return sorted[rank - 1];
}

const mib = (bytes) => `${(bytes / MiB).toFixed(1)} MiB`;
const ms = (v) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : 'n/a');
const ratio = (v) => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');
/** Small fractions with two significant digits (e.g. RSS growth ÷ file size = 0.022). */
const frac = (v) => (Number.isFinite(v) ? v.toPrecision(2) : 'n/a');

/** Runs `worker(job)` over jobs with at most `limit` in flight; results keep the job order. */
async function pool(jobs, limit, worker) {
	const results = new Array(jobs.length);
	let next = 0;
	const lanes = Array.from({ length: Math.min(limit, jobs.length) }, async () => {
		while (next < jobs.length) {
			const i = next++;
			results[i] = await worker(jobs[i], i);
		}
	});
	await Promise.all(lanes);
	return results;
}

/** Deterministic pseudo-random numbers (mulberry32), so every run sends the same sequence. */
function rng(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/**
 * One POST over a keep-alive agent, timed from just before the request is written until the full answer has arrived.
 * @returns {Promise<{ status: number, text: string, ms: number }>}
 */
function timedPost(agent, url, payload, headers = {}) {
	return new Promise((resolve, reject) => {
		const body = Buffer.from(payload);
		const t0 = process.hrtime.bigint();
		const req = http.request(
			url,
			{
				method: 'POST',
				agent,
				headers: {
					'content-type': 'application/json',
					'content-length': String(body.length),
					...headers,
				},
				timeout: 60_000,
			},
			(res) => {
				const chunks = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () =>
					resolve({
						status: res.statusCode || 0,
						text: Buffer.concat(chunks).toString('utf8'),
						ms: Number(process.hrtime.bigint() - t0) / 1e6,
					}),
				);
				res.on('error', reject);
			},
		);
		req.on('timeout', () => req.destroy(new Error(`POST ${url} timed out`)));
		req.on('error', reject);
		req.end(body);
	});
}

module.exports = {
	sleep,
	MiB,
	rssBytes,
	hwmBytes,
	resetHwm,
	sampleRss,
	quietRss,
	percentile,
	mib,
	ms,
	ratio,
	frac,
	pool,
	rng,
	timedPost,
};
