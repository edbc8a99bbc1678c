'use strict';
/**
 * Kling O3 Video, 3.0-omni (reference §2.4): `/v1/kling/o3-video`. Images as `images_url` (O3's documented spelling)
 * or `images_urls` (O1's; accepted too) OR `images_base64`, never both (MIXED_IMAGE_INPUTS), at most 5. `model`
 * kling_o3 | kling_o3_pro, or the webhook page's `"mode": "pro"` variant. Errors use the O3 errors page's codes in
 * `detail`. The status object has no failure field ("see webhook"); the callback carries `message`.
 */
const { checkFields } = require('../schema');
const { omniVideoFamily } = require('./klingOmniVideo');
const { detail, unprocessable, priceUnits, checkImages, notAnObject, MB } = require('./common');

const IMAGE = { maxBytes: 10 * MB, formats: ['jpeg', 'png', 'gif', 'webp'] };
const FIELDS = {
	prompt: { type: 'string', required: true, min: 1, max: 2500 },
	images_url: { type: 'any' },
	images_urls: { type: 'any' },
	images_base64: { type: 'any' },
	duration: { type: 'any', default: '5' },
	aspect_ratio: { type: 'enum', values: ['16:9', '9:16', '1:1'], default: '16:9' },
	model: { type: 'any' },
	mode: { type: 'any' },
	keep_original_sound: { type: 'bool', default: true },
	callback_url: { type: 'url' },
};
/** 5 s Std is the documented example ($0.15); per-second pricing and the Pro surcharge (x1.5) are guesses. */
const PER_SECOND_STD = 0.03;

module.exports = omniVideoFamily({
	name: 'kling-o3-video',
	base: '/v1/kling/o3-video',
	validate(body, ctx) {
		const notObject = notAnObject(body);
		if (notObject) return notObject;
		const { errors, value } = checkFields(body, FIELDS, ctx);
		if (errors.length) return unprocessable(errors);
		const urlsIn = value.images_url ?? value.images_urls ?? [];
		const b64In = value.images_base64 ?? [];
		if (!Array.isArray(urlsIn) || !Array.isArray(b64In) || [...urlsIn, ...b64In].some((x) => typeof x !== 'string')) {
			return detail('INVALID_PARAMETERS');
		}
		if (urlsIn.length && b64In.length) return detail('MIXED_IMAGE_INPUTS');
		const count = urlsIn.length + b64In.length;
		if (count > 5) return detail(`Maximum 5 images allowed, got ${count}`);
		const duration = typeof value.duration === 'number' ? String(value.duration) : value.duration;
		if (!['5', '10', '15'].includes(duration)) return detail('Duration must be 5, 10, or 15 seconds');
		let model = value.model;
		if (model === null || model === undefined) model = value.mode === 'pro' ? 'kling_o3_pro' : value.mode === null || value.mode === undefined || value.mode === 'std' ? 'kling_o3' : null;
		if (!['kling_o3', 'kling_o3_pro'].includes(model)) return detail('INVALID_MODEL');
		const u = checkImages(urlsIn, 'url', IMAGE);
		const b = checkImages(b64In, 'base64', IMAGE);
		if (!u.ok || !b.ok) return detail('INVALID_IMAGE');
		const spelling = value.images_url ? 'images_url' : value.images_urls ? 'images_urls' : null;
		return {
			ok: true,
			value: { ...value, duration, model },
			prompt: value.prompt,
			inputs: [...u.images, ...b.images],
			extra: { urlField: spelling, modelVia: value.model ? 'model' : value.mode ? 'mode' : 'default' },
		};
	},
	price(value, opts) {
		const usd = PER_SECOND_STD * Number(value.duration) * (value.model === 'kling_o3_pro' ? 1.5 : 1);
		return { units: priceUnits(opts.familyPrices['kling-o3-video'], value, usd.toFixed(4)) };
	},
	model: (rec) => `kling-o3-video-${rec.request.duration}s${rec.request.model === 'kling_o3_pro' ? '-pro' : ''}`,
	statusMessage: false,
	notFound: { status: 404, body: { detail: 'GENERATION_NOT_FOUND' } },
});
