import type { OmniConfig } from './klingOmni';
import { omniFamilyParts } from './klingOmni';
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
	labelMark: 'o1',
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
	...omniFamilyParts(config),
};
