import type { INodeProperties } from 'n8n-workflow';

import type { Family } from '../../../shared/families';
import {
	IMAGE_FAMILIES,
	VIDEO_FAMILIES,
	imageModelProperty,
	modelProperty,
} from '../../../shared/families';
import { fileNameFromUrl } from './downloadSource';

/**
 * The two generation resources, Video and Image. Generate, Get, Get Many, Download and the wait are declared once
 * (this folder) and shown for each resource in its own words; everything that differs between the two is here.
 */
export interface GenerationResource {
	value: 'video' | 'image';
	/** "video" / "image", as it reads in a sentence. */
	noun: 'video' | 'image';
	/** "Video" / "Image", as it reads in a label. */
	label: 'Video' | 'Image';
	/** The completion that parks the run until RunBlob calls back, and its name. */
	waitCompletion: 'waitForVideo' | 'waitForImage';
	waitName: string;
	families(): Family[];
	modelProperty(): INodeProperties;
	/** Node version 1 had this resource (with one model). */
	inVersion1: boolean;
	promptPlaceholder: string;
	/** The wait's download toggle; its parameter name is the one saved workflows use. */
	downloadOptionName: 'downloadVideo' | 'downloadImage';
	download: {
		urlParameter: 'videoUrl' | 'imageUrl';
		urlPlaceholder: string;
		fileNamePlaceholder: string;
		fileNameDescription: string;
		defaultMimeType: string;
		/** The file name (an image's without extension: it follows the served type). */
		fileName(given: string, generationId: string | undefined, url: string): string;
		appendExtension: boolean;
	};
}

export const VIDEO: GenerationResource = {
	value: 'video',
	noun: 'video',
	label: 'Video',
	waitCompletion: 'waitForVideo',
	waitName: 'Wait for Video',
	families: () => VIDEO_FAMILIES,
	modelProperty,
	inVersion1: true,
	promptPlaceholder: 'e.g. A paper boat drifting down a rainy street at dusk, cinematic',
	downloadOptionName: 'downloadVideo',
	download: {
		urlParameter: 'videoUrl',
		urlPlaceholder: 'https://cdn.runblob.io/videos/…mp4',
		fileNamePlaceholder: 'e.g. my-video.mp4',
		fileNameDescription: 'Defaults to the generation ID plus .mp4, or the file name in the URL',
		defaultMimeType: 'video/mp4',
		fileName: (given, id, url) => given || (id ? `${id}.mp4` : fileNameFromUrl(url, 'video.mp4')),
		appendExtension: false,
	},
};

export const IMAGE: GenerationResource = {
	value: 'image',
	noun: 'image',
	label: 'Image',
	waitCompletion: 'waitForImage',
	waitName: 'Wait for Image',
	families: () => IMAGE_FAMILIES,
	modelProperty: imageModelProperty,
	inVersion1: false,
	promptPlaceholder: 'e.g. A red fox in fresh snow, golden hour, 35 mm photo',
	downloadOptionName: 'downloadImage',
	download: {
		urlParameter: 'imageUrl',
		urlPlaceholder: 'https://cdn.runblob.io/images/…png',
		fileNamePlaceholder: 'e.g. thumbnail',
		fileNameDescription:
			'Without an extension; the extension follows the image type (.png, .jpg, .webp). Defaults to the generation ID, or the name in the URL.',
		defaultMimeType: 'image/png',
		fileName: (given, id, url) =>
			(given || id || fileNameFromUrl(url, 'image')).replace(/\.(png|jpe?g|webp|gif)$/i, ''),
		appendExtension: true,
	},
};

export const GENERATION_RESOURCES = [VIDEO, IMAGE];

export function resourceOf(value: string): GenerationResource {
	return value === 'image' ? IMAGE : VIDEO;
}
