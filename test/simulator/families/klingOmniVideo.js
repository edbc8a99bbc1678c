'use strict';
/**
 * Shared shape of Kling's omni video endpoints (O1 and O3): `generation_id`, `video_url`, failure code in `message`,
 * `model` in the status object and callback, callbacks 5 attempts 30 s apart (linear), a 15-minute hard timeout that
 * fails and refunds the job. The two family files declare their own fields and limits and call `omniVideoFamily`.
 */
const { uuid, failureCode, UUID_RE } = require('./common');

/**
 * @param {object} d
 * @param {string} d.name
 * @param {string} d.base
 * @param {import('./types').Family['validate']} d.validate
 * @param {import('./types').Family['price']} d.price
 * @param {(rec: any) => string} d.model value of `model` in status/callback
 * @param {number} [d.priceDecimals]
 * @param {boolean} d.statusMessage whether the status object carries `message` on failure
 * @param {{status: number, body: unknown}} d.notFound
 * @returns {import('./types').Family}
 */
function omniVideoFamily(d) {
	return {
		name: d.name,
		kind: 'video',
		base: d.base,
		idField: 'generation_id',
		statusSlash: false,
		list: null,
		newId: uuid,
		isId: (id) => UUID_RE.test(id),
		validate: d.validate,
		price: d.price,
		priceDecimals: d.priceDecimals,
		createResponse: (rec, ctx) => ({ generation_id: rec.id, status: 'pending', price: ctx.priceText }),
		statusObject: (rec) => ({
			generation_id: rec.id,
			status: rec.status,
			prompt: rec.prompt,
			video_url: rec.status === 'completed' ? rec.result_url : null,
			model: d.model(rec),
			...(d.statusMessage && rec.status === 'failed' ? { message: rec.failure } : {}),
		}),
		callbackPayload: (rec) => ({
			generation_id: rec.id,
			status: rec.status,
			video_url: rec.status === 'completed' ? rec.result_url : null,
			model: d.model(rec),
			message: rec.status === 'failed' ? rec.failure : null,
		}),
		failureText: (o) => failureCode(o, 'CONTENT_POLICY_VIOLATION'),
		callbacks: { retryDelaysMs: [30000, 30000, 30000, 30000] },
		refundFailed: true,
		jobTimeoutMs: 15 * 60 * 1000,
		notFound: d.notFound,
		insufficientCredits: { detail: 'INSUFFICIENT_CREDITS' },
		media: { ext: 'mp4' },
		snapshotExtra: (rec) => ({ model: d.model(rec) }),
	};
}

module.exports = { omniVideoFamily };
