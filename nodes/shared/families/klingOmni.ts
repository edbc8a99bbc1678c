import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import type { ImageFormat } from './inputs';
import {
	MiB,
	byStatus,
	checkImageUrls,
	forModels,
	formatList,
	mediaUrl,
	oneOf,
	promptSchema,
	readBinaryImages,
	splitList,
	text,
	tokenId,
	validateBody,
} from './inputs';
import type { BuildContext } from './types';

/**
 * What Kling's two omni video families (O1, O3) have in common: prompt, string durations, aspect ratio, up to five
 * images as URLs or base64 (never mixed), keep_original_sound, and `message` as the failure code. Each family file
 * declares its own differences (endpoints, the URL key, durations, models).
 */

export interface OmniConfig {
	/** Parameter name prefix, unique per family. */
	prefix: 'o1' | 'o3';
	models: string[];
	/** O1 spells it `images_urls`, O3 `images_url`. */
	urlKey: 'images_urls' | 'images_url';
	durations: { textToVideo: readonly string[]; imageToVideo: readonly string[] };
	formats: ImageFormat[];
	sendModel: boolean;
}

const RATIOS = ['16:9', '9:16', '1:1'] as const;
const MAX_IMAGES = 5;

export function omniProperties(config: OmniConfig): INodeProperties[] {
	const p = config.prefix;
	const durations = [
		...new Set([...config.durations.textToVideo, ...config.durations.imageToVideo]),
	].sort((a, b) => Number(a) - Number(b));
	return forModels(config.models, [
		{
			displayName: 'Duration',
			name: `${p}Duration`,
			type: 'options',
			options: durations.map((value) => ({ name: `${value} Seconds`, value })),
			default: '5', // both families' default (the lint rule wants a literal)
			description:
				config.durations.imageToVideo.join() === config.durations.textToVideo.join()
					? undefined
					: `Text to video: ${config.durations.textToVideo.join(' or ')} s; from images: ${config.durations.imageToVideo[0]}–${config.durations.imageToVideo[config.durations.imageToVideo.length - 1]} s`,
		},
		{
			displayName: 'Aspect Ratio',
			name: `${p}AspectRatio`,
			type: 'options',
			options: [
				{ name: 'Landscape (16:9)', value: '16:9' },
				{ name: 'Portrait (9:16)', value: '9:16' },
				{ name: 'Square (1:1)', value: '1:1' },
			],
			default: '16:9',
		},
		{
			displayName: 'Images',
			name: `${p}ImageSource`,
			type: 'options',
			options: [
				{ name: 'None (Text to Video)', value: 'none' },
				{ name: 'Image URLs', value: 'url' },
				{ name: 'Binary Images From Input', value: 'binary' },
			],
			default: 'none',
			description: `Up to ${MAX_IMAGES} images (${formatList(config.formats)}, at most 10 MB each) the video should use; URLs and binary images cannot be mixed`,
		},
		{
			displayName: 'Image URLs',
			name: `${p}ImageUrls`,
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://example.com/a.png, https://example.com/b.png',
			description: `1–${MAX_IMAGES} http(s) URLs, separated by commas or new lines`,
			displayOptions: { show: { [`${p}ImageSource`]: ['url'] } },
		},
		{
			displayName: 'Input Binary Fields',
			name: `${p}ImageProperties`,
			type: 'string',
			default: 'data',
			required: true,
			placeholder: 'e.g. data, data2',
			description: `1–${MAX_IMAGES} input binary field names, separated by commas`,
			displayOptions: { show: { [`${p}ImageSource`]: ['binary'] } },
		},
		{
			displayName: 'Keep Original Sound',
			name: `${p}KeepOriginalSound`,
			type: 'boolean',
			default: true,
			description: 'Whether to keep the sound of the input material',
		},
	]);
}

export async function buildOmniBody(config: OmniConfig, input: BuildContext): Promise<IDataObject> {
	const p = config.prefix;
	const source = input.param(`${p}ImageSource`, 'none');
	const durations =
		source === 'none' ? config.durations.textToVideo : config.durations.imageToVideo;
	const schema = z.object({
		prompt: promptSchema(1, 2500),
		duration: oneOf(
			source === 'none' ? 'Duration (text to video)' : 'Duration (from images)',
			durations,
			' seconds',
		),
		aspect_ratio: oneOf('Aspect ratio', RATIOS),
		keep_original_sound: z.boolean(),
	});
	const body: IDataObject = validateBody(schema, {
		prompt: input.param('prompt', ''),
		duration: String(input.param<unknown>(`${p}Duration`, '5')),
		aspect_ratio: input.param(`${p}AspectRatio`, '16:9'),
		keep_original_sound: input.param(`${p}KeepOriginalSound`, true),
	});
	if (config.sendModel) body.model = input.model;
	if (source === 'url') {
		body[config.urlKey] = checkImageUrls(splitList(input.param(`${p}ImageUrls`, '')), MAX_IMAGES);
	} else if (source === 'binary') {
		body.images_base64 = await readBinaryImages(
			input,
			splitList(input.param(`${p}ImageProperties`, 'data')),
			{
				maxBytes: 10 * MiB,
				formats: config.formats,
				max: MAX_IMAGES,
			},
		);
	}
	return body;
}

export function omniCallbackSchema(allowHttp: boolean) {
	const common = {
		generation_id: tokenId,
		prompt: z.string().optional(),
		model: z.string().nullable().optional(),
		message: z.string().nullable().optional(),
	};
	return byStatus(
		{ ...common, video_url: mediaUrl(allowHttp) },
		{ ...common, video_url: z.null().optional() },
	);
}

export const omniRead = {
	errorMessage: (source: IDataObject) => text(source, 'message'),
	model: (source: IDataObject) => text(source, 'model'),
	extras: ['duration', 'aspect_ratio'],
};
