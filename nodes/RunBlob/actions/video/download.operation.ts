import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { binaryPropertyNameProperty } from '../../../shared/descriptions';
import { readGeneration } from '../../../shared/families/api';
import { downloadIntoBinary, getSettings } from '../../../shared/transport';
import { cleanGenerationId, generationIdProperty, runPerItem } from './common';
import { outputOf } from './get.operation';
import { isVersion1, modelFor } from './model';

const properties: INodeProperties[] = [
	{
		displayName: 'Download By',
		name: 'source',
		type: 'options',
		options: [
			{ name: 'Generation ID', value: 'generationId' },
			{ name: 'Video URL', value: 'url' },
		],
		default: 'generationId',
	},
	{ ...generationIdProperty, displayOptions: { show: { source: ['generationId'] } } },
	{
		displayName: 'Video URL',
		name: 'videoUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'https://cdn.runblob.io/videos/…mp4',
		displayOptions: { show: { source: ['url'] } },
	},
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
		const source = this.getNodeParameter('source', i) as string;
		let url: string;
		let json: IDataObject = {};
		if (source === 'url') {
			url = String(this.getNodeParameter('videoUrl', i)).trim();
			if (!/^https?:\/\/\S+$/i.test(url)) {
				throw new NodeOperationError(this.getNode(), `"${url}" is not an http(s) URL`, {
					itemIndex: i,
				});
			}
		} else {
			const { family } = modelFor(this, i);
			const generationId = cleanGenerationId(
				this,
				this.getNodeParameter('generationId', i),
				i,
				family,
			);
			current.generationId = generationId;
			const status = await readGeneration(this, baseUrl, family, generationId, i);
			json = outputOf(family, status, v1);
			if (status.status !== 'completed' || typeof json.video_url !== 'string') {
				throw new NodeOperationError(
					this.getNode(),
					`Generation ${generationId} has no video yet (status: ${String(status.status)})`,
					{
						itemIndex: i,
						description:
							status.status === 'failed'
								? `RunBlob says: ${String(family.read.errorMessage(status) ?? 'failed')}`
								: 'Try again when it is completed, or use Generate with "Wait for Video".',
					},
				);
			}
			url = json.video_url;
		}
		const fileName =
			(this.getNodeParameter('fileName', i, '') as string) ||
			(current.generationId ? `${current.generationId}.mp4` : fileNameFromUrl(url));
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

function fileNameFromUrl(url: string): string {
	try {
		const last = new URL(url).pathname.split('/').filter(Boolean).pop();
		return last ? decodeURIComponent(last) : 'video.mp4';
	} catch {
		return 'video.mp4';
	}
}
