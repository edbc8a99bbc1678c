'use strict';
/**
 * Google Veo 3 (reference §2.1): `/v1/veo`. Two published versions of the create page conflict; both are accepted
 * (`model` or `model_type`; seed 0–1000000000 covers B's 1–10000; `watermark_text` from A, `filter_text` from B).
 * Codes travel in `detail` for HTTP errors; the failure field of the status/callback is `variants.veoFailure`.
 * Callbacks: 5 attempts, 30 s apart (linear). Jobs time out after 10 minutes (`finish(id, {status:'failed',
 * code:'TIMEOUT'})`). No list endpoint is documented.
 */
const { checkFields } = require('../schema');
const { detail, unprocessable, tsPlain, uuid, failureCode, priceUnits, checkImages, notAnObject, UUID_RE, MB } = require('./common');

const MODELS = ['veo-3-fast', 'veo-3-quality'];
const IMAGE = { maxBytes: 20 * MB, formats: ['jpeg', 'png', 'webp'] };
/** Documented example price is $0.25 (fast); the quality price is not documented (a guess: twice that). */
const PRICES = { 'veo-3-fast': '0.2500', 'veo-3-quality': '0.5000' };

const FIELDS = {
	prompt: { type: 'string', required: true, min: 10, max: 4000 },
	model: { type: 'enum', values: MODELS },
	model_type: { type: 'enum', values: MODELS },
	aspect_ratio: { type: 'enum', values: ['9:16', '16:9'], default: '16:9' },
	seed: { type: 'int', min: 0, max: 1000000000 },
	callback_url: { type: 'url' },
	watermark_text: { type: 'string', min: 3, max: 14 },
	filter_text: { type: 'enum', values: ['moderate', 'translate', 'moderate_translate'] },
	bytes_image: { type: 'string' },
	start_frame: { type: 'string' },
	end_frame: { type: 'string' },
	reference_images: { type: 'array', minItems: 1, maxItems: 3 },
};

/** @param {'invalid'|'too_large'|'format'} reason */
const imageError = (reason) => detail(reason === 'too_large' ? 'IMAGE_TOO_LARGE' : reason === 'format' ? 'UNSUPPORTED_IMAGE_FORMAT' : 'INVALID_IMAGE');

/**
 * The failure field(s) in the variant asked for.
 * @param {any} rec
 * @param {string} variant
 */
function failureFields(rec, variant) {
	const code = rec.status === 'failed' ? rec.failure : null;
	if (variant === 'error') return { error: code };
	if (variant === 'errorObject') return { error: code === null ? null : { message: code } };
	if (variant === 'message') return { error: null, ...(code === null ? {} : { message: code }) };
	return { error: code, ...(code === null ? {} : { message: code }) };
}

/** @type {import('./types').Family} */
const veo = {
	name: 'veo',
	kind: 'video',
	base: '/v1/veo',
	idField: 'generation_id',
	statusSlash: false,
	list: null,
	newId: uuid,
	isId: (id) => UUID_RE.test(id),
	validate(body, ctx) {
		const notObject = notAnObject(body);
		if (notObject) return notObject;
		const { errors, value } = checkFields(body, FIELDS, ctx);
		if (errors.length) return unprocessable(errors);
		value.model = value.model_type || value.model || 'veo-3-fast';
		const modes = [value.bytes_image, value.start_frame || value.end_frame, value.reference_images].filter(Boolean).length;
		if (modes > 1) return detail('Only one mode per request: bytes_image, start_frame + end_frame, or reference_images');
		if (Boolean(value.start_frame) !== Boolean(value.end_frame)) return detail('start_frame and end_frame are required together');
		if (value.reference_images && value.model !== 'veo-3-fast') return detail('reference_images are only supported by veo-3-fast');
		const frames = [value.bytes_image, value.start_frame, value.end_frame, ...(value.reference_images || [])].filter(Boolean);
		const imgs = checkImages(frames, 'base64', IMAGE);
		if (!imgs.ok) return imageError(imgs.reason);
		const mode = value.bytes_image ? 'image' : value.start_frame ? 'frames' : value.reference_images ? 'reference' : 'text';
		const seed = value.seed ?? 1 + Math.floor(Math.random() * 1000000000);
		return { ok: true, value, prompt: value.prompt, inputs: imgs.images, extra: { seed, mode } };
	},
	price: (value, opts) => ({ units: priceUnits(opts.familyPrices.veo, value, PRICES[/** @type {'veo-3-fast'} */ (value.model)]) }),
	createResponse(rec, ctx) {
		const r = { generation_id: rec.id, status: 'pending', seed: rec.extra.seed };
		return ctx.variants.veoCreate === 'A' ? r : { ...r, price: rec.priceText };
	},
	statusObject(rec, ctx) {
		return {
			generation_id: rec.id,
			status: rec.status,
			prompt: rec.prompt,
			video_url: rec.status === 'completed' ? rec.result_url : null,
			created_at: tsPlain(rec.createdAtMs),
			completed_at: tsPlain(rec.completedAtMs),
			seed: rec.extra.seed,
			...failureFields(rec, ctx.variants.veoFailure),
		};
	},
	// The Completed tab is the status object; Failed/Timeout start the same way (the rest is not confirmed).
	callbackPayload(rec, ctx) {
		return veo.statusObject(rec, { progress: { pct: null, pos: null }, variants: ctx.variants });
	},
	failureText: (o) => failureCode(o, 'UNSAFE_CONTENT'),
	callbacks: { retryDelaysMs: [30000, 30000, 30000, 30000] },
	refundFailed: true,
	jobTimeoutMs: 10 * 60 * 1000,
	notFound: { status: 404, body: { detail: 'TASK_NOT_FOUND' } },
	invalidId: { status: 400, body: { detail: 'INVALID_TASK_ID' } },
	insufficientCredits: { success: false, message: 'INSUFFICIENT_CREDITS' },
	media: { ext: 'mp4' },
	snapshotExtra: (rec) => ({ model: rec.request.model, mode: rec.extra.mode }),
};

module.exports = veo;
