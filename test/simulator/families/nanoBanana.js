'use strict';
/**
 * Nano Banana / Gemini (reference §3): `/v1/gemini`, id `task_uuid`, result `result_image_url`, failure code in
 * `message` (MODERATION_FAILED by default). Models standard (default) / pro / v2, plus v2_lite / pro_vip / v2_vip
 * ([3rd-party]). Up to 4 reference images on standard, 8 on the others; each an http(s) URL or a data-URI base64
 * image of at most 20 MB. `quality` is documented for pro and v2 only; other models accept and ignore it (the docs do
 * not say they reject it). The documented list endpoint: limit 1–100 (default 50), offset ≥ 0, bare array.
 * Callbacks: "we will retry up to 3 times" on 4xx/5xx/timeout (the initial attempt + 3 retries; the spacing is not
 * documented: 30 s), and a 2xx is expected within 5 s (the request timeout).
 */
const { checkFields } = require('../schema');
const { taskImageFamily } = require('./taskImages');
const { detail, unprocessable, priceUnits, checkImages, notAnObject, MB } = require('./common');

const MODELS = ['standard', 'pro', 'v2', 'v2_lite', 'pro_vip', 'v2_vip'];
const RATIOS = ['auto', '21:9', '16:9', '4:3', '3:2', '1:1', '9:16', '3:4', '2:3', '5:4', '4:5'];
const IMAGE = { maxBytes: 20 * MB, formats: ['jpeg', 'png', 'webp'] };
/** Only the standard price ($0.02) is documented; the others are guesses. */
const PRICES = { standard: '0.0200', pro: '0.0800', v2: '0.0400', v2_lite: '0.0300', pro_vip: '0.1200', v2_vip: '0.0600' };
const FIELDS = {
	prompt: { type: 'string', required: true, min: 1, max: 4000 },
	model: { type: 'enum', values: MODELS, default: 'standard' },
	quality: { type: 'enum', values: ['standard', '2k', '4k'], default: 'standard' },
	aspect_ratio: { type: 'enum', values: RATIOS, default: 'auto' },
	temperature: { type: 'number', min: 0, max: 1, default: 0.7 },
	images: { type: 'array' },
	callback_url: { type: 'url' },
};

module.exports = taskImageFamily({
	name: 'nano-banana',
	base: '/v1/gemini',
	validate(body, ctx) {
		const notObject = notAnObject(body);
		if (notObject) return notObject;
		const { errors, value } = checkFields(body, FIELDS, ctx);
		if (errors.length) return unprocessable(errors);
		const images = value.images || [];
		const max = value.model === 'standard' ? 4 : 8;
		if (images.length > max) return detail(`Maximum ${max} images allowed for model ${value.model}, got ${images.length}`);
		const checked = checkImagesDataUri(images);
		if (!checked.ok) return detail(checked.reason === 'too_large' ? 'Image too large. Maximum size is 20MB' : 'Invalid image format');
		return { ok: true, value, prompt: value.prompt, inputs: checked.images };
	},
	price: (value, opts) => ({ units: priceUnits(opts.familyPrices['nano-banana'], value, PRICES[/** @type {'pro'} */ (value.model)]) }),
	list: { defaultLimit: 50, maxLimit: 100 },
	callbackPrompt: false,
	defaultFailure: 'MODERATION_FAILED',
	callbacks: { retryDelaysMs: [30000, 30000, 30000], timeoutMs: 5000 },
	refundFailed: false,
	dir: 'nanobanana/outputs',
	ext: 'png', // not documented: PNG, what Gemini's image models return
});

/**
 * Each item: an http(s) URL or a `data:` URI (bare base64 is not documented for Nano Banana).
 * @param {string[]} list
 */
function checkImagesDataUri(list) {
	const images = [];
	for (const v of list) {
		const one = /^data:/i.test(v) ? checkImages([v], 'base64', IMAGE) : checkImages([v], 'url', IMAGE);
		if (!one.ok) return one;
		images.push(...one.images);
	}
	return { ok: /** @type {const} */ (true), images };
}
