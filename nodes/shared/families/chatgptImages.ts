import type { IDataObject } from 'n8n-workflow';
import { z } from 'zod';

import type { ImageInputConfig } from './imageInputs';
import { imageInputProperties, readImageInputs } from './imageInputs';
import { MiB, UUID_ID, compact, forModels, oneOf, promptSchema, validateBody } from './inputs';
import { taskImageCallbackSchema, taskImageMatchesCallback, taskImageRead } from './taskImages';
import type { Family } from './types';
import { failureFacts } from './failures';

/**
 * ChatGPT Images ("ChatGPT Image 1.5"): `/v1/chatgpt-images`. Reference §3. Aspect ratio 1:1, 4:3 or 3:4 (absent:
 * auto), up to 4 reference images. The newer keys a third party lists (`model`, `quality`, `background`) are not on
 * RunBlob's pages: Additional Body Fields.
 */

const PROMPT = { min: 1, max: 4000 };
const MODELS = ['chatgpt-images'];
const RATIOS = ['auto', '1:1', '4:3', '3:4'] as const;

const images: ImageInputConfig = {
	prefix: 'cgi',
	max: 4,
	maxBytes: 20 * MiB,
	formats: ['image/jpeg', 'image/png', 'image/webp'],
	dataUri: true,
};

const bodySchema = z.object({
	prompt: promptSchema(PROMPT),
	aspect_ratio: oneOf('Aspect ratio', RATIOS),
});

export const chatgptImages: Family = {
	id: 'chatgptImages',
	displayName: 'ChatGPT Images',
	kind: 'image',
	models: [
		{
			name: 'ChatGPT Images',
			value: 'chatgpt-images',
			description: 'ChatGPT Image 1.5 (1–3 min)',
		},
	],
	paths: {
		create: '/v1/chatgpt-images/generate',
		status: (id) => `/v1/chatgpt-images/generations/${id}`,
	},
	idField: 'task_uuid',
	idPattern: UUID_ID,
	promptLimits: PROMPT,
	properties: forModels(MODELS, [
		{
			displayName: 'Aspect Ratio',
			name: 'cgiAspectRatio',
			type: 'options',
			options: [
				{ name: 'Auto', value: 'auto' },
				{ name: 'Square (1:1)', value: '1:1' },
				{ name: 'Landscape (4:3)', value: '4:3' },
				{ name: 'Portrait (3:4)', value: '3:4' },
			],
			default: 'auto',
		},
		...imageInputProperties(images),
	]),
	async buildBody(input) {
		const ratio = input.param('cgiAspectRatio', 'auto');
		const body: IDataObject = validateBody(bodySchema, {
			prompt: input.param('prompt', ''),
			aspect_ratio: ratio,
		});
		// "auto" is RunBlob's behaviour when the field is absent.
		if (ratio === 'auto') delete body.aspect_ratio;
		const inputs = await readImageInputs(images, input);
		if (inputs.kind !== 'none') body.images = inputs.images;
		return compact(body);
	},
	callbackSchema: taskImageCallbackSchema,
	matchesCallback: taskImageMatchesCallback(true),
	read: { ...taskImageRead, extras: ['aspect_ratio'] },
	callbackRetrySeconds: [30, 30, 30, 30, 30],
	// No timeout stated; 3 min renders + 2.5 min of callback retries, with headroom.
	timeoutMinutes: 10,
	defaultWaitMinutes: 15,
	// ChatGPT Images: failed jobs are refunded (reference §0; OPENAI_DECLINED "refund attempted").
	failures: failureFacts('failed'),
};
