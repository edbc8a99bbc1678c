'use strict';
/**
 * Deterministic image files for completed image generations, and the CDN handler that serves them.
 *
 * PNG: signature, IHDR (160x90 RGB, 8 bit), one IDAT of three colour bands derived from the id, an optional private
 * ancillary `rbPd` chunk of pseudo-random padding (decoders skip it), IEND. JPEG: SOI, APP0 JFIF, optional COM
 * segments of padding, then a baseline 8x8 grey image (one block, DC only), EOI. The padding brings the file to the
 * configured `imageSize` when that is larger than the bare image; below it, the file is the bare image.
 */
const crypto = require('node:crypto');
const zlib = require('node:zlib');
const { parseRange, fillPayload, seedOf } = require('./video');

const PNG_SIG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CONTENT_TYPES = { png: 'image/png', jpg: 'image/jpeg' };

/** CRC-32 as PNG uses it (zlib.crc32 is missing on older Node 20 releases). */
const CRC_TABLE = (() => {
	const t = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		t[n] = c >>> 0;
	}
	return t;
})();
/** @param {Buffer} buf */
function crc32(buf) {
	let c = 0xffffffff;
	for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}

/** @param {string} type @param {Buffer} data */
function pngChunk(type, data) {
	const head = Buffer.alloc(8);
	head.writeUInt32BE(data.length, 0);
	head.write(type, 4, 'latin1');
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
	return Buffer.concat([head, data, crc]);
}

/** @param {string} id @param {number} n bytes of deterministic filler (the video payload generator: fast at any size) */
function filler(id, n) {
	const out = Buffer.alloc(n);
	fillPayload(seedOf(id), 0, out);
	return out;
}

const PNG_W = 160;
const PNG_H = 90;

/** A 160x90 RGB picture of three bands whose colours come from the id (deflates to under 200 bytes). */
function pngCore(id) {
	const [r, g, b] = crypto.createHash('sha256').update(id).digest();
	const bands = [
		[r, g, b],
		[255 - r, 255 - g, 255 - b],
		[b, r, g],
	];
	const rows = [];
	for (let y = 0; y < PNG_H; y++) {
		const colour = bands[Math.floor((y * bands.length) / PNG_H)];
		const row = Buffer.alloc(1 + PNG_W * 3); // filter byte 0, then the pixels
		for (let x = 0; x < PNG_W; x++) row.set(colour, 1 + x * 3);
		rows.push(row);
	}
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(PNG_W, 0);
	ihdr.writeUInt32BE(PNG_H, 4);
	ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
	const idat = zlib.deflateSync(Buffer.concat(rows), { level: 9 });
	return { head: Buffer.concat([PNG_SIG, pngChunk('IHDR', ihdr), pngChunk('IDAT', idat)]), tail: pngChunk('IEND', Buffer.alloc(0)) };
}

/** Baseline 8x8 greyscale JPEG pieces: everything before the padding point, and the rest. */
function jpegCore() {
	const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
	const dqt = Buffer.concat([Buffer.from([0xff, 0xdb, 0x00, 0x43, 0x00]), Buffer.alloc(64, 1)]);
	const sof0 = Buffer.from([0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x08, 0x00, 0x08, 0x01, 0x01, 0x11, 0x00]);
	// One Huffman code of length 1 per table: DC category 0 (difference 0 → mid grey) and AC end-of-block.
	const counts = Buffer.from([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
	const dhtDc = Buffer.concat([Buffer.from([0xff, 0xc4, 0x00, 0x14, 0x00]), counts, Buffer.from([0x00])]);
	const dhtAc = Buffer.concat([Buffer.from([0xff, 0xc4, 0x00, 0x14, 0x10]), counts, Buffer.from([0x00])]);
	const sos = Buffer.from([0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00]);
	const scan = Buffer.from([0x3f]); // bits "0" (DC cat 0) + "0" (EOB), padded with 1s
	return {
		head: Buffer.concat([Buffer.from([0xff, 0xd8]), app0]),
		tail: Buffer.concat([dqt, sof0, dhtDc, dhtAc, sos, scan, Buffer.from([0xff, 0xd9])]),
	};
}

/** @param {'png'|'jpg'} ext @param {string} id */
function core(ext, id) {
	return ext === 'png' ? pngCore(id) : jpegCore();
}

/** Smallest padding a format can add (a PNG chunk has 12 bytes of framing, a JPEG COM segment 4). */
const MIN_PAD = { png: 12, jpg: 4 };

/**
 * The exact size of the file served for a requested size: the requested size if padding can reach it, else the bare
 * image.
 * @param {number} requested
 * @param {'png'|'jpg'} ext
 */
function imageFileSize(requested, ext) {
	const c = core(ext, 'size');
	const bare = c.head.length + c.tail.length;
	return requested - bare >= MIN_PAD[ext] ? requested : bare;
}

/**
 * The bytes of the image for (id, requested size, format).
 * @param {string} id
 * @param {number} requested
 * @param {'png'|'jpg'} ext
 * @returns {Buffer}
 */
function imageBytes(id, requested, ext) {
	const c = core(ext, id);
	let gap = imageFileSize(requested, ext) - c.head.length - c.tail.length;
	const pads = [];
	if (ext === 'png' && gap > 0) pads.push(pngChunk('rbPd', filler(id, gap - 12)));
	while (ext === 'jpg' && gap > 0) {
		let take = Math.min(gap, 65537);
		if (gap - take > 0 && gap - take < 4) take -= 4;
		const len = Buffer.alloc(4);
		len.writeUInt16BE(0xfffe, 0);
		len.writeUInt16BE(take - 2, 2);
		pads.push(Buffer.concat([len, filler(`${id}:${gap}`, take - 4)]));
		gap -= take;
	}
	return Buffer.concat([c.head, ...pads, c.tail]);
}

/**
 * CDN handler for images (GET/HEAD, single Range, no auth). `lookup` maps the request path to a completed record.
 * @param {{lookup: (path: string) => ({id: string, size: number, ext: 'png'|'jpg'} | null),
 *   onRequest: (entry: import('./video').CdnLogEntry) => void}} deps
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void}
 */
function createImageHandler(deps) {
	return (req, res) => {
		const path = (req.url || '/').split('?')[0];
		/** @type {import('./video').CdnLogEntry} */
		const entry = {
			method: req.method || '',
			path,
			range: req.headers.range ?? null,
			authorization: req.headers.authorization !== undefined,
			status: 0,
			bytesSent: 0,
			startedAt: Date.now(),
			finishedAt: null,
		};
		deps.onRequest(entry);
		/** @param {number} status @param {Record<string, string|number>} headers @param {Buffer} [body] */
		const end = (status, headers, body) => {
			entry.status = status;
			res.writeHead(status, headers);
			if (body && req.method !== 'HEAD') {
				entry.bytesSent = body.length;
				res.end(body);
			} else res.end();
			entry.finishedAt = Date.now();
		};
		if (req.method !== 'GET' && req.method !== 'HEAD') return end(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }, Buffer.from('Method Not Allowed'));
		const found = deps.lookup(path);
		if (!found) return end(404, { 'content-type': 'text/plain' }, Buffer.from('Not Found'));
		const bytes = imageBytes(found.id, found.size, found.ext);
		const headers = {
			'content-type': CONTENT_TYPES[found.ext],
			'accept-ranges': 'bytes',
			etag: `"${found.id}-${bytes.length}"`,
			'cache-control': 'public, max-age=31536000, immutable',
		};
		const range = parseRange(req.headers.range, bytes.length);
		if (range === 'unsatisfiable') return end(416, { ...headers, 'content-range': `bytes */${bytes.length}`, 'content-length': 0 });
		if (range) {
			const part = bytes.subarray(range.start, range.end + 1);
			return end(206, { ...headers, 'content-length': part.length, 'content-range': `bytes ${range.start}-${range.end}/${bytes.length}` }, part);
		}
		return end(200, { ...headers, 'content-length': bytes.length }, bytes);
	};
}

module.exports = { imageBytes, imageFileSize, createImageHandler, crc32, CONTENT_TYPES };
