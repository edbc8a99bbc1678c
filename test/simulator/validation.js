'use strict';
/**
 * Request validation for `POST /v1/sora/generate`, reproducing what RunBlob's FastAPI/pydantic layer answers
 * (reference §1.1 and §1.5).
 *
 * Order, as in a FastAPI app: body decoding (422 json_invalid / model_attributes_type / missing body), then every
 * field error of the pydantic model at once (422 list), then the endpoint's own checks (400 image errors).
 * The credit check (402) happens later, in the generation store.
 */
const { pyd, DETAIL } = require('./errors');
const { isPlainObject, codePointLength } = require('./util');

const PROMPT_MIN = 1;
const PROMPT_MAX = 4000;
const ORIENTATIONS = ['9:16', '16:9'];
const DURATIONS = [10, 15];
const MAX_IMAGE_BYTES = 10 * 1024 * 1024; // "max 10 MB"; binary megabytes assumed
const MAX_URL_LENGTH = 2083; // pydantic v2 HttpUrl max_length

/**
 * @typedef {object} GenerateRequest
 * @property {string} prompt
 * @property {'9:16'|'16:9'} orientation
 * @property {10|15} duration
 * @property {string|null} callback_url
 * @property {string|null} image_base64
 * @property {string|null} image_url
 */

/**
 * @typedef {{ok: true, value: GenerateRequest, image: {kind: 'base64'|'url'|null, bytes?: number, format?: string}}
 *   | {ok: false, status: number, body: unknown}} ValidationResult
 */

/**
 * Decode a raw request body like FastAPI does for a single JSON body model.
 * @param {Buffer} raw
 * @param {string|undefined} contentType
 * @returns {{ok: true, body: unknown} | {ok: false, status: number, body: unknown}}
 */
function decodeBody(raw, contentType) {
	if (raw.length === 0) {
		return { ok: false, status: 422, body: { detail: [pyd.missing(['body'], null)] } };
	}
	// FastAPI parses JSON when there is no content type, or application/json, or application/*+json.
	// Any other content type leaves the raw bytes as the body, which then fails model validation.
	const ct = (contentType || '').split(';')[0].trim().toLowerCase();
	const isJson = ct === '' || ct === 'application/json' || (ct.startsWith('application/') && ct.endsWith('+json'));
	const text = raw.toString('utf8');
	if (!isJson) {
		return { ok: false, status: 422, body: { detail: [pyd.modelAttributesType(text)] } };
	}
	try {
		return { ok: true, body: JSON.parse(text) };
	} catch (e) {
		// Python's json module reports the character offset of the error; V8 says "at position N" or, for a
		// truncated document, "Unexpected end of JSON input" (offset = end of the text).
		const msg = String(e && e.message);
		const m = /position (\d+)/.exec(msg);
		const pos = m ? Number(m[1]) : /end of JSON input/i.test(msg) ? text.length : 0;
		return { ok: false, status: 422, body: { detail: [pyd.jsonInvalid(pos, pythonJsonError(msg))] } };
	}
}

/**
 * Map a V8 JSON.parse message to the wording of Python's json module (what FastAPI puts in ctx.error).
 * @param {string} v8
 */
function pythonJsonError(v8) {
	if (/after property name/i.test(v8)) return "Expecting ':' delimiter";
	if (/property name/i.test(v8)) return 'Expecting property name enclosed in double quotes';
	if (/after (property value|array element)/i.test(v8)) return "Expecting ',' delimiter";
	if (/non-whitespace character after JSON/i.test(v8)) return 'Extra data';
	return 'Expecting value';
}

/** @param {string} hostname WHATWG URL hostname (IPv6 in brackets) */
function isLoopbackHost(hostname) {
	const h = hostname.toLowerCase();
	if (h === 'localhost' || h.endsWith('.localhost')) return true;
	if (h === '[::1]') return true;
	return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * Validate callback_url like a pydantic HttpsUrl/HttpUrl field.
 * @param {unknown} value
 * @param {boolean|'loopback'} allowHttp
 * @returns {import('./errors').PydanticError | null}
 */
function checkCallbackUrl(value, allowHttp) {
	const loc = ['body', 'callback_url'];
	if (typeof value !== 'string') return pyd.urlType(loc, value);
	if (value.length === 0) return pyd.urlParsing(loc, value, 'input is empty');
	if (value.length > MAX_URL_LENGTH) {
		return {
			type: 'url_too_long',
			loc,
			msg: `URL should have at most ${MAX_URL_LENGTH} characters`,
			input: value,
			ctx: { max_length: MAX_URL_LENGTH },
		};
	}
	let url;
	try {
		url = new URL(value);
	} catch {
		return pyd.urlParsing(loc, value, 'relative URL without a base');
	}
	if (!url.hostname) return pyd.urlParsing(loc, value, 'empty host');
	const scheme = url.protocol.slice(0, -1);
	if (scheme === 'https') return null;
	if (scheme === 'http') {
		if (allowHttp === true) return null;
		if (allowHttp === 'loopback' && isLoopbackHost(url.hostname)) return null;
		return pyd.urlScheme(loc, value, ['https']);
	}
	return pyd.urlScheme(loc, value, allowHttp === true ? ['http', 'https'] : ['https']);
}

/**
 * Detect JPEG / PNG / WEBP by magic bytes.
 * @param {Buffer} buf
 * @returns {'jpeg'|'png'|'webp'|null}
 */
function sniffImage(buf) {
	if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'jpeg';
	if (buf.length >= 8 && buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
	if (buf.length >= 12 && buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WEBP') return 'webp';
	return null;
}

/**
 * Decode and check image_base64 (the endpoint's own 400 checks). Accepts an optional `data:image/...;base64,` prefix
 * (undocumented either way; accepting it is the lenient choice).
 * @param {string} value
 * @returns {{ok: true, bytes: number, format: string} | {ok: false, detail: string}}
 */
function checkImageBase64(value) {
	let b64 = value;
	const m = /^data:([a-z0-9.+/-]+)?(;[a-z0-9=.+-]+)*;base64,/i.exec(b64);
	if (m) b64 = b64.slice(m[0].length);
	b64 = b64.replace(/\s+/g, '');
	if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 === 1) return { ok: false, detail: DETAIL.invalidImage };
	const padding = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
	const decodedSize = Math.floor((b64.length * 3) / 4) - padding;
	if (decodedSize > MAX_IMAGE_BYTES) return { ok: false, detail: DETAIL.imageTooLarge };
	const head = Buffer.from(b64.slice(0, 24), 'base64');
	const format = sniffImage(head);
	if (!format) return { ok: false, detail: DETAIL.invalidImage };
	return { ok: true, bytes: decodedSize, format };
}

/**
 * Validate a decoded generate body.
 * @param {unknown} body
 * @param {{allowHttp: boolean|'loopback'}} opts
 * @returns {ValidationResult}
 */
function validateGenerate(body, opts) {
	if (!isPlainObject(body)) {
		return { ok: false, status: 422, body: { detail: [pyd.modelAttributesType(body)] } };
	}
	/** @type {import('./errors').PydanticError[]} */
	const errors = [];

	// prompt: required str, 1..4000 characters (code points, as Python counts them)
	const prompt = body.prompt;
	if (!('prompt' in body)) errors.push(pyd.missing(['body', 'prompt'], body));
	else if (typeof prompt !== 'string') errors.push(pyd.stringType(['body', 'prompt'], prompt));
	else {
		const len = codePointLength(prompt);
		if (len < PROMPT_MIN) errors.push(pyd.stringTooShort(['body', 'prompt'], prompt, PROMPT_MIN));
		else if (len > PROMPT_MAX) errors.push(pyd.stringTooLong(['body', 'prompt'], prompt, PROMPT_MAX));
	}

	// orientation: enum '9:16' | '16:9', default '9:16'. Strict: null or other types are rejected.
	let orientation = '9:16';
	if ('orientation' in body) {
		if (ORIENTATIONS.includes(body.orientation)) orientation = body.orientation;
		else errors.push(pyd.enum(['body', 'orientation'], body.orientation, "'9:16' or '16:9'"));
	}

	// duration: integer enum 10 | 15, default 10. Strict: "10" (a string) is rejected, see README.
	let duration = 10;
	if ('duration' in body) {
		if (typeof body.duration === 'number' && DURATIONS.includes(body.duration)) duration = body.duration;
		else errors.push(pyd.enum(['body', 'duration'], body.duration, '10 or 15'));
	}

	// callback_url: optional HTTPS URL (nullable)
	let callbackUrl = null;
	if (body.callback_url !== undefined && body.callback_url !== null) {
		const err = checkCallbackUrl(body.callback_url, opts.allowHttp);
		if (err) errors.push(err);
		else callbackUrl = body.callback_url;
	}

	// image_base64 / image_url: optional strings (nullable)
	for (const f of ['image_base64', 'image_url']) {
		const v = body[f];
		if (v !== undefined && v !== null && typeof v !== 'string') errors.push(pyd.stringType(['body', f], v));
	}

	if (errors.length) return { ok: false, status: 422, body: { detail: errors } };

	// Endpoint-level checks (HTTP 400). Empty strings count as "not provided" (Python truthiness).
	const imageBase64 = typeof body.image_base64 === 'string' && body.image_base64 ? body.image_base64 : null;
	const imageUrl = typeof body.image_url === 'string' && body.image_url ? body.image_url : null;
	if (imageBase64 && imageUrl) return { ok: false, status: 400, body: { detail: DETAIL.bothImages } };

	/** @type {{kind: 'base64'|'url'|null, bytes?: number, format?: string}} */
	let image = { kind: null };
	if (imageBase64) {
		const r = checkImageBase64(imageBase64);
		if (!r.ok) return { ok: false, status: 400, body: { detail: r.detail } };
		image = { kind: 'base64', bytes: r.bytes, format: r.format };
	} else if (imageUrl) {
		image = { kind: 'url' };
	}

	return {
		ok: true,
		value: {
			prompt: /** @type {string} */ (prompt),
			orientation: /** @type {'9:16'|'16:9'} */ (orientation),
			duration: /** @type {10|15} */ (duration),
			callback_url: callbackUrl,
			image_base64: imageBase64,
			image_url: imageUrl,
		},
		image,
	};
}

/**
 * Validate `limit`/`offset` query parameters of a list endpoint (FastAPI `Query(<default>, ge=1, le=<max>)`,
 * `Query(0, ge=0)`); Sora's default limit is 20 (undocumented), Nano Banana's 50.
 * @param {URLSearchParams} params
 * @param {{defaultLimit: number, maxLimit: number}} [limits]
 * @returns {{ok: true, limit: number, offset: number} | {ok: false, status: 422, body: unknown}}
 */
function validateListQuery(params, limits = { defaultLimit: 20, maxLimit: 100 }) {
	/** @type {import('./errors').PydanticError[]} */
	const errors = [];
	/**
	 * @param {string} name @param {number} def @param {number} ge @param {number|null} le
	 */
	const intParam = (name, def, ge, le) => {
		const raw = params.get(name);
		if (raw === null) return def;
		const loc = ['query', name];
		if (!/^\s*[+-]?\d+\s*$/.test(raw)) {
			errors.push(pyd.intParsing(loc, raw));
			return def;
		}
		const n = Number(raw);
		if (n < ge) errors.push(pyd.greaterThanEqual(loc, raw, ge));
		else if (le !== null && n > le) errors.push(pyd.lessThanEqual(loc, raw, le));
		return n;
	};
	const limit = intParam('limit', limits.defaultLimit, 1, limits.maxLimit);
	const offset = intParam('offset', 0, 0, null);
	if (errors.length) return { ok: false, status: 422, body: { detail: errors } };
	return { ok: true, limit, offset };
}

module.exports = {
	decodeBody,
	validateGenerate,
	validateListQuery,
	checkCallbackUrl,
	checkImageBase64,
	isLoopbackHost,
	sniffImage,
	PROMPT_MAX,
	MAX_IMAGE_BYTES,
};
