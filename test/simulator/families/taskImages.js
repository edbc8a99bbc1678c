'use strict';
/**
 * Shared shape of the two image families that call their id `task_uuid` (Nano Banana, ChatGPT Images): result in
 * `result_image_url`, failure code in `message` (null otherwise), status object `{task_uuid, status, prompt,
 * result_image_url, message}`, callback `{task_uuid, status, result_image_url, message}` (+ `prompt` where the page
 * says so); the result file type is the family's.
 */
const { uuid, failureCode, UUID_RE } = require('./common');

/**
 * @param {object} d
 * @param {string} d.name
 * @param {string} d.base
 * @param {import('./types').Family['validate']} d.validate
 * @param {import('./types').Family['price']} d.price
 * @param {{defaultLimit: number, maxLimit: number} | null} d.list
 * @param {boolean} d.callbackPrompt whether the callback carries `prompt`
 * @param {string} d.defaultFailure
 * @param {import('./types').Family['callbacks']} d.callbacks
 * @param {boolean} d.refundFailed
 * @param {string} d.dir CDN folder
 * @param {'png'|'webp'} d.ext result file type
 * @returns {import('./types').Family}
 */
function taskImageFamily(d) {
	const status = (/** @type {any} */ rec) => ({
		task_uuid: rec.id,
		status: rec.status,
		prompt: rec.prompt,
		result_image_url: rec.status === 'completed' ? rec.result_url : null,
		message: rec.status === 'failed' ? rec.failure : null,
	});
	return {
		name: d.name,
		kind: 'image',
		base: d.base,
		idField: 'task_uuid',
		statusSlash: false,
		list: d.list,
		newId: uuid,
		isId: (id) => UUID_RE.test(id),
		validate: d.validate,
		price: d.price,
		createResponse: (rec, ctx) => ({ task_uuid: rec.id, status: 'pending', price: ctx.priceText }),
		statusObject: status,
		callbackPayload(rec) {
			const { prompt, ...rest } = status(rec);
			return d.callbackPrompt ? { task_uuid: rest.task_uuid, status: rest.status, prompt, result_image_url: rest.result_image_url, message: rest.message } : rest;
		},
		failureText: (o) => failureCode(o, d.defaultFailure),
		callbacks: d.callbacks,
		refundFailed: d.refundFailed,
		notFound: { status: 404, body: { detail: 'Task not found' } },
		insufficientCredits: { detail: 'INSUFFICIENT_CREDITS' },
		media: { ext: d.ext, dir: d.dir },
		snapshotExtra: (rec) => ({ model: rec.request.model ?? null }),
	};
}

module.exports = { taskImageFamily };
