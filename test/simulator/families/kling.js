'use strict';
/**
 * Kling main endpoint, v1.6 to 3.0 incl. Motion Control (reference §2.2): `/v1/kling`. Validation errors come back
 * as 422 `{"detail": "Validation error: <what>"}` (the one documented example is "Validation error: prompt is
 * required"). `duration` is an integer 3–15 for kling_3 / kling_3_pro and the string "5" or "10" for every other
 * model. Keys the public page does not confirm (negative_prompt, cfg_scale, seed, image_base64, motion inputs) are
 * accepted; unknown keys are kept in the snapshot's `request` so tests can see what was sent. Timestamps end in `Z`.
 * Callbacks: 30/60/120/240/480 s like Sora. Failed jobs are refunded ([3rd-party]).
 */
const { detail, reject, tsZulu, uuid, failureCode, priceUnits, checkImages, UUID_RE, MB } = require('./common');
const { checkCallbackUrl } = require('../validation');
const { codePointLength, isPlainObject } = require('../util');

/**
 * Model id → version shown in the status object, price of 5 s in USD (kling_3/kling_3_pro: per-second pricing), Motion
 * Control.
 * @type {Record<string, {version: string, price5: number, motion?: boolean}>}
 */
const MODELS = {
	kling_3: { version: '3.0', price5: 0.2 },
	kling_3_pro: { version: '3.0', price5: 0.29 },
	kling_3_motion: { version: '3.0', price5: 0.3, motion: true },
	kling_3_motion_pro: { version: '3.0', price5: 0.45, motion: true },
	'kling_2.6_motion': { version: '2.6', price5: 0.3, motion: true },
	'kling_2.6_motion_pro': { version: '2.6', price5: 0.45, motion: true },
	'kling_2.6': { version: '2.6', price5: 0.35 },
	'kling_2.5_turbo': { version: '2.5', price5: 0.25 },
	'kling_2.5_turbo_pro': { version: '2.5', price5: 0.35 },
	'kling_2.1': { version: '2.1', price5: 0.25 },
	'kling_2.1_pro': { version: '2.1', price5: 0.45 },
	'kling_2.1_master': { version: '2.1', price5: 1.4 },
	'kling_1.6': { version: '1.6', price5: 0.2 },
	'kling_1.6_pro': { version: '1.6', price5: 0.35 },
};
const MODEL_IDS = Object.keys(MODELS);
const PER_SECOND = ['kling_3', 'kling_3_pro'];
const IMAGE = { maxBytes: 10 * MB, formats: ['jpeg', 'png', 'webp'] };
// Compatibility matrix (errors page): image-to-video only; no negative prompt; cfg scale only on 1.6.
const IMAGE_ONLY = ['kling_2.1_pro'];
const NO_NEGATIVE = ['kling_2.5_turbo', 'kling_2.5_turbo_pro', 'kling_2.6'];
const CFG_UNSUPPORTED = ['kling_2.1', 'kling_2.1_pro', 'kling_2.1_master', 'kling_2.5_turbo', 'kling_2.5_turbo_pro', 'kling_2.6'];

/** @param {string} what */
const invalid = (what) => reject(422, { detail: `Validation error: ${what}` });

/**
 * The failure field of a failed record in `where` ('status' or 'callback'), per `variants.klingFailure`.
 * @param {any} rec @param {string} variant @param {'status'|'callback'} where
 */
function failureFields(rec, variant, where) {
	if (rec.status !== 'failed' || variant === 'none') return {};
	const key = variant === 'default' ? (where === 'status' ? 'error' : 'message') : variant;
	return { [key]: rec.failure };
}

/**
 * @param {Record<string, any>} b
 * @param {{allowHttp: boolean|'loopback'}} ctx
 */
function validate(b, ctx) {
	const str = (/** @type {string} */ k) => b[k] === undefined || b[k] === null || typeof b[k] === 'string';
	if (b.prompt === undefined || b.prompt === null || b.prompt === '') return invalid('prompt is required');
	if (typeof b.prompt !== 'string') return invalid('prompt must be a string');
	if (codePointLength(b.prompt) > 2500) return invalid('prompt must be at most 2500 characters');
	const model = b.model ?? 'kling_2.5_turbo';
	if (!MODEL_IDS.includes(model)) return invalid(`model must be one of ${MODEL_IDS.join(', ')}`);
	for (const k of ['negative_prompt', 'aspect_ratio', 'image_url', 'image_base64']) if (!str(k)) return invalid(`${k} must be a string`);
	if (b.negative_prompt && codePointLength(b.negative_prompt) > 2500) return invalid('negative_prompt must be at most 2500 characters');
	if (b.negative_prompt && NO_NEGATIVE.includes(model)) return invalid(`negative_prompt is not supported by ${model}`);
	let duration;
	if (PER_SECOND.includes(model)) {
		duration = b.duration ?? 5;
		if (!Number.isInteger(duration) || duration < 3 || duration > 15) return invalid(`duration must be an integer from 3 to 15 for ${model}`);
	} else {
		duration = b.duration ?? '5';
		if (duration !== '5' && duration !== '10') return invalid('duration must be "5" or "10"');
	}
	if (b.aspect_ratio && !['16:9', '9:16', '1:1'].includes(b.aspect_ratio)) return invalid('aspect_ratio must be one of 16:9, 9:16, 1:1');
	if (b.cfg_scale !== undefined && b.cfg_scale !== null) {
		if (typeof b.cfg_scale !== 'number' || b.cfg_scale < 0 || b.cfg_scale > 1) return invalid('cfg_scale must be a number from 0 to 1');
		if (CFG_UNSUPPORTED.includes(model)) return invalid(`cfg_scale is not supported by ${model}`);
	}
	if (b.seed !== undefined && b.seed !== null && (!Number.isInteger(b.seed) || b.seed < 0 || b.seed > 2147483647)) {
		return invalid('seed must be an integer from 0 to 2147483647');
	}
	if (b.callback_url !== undefined && b.callback_url !== null) {
		const err = checkCallbackUrl(b.callback_url, ctx.allowHttp);
		if (err) return invalid(`callback_url: ${err.msg}`);
	}
	if (b.image_url && b.image_base64) return detail('Cannot provide both image_base64 and image_url');
	const frames = b.image_base64 ? checkImages([b.image_base64], 'base64', IMAGE) : checkImages(b.image_url ? [b.image_url] : [], 'url', IMAGE);
	if (!frames.ok) return detail('INVALID_IMAGE');
	if (IMAGE_ONLY.includes(model) && !frames.images.length) return invalid(`${model} supports image-to-video only`);
	// Motion-control reference keys are not confirmed: whatever was sent stays visible in the snapshot's `request`.
	const value = { ...b, model, duration, callback_url: b.callback_url ?? null };
	return { ok: /** @type {const} */ (true), value, prompt: b.prompt, inputs: frames.images, extra: { motion: Boolean(MODELS[model].motion) } };
}

/** @type {import('./types').Family} */
const kling = {
	name: 'kling',
	kind: 'video',
	base: '/v1/kling',
	idField: 'generation_id',
	statusSlash: false,
	list: null,
	newId: uuid,
	isId: (id) => UUID_RE.test(id),
	validate: (body, ctx) => (isPlainObject(body) ? validate(body, ctx) : invalid('body must be a JSON object')),
	price(value, opts) {
		const m = MODELS[value.model];
		const fallback = PER_SECOND.includes(value.model) ? (m.price5 / 5) * value.duration : m.price5 * (Number(value.duration) / 5);
		const units = priceUnits(opts.familyPrices.kling, value, fallback.toFixed(4));
		// [3rd-party]: Motion Control answers "price": "calculating" (the final amount is settled later).
		return m.motion ? { units, text: 'calculating' } : { units };
	},
	createResponse: (rec, ctx) => ({ generation_id: rec.id, status: 'pending', price: ctx.priceText }),
	statusObject(rec, ctx) {
		const done = rec.status === 'completed' || rec.status === 'failed';
		return {
			generation_id: rec.id,
			status: rec.status,
			prompt: rec.prompt,
			// The processing example omits video_url and completed_at; the failed one shows video_url: null.
			...(done ? { video_url: rec.status === 'completed' ? rec.result_url : null } : {}),
			created_at: tsZulu(rec.createdAtMs),
			...(done ? { completed_at: tsZulu(rec.completedAtMs) } : {}),
			version: MODELS[rec.request.model].version,
			duration: String(rec.request.duration),
			...failureFields(rec, ctx.variants.klingFailure, 'status'),
		};
	},
	callbackPayload(rec, ctx) {
		return {
			generation_id: rec.id,
			status: rec.status,
			video_url: rec.status === 'completed' ? rec.result_url : null,
			completed_at: tsZulu(rec.completedAtMs),
			...failureFields(rec, ctx.variants.klingFailure, 'callback'),
		};
	},
	failureText: (o) => failureCode(o, 'CONTENT_POLICY_VIOLATION'),
	callbacks: { retryDelaysMs: [30000, 60000, 120000, 240000, 480000] },
	refundFailed: true,
	jobTimeoutMs: 15 * 60 * 1000, // stated for 2.6 on the errors page; applied to every model
	notFound: { status: 404, body: { detail: 'Generation not found' } },
	insufficientCredits: { detail: 'INSUFFICIENT_CREDITS' },
	media: { ext: 'mp4' },
	snapshotExtra: (rec) => ({ model: rec.request.model, duration: rec.request.duration }),
};

module.exports = kling;
module.exports.MODELS = MODELS;
