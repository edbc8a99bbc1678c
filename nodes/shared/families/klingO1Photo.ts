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

/** Kling O1 Photo: `/v1/kling/o1-photo`. Reference §3. Ids look like `photo-…`. */

const config: PhotoConfig = {
	prefix: 'o1p',
	model: 'kling-o1-photo',
	maxImages: 5,
	resolutions: ['1k', '2k'],
	defaultResolution: '2k',
	ratios: ['1:1', '9:16', '2:3', '3:4', '4:3', '3:2', '16:9', '21:9'],
};

export const klingO1Photo: Family = {
	id: 'klingO1Photo',
	displayName: 'Kling O1 Photo',
	kind: 'image',
	models: [
		{
			name: 'Kling O1 Photo',
			value: 'kling-o1-photo',
			description: 'Kling omni image, 1K/2K (1–2 min)',
		},
	],
	paths: {
		create: '/v1/kling/o1-photo/generate',
		status: (id) => `/v1/kling/o1-photo/generations/${id}`,
	},
	idField: 'generation_id',
	idPattern: TOKEN_ID,
	promptLimits: PHOTO_PROMPT,
	properties: photoProperties(config, {
		displayName: 'Resolution',
		name: 'o1pResolution',
		type: 'options',
		options: [],
		default: '2k',
	}),
	buildBody: async (input) => await buildPhotoBody(config, input),
	callbackSchema: photoCallbackSchema,
	matchesCallback: photoMatchesCallback('o1'),
	read: photoRead,
	callbackRetrySeconds: [30, 30, 30, 30, 30],
	timeoutMinutes: 15,
	// 15 min hard timeout + 2.5 min of callback retries, with headroom.
	defaultWaitMinutes: 20,
	// Kling's errors page lists TIMEOUT with an automatic refund "for Kling 2.6 or O1 Photo" (reference §2.2.3).
	failures: failureFacts('timedOut'),
};
