import type { INodeProperties } from 'n8n-workflow';

import * as download from './download.operation';
import * as generate from './generate.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import type { GenerationResource } from './resources';
import { GENERATION_RESOURCES } from './resources';
import { FROM_VERSION_2, version1ModelProperty } from './versionRules';

/**
 * The generation resources (Video, Image): the same operations, declared once and shown for each resource in its
 * own words. The operations read the item's model and its family declaration; nothing here names a family.
 */

export const operations = {
	generate: generate.execute,
	get: get.execute,
	getMany: getMany.execute,
	download: download.execute,
};

const operationProperty = (resource: GenerationResource): INodeProperties => {
	const { noun } = resource;
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [resource.value] } },
		options: [
			{
				name: 'Download',
				value: 'download',
				action: `Download ${noun === 'image' ? 'an' : 'a'} ${noun}`,
				description: `Download a finished ${noun} into a binary field`,
			},
			{
				name: 'Generate',
				value: 'generate',
				action: `Generate ${noun === 'image' ? 'an' : 'a'} ${noun}`,
				description: `Create ${noun === 'image' ? 'an' : 'a'} ${noun} from text or images with the chosen model`,
			},
			{
				name: 'Get',
				value: 'get',
				action: `Get ${noun === 'image' ? 'an' : 'a'} ${noun} generation`,
				description: 'Read the status of a generation',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				action: `Get many ${noun} generations`,
				description: `List your generations, newest first (${getMany.listed(resource.families())})`,
			},
		],
		default: 'generate',
	};
};

const modelProperties = (resource: GenerationResource): INodeProperties[] => {
	const forResource = { resource: [resource.value] };
	const model = resource.modelProperty();
	return [
		...(resource.inVersion1
			? [
					{
						...version1ModelProperty,
						displayOptions: {
							show: { ...forResource, ...version1ModelProperty.displayOptions?.show },
						},
					},
				]
			: []),
		{ ...model, displayOptions: { show: { ...forResource, ...FROM_VERSION_2 } } },
	];
};

/** Built when the node's description is (after every family is registered). */
export const description = (): INodeProperties[] =>
	GENERATION_RESOURCES.flatMap((resource) => [
		operationProperty(resource),
		...modelProperties(resource),
		...generate.description(resource),
		...get.description(resource),
		...getMany.description(resource),
		...download.description(resource),
	]);
