'use strict';
/**
 * Kling O3 Photo (reference §3): `/v1/kling/o3-photo`, up to 10 images as `images_url` (or `images_urls`) OR
 * `images_base64`, never both (MIXED_IMAGE_INPUTS); `img_resolution` 1k / 2k / 4k (default 4k; others →
 * INVALID_RESOLUTION); aspect ratios of O1 Photo plus `auto`; `prefer_multi_shots` (default false). The 402 body is
 * the mirror page's `{"success": false, "message": "INSUFFICIENT_CREDITS"}`. $0.05 at 4k (documented example); the
 * 1k/2k prices are guesses.
 */
const { checkFields } = require('../schema');
const { klingPhotoFamily } = require('./klingPhoto');
const { detail, unprocessable, priceUnits, checkImages, notAnObject, uuid, UUID_RE, MB } = require('./common');

const IMAGE = { maxBytes: 10 * MB, formats: ['jpeg', 'png', 'webp'] };
const PRICES = { '1k': '0.0300', '2k': '0.0400', '4k': '0.0500' };
const FIELDS = {
	prompt: { type: 'string', required: true, min: 1, max: 2500 },
	images_url: { type: 'array' },
	images_urls: { type: 'array' },
	images_base64: { type: 'array' },
	img_resolution: { type: 'any', default: '4k' },
	aspect_ratio: { type: 'enum', values: ['auto', '9:16', '2:3', '3:4', '1:1', '4:3', '3:2', '16:9', '21:9'], default: '1:1' },
	prefer_multi_shots: { type: 'bool', default: false },
	callback_url: { type: 'url' },
};

module.exports = klingPhotoFamily({
	name: 'kling-o3-photo',
	base: '/v1/kling/o3-photo',
	model: 'kling-o3-photo',
	newId: uuid,
	isId: (id) => UUID_RE.test(id),
	validate(body, ctx) {
		const notObject = notAnObject(body);
		if (notObject) return notObject;
		const { errors, value } = checkFields(body, FIELDS, ctx);
		if (errors.length) return unprocessable(errors);
		if (!Object.keys(PRICES).includes(value.img_resolution)) return detail('INVALID_RESOLUTION');
		const urls = value.images_url || value.images_urls || [];
		const b64 = value.images_base64 || [];
		if (urls.length && b64.length) return detail('MIXED_IMAGE_INPUTS');
		if (urls.length + b64.length > 10) return detail(`Maximum 10 images allowed, got ${urls.length + b64.length}`);
		const u = checkImages(urls, 'url', IMAGE);
		const b = checkImages(b64, 'base64', IMAGE);
		if (!u.ok || !b.ok) return detail('INVALID_IMAGE');
		return { ok: true, value, prompt: value.prompt, inputs: [...u.images, ...b.images] };
	},
	price: (value, opts) => ({ units: priceUnits(opts.familyPrices['kling-o3-photo'], value, PRICES[/** @type {'4k'} */ (value.img_resolution)]) }),
	insufficientCredits: { success: false, message: 'INSUFFICIENT_CREDITS' },
});
