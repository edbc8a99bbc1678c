import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { getGeneration, getSettings, openVideoStream } from '../../../shared/transport';
import { cleanGenerationId, generationIdProperty, runPerItem } from './common';

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
	{
		displayName: 'Put Video in Field',
		name: 'binaryPropertyName',
		type: 'string',
		required: true,
		default: 'data',
		hint: 'The name of the output binary field for the video',
	},
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
	return await runPerItem(this, items, async (i, current) => {
		const source = this.getNodeParameter('source', i) as string;
		let url: string;
		const json: IDataObject = {};
		if (source === 'url') {
			url = String(this.getNodeParameter('videoUrl', i)).trim();
			if (!/^https?:\/\/\S+$/i.test(url)) {
				throw new NodeOperationError(this.getNode(), `"${url}" is not an http(s) URL`, {
					itemIndex: i,
				});
			}
		} else {
			const generationId = cleanGenerationId(this, this.getNodeParameter('generationId', i), i);
			current.generationId = generationId;
			const status = await getGeneration(this, baseUrl, generationId, i);
			if (status.status !== 'completed' || typeof status.video_url !== 'string') {
				throw new NodeOperationError(
					this.getNode(),
					`Generation ${generationId} has no video yet (status: ${String(status.status)})`,
					{
						itemIndex: i,
						description:
							status.status === 'failed'
								? `RunBlob says: ${String(status.error_message ?? 'failed')}`
								: 'Try again when it is completed, or use Generate with "Wait for Video".',
					},
				);
			}
			url = status.video_url;
			Object.assign(json, status);
		}
		const fileName =
			(this.getNodeParameter('fileName', i, '') as string) ||
			(current.generationId ? `${current.generationId}.mp4` : fileNameFromUrl(url));
		const property = this.getNodeParameter('binaryPropertyName', i) as string;
		const video = await openVideoStream(this, baseUrl, url, {
			generationId: current.generationId,
			itemIndex: i,
		});
		const binary = await this.helpers.prepareBinaryData(
			video.body,
			fileName,
			video.contentType || 'video/mp4',
		);
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
