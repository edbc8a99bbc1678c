import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readGeneration } from '../../../shared/families/api';
import type { Family } from '../../../shared/families/types';
import { cleanGenerationId, generationIdProperty } from './common';
import { modelFor } from './model';

/** Download's "Download By" choice and its two inputs, for a video or an image (`urlParameter`: videoUrl / imageUrl). */
export function downloadSourceProperties(
	label: 'Video' | 'Image',
	urlParameter: string,
	placeholder: string,
): INodeProperties[] {
	return [
		{
			displayName: 'Download By',
			name: 'source',
			type: 'options',
			options: [
				{ name: 'Generation ID', value: 'generationId' },
				{ name: `${label} URL`, value: 'url' },
			],
			default: 'generationId',
		},
		{ ...generationIdProperty, displayOptions: { show: { source: ['generationId'] } } },
		{
			displayName: `${label} URL`,
			name: urlParameter,
			type: 'string',
			required: true,
			default: '',
			placeholder,
			displayOptions: { show: { source: ['url'] } },
		},
	];
}

/** What Download reads before it streams: the file's URL and, when read by generation ID, the generation's output. */
export interface DownloadSource {
	url: string;
	json: IDataObject;
}

/**
 * Resolves Download's "Download By" choice for a video or an image: a URL given directly (checked to be http(s)), or
 * the result URL of a completed generation (a clear error naming the generation otherwise). Shared by both resources
 * so the two Download operations differ only in names, file naming and MIME defaults.
 */
export async function resolveDownloadSource(
	ctx: IExecuteFunctions,
	baseUrl: string,
	i: number,
	current: { generationId?: string },
	opts: {
		kind: 'video' | 'image';
		urlParameter: string;
		toJson: (family: Family, status: IDataObject) => IDataObject;
	},
): Promise<DownloadSource> {
	const { kind } = opts;
	const resultField = `${kind}_url`;
	if (ctx.getNodeParameter('source', i) === 'url') {
		const url = String(ctx.getNodeParameter(opts.urlParameter, i)).trim();
		if (!/^https?:\/\/\S+$/i.test(url)) {
			throw new NodeOperationError(ctx.getNode(), `"${url}" is not an http(s) URL`, {
				itemIndex: i,
			});
		}
		return { url, json: {} };
	}
	const { family } = modelFor(ctx, i);
	const generationId = cleanGenerationId(ctx, ctx.getNodeParameter('generationId', i), i, family);
	current.generationId = generationId;
	const status = await readGeneration(ctx, baseUrl, family, generationId, i);
	const json = opts.toJson(family, status);
	const url = json[resultField];
	if (status.status !== 'completed' || typeof url !== 'string') {
		const waitName = kind === 'video' ? 'Wait for Video' : 'Wait for Image';
		throw new NodeOperationError(
			ctx.getNode(),
			`Generation ${generationId} has no ${kind} yet (status: ${String(status.status)})`,
			{
				itemIndex: i,
				description:
					status.status === 'failed'
						? `RunBlob says: ${String(family.read.errorMessage(status) ?? 'failed')}`
						: `Try again when it is completed, or use Generate with "${waitName}".`,
			},
		);
	}
	return { url, json };
}

/** The last path segment of a URL, decoded; `fallback` when there is none. */
export function fileNameFromUrl(url: string, fallback: string): string {
	try {
		const last = new URL(url).pathname.split('/').filter(Boolean).pop();
		return last ? decodeURIComponent(last) : fallback;
	} catch {
		return fallback;
	}
}
