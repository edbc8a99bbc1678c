'use strict';
/**
 * Sora 2 (reference §1): `/v1/sora`, status path WITH a trailing slash, 9-key status object with progress fields,
 * failure text in `error_message`, callbacks retried after 30/60/120/240/480 s. Validation lives in ../validation.js
 * (the pydantic shapes of §1.5).
 */
const { validateGenerate } = require('../validation');
const { DETAIL } = require('../errors');
const { tsPlain, uuid, UUID_RE } = require('./common');
const { DEFAULT_ERROR_MESSAGE } = require('../options');

/** @type {import('./types').Family} */
const sora = {
	name: 'sora',
	kind: 'video',
	base: '/v1/sora',
	idField: 'generation_id',
	statusSlash: true,
	list: { defaultLimit: 20, maxLimit: 100 },
	newId: uuid,
	isId: (id) => UUID_RE.test(id),
	validate(body, ctx) {
		const v = validateGenerate(body, { allowHttp: ctx.allowHttp });
		if (!v.ok) return v;
		const image = { ...v.image, ...(v.value.image_url ? { url: v.value.image_url } : {}) };
		return { ok: true, value: v.value, prompt: v.value.prompt, inputs: v.image.kind ? [image] : [], extra: { image } };
	},
	price(value, opts) {
		const units = opts.priceUnits[value.duration];
		if (units === undefined) throw new Error(`no price configured for duration ${value.duration}`);
		return { units };
	},
	createResponse: (rec, ctx) => ({ generation_id: rec.id, status: 'pending', price: ctx.priceText }),
	statusObject(rec, ctx) {
		return {
			generation_id: rec.id,
			status: rec.status,
			prompt: rec.prompt,
			video_url: rec.status === 'completed' ? rec.result_url : null,
			created_at: tsPlain(rec.createdAtMs),
			completed_at: tsPlain(rec.completedAtMs),
			progress_pct: ctx.progress.pct,
			progress_pos_in_queue: ctx.progress.pos,
			error_message: rec.status === 'failed' ? rec.failure : null,
		};
	},
	// §1.4: the status object minus the progress fields; error_message only on failure.
	callbackPayload(rec) {
		/** @type {Record<string, unknown>} */
		const p = {
			generation_id: rec.id,
			status: rec.status,
			prompt: rec.prompt,
			video_url: rec.status === 'completed' ? rec.result_url : null,
			created_at: tsPlain(rec.createdAtMs),
			completed_at: tsPlain(rec.completedAtMs),
		};
		if (rec.status === 'failed') p.error_message = rec.failure;
		return p;
	},
	failureText: (o) => (o && (o.error_message || o.message || o.code)) || DEFAULT_ERROR_MESSAGE,
	callbacks: {}, // the global `callbacks` option is Sora's schedule
	refundFailed: false,
	notFound: { status: 404, body: { detail: DETAIL.generationNotFound } },
	insufficientCredits: { detail: DETAIL.insufficientCredits },
	media: { ext: 'mp4' },
	snapshotExtra: (rec) => ({ orientation: rec.request.orientation, duration: rec.request.duration, image: { ...rec.extra.image } }),
};

module.exports = sora;
