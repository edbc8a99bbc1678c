import type { INodeProperties } from 'n8n-workflow';

import * as download from './download.operation';
import * as generate from './generate.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';

export { download, generate, get, getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['video'] } },
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
				description: 'Create a Sora 2 video from text or an image',
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get a video generation',
				description: 'Read the status and progress of a generation',
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
	...generate.description,
	...get.description,
	...getMany.description,
	...download.description,
];
