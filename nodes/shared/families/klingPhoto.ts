import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import { hasAny, labelIn } from './callbackShape';
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
	prefix: string;
	model: string;
	maxImages: number;
	resolutions: readonly string[];
	defaultResolution: string;
	ratios: readonly string[];
}

/** Both photo families take 1–2500 characters. */
export const PHOTO_PROMPT = { min: 1, max: 2500 };

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
		prompt: promptSchema(PHOTO_PROMPT),
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
	resultFields: ['image_url'],
	errorMessage: (source: IDataObject) => text(source, 'message'),
	label: (source: IDataObject) => text(source, 'model'),
	extras: ['aspect_ratio', 'img_resolution'],
};

/**
 * A Kling photo callback carries `image_url` (or a "photo" model label); which photo family it is, only the label
 * says (`labelMark`: `o1`, `o3`). RunBlob does not document whether the callback names its model, so a photo body
 * without a label fits every photo family, and is reported as ambiguous rather than guessed.
 */
export function photoMatchesCallback(labelMark: string) {
	return (body: IDataObject): boolean => {
		const label = labelIn(body);
		return (
			!hasAny(body, 'task_uuid') &&
			(hasAny(body, 'image_url') || label.includes('photo')) &&
			(label === '' || label.includes(labelMark))
		);
	};
}
