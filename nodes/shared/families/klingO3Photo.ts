import { TOKEN_ID } from './inputs';
import type { PhotoConfig } from './klingPhoto';
import {
	PHOTO_PROMPT,
	buildPhotoBody,
	photoCallbackSchema,
	photoMatchesCallback,
	photoProperties,
	photoRead,
} from './klingPhoto';
import type { Family } from './types';
import { failureFacts } from './failures';

/** Kling O3 Photo: `/v1/kling/o3-photo`. Reference §3: up to 10 images, 4K by default, `auto` ratio, multi-shots. */

const config: PhotoConfig = {
	prefix: 'o3p',
	model: 'kling-o3-photo',
	maxImages: 10,
	resolutions: ['1k', '2k', '4k'],
	defaultResolution: '4k',
	ratios: ['1:1', 'auto', '9:16', '2:3', '3:4', '4:3', '3:2', '16:9', '21:9'],
};

export const klingO3Photo: Family = {
	id: 'klingO3Photo',
	displayName: 'Kling O3 Photo',
	kind: 'image',
	models: [
		{
			name: 'Kling O3 Photo',
			value: 'kling-o3-photo',
			description: 'Kling 3.0 omni image, up to 4K (1–3 min)',
		},
	],
	paths: {
		create: '/v1/kling/o3-photo/generate',
		status: (id) => `/v1/kling/o3-photo/generations/${id}`,
	},
	idField: 'generation_id',
	idPattern: TOKEN_ID,
	promptLimits: PHOTO_PROMPT,
	properties: photoProperties(
		config,
		{
			displayName: 'Resolution',
			name: 'o3pResolution',
			type: 'options',
			options: [],
			default: '4k',
		},
		[
			{
				displayName: 'Prefer Multi-Shots',
				name: 'o3pPreferMultiShots',
				type: 'boolean',
				default: false,
				description: 'Whether RunBlob should prefer a multi-shot composition',
			},
		],
	),
	async buildBody(input) {
		const body = await buildPhotoBody(config, input);
		body.prefer_multi_shots = input.param('o3pPreferMultiShots', false) === true;
		return body;
	},
	callbackSchema: photoCallbackSchema,
	matchesCallback: photoMatchesCallback('o3'),
	read: photoRead,
	callbackRetrySeconds: [30, 30, 30, 30, 30],
	// O3 Photo states no timeout of its own; O1 Photo's 15 min is assumed, plus the callback retries.
	timeoutMinutes: 15,
	defaultWaitMinutes: 20,
	failures: failureFacts('none'),
};
