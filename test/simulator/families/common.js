'use strict';
/**
 * Helpers shared by the family declarations: error replies, timestamps, failure reasons, image-list checks.
 */
const crypto = require('node:crypto');
const { isoMicro, UUID_RE, toUnits, isPlainObject } = require('../util');
const { pyd } = require('../errors');
const { inspectBase64, isHttpUrl, isDataUri, describeImage } = require('../inputs');

/** @param {number} status @param {unknown} body @returns {{ok: false, status: number, body: unknown}} */
const reject = (status, body) => ({ ok: false, status, body });

/** `{"detail": "..."}` with a status (HTTPException). @param {string} detail @param {number} [status] */
const detail = (detail, status = 400) => reject(status, { detail });

/** FastAPI's 422 list. @param {import('../errors').PydanticError[]} errors */
const unprocessable = (errors) => reject(422, { detail: errors });

/** RunBlob's Sora-style timestamps without a zone: `2025-11-24T10:00:00.000000`. @param {number|null} ms */
const tsPlain = (ms) => (ms === null ? null : isoMicro(ms));

/** Kling main's timestamps, which end in `Z`: `2025-11-24T10:00:00.000000Z`. @param {number|null} ms */
const tsZulu = (ms) => (ms === null ? null : isoMicro(ms) + 'Z');

/** A new UUID id. */
const uuid = () => crypto.randomUUID();

/**
 * The failure reason of a code-reporting family from an outcome (`finish()` or the `outcome` option):
 * `code`, then `message`, then `error_message`, then the family's default code.
 * @param {{code?: string, message?: string, error_message?: string} | null | undefined} outcome
 * @param {string} fallback
 */
function failureCode(outcome, fallback) {
	const o = outcome || {};
	return String(o.code || o.message || o.error_message || fallback);
}

/**
 * A price in USD (number or string) to integer units; a function form gets the validated request.
 * @param {unknown} override option value from `familyPrices[family]`
 * @param {Record<string, any>} value validated request
 * @param {number|string} fallback
 */
function priceUnits(override, value, fallback) {
	const p = typeof override === 'function' ? override(value) : override;
	return toUnits(p === undefined || p === null ? fallback : /** @type {number|string} */ (p));
}

/**
 * Check a list of image inputs of one kind.
 * @param {string[]} list
 * @param {'url'|'base64'|'url-or-base64'} kind url: http(s) URLs; base64: bare or data-URI base64; url-or-base64: either
 * @param {{maxBytes: number, formats: string[]}} limits
 * @returns {{ok: true, images: ReturnType<typeof describeImage>[]} | {ok: false, index: number, reason: 'invalid'|'too_large'|'format'}}
 */
function checkImages(list, kind, limits) {
	const images = [];
	for (let i = 0; i < list.length; i++) {
		const v = list[i];
		if (kind !== 'base64' && isHttpUrl(v)) {
			images.push(describeImage('url', v));
			continue;
		}
		if (kind === 'url') return { ok: false, index: i, reason: 'invalid' };
		if (kind === 'url-or-base64' && !isDataUri(v)) {
			const r = inspectBase64(v, limits);
			if (!r.ok) return { ok: false, index: i, reason: r.reason };
			images.push(describeImage('base64', v, r));
			continue;
		}
		const r = inspectBase64(v, limits);
		if (!r.ok) return { ok: false, index: i, reason: r.reason };
		images.push(describeImage('base64', v, r));
	}
	return { ok: true, images };
}

const MB = 1024 * 1024;

/**
 * FastAPI's answer to a body that is not a JSON object, or null when it is one.
 * @param {unknown} body
 */
function notAnObject(body) {
	return isPlainObject(body) ? null : unprocessable([pyd.modelAttributesType(body)]);
}

module.exports = { reject, detail, unprocessable, tsPlain, tsZulu, uuid, failureCode, priceUnits, checkImages, notAnObject, UUID_RE, MB };
