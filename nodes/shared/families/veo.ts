import type { IDataObject } from 'n8n-workflow';
import { z } from 'zod';

import {
	MiB,
	byStatus,
	compact,
	fail,
	forModels,
	intIn,
	isoTime,
	mediaUrl,
	oneOf,
	promptSchema,
	readBinaryImage,
	readBinaryImages,
	splitList,
	UUID_ID,
	uuid,
	validateBody,
} from './inputs';
import { hasAny, labelIn } from './callbackShape';
import type { Family } from './types';
import { failureFacts } from './failures';

/**
 * Google Veo 3: `/v1/veo`. Reference §2.1. RunBlob published two versions of the create page: the model travels as
 * `model` in one and `model_type` in the other (the quickstart's), so both are sent; the seed range is the one both
 * versions accept (1–10000). `watermark_text` and `filter_text` exist in only one version each: Additional Body Fields.
 */

const PROMPT = { min: 10, max: 4000 };
const MODELS = ['veo-3-fast', 'veo-3-quality'];
const RATIOS = ['16:9', '9:16'] as const;
const IMAGE = { maxBytes: 20 * MiB, formats: ['image/jpeg', 'image/png', 'image/webp'] } as const;
const limits = { maxBytes: IMAGE.maxBytes, formats: [...IMAGE.formats] };

const bodySchema = z.object({
	prompt: promptSchema(PROMPT),
	aspect_ratio: oneOf('Aspect ratio', RATIOS),
	seed: intIn('Seed', 1, 10000).optional(),
});

export const veo: Family = {
	id: 'veo',
	displayName: 'Veo 3',
	kind: 'video',
	models: [
		{ name: 'Veo 3 Fast', value: 'veo-3-fast', description: 'Google Veo 3, fast tier (1–10 min)' },
		{ name: 'Veo 3 Quality', value: 'veo-3-quality', description: 'Google Veo 3, quality tier' },
	],
	paths: {
		create: '/v1/veo/generate',
		status: (id) => `/v1/veo/generations/${id}`,
	},
	idField: 'generation_id',
	idPattern: UUID_ID,
	promptLimits: PROMPT,
	properties: forModels(MODELS, [
		{
			displayName: 'Aspect Ratio',
			name: 'veoAspectRatio',
			type: 'options',
			options: [
				{ name: 'Landscape (16:9)', value: '16:9' },
				{ name: 'Portrait (9:16)', value: '9:16' },
			],
			default: '16:9',
		},
		{
			displayName: 'Images',
			name: 'veoImageMode',
			type: 'options',
			options: [
				{ name: 'None (Text to Video)', value: 'none' },
				{
					name: 'Start From Image',
					value: 'image',
					description: 'Animate one image (bytes_image)',
				},
				{
					name: 'First and Last Frame',
					value: 'frames',
					description: 'Generate the video between two frames (start_frame, end_frame)',
				},
				{
					name: 'Reference Images',
					value: 'reference',
					description: '1–3 images the video should follow (Veo 3 Fast only)',
				},
			],
			default: 'none',
			description:
				'Images come from input binary fields: JPEG, PNG or WEBP, at most 20 MB each, checked before sending',
		},
		{
			displayName: 'Image Binary Field',
			name: 'veoImageProperty',
			type: 'string',
			default: 'data',
			required: true,
			displayOptions: { show: { veoImageMode: ['image'] } },
		},
		{
			displayName: 'First Frame Binary Field',
			name: 'veoStartFrameProperty',
			type: 'string',
			default: 'start',
			required: true,
			displayOptions: { show: { veoImageMode: ['frames'] } },
		},
		{
			displayName: 'Last Frame Binary Field',
			name: 'veoEndFrameProperty',
			type: 'string',
			default: 'end',
			required: true,
			displayOptions: { show: { veoImageMode: ['frames'] } },
		},
		{
			displayName: 'Reference Image Binary Fields',
			name: 'veoReferenceProperties',
			type: 'string',
			default: 'data',
			required: true,
			placeholder: 'e.g. ref1, ref2, ref3',
			description: '1–3 input binary field names, separated by commas',
			displayOptions: { show: { veoImageMode: ['reference'] } },
		},
		{
			displayName: 'Seed',
			name: 'veoSeed',
			type: 'number',
			typeOptions: { minValue: 0, maxValue: 10000 },
			default: 0,
			description:
				'The same seed and prompt give similar videos (1–10000); 0 lets RunBlob pick one',
		},
	]),
	async buildBody(input) {
		const seed = Number(input.param<unknown>('veoSeed', 0));
		const body: IDataObject = validateBody(bodySchema, {
			prompt: input.param('prompt', ''),
			aspect_ratio: input.param('veoAspectRatio', '16:9'),
			seed: seed === 0 ? undefined : seed,
		});
		body.model = input.model;
		body.model_type = input.model;
		const mode = input.param('veoImageMode', 'none');
		if (mode === 'image') {
			body.bytes_image = await readBinaryImage(
				input,
				input.param('veoImageProperty', 'data'),
				limits,
			);
		} else if (mode === 'frames') {
			body.start_frame = await readBinaryImage(
				input,
				input.param('veoStartFrameProperty', 'start'),
				limits,
			);
			body.end_frame = await readBinaryImage(
				input,
				input.param('veoEndFrameProperty', 'end'),
				limits,
			);
		} else if (mode === 'reference') {
			if (input.model !== 'veo-3-fast') {
				fail(
					'Reference images work only with Veo 3 Fast',
					'Choose the model Veo 3 Fast, or another image mode.',
				);
			}
			body.reference_images = await readBinaryImages(
				input,
				splitList(input.param('veoReferenceProperties', 'data')),
				{ ...limits, max: 3 },
			);
		}
		return compact(body);
	},
	callbackSchema(allowHttp) {
		// The failure field is documented as `error` (a string or an object with `message`) and as `message`.
		const failure = {
			error: z
				.union([z.string(), z.object({}).passthrough()])
				.nullable()
				.optional(),
			message: z.string().nullable().optional(),
		};
		const common = {
			generation_id: uuid,
			prompt: z.string().optional(),
			created_at: isoTime.optional(),
			completed_at: isoTime.nullable().optional(),
			seed: z.number().nullable().optional(),
			...failure,
		};
		return byStatus(
			{ ...common, video_url: mediaUrl(allowHttp) },
			{ ...common, video_url: z.null().optional() },
		);
	},
	// Veo's callback is its status object: a prompt, a seed and `error` (or `message`). A failed body with a prompt but
	// without a seed or either family's failure field fits Sora's shape as well, and is reported as ambiguous.
	matchesCallback: (body) =>
		hasAny(body, 'prompt') &&
		!hasAny(body, 'task_uuid', 'image_url', 'error_message') &&
		!labelIn(body).startsWith('kling') &&
		(hasAny(body, 'seed', 'error', 'message', 'model_type') || body.status === 'failed'),
	read: {
		resultFields: ['video_url'],
		errorMessage(source) {
			const { error, message } = source as { error?: unknown; message?: unknown };
			if (typeof error === 'string' && error) return error;
			const nested = (error as { message?: unknown } | null | undefined)?.message;
			if (typeof nested === 'string' && nested) return nested;
			return typeof message === 'string' && message ? message : null;
		},
		label: (source) =>
			typeof source.model === 'string'
				? source.model
				: typeof source.model_type === 'string'
					? source.model_type
					: null,
		extras: ['seed', 'aspect_ratio'],
	},
	callbackRetrySeconds: [30, 30, 30, 30, 30],
	timeoutMinutes: 10,
	// 10 min timeout + 2.5 min of callback retries, with headroom.
	defaultWaitMinutes: 30,
	// Only the superseded legacy Veo page promises a refund (of timeouts); the current pages do not (reference §0, §2.1).
	failures: failureFacts('none'),
};
