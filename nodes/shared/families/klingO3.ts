import type { OmniConfig } from './klingOmni';
import { omniFamilyParts } from './klingOmni';
import type { Family } from './types';

/** Kling O3 Video (3.0 omni): `/v1/kling/o3-video`. Reference §2.4. */

const config: OmniConfig = {
	prefix: 'o3',
	models: ['kling_o3', 'kling_o3_pro'],
	urlKey: 'images_url',
	durations: { textToVideo: ['5', '10', '15'], imageToVideo: ['5', '10', '15'] },
	formats: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'],
	sendModel: true,
	labelMark: 'o3',
	// RunBlob labels O3 jobs by length and tier ("kling-o3-video-10s-pro", "kling-o3-video-5s"); the tier is the model.
	modelOfLabel: (label) => {
		if (!/o3/i.test(label)) return null;
		return /pro/i.test(label) ? 'kling_o3_pro' : 'kling_o3';
	},
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
	...omniFamilyParts(config),
};
