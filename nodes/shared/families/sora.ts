import { z } from 'zod';

import {
	MiB,
	byStatus,
	forModels,
	checkImageUrls,
	isoTime,
	mediaUrl,
	oneOf,
	promptSchema,
	readBinaryImage,
	text,
	UUID_ID,
	uuid,
	validateBody,
} from './inputs';
import { hasAny } from './callbackShape';
import type { Family } from './types';
import { failureFacts } from './failures';

/** Sora 2 (OpenAI): `/v1/sora`. Reference §1. The parameter names are those of node version 1, which had only Sora. */

const PROMPT = { min: 1, max: 4000 };
const ORIENTATIONS = ['9:16', '16:9'] as const;
const DURATIONS = [10, 15] as const;
const IMAGE = { maxBytes: 10 * MiB, formats: ['image/jpeg', 'image/png', 'image/webp'] as const };

const bodySchema = z.object({
	prompt: promptSchema(PROMPT),
	orientation: oneOf('Orientation', ORIENTATIONS),
	duration: oneOf('Duration', DURATIONS, ' seconds'),
});

export const sora: Family = {
	id: 'sora',
	displayName: 'Sora 2',
	kind: 'video',
	models: [
		{
			name: 'Sora 2',
			value: 'sora-2',
			description: 'OpenAI Sora 2: 10 or 15 s, portrait or landscape',
		},
	],
	paths: {
		create: '/v1/sora/generate',
		// Sora's status path is the only one with a trailing slash (every RunBlob Sora example has it).
		status: (id) => `/v1/sora/generations/${id}/`,
		list: '/v1/sora/generations',
	},
	idField: 'generation_id',
	idPattern: UUID_ID,
	promptLimits: PROMPT,
	properties: forModels(
		['sora-2'],
		[
			{
				displayName: 'Orientation',
				name: 'orientation',
				type: 'options',
				options: [
					{ name: 'Portrait (9:16)', value: '9:16' },
					{ name: 'Landscape (16:9)', value: '16:9' },
				],
				default: '9:16',
			},
			{
				displayName: 'Duration',
				name: 'duration',
				type: 'options',
				options: [
					{ name: '10 Seconds', value: 10 },
					{ name: '15 Seconds', value: 15 },
				],
				default: 10,
			},
			{
				displayName: 'Start From Image',
				name: 'imageSource',
				type: 'options',
				options: [
					{ name: 'No Image (Text to Video)', value: 'none' },
					{ name: 'Image URL', value: 'url' },
					{ name: 'Binary Image From Input', value: 'binary' },
				],
				default: 'none',
				description:
					'Whether to animate an image (JPEG, PNG or WEBP up to 10 MB) instead of starting from text only',
			},
			{
				displayName: 'Image URL',
				name: 'imageUrl',
				type: 'string',
				default: '',
				required: true,
				placeholder: 'https://example.com/first-frame.png',
				displayOptions: { show: { imageSource: ['url'] } },
			},
			{
				displayName: 'Input Binary Field',
				name: 'imageBinaryProperty',
				type: 'string',
				default: 'data',
				required: true,
				hint: 'The name of the input binary field holding the image',
				displayOptions: { show: { imageSource: ['binary'] } },
			},
		],
	),
	async buildBody(input) {
		const body = validateBody(bodySchema, {
			prompt: input.param('prompt', ''),
			orientation: input.param('orientation', '9:16'),
			// A duration from an expression may arrive as the string "15"; RunBlob wants the integer.
			duration: Number(input.param<unknown>('duration', 10)),
		});
		const imageSource = input.param('imageSource', 'none');
		if (imageSource === 'url') {
			const [url] = checkImageUrls([String(input.param('imageUrl', '')).trim()], 1);
			return { ...body, image_url: url };
		}
		if (imageSource === 'binary') {
			const property = input.param('imageBinaryProperty', 'data');
			return {
				...body,
				image_base64: await readBinaryImage(input, property, {
					...IMAGE,
					formats: [...IMAGE.formats],
				}),
			};
		}
		return body;
	},
	callbackSchema(allowHttp) {
		const common = {
			generation_id: uuid,
			prompt: z.string(),
			created_at: isoTime,
			completed_at: isoTime.nullable().optional(),
			error_message: z.string().nullable().optional(),
		};
		return byStatus(
			{ ...common, video_url: mediaUrl(allowHttp) },
			{ ...common, video_url: z.null().optional() },
		);
	},
	// Sora's callback is its status object: prompt and created_at always, error_message on failure; never a model,
	// a seed or another family's failure field.
	matchesCallback: (body) =>
		!hasAny(body, 'task_uuid', 'image_url', 'model', 'model_type', 'seed', 'error', 'message') &&
		hasAny(body, 'prompt', 'created_at', 'error_message'),
	read: {
		resultFields: ['video_url'],
		errorMessage: (source) => text(source, 'error_message'),
		// RunBlob's Sora records carry no model label; the family's only model is the model.
		label: () => null,
		extras: ['orientation', 'duration', 'progress_pct', 'progress_pos_in_queue'],
	},
	callbackRetrySeconds: [30, 60, 120, 240, 480],
	timeoutMinutes: 15,
	// 15 min render + 15.5 min of callback retries, with headroom.
	defaultWaitMinutes: 60,
	// Sora's refund rule is not documented (reference §0); its content errors are plain sentences, not codes (§1.5).
	failures: failureFacts('none', undefined, [
		/photorealistic|content polic|moderat|violat|not allowed|unsafe|inappropriate/i,
	]),
};
