import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { apiRequest, getSettings, openVideoStream } from '../../../shared/transport';
import { asNodeError, cleanGenerationId, errorItem } from './common';

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
	{
		displayName: 'Generation ID',
		name: 'generationId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 550e8400-e29b-41d4-a716-446655440000',
		displayOptions: { show: { source: ['generationId'] } },
	},
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

export const description = updateDisplayOptions({ show: { resource: ['video'], operation: ['download'] } }, properties);

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const { baseUrl } = await getSettings(this);
	const results: INodeExecutionData[] = [];
	for (let i = 0; i < items.length; i++) {
		let generationId: string | undefined;
		try {
			const source = this.getNodeParameter('source', i) as string;
			let url: string;
			const json: IDataObject = {};
			if (source === 'url') {
				url = String(this.getNodeParameter('videoUrl', i)).trim();
				if (!/^https?:\/\/\S+$/i.test(url)) {
					throw new NodeOperationError(this.getNode(), `"${url}" is not an http(s) URL`, { itemIndex: i });
				}
			} else {
				generationId = cleanGenerationId(this, this.getNodeParameter('generationId', i), i);
				const status = await apiRequest<IDataObject>(this, baseUrl, {
					method: 'GET',
					path: `/v1/sora/generations/${generationId}/`,
					generationId,
					itemIndex: i,
				});
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
				(generationId ? `${generationId}.mp4` : fileNameFromUrl(url));
			const property = this.getNodeParameter('binaryPropertyName', i) as string;
			const video = await openVideoStream(this, baseUrl, url, { generationId, itemIndex: i });
			const binary = await this.helpers.prepareBinaryData(video.body, fileName, video.contentType || 'video/mp4');
			results.push({
				json: { ...json, video_url: url, file_name: fileName },
				binary: { [property]: binary },
				pairedItem: { item: i },
			});
		} catch (error) {
			if (this.continueOnFail()) {
				results.push(errorItem(error as Error, i, generationId));
				continue;
			}
			throw asNodeError(this, error, i);
		}
	}
	return [results];
}

function fileNameFromUrl(url: string): string {
	try {
		const last = new URL(url).pathname.split('/').filter(Boolean).pop();
		return last ? decodeURIComponent(last) : 'video.mp4';
	} catch {
		return 'video.mp4';
	}
}
