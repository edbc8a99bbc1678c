import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import { parseRunBlobTime } from '../time';
import { isLoopbackUrl } from '../urls';
import type { BuildContext } from './types';
import { InputProblem } from './types';

/** Building blocks the family declarations share: parameter display, request validation, images, callback fields. */

/** Shows a family's parameters only for its models (and only on node versions that have a Model field). */
export function forModels(models: string[], properties: INodeProperties[]): INodeProperties[] {
	return properties.map((property) => ({
		...property,
		displayOptions: {
			...property.displayOptions,
			show: {
				...(property.displayOptions?.show ?? {}),
				operation: ['generate'],
				model: models,
			},
		},
	}));
}

// ---------------------------------------------------------------------------------------------------------------
// Request validation

/** RunBlob counts characters the way Python does (code points), so we do too. */
export function codePoints(value: string): number {
	return [...value].length;
}

/** The prompt of a family, with its declared limits (the same values its UI text names). */
export function promptSchema({ min, max }: { min: number; max: number }) {
	return z
		.string({ required_error: 'is required' })
		.refine((value) => value.trim() !== '', 'The prompt is empty')
		.refine(
			(value) => value.trim() === '' || codePoints(value) >= min,
			(value) => ({
				message: `The prompt has ${codePoints(value)} characters; this model needs at least ${min}`,
			}),
		)
		.refine(
			(value) => codePoints(value) <= max,
			(value) => ({
				message: `The prompt has ${codePoints(value)} characters; RunBlob accepts at most ${max}`,
			}),
		);
}

/** Validates a request body; the first problem (its message is a whole sentence) becomes an InputProblem. */
export function validateBody<T extends z.ZodTypeAny>(schema: T, body: unknown): z.infer<T> {
	const result = schema.safeParse(body);
	if (result.success) return result.data as z.infer<T>;
	const issue = result.error.issues[0];
	const field = issue.path.join('.');
	const message =
		issue.code === 'custom' || field === 'prompt' ? issue.message : `${field}: ${issue.message}`;
	return fail(message, NOTHING_SENT);
}

/** "Duration must be 10 or 15 seconds, not "5"": a value from a fixed list, with a sentence naming the choices. */
export function oneOf<T extends string | number>(label: string, values: readonly T[], unit = '') {
	const choices =
		values.length > 1
			? `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`
			: String(values[0]);
	return z.any().superRefine((value, ctx) => {
		if (!(values as readonly unknown[]).includes(value)) {
			ctx.addIssue({
				code: 'custom',
				message: `${label} must be ${choices}${unit}, not "${String(value)}"`,
			});
		}
	}) as unknown as z.ZodType<T>;
}

/** An integer in a range, with a sentence naming it. */
export function intIn(label: string, min: number, max: number) {
	return z.any().superRefine((value, ctx) => {
		if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
			ctx.addIssue({
				code: 'custom',
				message: `${label} must be a whole number from ${min} to ${max}, not "${String(value)}"`,
			});
		}
	}) as unknown as z.ZodType<number>;
}

/** What every check before a request adds: the item cost nothing. */
export const NOTHING_SENT = 'Correct it and run the node again; nothing was sent to RunBlob for this item.';

export function fail(message: string, description?: string): never {
	throw new InputProblem(message, description);
}

/** Drops keys whose value is undefined, so RunBlob's own defaults apply. */
export function compact(body: IDataObject): IDataObject {
	return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
}

// ---------------------------------------------------------------------------------------------------------------
// Images: URLs given as text, or input binary fields checked locally (format by magic bytes, size) before sending

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
	if (urls.length > max) fail(`${urls.length} images given; this model accepts at most ${max}`, NOTHING_SENT);
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
		fail(`${properties.length} images given; this model accepts at most ${limits.max}`, NOTHING_SENT);
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

// ---------------------------------------------------------------------------------------------------------------
// Callback payload fields

export const isoTime = z
	.string()
	.refine((value) => parseRunBlobTime(value) !== null, 'must be an ISO-8601 timestamp');

export function mediaUrl(allowHttp: boolean) {
	return z
		.string()
		.url('must be a URL')
		.refine((value) => {
			// zod runs refinements even after `.url()` failed: a non-URL must be rejected here, not thrown.
			let protocol: string;
			try {
				protocol = new URL(value).protocol;
			} catch {
				return false;
			}
			return protocol === 'https:' || (allowHttp && protocol === 'http:' && isLoopbackUrl(value));
		}, 'must be an HTTPS URL');
}

export const uuid = z.string().uuid('must be a UUID');

/** Ids RunBlob does not document as UUIDs: a plain token, never anything that could smuggle markup or paths. */
export const TOKEN_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
export const UUID_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const tokenId = z.string().regex(TOKEN_ID, 'must be a RunBlob id');

/** A discriminated completed/failed union with a readable error for any other status. */
export function byStatus(completed: z.ZodRawShape, failed: z.ZodRawShape): z.ZodTypeAny {
	return z.discriminatedUnion(
		'status',
		[
			z.object({ ...completed, status: z.literal('completed') }).passthrough(),
			z.object({ ...failed, status: z.literal('failed') }).passthrough(),
		],
		{
			errorMap: (issue, ctx) =>
				issue.code === 'invalid_union_discriminator'
					? { message: 'must be one of: completed, failed' }
					: { message: ctx.defaultError },
		},
	);
}

export function text(source: IDataObject, key: string): string | null {
	const value = source[key];
	return typeof value === 'string' && value !== '' ? value : null;
}
