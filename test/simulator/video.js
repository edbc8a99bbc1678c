'use strict';
/**
 * Deterministic MP4 files for completed generations, and the CDN request handler that serves them.
 *
 * File layout for a given (generationId, size), when `size` leaves room for it (26 KiB and more; the default is 1 MiB):
 *   [media/playable.mp4: a real 2 s, 320x180 H.264 video, moov first] [free box header, 8 or 16 bytes] [payload ...]
 * Players show the real video and skip the `free` box, whose pseudo-random payload makes each generation's file unique
 * and brings it to exactly `size` bytes. Smaller sizes (unit tests of sizes and ranges) keep the older synthetic form:
 *   [ftyp box, 32 bytes] [mdat box header, 8 bytes (or 16 with a 64-bit size)] [pseudo-random payload ...]
 * truncated to exactly `size` bytes. The payload comes from a counter-based generator (a 32-bit integer hash of
 * (seed, word index)), so any byte range can be produced without generating what precedes it: Range requests into
 * multi-GiB files are O(range), and nothing is ever built whole in memory.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Readable } = require('node:stream');

const CHUNK = 64 * 1024; // bytes per generated chunk; also the stream highWaterMark
const WORDS_PER_BLOCK = 16384; // 64 KiB of payload per keyed block
const BLOCK_BYTES = WORDS_PER_BLOCK * 4;
const LITTLE_ENDIAN = os.endianness() === 'LE';
// Module-level alias: global lookups (Math.imul) inside hot loops are very slow when the code runs in a vm context
// such as jest's test environment (about 15x here).
const imul = Math.imul;

/** lowbias32 integer hash (Chris Wellons): fast, good avalanche, pure 32-bit arithmetic. @param {number} x */
function mix32(x) {
	x ^= x >>> 16;
	x = imul(x, 0x7feb352d);
	x ^= x >>> 15;
	x = imul(x, 0x846ca68b);
	x ^= x >>> 16;
	return x >>> 0;
}

/** @param {string} generationId @returns {[number, number]} two 32-bit seeds derived from the id */
function seedOf(generationId) {
	const h = crypto.createHash('sha256').update(String(generationId)).digest();
	return [h.readUInt32LE(0), h.readUInt32LE(4)];
}

/** Made once with ffmpeg (see test/simulator/README.md); its ftyp box is the same as the synthetic one's. */
const PLAYABLE = fs.readFileSync(path.join(__dirname, 'media', 'playable.mp4'));

/**
 * A box header (`type`, 8 bytes; 16 with the 64-bit "largesize" form) for a box of `boxSize` bytes in all.
 * @param {string} type @param {number} boxSize
 */
function boxHeader(type, boxSize) {
	if (boxSize <= 0xffffffff) {
		const b = Buffer.alloc(8);
		b.writeUInt32BE(boxSize, 0);
		b.write(type, 4, 'latin1');
		return b;
	}
	const b = Buffer.alloc(16);
	b.writeUInt32BE(1, 0);
	b.write(type, 4, 'latin1');
	b.writeBigUInt64BE(BigInt(boxSize), 8);
	return b;
}

/**
 * The bytes of a file of `size` bytes that come before the pseudo-random payload: the playable video and the header
 * of a `free` box spanning the rest when it fits, else an `ftyp` box (`isom`, minor 0x200, brands isom iso2 avc1
 * mp41) and the header of an `mdat` box spanning the rest.
 * @param {number} size
 * @returns {Buffer}
 */
function mp4Header(size) {
	const rest = size - PLAYABLE.length;
	if (rest >= 16) return Buffer.concat([PLAYABLE, boxHeader('free', rest)]);
	const ftyp = Buffer.alloc(32);
	ftyp.writeUInt32BE(32, 0);
	ftyp.write('ftypisom', 4, 'latin1');
	ftyp.writeUInt32BE(0x200, 12);
	ftyp.write('isomiso2avc1mp41', 16, 'latin1');
	return Buffer.concat([ftyp, boxHeader('mdat', Math.max(0, size - 32))]);
}

/**
 * Fill `out` with payload bytes [offset, offset + out.length) of the generator for `seed`.
 * @param {[number, number]} seed
 * @param {number} offset byte offset into the payload stream
 * @param {Buffer} out
 */
function fillPayload(seed, offset, out) {
	let written = 0;
	while (written < out.length) {
		const pos = offset + written;
		const block = Math.floor(pos / BLOCK_BYTES);
		const inBlock = pos - block * BLOCK_BYTES;
		const key = mix32(seed[0] ^ mix32((block + seed[1]) >>> 0));
		const firstWord = Math.floor(inBlock / 4);
		const lastWord = Math.min(WORDS_PER_BLOCK, Math.ceil((inBlock + (out.length - written)) / 4));
		const words = new Uint32Array(lastWord - firstWord);
		for (let i = 0; i < words.length; i++) {
			words[i] = mix32((key + imul(firstWord + i, 0x9e3779b1)) >>> 0);
		}
		const bytes = Buffer.from(words.buffer, words.byteOffset, words.byteLength);
		if (!LITTLE_ENDIAN) bytes.swap32(); // define the byte order as little-endian on every platform
		const skip = inBlock - firstWord * 4;
		written += bytes.copy(out, written, skip);
	}
}

/**
 * A Readable producing bytes [start, end] (inclusive) of the video for (generationId, size). Bytes are generated
 * per chunk on demand in _read(), so backpressure from the consumer bounds memory.
 */
class VideoStream extends Readable {
	/**
	 * @param {string} generationId
	 * @param {number} size total file size in bytes
	 * @param {{start?: number, end?: number}} [range] inclusive byte range (default: whole file)
	 */
	constructor(generationId, size, range = {}) {
		super({ highWaterMark: CHUNK });
		if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`invalid video size: ${size}`);
		this.seed = seedOf(generationId);
		this.header = mp4Header(size);
		this.pos = range.start ?? 0;
		this.stop = Math.min(range.end ?? size - 1, size - 1) + 1; // exclusive
	}
	/** @param {number} n */
	_read(n) {
		if (this.pos >= this.stop) {
			this.push(null);
			return;
		}
		const len = Math.min(Math.max(n, CHUNK), this.stop - this.pos);
		const out = Buffer.allocUnsafe(len);
		let filled = 0;
		const hLen = this.header.length;
		if (this.pos < hLen) filled = this.header.copy(out, 0, this.pos, Math.min(hLen, this.pos + len));
		if (filled < len) fillPayload(this.seed, this.pos + filled - hLen, out.subarray(filled));
		this.pos += len;
		this.push(out);
	}
}

/**
 * The exact bytes the CDN serves for a generation of the given size.
 * @param {string} generationId
 * @param {number} size
 * @param {{start?: number, end?: number}} [range] optional inclusive byte range
 * @returns {import('node:stream').Readable}
 */
function videoBytes(generationId, size, range) {
	return new VideoStream(generationId, size, range);
}

/**
 * SHA-256 (hex) of the video for (generationId, size), computed by streaming.
 * @param {string} generationId
 * @param {number} size
 * @returns {Promise<string>}
 */
async function videoSha256(generationId, size) {
	const hash = crypto.createHash('sha256');
	for await (const chunk of videoBytes(generationId, size)) hash.update(chunk);
	return hash.digest('hex');
}

/**
 * Parse a single `Range: bytes=...` header.
 * @param {string|undefined} header
 * @param {number} size
 * @returns {{start: number, end: number} | 'unsatisfiable' | null} null = ignore Range (serve the whole file)
 */
function parseRange(header, size) {
	if (!header) return null;
	const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
	if (!m) return null; // malformed or multi-range: servers may ignore Range and answer 200
	const [, a, b] = m;
	if (a === '' && b === '') return null;
	let start;
	let end;
	if (a === '') {
		const suffix = Number(b);
		if (suffix === 0) return 'unsatisfiable';
		start = Math.max(0, size - suffix);
		end = size - 1;
	} else {
		start = Number(a);
		end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
		if (b !== '' && Number(b) < start) return null; // invalid range spec: ignore
	}
	if (start >= size) return 'unsatisfiable';
	return { start, end };
}

const VIDEO_PATH_RE = /^\/videos\/(?:[^/]+\/)*([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.mp4$/i;

/**
 * Create the CDN request handler. `onRequest` is called once per request, when it starts; the entry is then updated
 * in place.
 * @param {{ lookup: (id: string) => ({size: number} | null), onRequest: (entry: CdnLogEntry) => void,
 *   log: (msg: string) => void }} deps
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void}
 */
function createCdnHandler(deps) {
	return (req, res) => {
		const started = Date.now();
		let url;
		try {
			url = new URL(req.url || '/', 'http://cdn.invalid');
		} catch {
			res.writeHead(400, { 'content-type': 'text/plain' });
			res.end('Bad Request');
			return;
		}
		/** @type {CdnLogEntry} */
		const entry = {
			method: req.method || '',
			path: url.pathname,
			range: req.headers.range ?? null,
			authorization: req.headers.authorization !== undefined,
			status: 0,
			bytesSent: 0,
			startedAt: started,
			finishedAt: null,
		};
		// Logged when the request starts and updated in place (bytesSent grows while streaming), so callers can
		// watch a download in progress, e.g. to check that backpressure bounds what was generated.
		deps.onRequest(entry);
		const finish = () => {
			entry.finishedAt = Date.now();
		};
		const notFound = () => {
			entry.status = 404;
			res.writeHead(404, { 'content-type': 'text/plain' });
			res.end('Not Found');
			finish();
		};
		if (req.method !== 'GET' && req.method !== 'HEAD') {
			entry.status = 405;
			res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
			res.end('Method Not Allowed');
			finish();
			return;
		}
		const m = VIDEO_PATH_RE.exec(url.pathname);
		const video = m ? deps.lookup(m[1].toLowerCase()) : null;
		if (!m || !video) return notFound();
		const id = m[1].toLowerCase();
		const size = video.size;
		const headers = {
			'content-type': 'video/mp4',
			'accept-ranges': 'bytes',
			etag: `"${id}-${size}"`,
			'cache-control': 'public, max-age=31536000, immutable',
		};
		const range = parseRange(req.headers.range, size);
		if (range === 'unsatisfiable') {
			entry.status = 416;
			res.writeHead(416, { ...headers, 'content-range': `bytes */${size}`, 'content-length': 0 });
			res.end();
			finish();
			return;
		}
		const start = range ? range.start : 0;
		const end = range ? range.end : size - 1;
		const length = size === 0 ? 0 : end - start + 1;
		entry.status = range ? 206 : 200;
		res.writeHead(entry.status, {
			...headers,
			'content-length': length,
			...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
		});
		if (req.method === 'HEAD' || length === 0) {
			res.end();
			finish();
			return;
		}
		const stream = videoBytes(id, size, { start, end });
		stream.on('data', (c) => {
			entry.bytesSent += c.length;
			// Backpressure: stop generating while the socket buffer is full.
			if (!res.write(c)) stream.pause();
		});
		res.on('drain', () => stream.resume());
		stream.on('end', () => {
			res.end();
			finish();
		});
		res.on('close', () => {
			if (!stream.readableEnded) {
				stream.destroy();
				entry.aborted = true;
				finish();
			}
		});
	};
}

/**
 * @typedef {object} CdnLogEntry
 * @property {string} method
 * @property {string} path
 * @property {string|null} range
 * @property {boolean} authorization whether an Authorization header arrived (it never should)
 * @property {number} status
 * @property {number} bytesSent
 * @property {number} startedAt
 * @property {number|null} finishedAt
 * @property {boolean} [aborted]
 */

module.exports = { videoBytes, videoSha256, mp4Header, PLAYABLE, parseRange, createCdnHandler, fillPayload, seedOf, VIDEO_PATH_RE };
