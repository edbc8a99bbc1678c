'use strict';
/**
 * ChatGPT Images, "ChatGPT Image 1.5" (reference §3): `/v1/chatgpt-images`, id `task_uuid`, result
 * `result_image_url`, failure code in `message`. `aspect_ratio` 1:1 / 4:3 / 3:4 (optional: auto when absent);
 * up to 4 `images`, each an http(s) URL, a data-URI or bare base64 (treated as JPEG); a bad one → 400
 * `{"detail":"Invalid image format"}`. Newer fields from [3rd-party] (`model`, `quality`, `background`) are accepted.
 * Failed jobs are refunded. Callbacks 5 attempts 30 s apart; status and callback carry `prompt`.
 */
const { checkFields } = require('../schema');
const { taskImageFamily } = require('./taskImages');
const { detail, unprocessable, priceUnits, checkImages, notAnObject, MB } = require('./common');

const IMAGE = { maxBytes: 20 * MB, formats: ['jpeg', 'png', 'webp'] };
const FIELDS = {
	prompt: { type: 'string', required: true, min: 1, max: 4000 },
	aspect_ratio: { type: 'enum', values: ['1:1', '4:3', '3:4', 'auto'] },
	images: { type: 'array' },
	model: { type: 'enum', values: ['gpt-5-2', 'chatgpt-2.5'], default: 'gpt-5-2' },
	quality: { type: 'enum', values: ['flare', 'sunburst'] },
	background: { type: 'enum', values: ['transparent', 'opaque', 'auto'] },
	callback_url: { type: 'url' },
};

module.exports = taskImageFamily({
	name: 'chatgpt-images',
	base: '/v1/chatgpt-images',
	validate(body, ctx) {
		const notObject = notAnObject(body);
		if (notObject) return notObject;
		const { errors, value } = checkFields(body, FIELDS, ctx);
		if (errors.length) return unprocessable(errors);
		const images = value.images || [];
		if (images.length > 4) return detail(`Maximum 4 images allowed, got ${images.length}`);
		// Bare base64 is treated as JPEG: it must decode to an image.
		const checked = checkImages(images, 'url-or-base64', IMAGE);
		if (!checked.ok) return detail('Invalid image format');
		return { ok: true, value, prompt: value.prompt, inputs: checked.images };
	},
	price: (value, opts) => ({ units: priceUnits(opts.familyPrices['chatgpt-images'], value, '0.0123') }),
	list: null,
	callbackPrompt: true,
	defaultFailure: 'OPENAI_DECLINED',
	callbacks: { retryDelaysMs: [30000, 30000, 30000, 30000] },
	refundFailed: true,
	dir: 'chatgpt-images/outputs',
	// Not documented: WEBP is a pick, so that the simulator serves all three image formats RunBlob takes as input.
	ext: 'webp',
});
