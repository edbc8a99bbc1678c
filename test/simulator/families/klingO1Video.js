'use strict';
/**
 * Kling O1 Video, omni (reference §2.3): `/v1/kling/o1-video`. No `model` field (the endpoint is the model);
 * `duration` and `aspect_ratio` are required; duration "5"/"10" for text-to-video and "3"…"10" with images. Images
 * as `images_urls` (O1's documented spelling) or `images_url` (O3's; accepted too) and/or `images_base64`, at most 5
 * in all. Price "0.30" (printed with 2 decimals, as documented). The status object carries the failure code in
 * `message` when failed (the page says codes arrive "in webhooks or status responses").
 */
const { checkFields } = require('../schema');
const { omniVideoFamily } = require('./klingOmniVideo');
const { detail, unprocessable, priceUnits, checkImages, notAnObject, MB } = require('./common');

const IMAGE = { maxBytes: 10 * MB, formats: ['jpeg', 'png', 'webp'] };
const FIELDS = {
	prompt: { type: 'string', required: true, min: 1, max: 2500 },
	duration: { type: 'enum', required: true, values: ['3', '4', '5', '6', '7', '8', '9', '10'] },
	aspect_ratio: { type: 'enum', required: true, values: ['16:9', '9:16', '1:1'] },
	images_base64: { type: 'array', maxItems: 5 },
	images_urls: { type: 'array', maxItems: 5 },
	images_url: { type: 'array', maxItems: 5 },
	keep_original_sound: { type: 'bool', default: true },
	callback_url: { type: 'url' },
};

module.exports = omniVideoFamily({
	name: 'kling-o1-video',
	base: '/v1/kling/o1-video',
	validate(body, ctx) {
		const notObject = notAnObject(body);
		if (notObject) return notObject;
		const { errors, value } = checkFields(body, FIELDS, ctx);
		if (errors.length) return unprocessable(errors);
		const urls = [...(value.images_urls || []), ...(value.images_url || [])];
		const b64 = value.images_base64 || [];
		if (urls.length + b64.length > 5) return detail(`Maximum 5 images allowed, got ${urls.length + b64.length}`);
		const u = checkImages(urls, 'url', IMAGE);
		const b = checkImages(b64, 'base64', IMAGE);
		if (!u.ok || !b.ok) return detail('INVALID_IMAGE');
		const images = [...u.images, ...b.images];
		if (!images.length && !['5', '10'].includes(value.duration)) return detail('Duration must be "5" or "10" for text-to-video');
		const spelling = value.images_urls ? 'images_urls' : value.images_url ? 'images_url' : null;
		return { ok: true, value, prompt: value.prompt, inputs: images, extra: { urlField: spelling } };
	},
	price: (value, opts) => ({ units: priceUnits(opts.familyPrices['kling-o1-video'], value, '0.30') }),
	priceDecimals: 2,
	model: () => 'kling_o1_video',
	statusMessage: true,
	notFound: { status: 404, body: { detail: 'Generation not found' } },
});
