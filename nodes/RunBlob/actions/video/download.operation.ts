import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { binaryPropertyNameProperty } from '../../../shared/descriptions';
import { downloadIntoBinary, getSettings } from '../../../shared/transport';
import { runPerItem } from '../generation/common';
import {
	downloadSourceProperties,
	fileNameFromUrl,
	resolveDownloadSource,
} from '../generation/downloadSource';
import { outputOf } from '../generation/get.operation';
import { isVersion1 } from '../generation/model';

const properties: INodeProperties[] = [
	...downloadSourceProperties('Video', 'videoUrl', 'https://cdn.runblob.io/videos/…mp4'),
	{ ...binaryPropertyNameProperty, required: true },
	{
		displayName: 'File Name',
		name: 'fileName',
		type: 'string',
		default: '',
		placeholder: 'e.g. my-video.mp4',
		description: 'Defaults to the generation ID plus .mp4, or the file name in the URL',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['video'], operation: ['download'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	const { baseUrl } = await getSettings(this);
	const v1 = isVersion1(this);
	return await runPerItem(this, items, async (i, current) => {
		const { url, json } = await resolveDownloadSource(this, baseUrl, i, current, {
			kind: 'video',
			urlParameter: 'videoUrl',
			toJson: (family, status) => outputOf(family, status, v1),
		});
		const fileName =
			(this.getNodeParameter('fileName', i, '') as string) ||
			(current.generationId ? `${current.generationId}.mp4` : fileNameFromUrl(url, 'video.mp4'));
		const property = this.getNodeParameter('binaryPropertyName', i) as string;
		const binary = await downloadIntoBinary(this, baseUrl, url, fileName, {
			generationId: current.generationId,
			itemIndex: i,
			defaultMimeType: 'video/mp4',
		});
		return [
			{
				json: { ...json, video_url: url, file_name: fileName },
				binary: { [property]: binary },
				pairedItem: { item: i },
			},
		];
	});
}
