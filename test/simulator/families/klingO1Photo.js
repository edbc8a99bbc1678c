'use strict';
/**
 * Kling O1 Photo (reference §3): `/v1/kling/o1-photo`, ids `photo-<uuid>` ("photo-…" in the docs), up to 5 images
 * in all as `images_url` (also O1 Video's `images_urls` spelling) and/or `images_base64` (≤ 10 MB, JPEG/PNG/WEBP),
 * `img_resolution` 1k / 2k (default 2k), aspect ratios 9:16 … 21:9 (default 1:1). $0.029 per image.
 */
const crypto = require('node:crypto');
const { checkFields } = require('../schema');
const { klingPhotoFamily } = require('./klingPhoto');
const { detail, unprocessable, priceUnits, checkImages, notAnObject, MB } = require('./common');

const IMAGE = { maxBytes: 10 * MB, formats: ['jpeg', 'png', 'webp'] };
const FIELDS = {
	prompt: { type: 'string', required: true, min: 1, max: 2500 },
	images_url: { type: 'array', maxItems: 5 },
	images_urls: { type: 'array', maxItems: 5 },
	images_base64: { type: 'array', maxItems: 5 },
	img_resolution: { type: 'enum', values: ['1k', '2k'], default: '2k' },
	aspect_ratio: { type: 'enum', values: ['9:16', '2:3', '3:4', '1:1', '4:3', '3:2', '16:9', '21:9'], default: '1:1' },
	callback_url: { type: 'url' },
};
const ID_RE = /^photo-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

module.exports = klingPhotoFamily({
	name: 'kling-o1-photo',
	base: '/v1/kling/o1-photo',
	model: 'kling-o1-photo',
	newId: () => `photo-${crypto.randomUUID()}`,
	isId: (id) => ID_RE.test(id),
	validate(body, ctx) {
		const notObject = notAnObject(body);
		if (notObject) return notObject;
		const { errors, value } = checkFields(body, FIELDS, ctx);
		if (errors.length) return unprocessable(errors);
		const urls = [...(value.images_url || []), ...(value.images_urls || [])];
		const b64 = value.images_base64 || [];
		if (urls.length + b64.length > 5) return detail(`Maximum 5 images allowed, got ${urls.length + b64.length}`);
		const u = checkImages(urls, 'url', IMAGE);
		const b = checkImages(b64, 'base64', IMAGE);
		if (!u.ok || !b.ok) return detail('INVALID_IMAGE');
		return { ok: true, value, prompt: value.prompt, inputs: [...u.images, ...b.images] };
	},
	price: (value, opts) => ({ units: priceUnits(opts.familyPrices['kling-o1-photo'], value, '0.0290') }),
	insufficientCredits: { detail: 'INSUFFICIENT_CREDITS' },
});
