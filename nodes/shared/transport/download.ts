import type {
	IBinaryData,
	IExecuteFunctions,
	IHttpRequestOptions,
	INodeExecutionData,
} from 'n8n-workflow';

import { generationSuffix, mapApiError } from './errors';
import { discardBody, originOf, send } from './http';
import { networkErrorCode } from './retry';
import type { RunBlobContext } from './settings';

/**
 * The one way a finished video (or image) gets into an n8n binary field — used by Download, by a resumed wait and by
 * the Trigger. The file is streamed into n8n's binary store, never held whole in memory. The API key goes only to
 * the credential's own origin; files on RunBlob's CDN (any other origin) are fetched without it.
 */

export type BinaryInput = Parameters<IExecuteFunctions['helpers']['prepareBinaryData']>[0];

export interface MediaDownload {
	body: BinaryInput;
	contentType: string;
}

export interface DownloadTarget {
	generationId?: string;
	itemIndex?: number;
	/** Used when the server names no Content-Type. */
	defaultMimeType?: string;
	/** The file name is a base name: the extension follows the served type (images come as PNG, JPEG or WEBP). */
	appendExtension?: boolean;
}

const EXTENSIONS: Record<string, string> = {
	'image/png': 'png',
	'image/jpeg': 'jpg',
	'image/webp': 'webp',
	'image/gif': 'gif',
	'video/mp4': 'mp4',
	'video/webm': 'webm',
	'video/quicktime': 'mov',
};

/** The usual file extension of a media type ('bin' for one we do not know). */
export function extensionOf(mimeType: string): string {
	return EXTENSIONS[mimeType.toLowerCase()] ?? 'bin';
}

export async function openMediaStream(
	ctx: RunBlobContext,
	baseUrl: string,
	url: string,
	target: DownloadTarget,
): Promise<MediaDownload> {
	const options: IHttpRequestOptions = {
		method: 'GET',
		url,
		encoding: 'stream',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: 10 * 60_000,
	};
	const request = { path: url, generationId: target.generationId, itemIndex: target.itemIndex };
	const response = await send(ctx, options, {
		authenticated: originOf(url) === originOf(baseUrl),
		request,
	});
	const status = response.statusCode;
	if (status >= 200 && status < 300) {
		const header = String(response.headers?.['content-type'] ?? '')
			.split(';')[0]
			.trim();
		return {
			body: response.body as BinaryInput,
			contentType: header || target.defaultMimeType || 'video/mp4',
		};
	}
	discardBody(response);
	const error = mapApiError(ctx, status, null, request);
	if (status === 404 || status === 403 || status === 410) {
		const kind = (target.defaultMimeType ?? 'video/').startsWith('image/') ? 'image' : 'video';
		error.message = `The ${kind} file is not available at ${url}${generationSuffix(target.generationId)}`;
		error.description = 'The download link may have expired. Use Get to read a fresh URL.';
	}
	throw error;
}

/** Downloads `url` into a binary object named `fileName`. Throws n8n errors. */
export async function downloadIntoBinary(
	ctx: RunBlobContext,
	baseUrl: string,
	url: string,
	fileName: string,
	target: DownloadTarget,
): Promise<IBinaryData> {
	const media = await openMediaStream(ctx, baseUrl, url, target);
	const name = target.appendExtension ? `${fileName}.${extensionOf(media.contentType)}` : fileName;
	return await ctx.helpers.prepareBinaryData(media.body, name, media.contentType);
}

/**
 * For outputs that must not fail as a whole (a resumed wait, a trigger): downloads into `item.binary[property]`, or
 * records why it could not in `item.json.download_error`, worded the same everywhere.
 */
export async function attachDownload(
	ctx: RunBlobContext,
	baseUrl: string,
	item: INodeExecutionData,
	options: {
		url: string;
		property: string;
		fileName: string;
		generationId?: string;
		/** An image: `fileName` is a base name and the extension follows the served type. */
		image?: boolean;
	},
): Promise<void> {
	try {
		const binary = await downloadIntoBinary(ctx, baseUrl, options.url, options.fileName, {
			generationId: options.generationId,
			defaultMimeType: options.image ? 'image/png' : undefined,
			appendExtension: options.image,
		});
		item.binary = { ...(item.binary ?? {}), [options.property]: binary };
	} catch (error) {
		item.json.download_error = downloadErrorText(error);
	}
}

export function downloadErrorText(error: unknown): string {
	const message = (error as Error).message;
	const code = networkErrorCode(error);
	return code && !message.includes(code) ? `${message} (${code})` : message;
}
