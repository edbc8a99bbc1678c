// Small pieces shared by the test suites, the e2e harness and the benchmarks. CommonJS, Node built-ins only.
'use strict';

const http = require('node:http');

/**
 * The nine keys of RunBlob's Sora status object, in every state (reference §1.2), sorted.
 */
const RUNBLOB_STATUS_KEYS = Object.freeze(
	[
		'generation_id',
		'status',
		'prompt',
		'video_url',
		'created_at',
		'completed_at',
		'progress_pct',
		'progress_pos_in_queue',
		'error_message',
	].sort(),
);

/** @typedef {{ status: number, headers: http.IncomingHttpHeaders, text: string, json: any }} HttpResult */

/**
 * Plain HTTP request (no keep-alive, so nothing lingers after a test).
 * @param {string} method
 * @param {string} url
 * @param {{ headers?: Record<string,string>, body?: unknown, timeoutMs?: number }} [opts]
 * @returns {Promise<HttpResult>}
 */
function httpRequest(method, url, { headers = {}, body, timeoutMs = 30_000 } = {}) {
	return new Promise((resolve, reject) => {
		let payload;
		const h = { ...headers };
		if (body !== undefined) {
			if (typeof body === 'string' || Buffer.isBuffer(body)) payload = body;
			else {
				payload = JSON.stringify(body);
				if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['content-type'] = 'application/json';
			}
			h['content-length'] = String(Buffer.byteLength(payload));
		}
		const req = http.request(url, { method, headers: h, agent: false, timeout: timeoutMs }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let json;
				try {
					json = text ? JSON.parse(text) : undefined;
				} catch {
					json = undefined;
				}
				resolve({ status: res.statusCode || 0, headers: res.headers, text, json });
			});
			res.on('error', reject);
		});
		req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out after ${timeoutMs} ms`)));
		req.on('error', reject);
		if (payload !== undefined) req.write(payload);
		req.end();
	});
}

module.exports = { RUNBLOB_STATUS_KEYS, httpRequest };
