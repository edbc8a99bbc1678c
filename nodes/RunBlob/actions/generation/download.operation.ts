import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { binaryPropertyNameProperty } from '../../../shared/descriptions';
import { downloadIntoBinary, getSettings } from '../../../shared/transport';
import { runPerItem } from './common';
import { downloadSourceProperties, resolveDownloadSource } from './downloadSource';
import { outputOf } from './get.operation';
import type { GenerationResource } from './resources';
import { resourceOf } from './resources';
import { rulesOf } from './versionRules';

/** Download: a finished video or image into a binary field, named as the resource names its files. */

const properties = (resource: GenerationResource): INodeProperties[] => [
	...downloadSourceProperties(
		resource.label,
		resource.download.urlParameter,
		resource.download.urlPlaceholder,
	),
	{
		...binaryPropertyNameProperty,
		displayName: `Put ${resource.label} in Field`,
		hint: `The name of the output binary field for the ${resource.noun}`,
		required: true,
	},
	{
		displayName: 'File Name',
		name: 'fileName',
		type: 'string',
		default: '',
		placeholder: resource.download.fileNamePlaceholder,
		description: resource.download.fileNameDescription,
	},
];

export const description = (resource: GenerationResource): INodeProperties[] =>
	updateDisplayOptions(
		{ show: { resource: [resource.value], operation: ['download'] } },
		properties(resource),
	);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	const { baseUrl } = await getSettings(this);
	const rules = rulesOf(this);
	const resource = resourceOf(this.getNodeParameter('resource', 0) as string);
	const { download } = resource;
	return await runPerItem(this, items, async (i, current) => {
		const { url, json } = await resolveDownloadSource(this, baseUrl, i, current, {
			kind: resource.noun,
			urlParameter: download.urlParameter,
			toJson: (family, status) => outputOf(family, status, rules),
		});
		const given = String(this.getNodeParameter('fileName', i, '')).trim();
		const fileName = download.fileName(given, current.generationId, url);
		const property = this.getNodeParameter('binaryPropertyName', i) as string;
		const binary = await downloadIntoBinary(this, baseUrl, url, fileName, {
			generationId: current.generationId,
			itemIndex: i,
			defaultMimeType: download.defaultMimeType,
			appendExtension: download.appendExtension,
		});
		return [
			{
				json: { ...json, [`${resource.noun}_url`]: url, file_name: binary.fileName ?? fileName },
				binary: { [property]: binary },
				pairedItem: { item: i },
			},
		];
	});
}
