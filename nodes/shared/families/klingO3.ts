import { TOKEN_ID } from './inputs';
import type { OmniConfig } from './klingOmni';
import { buildOmniBody, omniCallbackSchema, omniProperties, omniRead } from './klingOmni';
import type { Family } from './types';

/** Kling O3 Video (3.0 omni): `/v1/kling/o3-video`. Reference §2.4. */

const config: OmniConfig = {
	prefix: 'o3',
	models: ['kling_o3', 'kling_o3_pro'],
	urlKey: 'images_url',
	durations: { textToVideo: ['5', '10', '15'], imageToVideo: ['5', '10', '15'] },
	formats: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'],
	sendModel: true,
};

export const klingO3: Family = {
	id: 'klingO3',
	displayName: 'Kling O3 Video',
	kind: 'video',
	models: [
		{
			name: 'Kling O3 Video Standard',
			value: 'kling_o3',
			description: 'Kling 3.0 omni, 720p, 5–15 s',
		},
		{
			name: 'Kling O3 Video Pro',
			value: 'kling_o3_pro',
			description: 'Kling 3.0 omni, 1080p, 5–15 s',
		},
	],
	paths: {
		create: '/v1/kling/o3-video/generate',
		status: (id) => `/v1/kling/o3-video/generations/${id}`,
	},
	idField: 'generation_id',
	idPattern: TOKEN_ID,
	promptLimits: { min: 1, max: 2500 },
	properties: omniProperties(config),
	buildBody: async (input) => await buildOmniBody(config, input),
	callbackSchema: omniCallbackSchema,
	read: omniRead,
	callbackRetrySeconds: [30, 30, 30, 30, 30],
	typicalRenderMinutes: [2, 7],
	timeoutMinutes: 15,
	// 15 min hard timeout + 2.5 min of callback retries, with headroom.
	defaultWaitMinutes: 30,
};
