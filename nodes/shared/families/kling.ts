import type { IDataObject } from 'n8n-workflow';
import { z } from 'zod';

import {
	byStatus,
	checkImageUrls,
	compact,
	fail,
	forModels,
	intIn,
	isoTime,
	mediaUrl,
	oneOf,
	promptSchema,
	text,
	TOKEN_ID,
	tokenId,
	validateBody,
} from './inputs';
import { hasAny, labelIn } from './callbackShape';
import type { Family, ModelOption } from './types';
import { failureFacts } from './failures';

/**
 * Kling 1.6–3.0 and Motion Control: `/v1/kling`. Reference §2.2. Only the keys confirmed there are parameters
 * (prompt, model, duration, aspect_ratio, image_url); negative prompt, cfg scale, seed, a base64 image and the Motion
 * Control reference video/image have unconfirmed key names and go in Additional Body Fields.
 */

const PROMPT = { min: 1, max: 2500 };
const MODELS: ModelOption[] = [
	{ name: 'Kling 3.0 Standard', value: 'kling_3', description: 'Kling 3.0, 720p, 3–15 s' },
	{ name: 'Kling 3.0 Pro', value: 'kling_3_pro', description: 'Kling 3.0, 1080p, 3–15 s' },
	{
		name: 'Kling 3.0 Motion Control',
		value: 'kling_3_motion',
		description: 'Moves an image like a reference video',
	},
	{
		name: 'Kling 3.0 Motion Control Pro',
		value: 'kling_3_motion_pro',
		description: 'Motion Control, 1080p',
	},
	{ name: 'Kling 2.6', value: 'kling_2.6', description: 'With audio (always Pro)' },
	{
		name: 'Kling 2.6 Motion Control',
		value: 'kling_2.6_motion',
		description: 'Legacy Motion Control',
	},
	{
		name: 'Kling 2.6 Motion Control Pro',
		value: 'kling_2.6_motion_pro',
		description: 'Legacy Motion Control, Pro',
	},
	{
		name: 'Kling 2.5 Turbo',
		value: 'kling_2.5_turbo',
		description: "RunBlob's default Kling model",
	},
	{
		name: 'Kling 2.5 Turbo Pro',
		value: 'kling_2.5_turbo_pro',
		description: 'Kling 2.5 Turbo, Pro mode',
	},
	{ name: 'Kling 2.1', value: 'kling_2.1', description: 'Kling 2.1 Standard' },
	{ name: 'Kling 2.1 Pro', value: 'kling_2.1_pro', description: 'Image to video only' },
	{ name: 'Kling 2.1 Master', value: 'kling_2.1_master', description: 'Kling 2.1, Master quality' },
	{ name: 'Kling 1.6', value: 'kling_1.6', description: 'Kling 1.6 Standard' },
	{ name: 'Kling 1.6 Pro', value: 'kling_1.6_pro', description: 'Kling 1.6, Pro mode' },
];

/** Kling 3.0 bills per second and takes an integer duration; every other model takes the string "5" or "10". */
const PER_SECOND = ['kling_3', 'kling_3_pro'];
const MOTION = MODELS.map((m) => m.value).filter((value) => value.includes('motion'));
const IMAGE_ONLY = ['kling_2.1_pro'];
const RATIOS = ['16:9', '9:16', '1:1'] as const;
const all = MODELS.map((m) => m.value);
const fixedDuration = all.filter((value) => !PER_SECOND.includes(value));

export const kling: Family = {
	id: 'kling',
	displayName: 'Kling',
	kind: 'video',
	models: MODELS,
	paths: {
		create: '/v1/kling/generate',
		status: (id) => `/v1/kling/generations/${id}`,
	},
	idField: 'generation_id',
	idPattern: TOKEN_ID,
	promptLimits: PROMPT,
	properties: [
		...forModels(MOTION, [
			{
				displayName:
					'Motion Control also needs a reference video (MP4/MOV, 3–30 s). RunBlob has not published its key names: add them under Additional Body Fields.',
				name: 'klingMotionNotice',
				type: 'notice',
				default: '',
			},
		]),
		...forModels(PER_SECOND, [
			{
				displayName: 'Duration (Seconds)',
				name: 'klingSeconds',
				type: 'number',
				typeOptions: { minValue: 3, maxValue: 15 },
				default: 5,
				description: 'Kling 3.0 takes 3–15 seconds, billed per second',
			},
		]),
		...forModels(fixedDuration, [
			{
				displayName: 'Duration',
				name: 'klingDuration',
				type: 'options',
				options: [
					{ name: '5 Seconds', value: '5' },
					{ name: '10 Seconds', value: '10' },
				],
				default: '5',
			},
		]),
		...forModels(all, [
			{
				displayName: 'Start From Image URL',
				name: 'klingImageUrl',
				type: 'string',
				default: '',
				placeholder: 'https://example.com/first-frame.png',
				description:
					'An image (JPEG, PNG or WEBP) to animate; the video takes its aspect ratio. Required for Kling 2.1 Pro.',
			},
			{
				displayName: 'Aspect Ratio',
				name: 'klingAspectRatio',
				type: 'options',
				options: [
					{ name: 'Landscape (16:9)', value: '16:9' },
					{ name: 'Portrait (9:16)', value: '9:16' },
					{ name: 'Square (1:1)', value: '1:1' },
				],
				default: '16:9',
				description: 'Ignored when starting from an image (the video takes the image’s ratio)',
			},
		]),
	],
	async buildBody(input) {
		const perSecond = PER_SECOND.includes(input.model);
		const imageUrl = String(input.param('klingImageUrl', '')).trim();
		const schema = z.object({
			prompt: promptSchema(PROMPT),
			duration: perSecond
				? intIn('Duration', 3, 15)
				: oneOf('Duration', ['5', '10'] as const, ' seconds'),
			aspect_ratio: oneOf('Aspect ratio', RATIOS).optional(),
		});
		const body: IDataObject = validateBody(schema, {
			prompt: input.param('prompt', ''),
			duration: perSecond
				? Number(input.param<unknown>('klingSeconds', 5))
				: String(input.param<unknown>('klingDuration', '5')),
			aspect_ratio: imageUrl ? undefined : input.param('klingAspectRatio', '16:9'),
		});
		body.model = input.model;
		if (imageUrl) {
			body.image_url = checkImageUrls([imageUrl], 1)[0];
		} else if (IMAGE_ONLY.includes(input.model)) {
			fail(
				'Kling 2.1 Pro only animates an image',
				'Enter a Start From Image URL, or choose another model.',
			);
		}
		return compact(body);
	},
	callbackSchema(allowHttp) {
		const common = {
			generation_id: tokenId,
			prompt: z.string().optional(),
			created_at: isoTime.optional(),
			completed_at: isoTime.nullable().optional(),
			error: z.string().nullable().optional(),
			message: z.string().nullable().optional(),
		};
		return byStatus(
			{ ...common, video_url: mediaUrl(allowHttp) },
			{ ...common, video_url: z.null().optional() },
		);
	},
	// Kling's callback carries neither prompt nor created_at (unlike Sora and Veo), and no omni or photo model label.
	matchesCallback: (body) => {
		const label = labelIn(body);
		return (
			!hasAny(body, 'task_uuid', 'image_url', 'prompt', 'created_at', 'seed', 'error_message') &&
			(label === '' || (label.startsWith('kling') && !/o1|o3|photo/.test(label)))
		);
	},
	read: {
		resultFields: ['video_url'],
		errorMessage: (source) =>
			text(source, 'error') ?? text(source, 'message') ?? text(source, 'error_message'),
		// Kling's status reports a `version` ("2.5"), which does not tell Standard from Pro: no model from it.
		label: (source) => text(source, 'model'),
		extras: ['version', 'duration', 'aspect_ratio'],
	},
	callbackRetrySeconds: [30, 60, 120, 240, 480],
	timeoutMinutes: 15,
	// 15 min timeout + 15.5 min of callback retries, with headroom.
	defaultWaitMinutes: 60,
	// Kling's errors page: TIMEOUT (15-minute limit) is refunded automatically (reference §2.2.3).
	failures: failureFacts('timedOut'),
};
