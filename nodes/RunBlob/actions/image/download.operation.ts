import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { binaryPropertyNameProperty } from '../../../shared/descriptions';
import { readGeneration } from '../../../shared/families/api';
import { normalise } from '../../../shared/families/normalise';
import { downloadIntoBinary, getSettings } from '../../../shared/transport';
import { cleanGenerationId, generationIdProperty, runPerItem } from '../video/common';
import { modelFor } from '../video/model';

/** Download on resource Image: the finished image into a binary field, named with the extension of its type. */

const properties: INodeProperties[] = [
	{
		displayName: 'Download By',
		name: 'source',
		type: 'options',
		options: [
			{ name: 'Generation ID', value: 'generationId' },
			{ name: 'Image URL', value: 'url' },
		],
		default: 'generationId',
	},
	{ ...generationIdProperty, displayOptions: { show: { source: ['generationId'] } } },
	{
		displayName: 'Image URL',
		name: 'imageUrl',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'https://cdn.runblob.io/images/…png',
		displayOptions: { show: { source: ['url'] } },
	},
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
		const source = this.getNodeParameter('source', i) as string;
		let url: string;
		let json: IDataObject = {};
		if (source === 'url') {
			url = String(this.getNodeParameter('imageUrl', i)).trim();
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
			json = normalise(family, status);
			if (status.status !== 'completed' || typeof json.image_url !== 'string') {
				throw new NodeOperationError(
					this.getNode(),
					`Generation ${generationId} has no image yet (status: ${String(status.status)})`,
					{
						itemIndex: i,
						description:
							status.status === 'failed'
								? `RunBlob says: ${String(family.read.errorMessage(status) ?? 'failed')}`
								: 'Try again when it is completed, or use Generate with "Wait for Image".',
					},
				);
			}
			url = json.image_url;
		}
		const given = String(this.getNodeParameter('fileName', i, '')).trim();
		const baseName = (given || current.generationId || baseNameFromUrl(url)).replace(
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

function baseNameFromUrl(url: string): string {
	try {
		const last = new URL(url).pathname.split('/').filter(Boolean).pop();
		return last ? decodeURIComponent(last) : 'image';
	} catch {
		return 'image';
	}
}
