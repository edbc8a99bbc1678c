import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import type { ImageFormat } from './inputs';
import { checkImageUrls, formatList, readBinaryImages, splitList } from './inputs';
import type { BuildContext } from './types';

/**
 * Reference images of the image families: none, http(s) URLs, or input binary fields (so an image made by an earlier
 * node feeds in without a conversion step). Each family says how many, how large, which formats and how the bytes
 * travel (bare base64 or a data URI).
 */

export interface ImageInputConfig {
	/** Parameter name prefix, unique per family. */
	prefix: string;
	/** The most images any of the family's models accepts (a model may accept fewer: see `maxFor`). */
	max: number;
	maxBytes: number;
	formats: ImageFormat[];
	/** Whether RunBlob wants `data:<type>;base64,…` rather than bare base64. */
	dataUri: boolean;
}

/** How the choice reads: image families edit or follow the images, video families animate them. */
export interface ImageInputWording {
	label?: string;
	noneLabel?: string;
	/** Completes "Up to N images (formats, size) …". */
	purpose?: string;
}

function sourceOptions(noneLabel: string): INodePropertyOptions[] {
	return [
		{ name: noneLabel, value: 'none' },
		{ name: 'Image URLs', value: 'url' },
		{ name: 'Binary Images From Input', value: 'binary' },
	];
}

export function imageInputProperties(
	config: ImageInputConfig,
	{
		label = 'Reference Images',
		noneLabel = 'None (Text to Image)',
		purpose = 'to edit or follow',
	}: ImageInputWording = {},
): INodeProperties[] {
	const p = config.prefix;
	const mb = config.maxBytes / 1024 / 1024;
	return [
		{
			displayName: label,
			name: `${p}ImageSource`,
			type: 'options',
			options: sourceOptions(noneLabel),
			default: 'none',
			description: `Up to ${config.max} images (${formatList(config.formats)}, at most ${mb} MB each) ${purpose}`,
		},
		{
			displayName: 'Image URLs',
			name: `${p}ImageUrls`,
			type: 'string',
			typeOptions: { rows: 3 },
			default: '',
			required: true,
			placeholder: 'https://example.com/a.png\nhttps://example.com/b.png',
			description: `1–${config.max} http(s) URLs, one per line (commas work too)`,
			displayOptions: { show: { [`${p}ImageSource`]: ['url'] } },
		},
		{
			displayName: 'Input Binary Fields',
			name: `${p}ImageProperties`,
			type: 'string',
			default: 'data',
			required: true,
			placeholder: 'e.g. data, data2',
			description: `1–${config.max} input binary field names, separated by commas or new lines`,
			displayOptions: { show: { [`${p}ImageSource`]: ['binary'] } },
		},
	];
}

export type ImageInputs = { kind: 'none' } | { kind: 'url' | 'base64'; images: string[] };

/** Reads and checks the reference images locally (count, format by magic bytes, size) before any request. */
export async function readImageInputs(
	config: ImageInputConfig,
	input: BuildContext,
	max = config.max,
): Promise<ImageInputs> {
	const p = config.prefix;
	const source = input.param(`${p}ImageSource`, 'none');
	if (source === 'url') {
		return {
			kind: 'url',
			images: checkImageUrls(splitList(input.param(`${p}ImageUrls`, '')), max),
		};
	}
	if (source !== 'binary') return { kind: 'none' };
	const properties = splitList(input.param(`${p}ImageProperties`, 'data'));
	const images = await readBinaryImages(input, properties, {
		maxBytes: config.maxBytes,
		formats: config.formats,
		max,
	});
	if (!config.dataUri) return { kind: 'base64', images };
	return {
		kind: 'base64',
		images: images.map((b64) => `data:${mimeOfBase64(b64)};base64,${b64}`),
	};
}

/** The MIME type of base64 image bytes (already checked by readBinaryImages), for the data URI. */
function mimeOfBase64(b64: string): string {
	if (b64.startsWith('/9j/')) return 'image/jpeg';
	if (b64.startsWith('iVBOR')) return 'image/png';
	if (b64.startsWith('UklGR')) return 'image/webp';
	return 'image/gif';
}
