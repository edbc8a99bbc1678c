import type { IDataObject, INodeProperties } from 'n8n-workflow';
import { z } from 'zod';

import type { ImageFormat } from './inputs';
import {
	MiB,
	byStatus,
	forModels,
	mediaUrl,
	oneOf,
	promptSchema,
	text,
	TOKEN_ID,
	tokenId,
	validateBody,
} from './inputs';
import type { ImageInputConfig } from './imageInputs';
import { imageInputProperties, readImageInputs } from './imageInputs';
import { hasAny, labelIn } from './callbackShape';
import type { BuildContext, Family } from './types';
import { failureFacts } from './failures';

/**
 * What Kling's two omni video families (O1, O3) have in common: prompt, string durations, aspect ratio, up to five
 * images as URLs or base64 (never mixed), keep_original_sound, and `message` as the failure code. Each family file
 * declares its own differences (endpoints, the URL key, durations, models).
 */

export interface OmniConfig {
	/** Parameter name prefix, unique per family. */
	prefix: string;
	models: string[];
	/** O1 spells it `images_urls`, O3 `images_url`. */
	urlKey: 'images_urls' | 'images_url';
	durations: { textToVideo: readonly string[]; imageToVideo: readonly string[] };
	formats: ImageFormat[];
	sendModel: boolean;
	/** What RunBlob's model label of this family contains (`o1`, `o3`). */
	labelMark: string;
	/** The node's model value for RunBlob's label, where the family has several models. */
	modelOfLabel?: (label: string) => string | null;
}

const RATIOS = ['16:9', '9:16', '1:1'] as const;
const OMNI_PROMPT = { min: 1, max: 2500 };
const MAX_IMAGES = 5;

/** The images O1 and O3 accept: up to MAX_IMAGES, 10 MB each, sent as URLs or bare base64. */
function omniImages(config: OmniConfig): ImageInputConfig {
	return {
		prefix: config.prefix,
		max: MAX_IMAGES,
		maxBytes: 10 * MiB,
		formats: config.formats,
		dataUri: false,
	};
}

/**
 * The Duration field offers only the durations of the chosen input mode: one field per mode where they differ (same
 * name, so saved workflows keep their value), shown by the image source.
 */
function durationProperties(config: OmniConfig): INodeProperties[] {
	const p = config.prefix;
	const field = (durations: readonly string[]): INodeProperties => ({
		displayName: 'Duration',
		name: `${p}Duration`,
		type: 'options',
		options: durations.map((value) => ({ name: `${value} Seconds`, value })),
		default: '5', // a duration of both modes in both families (the lint rule wants a literal)
	});
	const { textToVideo, imageToVideo } = config.durations;
	if (textToVideo.join() === imageToVideo.join()) return [field(textToVideo)];
	return [
		{ ...field(textToVideo), displayOptions: { show: { [`${p}ImageSource`]: ['none'] } } },
		{
			...field(imageToVideo),
			displayOptions: { hide: { [`${p}ImageSource`]: ['none'] } },
		},
	];
}

export function omniProperties(config: OmniConfig): INodeProperties[] {
	const p = config.prefix;
	return forModels(config.models, [
		...durationProperties(config),
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
		...imageInputProperties(omniImages(config), {
			label: 'Images',
			noneLabel: 'None (Text to Video)',
			purpose: 'the video should use; URLs and binary images cannot be mixed',
		}),
		{
			// Only with input material: without it there is no original sound to keep (RunBlob's default applies).
			displayName: 'Keep Original Sound',
			name: `${p}KeepOriginalSound`,
			type: 'boolean',
			default: true,
			description: 'Whether to keep the sound of the input material',
			displayOptions: { hide: { [`${p}ImageSource`]: ['none'] } },
		},
	]);
}

export async function buildOmniBody(config: OmniConfig, input: BuildContext): Promise<IDataObject> {
	const p = config.prefix;
	const source = input.param(`${p}ImageSource`, 'none');
	const durations =
		source === 'none' ? config.durations.textToVideo : config.durations.imageToVideo;
	const schema = z.object({
		prompt: promptSchema(OMNI_PROMPT),
		duration: oneOf(
			source === 'none' ? 'Duration (text to video)' : 'Duration (from images)',
			durations,
			' seconds',
		),
		aspect_ratio: oneOf('Aspect ratio', RATIOS),
		keep_original_sound: z.boolean().optional(),
	});
	const body: IDataObject = validateBody(schema, {
		prompt: input.param('prompt', ''),
		duration: String(input.param<unknown>(`${p}Duration`, '5')),
		aspect_ratio: input.param(`${p}AspectRatio`, '16:9'),
		// Without input material the field is not shown and not sent.
		keep_original_sound: source === 'none' ? undefined : input.param(`${p}KeepOriginalSound`, true),
	});
	if (body.keep_original_sound === undefined) delete body.keep_original_sound;
	if (config.sendModel) body.model = input.model;
	const images = await readImageInputs(omniImages(config), input);
	if (images.kind === 'url') body[config.urlKey] = images.images;
	else if (images.kind === 'base64') body.images_base64 = images.images;
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
	resultFields: ['video_url'],
	errorMessage: (source: IDataObject) => text(source, 'message'),
	label: (source: IDataObject) => text(source, 'model'),
	extras: ['duration', 'aspect_ratio'],
};

/** O1 and O3 video callbacks name their model (`kling_o1_video`, `kling-o3-video-10s-pro`): `labelMark` tells them apart. */
export function omniMatchesCallback(labelMark: string) {
	return (body: IDataObject): boolean => {
		const label = labelIn(body);
		return (
			!hasAny(body, 'task_uuid', 'image_url') &&
			label.includes(labelMark) &&
			!label.includes('photo')
		);
	};
}

/** Everything of an O1 or O3 family declaration but its name, models, endpoints and render times. */
export function omniFamilyParts(
	config: OmniConfig,
): Pick<
	Family,
	| 'idField'
	| 'idPattern'
	| 'promptLimits'
	| 'properties'
	| 'buildBody'
	| 'callbackSchema'
	| 'matchesCallback'
	| 'read'
	| 'callbackRetrySeconds'
	| 'timeoutMinutes'
	| 'defaultWaitMinutes'
	| 'failures'
> {
	return {
		idField: 'generation_id',
		idPattern: TOKEN_ID,
		promptLimits: OMNI_PROMPT,
		properties: omniProperties(config),
		buildBody: async (input) => await buildOmniBody(config, input),
		callbackSchema: omniCallbackSchema,
		matchesCallback: omniMatchesCallback(config.labelMark),
		read: { ...omniRead, modelOfLabel: config.modelOfLabel },
		callbackRetrySeconds: [30, 30, 30, 30, 30],
		timeoutMinutes: 15,
		// 15 min hard timeout + 2.5 min of callback retries, with headroom.
		defaultWaitMinutes: 30,
		// O1/O3 pages: a failed or timed-out job is refunded (reference §0, §2.3).
		failures: failureFacts('failed'),
	};
}
