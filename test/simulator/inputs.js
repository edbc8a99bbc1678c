'use strict';
/**
 * Image inputs sent to RunBlob: base64 strings (bare or data-URI) and URLs, as the families accept them. The
 * simulator never fetches URLs; it decodes base64 to check size and format by magic bytes.
 */

/**
 * Detect an image format by magic bytes.
 * @param {Buffer} buf
 * @returns {'jpeg'|'png'|'webp'|'gif'|null}
 */
function sniffImage(buf) {
	if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'jpeg';
	if (buf.length >= 8 && buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
	if (buf.length >= 12 && buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WEBP') return 'webp';
	if (buf.length >= 6 && /^GIF8[79]a$/.test(buf.toString('latin1', 0, 6))) return 'gif';
	return null;
}

/**
 * Inspect a base64 image (an optional `data:<mime>;base64,` prefix is stripped).
 * @param {string} value
 * @param {{maxBytes: number, formats: string[]}} limits
 * @returns {{ok: true, bytes: number, format: string} | {ok: false, reason: 'invalid'|'too_large'|'format'}}
 */
function inspectBase64(value, limits) {
	let b64 = value;
	const m = /^data:([a-z0-9.+/-]+)?(;[a-z0-9=.+-]+)*;base64,/i.exec(b64);
	if (m) b64 = b64.slice(m[0].length);
	b64 = b64.replace(/\s+/g, '');
	if (!b64 || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 === 1) return { ok: false, reason: 'invalid' };
	const padding = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
	const bytes = Math.floor((b64.length * 3) / 4) - padding;
	if (bytes > limits.maxBytes) return { ok: false, reason: 'too_large' };
	const format = sniffImage(Buffer.from(b64.slice(0, 24), 'base64'));
	if (!format || !limits.formats.includes(format)) return { ok: false, reason: 'format' };
	return { ok: true, bytes, format };
}

/** @param {string} s */
const isHttpUrl = (s) => /^https?:\/\/[^\s/]+/i.test(s);
/** @param {string} s */
const isDataUri = (s) => /^data:/i.test(s);

/**
 * A summary of one image input for snapshots (never the base64 text itself, which can be megabytes).
 * @param {'url'|'base64'} kind
 * @param {string} value
 * @param {{bytes?: number, format?: string}} [info]
 */
function describeImage(kind, value, info = {}) {
	return kind === 'url' ? { kind, url: value } : { kind, bytes: info.bytes, format: info.format };
}

/**
 * Copy of a request body with long strings (base64 payloads) replaced by a length marker, for snapshots.
 * @param {Record<string, any>} body
 */
function redactBody(body) {
	/** @param {any} v @returns {any} */
	const r = (v) => {
		if (typeof v === 'string') return v.length > 512 ? `<${v.length} chars>` : v;
		if (Array.isArray(v)) return v.map(r);
		if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, r(x)]));
		return v;
	};
	return r(body);
}

module.exports = { sniffImage, inspectBase64, isHttpUrl, isDataUri, describeImage, redactBody };
