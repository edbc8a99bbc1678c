import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { binaryPropertyNameProperty } from '../../../shared/descriptions';
import { normalise } from '../../../shared/families/normalise';
import { downloadIntoBinary, getSettings } from '../../../shared/transport';
import { runPerItem } from '../generation/common';
import {
	downloadSourceProperties,
	fileNameFromUrl,
	resolveDownloadSource,
} from '../generation/downloadSource';

/** Download on resource Image: the finished image into a binary field, named with the extension of its type. */

const properties: INodeProperties[] = [
	...downloadSourceProperties('Image', 'imageUrl', 'https://cdn.runblob.io/images/…png'),
	{
		...binaryPropertyNameProperty,
		displayName: 'Put Image in Field',
		hint: 'The name of the output binary field for the image',
		required: true,
	},
	{
		displayName: 'File Name',
		name: 'fileName',
		type: 'string',
		default: '',
		placeholder: 'e.g. thumbnail',
		description:
			'Without an extension; the extension follows the image type (.png, .jpg, .webp). Defaults to the generation ID, or the name in the URL.',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['image'], operation: ['download'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	const { baseUrl } = await getSettings(this);
	return await runPerItem(this, items, async (i, current) => {
		const { url, json } = await resolveDownloadSource(this, baseUrl, i, current, {
			kind: 'image',
			urlParameter: 'imageUrl',
			toJson: normalise,
		});
		const given = String(this.getNodeParameter('fileName', i, '')).trim();
		const baseName = (given || current.generationId || fileNameFromUrl(url, 'image')).replace(
			/\.(png|jpe?g|webp|gif)$/i,
			'',
		);
		const property = this.getNodeParameter('binaryPropertyName', i) as string;
		const binary = await downloadIntoBinary(this, baseUrl, url, baseName, {
			generationId: current.generationId,
			itemIndex: i,
			defaultMimeType: 'image/png',
			appendExtension: true,
		});
		return [
			{
				json: { ...json, image_url: url, file_name: binary.fileName ?? baseName },
				binary: { [property]: binary },
				pairedItem: { item: i },
			},
		];
	});
}
