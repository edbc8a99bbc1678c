'use strict';
/**
 * Shared shape of Kling's photo endpoints (O1 Photo and O3 Photo): `generation_id`, result `image_url`, failure
 * code in `message`, status `{generation_id, status, prompt, image_url, model, message}`; the callback is the same
 * object (the photo webhook page's body is not in the reference). Callbacks 5 attempts 30 s apart. JPEG results
 * (the format is not documented).
 */
const { failureCode } = require('./common');

/**
 * @param {object} d
 * @param {string} d.name
 * @param {string} d.base
 * @param {string} d.model
 * @param {() => string} d.newId
 * @param {(id: string) => boolean} d.isId
 * @param {import('./types').Family['validate']} d.validate
 * @param {import('./types').Family['price']} d.price
 * @param {unknown} d.insufficientCredits
 * @returns {import('./types').Family}
 */
function klingPhotoFamily(d) {
	const status = (/** @type {any} */ rec) => ({
		generation_id: rec.id,
		status: rec.status,
		prompt: rec.prompt,
		image_url: rec.status === 'completed' ? rec.result_url : null,
		model: d.model,
		message: rec.status === 'failed' ? rec.failure : null,
	});
	return {
		name: d.name,
		kind: 'image',
		base: d.base,
		idField: 'generation_id',
		statusSlash: false,
		list: null,
		newId: d.newId,
		isId: d.isId,
		validate: d.validate,
		price: d.price,
		createResponse: (rec, ctx) => ({ generation_id: rec.id, status: 'pending', price: ctx.priceText }),
		statusObject: status,
		callbackPayload: status,
		failureText: (o) => failureCode(o, 'CONTENT_POLICY_VIOLATION'),
		callbacks: { retryDelaysMs: [30000, 30000, 30000, 30000] },
		refundFailed: false,
		jobTimeoutMs: 15 * 60 * 1000,
		notFound: { status: 404, body: { detail: 'Generation not found' } },
		insufficientCredits: d.insufficientCredits,
		media: { ext: 'jpg', dir: `images/${d.name}` },
		snapshotExtra: () => ({ model: d.model }),
	};
}

module.exports = { klingPhotoFamily };
