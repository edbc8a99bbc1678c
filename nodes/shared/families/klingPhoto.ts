import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import type { ImageInputConfig } from './imageInputs';
import { imageInputProperties, readImageInputs } from './imageInputs';
import {
	MiB,
	byStatus,
	forModels,
	mediaUrl,
	oneOf,
	promptSchema,
	text,
	tokenId,
	validateBody,
} from './inputs';

/**
 * What Kling's two photo families (O1 Photo, O3 Photo) share (reference §3): `generation_id`, result `image_url`,
 * failure code in `message`, reference images as `images_url` or `images_base64` (never mixed), `img_resolution`
 * and `aspect_ratio`. Each family file declares its own limits.
 */

export interface PhotoConfig {
	prefix: 'o1p' | 'o3p';
	model: string;
	maxImages: number;
	resolutions: readonly string[];
	defaultResolution: string;
	ratios: readonly string[];
}

const RATIO_NAMES: Record<string, string> = {
	auto: 'Auto',
	'9:16': 'Portrait (9:16)',
	'2:3': 'Portrait (2:3)',
	'3:4': 'Portrait (3:4)',
	'1:1': 'Square (1:1)',
	'4:3': 'Landscape (4:3)',
	'3:2': 'Landscape (3:2)',
	'16:9': 'Landscape (16:9)',
	'21:9': 'Ultrawide (21:9)',
};

function imageConfig(config: PhotoConfig): ImageInputConfig {
	return {
		prefix: config.prefix,
		max: config.maxImages,
		maxBytes: 10 * MiB,
		formats: ['image/jpeg', 'image/png', 'image/webp'],
		dataUri: false,
	};
}

/** `resolution` is declared by each family (its own default); `extra` are its own further parameters. */
export function photoProperties(
	config: PhotoConfig,
	resolution: INodeProperties,
	extra: INodeProperties[] = [],
): INodeProperties[] {
	const p = config.prefix;
	return forModels(
		[config.model],
		[
			{
				...resolution,
				options: config.resolutions.map((value) => ({ name: value.toUpperCase(), value })),
			},
			{
				displayName: 'Aspect Ratio',
				name: `${p}AspectRatio`,
				type: 'options',
				options: config.ratios.map((value) => ({ name: RATIO_NAMES[value] ?? value, value })),
				default: '1:1',
			},
			...imageInputProperties(imageConfig(config)),
			...extra,
		],
	);
}

export async function buildPhotoBody(
	config: PhotoConfig,
	input: Parameters<typeof readImageInputs>[1],
) {
	const p = config.prefix;
	const schema = z.object({
		prompt: promptSchema(1, 2500),
		img_resolution: oneOf('Resolution', config.resolutions),
		aspect_ratio: oneOf('Aspect ratio', config.ratios),
	});
	const body: IDataObject = validateBody(schema, {
		prompt: input.param('prompt', ''),
		img_resolution: input.param(`${p}Resolution`, config.defaultResolution),
		aspect_ratio: input.param(`${p}AspectRatio`, '1:1'),
	});
	const images = await readImageInputs(imageConfig(config), input);
	if (images.kind === 'url') body.images_url = images.images;
	if (images.kind === 'base64') body.images_base64 = images.images;
	return body;
}

export function photoCallbackSchema(allowHttp: boolean): z.ZodTypeAny {
	const common = {
		generation_id: tokenId,
		prompt: z.string().nullable().optional(),
		model: z.string().nullable().optional(),
		message: z.string().nullable().optional(),
	};
	return byStatus(
		{ ...common, image_url: mediaUrl(allowHttp) },
		{ ...common, image_url: z.null().optional() },
	);
}

export const photoRead = {
	errorMessage: (source: IDataObject) => text(source, 'message'),
	model: (source: IDataObject) => text(source, 'model'),
	extras: ['aspect_ratio', 'img_resolution'],
};
