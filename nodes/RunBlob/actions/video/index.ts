import type { INodeProperties } from 'n8n-workflow';

import { modelProperty, v1ModelProperty } from '../../../shared/families';
import * as download from './download.operation';
import * as generate from '../generation/generate.operation';
import * as get from '../generation/get.operation';
import * as getMany from '../generation/getMany.operation';

export { download, generate, get, getMany };

const forVideo = { show: { resource: ['video'] } };

/** Built when the node's description is (after every family is registered). */
export const description = (): INodeProperties[] => [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: forVideo,
		options: [
			{
				name: 'Download',
				value: 'download',
				action: 'Download a video',
				description: 'Download a finished video into a binary field',
			},
			{
				name: 'Generate',
				value: 'generate',
				action: 'Generate a video',
				description: 'Create a video from text or images with the chosen model',
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get a video generation',
				description: 'Read the status of a generation',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				action: 'Get many video generations',
				description: 'List your generations, newest first',
			},
		],
		default: 'generate',
	},
	{
		...v1ModelProperty,
		displayOptions: { show: { ...forVideo.show, ...v1ModelProperty.displayOptions?.show } },
	},
	{
		...modelProperty(),
		displayOptions: { show: { ...forVideo.show, ...modelProperty().displayOptions?.show } },
	},
	...generate.description(),
	...get.description,
	...getMany.description(),
	...download.description,
];
