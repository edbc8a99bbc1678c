import type { BuildContext } from '../types';
import { NOTHING_SENT, fail } from './validation';

/** Input images: URLs given as text, or input binary fields checked locally (format by magic bytes, size) before sending. */

export type ImageFormat = 'image/jpeg' | 'image/png' | 'image/webp' | 'image/gif';

/** Identifies an image by its first bytes. */
export function sniffImageType(bytes: Buffer): ImageFormat | null {
	if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)
		return 'image/jpeg';
	if (
		bytes.length >= 8 &&
		bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
	) {
		return 'image/png';
	}
	if (
		bytes.length >= 12 &&
		bytes.toString('latin1', 0, 4) === 'RIFF' &&
		bytes.toString('latin1', 8, 12) === 'WEBP'
	) {
		return 'image/webp';
	}
	if (bytes.length >= 6 && /^GIF8[79]a$/.test(bytes.toString('latin1', 0, 6))) return 'image/gif';
	return null;
}

export interface ImageLimits {
	maxBytes: number;
	formats: ImageFormat[];
}

const FORMAT_NAMES: Record<ImageFormat, string> = {
	'image/jpeg': 'JPEG',
	'image/png': 'PNG',
	'image/webp': 'WEBP',
	'image/gif': 'GIF',
};

export function formatList(formats: ImageFormat[]): string {
	const names = formats.map((format) => FORMAT_NAMES[format]);
	return names.length > 1
		? `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`
		: names[0];
}

/** Splits a list typed as text ("a, b" or one per line); an array from an expression is taken as is. */
export function splitList(value: unknown): string[] {
	const parts = Array.isArray(value) ? value.map(String) : String(value ?? '').split(/[\n,]+/);
	return parts.map((part) => part.trim()).filter(Boolean);
}

export function checkImageUrls(urls: string[], max: number): string[] {
	if (urls.length === 0) fail('No image URL given', 'Enter at least one http(s) image URL.');
	if (urls.length > max)
		fail(`${urls.length} images given; this model accepts at most ${max}`, NOTHING_SENT);
	for (const url of urls) {
		if (!/^https?:\/\/\S+$/i.test(url)) fail(`"${url}" is not an http(s) image URL`, NOTHING_SENT);
	}
	return urls;
}

/** Reads input binary fields as base64, after checking each image's format and size locally. */
export async function readBinaryImages(
	input: BuildContext,
	properties: string[],
	limits: ImageLimits & { max: number },
): Promise<string[]> {
	if (properties.length === 0) fail('No input binary field given');
	if (properties.length > limits.max) {
		fail(
			`${properties.length} images given; this model accepts at most ${limits.max}`,
			NOTHING_SENT,
		);
	}
	const images: string[] = [];
	for (const property of properties) images.push(await readBinaryImage(input, property, limits));
	return images;
}

export async function readBinaryImage(
	{ ctx, itemIndex }: BuildContext,
	property: string,
	limits: ImageLimits,
): Promise<string> {
	const binary = ctx.helpers.assertBinaryData(itemIndex, property);
	// `bytes` is exact. `fileSize` is n8n's rounded display size ("10.5 MB" for exactly 10 MiB), so it only rules an
	// image out when it is clearly too large; the exact length is checked below anyway.
	const exact = typeof binary.bytes === 'number';
	const declared = exact ? (binary.bytes as number) : parseFileSize(binary.fileSize ?? '');
	if (Number.isFinite(declared) && declared > limits.maxBytes * (exact ? 1 : 1.01)) {
		tooLarge(declared, limits.maxBytes);
	}
	const bytes = await ctx.helpers.getBinaryDataBuffer(itemIndex, property);
	if (bytes.length > limits.maxBytes) tooLarge(bytes.length, limits.maxBytes);
	const format = sniffImageType(bytes);
	if (!format || !limits.formats.includes(format)) {
		fail(
			`The image in binary field "${property}" is not a ${formatList(limits.formats)} file`,
			`Its MIME type says ${binary.mimeType || 'nothing'}; this model accepts ${formatList(limits.formats)}.`,
		);
	}
	return bytes.toString('base64');
}

function parseFileSize(size: string): number {
	// n8n writes sizes like "2.4 MB" or "512 kB"; numbers alone are bytes.
	const match = /^([\d.]+)\s*([kmg]?b)?$/i.exec(size.trim());
	if (!match) return NaN;
	const factor = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9 }[(match[2] ?? 'b').toLowerCase() as 'b'];
	return Number(match[1]) * factor;
}

function tooLarge(size: number, max: number): never {
	return fail(
		`The image is ${(size / 1024 / 1024).toFixed(1)} MB; RunBlob accepts at most ${max / 1024 / 1024} MB`,
		'Use a smaller image (for example resize or compress it with the Edit Image node).',
	);
}

export const MiB = 1024 * 1024;
