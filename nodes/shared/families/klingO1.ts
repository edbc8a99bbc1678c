import { TOKEN_ID } from './inputs';
import type { OmniConfig } from './klingOmni';
import { buildOmniBody, omniCallbackSchema, omniProperties, omniRead } from './klingOmni';
import type { Family } from './types';

/** Kling O1 Video (omni): `/v1/kling/o1-video`. Reference §2.3. The endpoint is the model (no `model` field). */

const config: OmniConfig = {
	prefix: 'o1',
	models: ['kling_o1_video'],
	urlKey: 'images_urls',
	durations: {
		textToVideo: ['5', '10'],
		imageToVideo: ['3', '4', '5', '6', '7', '8', '9', '10'],
	},
	// O1's page names the formats but no size; the 10 MB of its sibling O3 is applied.
	formats: ['image/jpeg', 'image/png', 'image/webp'],
	sendModel: false,
};

export const klingO1: Family = {
	id: 'klingO1',
	displayName: 'Kling O1 Video',
	kind: 'video',
	models: [
		{
			name: 'Kling O1 Video',
			value: 'kling_o1_video',
			description: 'Kling omni video: text or up to 5 images',
		},
	],
	paths: {
		create: '/v1/kling/o1-video/generate',
		status: (id) => `/v1/kling/o1-video/generations/${id}`,
	},
	idField: 'generation_id',
	idPattern: TOKEN_ID,
	promptLimits: { min: 1, max: 2500 },
	properties: omniProperties(config),
	buildBody: async (input) => await buildOmniBody(config, input),
	callbackSchema: omniCallbackSchema,
	read: omniRead,
	callbackRetrySeconds: [30, 30, 30, 30, 30],
	typicalRenderMinutes: [1, 10],
	timeoutMinutes: 15,
	// 15 min hard timeout + 2.5 min of callback retries, with headroom.
	defaultWaitMinutes: 30,
};
