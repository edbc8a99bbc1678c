'use strict';
/**
 * Image files for completed image generations, and the CDN handler that serves them.
 *
 * Every file is a real picture: one of the fixtures in media/ (the same 320x180 frame of ffmpeg's `testsrc2` pattern
 * as PNG, JPEG and WEBP; the commands are in README.md), plus a padding block that decoders skip, filled with
 * pseudo-random bytes seeded by the id. The padding makes each generation's file unique and brings it to the
 * configured `imageSize`; it is never shorter than 32 bytes, so a small `imageSize` gives the smallest such file.
 *   PNG:  the fixture's chunks up to IEND, a private ancillary `rbPd` chunk, IEND.
 *   JPEG: SOI and the fixture's APP0 (JFIF), COM segments (at most 64 KiB each), the rest of the fixture.
 *   WEBP: RIFF/WEBP in the extended form (a VP8X header giving the canvas size, then the fixture's VP8 chunk), then an
 *         unknown `rbPd` chunk, which readers skip (unknown chunks are allowed in the extended form only). RIFF files
 *         have an even length, so an odd size is rounded up by one byte.
 */
const fs = require('node:fs');
const path = require('node:path');
const { parseRange, fillPayload, seedOf } = require('./video');

/** @typedef {'png'|'jpg'|'webp'} ImageExt */

/** @type {Record<ImageExt, string>} */
const CONTENT_TYPES = { png: 'image/png', jpg: 'image/jpeg', webp: 'image/webp' };
/** Filler bytes every file carries at least, so two generations never share a file. */
const MIN_FILLER = 32;

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

/** A RIFF chunk: FourCC, little-endian size, data, and a pad byte when the size is odd. @param {string} type @param {Buffer} data */
function riffChunk(type, data) {
	const head = Buffer.alloc(8);
	head.write(type, 0, 'latin1');
	head.writeUInt32LE(data.length, 4);
	return Buffer.concat([head, data, Buffer.alloc(data.length % 2)]);
}

/** @param {string} seed @param {number} n bytes of deterministic filler (the video payload generator: fast at any size) */
function filler(seed, n) {
	const out = Buffer.alloc(n);
	fillPayload(seedOf(seed), 0, out);
	return out;
}

/** @param {string} name */
const fixture = (name) => fs.readFileSync(path.join(__dirname, 'media', name));

/** PNG: everything before IEND, and IEND (the last 12 bytes of any PNG). */
function pngParts() {
	const file = fixture('picture.png');
	return { head: file.subarray(0, -12), tail: file.subarray(-12) };
}

/** JPEG: SOI plus an APP0 segment right after it (JFIF wants APP0 first), and the rest. */
function jpegParts() {
	const file = fixture('picture.jpg');
	const app0 = file[2] === 0xff && file[3] === 0xe0 ? 2 + file.readUInt16BE(4) : 0;
	return { head: file.subarray(0, 2 + app0), tail: file.subarray(2 + app0) };
}

/**
 * WEBP: the fixture (simple lossy form: RIFF, WEBP, one VP8 chunk) turned into the extended form: a VP8X chunk with
 * the canvas size read from the VP8 frame header, then the VP8 chunk. `head` lacks the RIFF size, set per file.
 */
function webpParts() {
	const file = fixture('picture.webp');
	if (file.toString('latin1', 0, 4) !== 'RIFF' || file.toString('latin1', 8, 16) !== 'WEBPVP8 ') throw new Error('media/picture.webp is not a simple lossy WEBP');
	const vp8 = file.subarray(12);
	const frame = vp8.subarray(8);
	const width = frame.readUInt16LE(6) & 0x3fff;
	const height = frame.readUInt16LE(8) & 0x3fff;
	const vp8x = Buffer.alloc(10); // flags 0 (no alpha, animation or metadata), 3 reserved bytes, then the canvas size - 1
	vp8x.writeUIntLE(width - 1, 4, 3);
	vp8x.writeUIntLE(height - 1, 7, 3);
	return { head: Buffer.concat([Buffer.from('RIFF\0\0\0\0WEBP', 'latin1'), riffChunk('VP8X', vp8x), vp8]), tail: Buffer.alloc(0) };
}

/** @type {Record<ImageExt, {head: Buffer, tail: Buffer}>} */
const PARTS = { png: pngParts(), jpg: jpegParts(), webp: webpParts() };
/** Framing of one padding block: PNG chunk length, type and CRC; JPEG COM marker and length; RIFF FourCC and size. */
const FRAMING = { png: 12, jpg: 4, webp: 8 };

/**
 * The exact size of the file served for a requested size: the requested size, or the smallest file (the picture and
 * 32 filler bytes) when less was asked; WEBP sizes are even.
 * @param {number} requested
 * @param {ImageExt} ext
 */
function imageFileSize(requested, ext) {
	const p = PARTS[ext];
	const size = Math.max(requested, p.head.length + p.tail.length + FRAMING[ext] + MIN_FILLER);
	return ext === 'webp' ? size + (size % 2) : size;
}

/**
 * The padding blocks that fill `gap` bytes.
 * @param {string} id @param {number} gap @param {ImageExt} ext
 * @returns {Buffer[]}
 */
function padding(id, gap, ext) {
	if (ext === 'png') return [pngChunk('rbPd', filler(id, gap - 12))];
	if (ext === 'webp') return [riffChunk('rbPd', filler(id, gap - 8))];
	const pads = [];
	while (gap > 0) {
		let take = Math.min(gap, 65537); // a segment length is 16 bits and counts itself
		if (gap - take > 0 && gap - take < 4 + MIN_FILLER) take -= 4 + MIN_FILLER;
		const len = Buffer.alloc(4);
		len.writeUInt16BE(0xfffe, 0);
		len.writeUInt16BE(take - 2, 2);
		pads.push(Buffer.concat([len, filler(`${id}:${gap}`, take - 4)]));
		gap -= take;
	}
	return pads;
}

/**
 * The bytes of the image for (id, requested size, format).
 * @param {string} id
 * @param {number} requested
 * @param {ImageExt} ext
 * @returns {Buffer}
 */
function imageBytes(id, requested, ext) {
	const p = PARTS[ext];
	const size = imageFileSize(requested, ext);
	const file = Buffer.concat([p.head, ...padding(id, size - p.head.length - p.tail.length, ext), p.tail]);
	if (ext === 'webp') file.writeUInt32LE(file.length - 8, 4);
	return file;
}

/**
 * CDN handler for images (GET/HEAD, single Range, no auth). `lookup` maps the request path to a completed record.
 * @param {{lookup: (path: string) => ({id: string, size: number, ext: ImageExt} | null),
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
