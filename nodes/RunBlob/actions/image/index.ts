import type { INodeProperties } from 'n8n-workflow';

import { IMAGE_FAMILIES, imageModelProperty } from '../../../shared/families';
import * as video from '../video';
import * as download from './download.operation';
import { forImage } from '../generation/forImage';
import * as generateDescription from './generate.description';

/**
 * Resource Image: the image families. Generate, Get and Get Many are the resource-neutral operations (they read the
 * family declarations); Download names files by image type.
 */

/** The image families for which RunBlob documents a list. */
const listedImageFamilies = () =>
	IMAGE_FAMILIES.filter((family) => family.paths.list)
		.map((family) => family.displayName)
		.join(', ');

export const operations = {
	generate: video.generate.execute,
	get: video.get.execute,
	getMany: video.getMany.execute,
	download: download.execute,
};

const forImageResource = { show: { resource: ['image'] } };

/** Built when the node's description is (after every family is registered). */
export const description = (): INodeProperties[] => [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: forImageResource,
		options: [
			{
				name: 'Download',
				value: 'download',
				action: 'Download an image',
				description: 'Download a finished image into a binary field',
			},
			{
				name: 'Generate',
				value: 'generate',
				action: 'Generate an image',
				description: 'Create an image from text or reference images with the chosen model',
			},
			{
				name: 'Get',
				value: 'get',
				action: 'Get an image generation',
				description: 'Read the status of a generation',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				action: 'Get many image generations',
				description: `List your generations, newest first (${listedImageFamilies()})`,
			},
		],
		default: 'generate',
	},
	{ ...imageModelProperty(), displayOptions: forImageResource },
	...generateDescription.description(),
	...forImage(video.get.description),
	...forImage(video.getMany.description()),
	...download.description,
];
