'use strict';
/**
 * Reads an image file's format and pixel size from its header, the way a decoder starts: PNG's IHDR, JPEG's frame
 * header (SOFn), WEBP's VP8 / VP8L / VP8X chunk. Written from the format specifications, independently of the
 * simulator's own code, so the self-tests check the served files against the formats rather than against themselves.
 */

/**
 * @param {Buffer} buf
 * @returns {{format: 'png'|'jpeg'|'webp', width: number, height: number, webpChunks?: string[]}}
 */
function imageHeader(buf) {
	if (buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return png(buf);
	if (buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return jpeg(buf);
	if (buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WEBP') return webp(buf);
	throw new Error(`not a PNG, JPEG or WEBP file (starts ${buf.subarray(0, 12).toString('hex')})`);
}

/** @param {Buffer} buf */
function png(buf) {
	if (buf.readUInt32BE(8) !== 13 || buf.toString('latin1', 12, 16) !== 'IHDR') throw new Error('PNG without IHDR first');
	return { format: /** @type {const} */ ('png'), width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
}

/** @param {Buffer} buf */
function jpeg(buf) {
	for (let off = 2; off + 4 <= buf.length; ) {
		if (buf[off] !== 0xff) throw new Error(`JPEG: no marker at ${off}`);
		const marker = buf[off + 1];
		// SOF0…SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range
		if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
			return { format: /** @type {const} */ ('jpeg'), height: buf.readUInt16BE(off + 5), width: buf.readUInt16BE(off + 7) };
		}
		if (marker === 0xda) break; // a scan before any frame header
		off += 2 + buf.readUInt16BE(off + 2);
	}
	throw new Error('JPEG without a frame header');
}

/** @param {Buffer} buf */
function webp(buf) {
	if (buf.readUInt32LE(4) !== buf.length - 8) throw new Error(`WEBP: RIFF size ${buf.readUInt32LE(4)} for ${buf.length} bytes`);
	/** @type {string[]} */
	const chunks = [];
	/** @type {{width: number, height: number} | null} */
	let canvas = null;
	/** @type {{width: number, height: number} | null} */
	let bitstream = null;
	let off = 12;
	for (; off + 8 <= buf.length; ) {
		const type = buf.toString('latin1', off, off + 4);
		const size = buf.readUInt32LE(off + 4);
		const data = buf.subarray(off + 8, off + 8 + size);
		chunks.push(type);
		if (type === 'VP8X') canvas = { width: data.readUIntLE(4, 3) + 1, height: data.readUIntLE(7, 3) + 1 };
		if (type === 'VP8 ') {
			if (data[3] !== 0x9d || data[4] !== 0x01 || data[5] !== 0x2a) throw new Error('WEBP: VP8 key frame start code missing');
			bitstream = { width: data.readUInt16LE(6) & 0x3fff, height: data.readUInt16LE(8) & 0x3fff };
		}
		if (type === 'VP8L') {
			if (data[0] !== 0x2f) throw new Error('WEBP: VP8L signature missing');
			const bits = data.readUInt32LE(1);
			bitstream = { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
		}
		off += 8 + size + (size % 2);
	}
	if (off !== buf.length) throw new Error(`WEBP: chunks end at ${off} of ${buf.length}`);
	if (!bitstream) throw new Error('WEBP without a VP8 or VP8L chunk');
	if (canvas && (canvas.width !== bitstream.width || canvas.height !== bitstream.height)) throw new Error('WEBP: VP8X canvas differs from the image');
	if (!canvas && chunks.length !== 1) throw new Error('WEBP: extra chunks are only allowed in the extended (VP8X) form');
	return { format: /** @type {const} */ ('webp'), ...bitstream, webpChunks: chunks };
}

module.exports = { imageHeader };
