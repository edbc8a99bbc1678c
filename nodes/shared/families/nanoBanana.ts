import type { IDataObject } from 'n8n-workflow';
import { z } from 'zod';

import type { ImageInputConfig } from './imageInputs';
import { imageInputProperties, readImageInputs } from './imageInputs';
import {
	MiB,
	UUID_ID,
	compact,
	fail,
	forModels,
	oneOf,
	promptSchema,
	validateBody,
} from './inputs';
import { taskImageCallbackSchema, taskImageMatchesCallback, taskImageRead } from './taskImages';
import type { Family } from './types';
import { failureFacts } from './failures';

/**
 * Nano Banana (Gemini images): `/v1/gemini`. Reference §3. The node's model values map to RunBlob's `model`
 * (standard / pro / v2 documented; v2_lite, pro_vip and v2_vip listed by a third party). Quality is documented for
 * pro and v2 only, so the standard model never sends it. Up to 4 reference images on standard, 8 on the others.
 */

const PROMPT = { min: 1, max: 4000 };
const API_MODEL: Record<string, string> = {
	'nano-banana': 'standard',
	'nano-banana-pro': 'pro',
	'nano-banana-v2': 'v2',
	'nano-banana-v2-lite': 'v2_lite',
	'nano-banana-pro-vip': 'pro_vip',
	'nano-banana-v2-vip': 'v2_vip',
};
const MODELS = Object.keys(API_MODEL);
const WITH_QUALITY = MODELS.filter((model) => model !== 'nano-banana');
const RATIOS = [
	'auto',
	'21:9',
	'16:9',
	'4:3',
	'3:2',
	'1:1',
	'9:16',
	'3:4',
	'2:3',
	'5:4',
	'4:5',
] as const;
const QUALITIES = ['standard', '2k', '4k'] as const;

const images: ImageInputConfig = {
	prefix: 'nb',
	max: 8,
	maxBytes: 20 * MiB,
	formats: ['image/jpeg', 'image/png', 'image/webp'],
	dataUri: true,
};

const bodySchema = z.object({
	prompt: promptSchema(PROMPT),
	aspect_ratio: oneOf('Aspect ratio', RATIOS),
	quality: oneOf('Quality', QUALITIES).optional(),
	temperature: z.any().refine((value) => typeof value === 'number' && value >= 0 && value <= 1, {
		message: 'Temperature must be a number from 0 to 1',
	}) as unknown as z.ZodType<number>,
});

const RATIO_NAMES: Record<string, string> = {
	auto: 'Auto',
	'21:9': 'Ultrawide (21:9)',
	'16:9': 'Landscape (16:9)',
	'4:3': 'Landscape (4:3)',
	'3:2': 'Landscape (3:2)',
	'1:1': 'Square (1:1)',
	'9:16': 'Portrait (9:16)',
	'3:4': 'Portrait (3:4)',
	'2:3': 'Portrait (2:3)',
	'5:4': 'Landscape (5:4)',
	'4:5': 'Portrait (4:5)',
};

export const nanoBanana: Family = {
	id: 'nanoBanana',
	displayName: 'Nano Banana',
	kind: 'image',
	models: [
		{ name: 'Nano Banana', value: 'nano-banana', description: 'Gemini image, standard (7–30 s)' },
		{
			name: 'Nano Banana Pro',
			value: 'nano-banana-pro',
			description: 'Gemini image, pro: 2K/4K quality',
		},
		{
			name: 'Nano Banana V2',
			value: 'nano-banana-v2',
			description: 'Gemini image, v2: 2K/4K quality',
		},
		{
			name: 'Nano Banana V2 Lite',
			value: 'nano-banana-v2-lite',
			description:
				"RunBlob model v2_lite (listed by a third party, not on RunBlob's own pages yet)",
		},
		{
			name: 'Nano Banana Pro VIP',
			value: 'nano-banana-pro-vip',
			description:
				"RunBlob model pro_vip (listed by a third party, not on RunBlob's own pages yet)",
		},
		{
			name: 'Nano Banana V2 VIP',
			value: 'nano-banana-v2-vip',
			description: "RunBlob model v2_vip (listed by a third party, not on RunBlob's own pages yet)",
		},
	],
	paths: {
		create: '/v1/gemini/generate',
		status: (id) => `/v1/gemini/generations/${id}`,
		list: '/v1/gemini/generations',
	},
	idField: 'task_uuid',
	idPattern: UUID_ID,
	promptLimits: PROMPT,
	properties: [
		...forModels(MODELS, [
			{
				displayName: 'Aspect Ratio',
				name: 'nbAspectRatio',
				type: 'options',
				options: RATIOS.map((value) => ({ name: RATIO_NAMES[value], value })),
				default: 'auto',
			},
			{
				displayName: 'Temperature',
				name: 'nbTemperature',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
				default: 0.7,
				description: 'Higher is more varied, lower more literal (0–1)',
			},
			...imageInputProperties(images, {
				purpose: 'to edit or follow; the standard model takes at most 4',
			}),
		]),
		...forModels(WITH_QUALITY, [
			{
				displayName: 'Quality',
				name: 'nbQuality',
				type: 'options',
				options: [
					{ name: 'Standard', value: 'standard' },
					{ name: '2K', value: '2k' },
					{ name: '4K', value: '4k' },
				],
				default: 'standard',
			},
		]),
	],
	async buildBody(input) {
		const apiModel = API_MODEL[input.model];
		if (!apiModel) fail(`"${input.model}" is not a Nano Banana model`);
		const body: IDataObject = validateBody(bodySchema, {
			prompt: input.param('prompt', ''),
			aspect_ratio: input.param('nbAspectRatio', 'auto'),
			quality: WITH_QUALITY.includes(input.model)
				? input.param('nbQuality', 'standard')
				: undefined,
			temperature: Number(input.param<unknown>('nbTemperature', 0.7)),
		});
		body.model = apiModel;
		const max = apiModel === 'standard' ? 4 : 8;
		const inputs = await readImageInputs(images, input, max);
		if (inputs.kind !== 'none') body.images = inputs.images;
		return compact(body);
	},
	callbackSchema: taskImageCallbackSchema,
	matchesCallback: taskImageMatchesCallback(false),
	read: {
		...taskImageRead,
		// Where RunBlob reports its model ("pro"), it is the API value the node sent for one of its models.
		modelOfLabel: (label) =>
			Object.keys(API_MODEL).find((model) => API_MODEL[model] === label) ?? null,
		extras: ['aspect_ratio', 'quality'],
	},
	// "Up to 3" retries; RunBlob does not say how far apart (the simulator uses 30 s).
	callbackRetrySeconds: [30, 30, 30],
	// RunBlob states no timeout for Nano Banana. Renders take seconds; 10 min covers a slow render plus the retries.
	timeoutMinutes: 5,
	defaultWaitMinutes: 10,
	failures: failureFacts('none'),
};
