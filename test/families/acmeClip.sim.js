'use strict';
/**
 * The simulator's side of the made-up family of acmeClip.ts, in this one file: `registerFamily` (simulator
 * families/index.js) adds its routes (`POST /v1/acme/generate`, `GET /v1/acme/generations/{job_id}`, `GET /v1/acme/generations`).
 */
const { unprocessable, notAnObject, tsZulu, priceUnits, uuid, UUID_RE } = require('../simulator/families/common');
const { checkFields } = require('../simulator/schema');

const FIELDS = {
	prompt: { type: 'string', required: true, min: 3, max: 500 },
	length: { type: 'enum', values: ['4', '8'], default: '4' },
	tier: { type: 'enum', values: ['sd', 'hd'], default: 'sd' },
	callback_url: { type: 'url' },
};

/** @type {import('../simulator/families/types').Family} */
const acmeClip = {
	name: 'acme-clip',
	kind: 'video',
	base: '/v1/acme',
	idField: 'job_id',
	statusSlash: false,
	list: { defaultLimit: 20, maxLimit: 100 },
	newId: uuid,
	isId: (id) => UUID_RE.test(id),
	validate(body, ctx) {
		const notObject = notAnObject(body);
		if (notObject) return notObject;
		const { errors, value } = checkFields(body, FIELDS, ctx);
		if (errors.length) return unprocessable(errors);
		return { ok: true, value, prompt: value.prompt, inputs: [] };
	},
	price: (value, opts) => ({ units: priceUnits(opts.familyPrices['acme-clip'], value, value.tier === 'hd' ? '0.0800' : '0.0400') }),
	createResponse: (rec, ctx) => ({ job_id: rec.id, status: 'pending', price: ctx.priceText }),
	statusObject(rec) {
		return {
			job_id: rec.id,
			status: rec.status,
			prompt: rec.prompt,
			clip_url: rec.status === 'completed' ? rec.result_url : null,
			tier: `acme/${rec.request.tier}`,
			length: rec.request.length,
			failure: rec.status === 'failed' ? rec.failure : null,
			created_at: tsZulu(rec.createdAtMs),
			completed_at: tsZulu(rec.completedAtMs),
		};
	},
	callbackPayload(rec) {
		return {
			job_id: rec.id,
			status: rec.status,
			clip_url: rec.status === 'completed' ? rec.result_url : null,
			tier: `acme/${rec.request.tier}`,
			failure: rec.status === 'failed' ? rec.failure : null,
		};
	},
	failureText: (o) => (o && (o.code || o.message)) || 'ACME_FAILED',
	callbacks: { retryDelaysMs: [10000, 10000] },
	refundFailed: true,
	notFound: { status: 404, body: { detail: 'JOB_NOT_FOUND' } },
	insufficientCredits: { detail: 'INSUFFICIENT_CREDITS' },
	media: { ext: 'mp4' },
};

module.exports = acmeClip;
