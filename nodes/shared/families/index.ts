import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { chatgptImages } from './chatgptImages';
import { kling } from './kling';
import { klingO1 } from './klingO1';
import { klingO1Photo } from './klingO1Photo';
import { klingO3 } from './klingO3';
import { klingO3Photo } from './klingO3Photo';
import { nanoBanana } from './nanoBanana';
import { sora } from './sora';
import type { Family } from './types';
import { veo } from './veo';

/** The registry of RunBlob families: the only place that lists them. */

export const VIDEO_FAMILIES: Family[] = [sora, veo, kling, klingO1, klingO3];
export const IMAGE_FAMILIES: Family[] = [nanoBanana, chatgptImages, klingO1Photo, klingO3Photo];
export const FAMILIES: Family[] = [...VIDEO_FAMILIES, ...IMAGE_FAMILIES];

/** The model of node version 1, which spoke only Sora 2. */
export const V1_MODEL = 'sora-2';
export const DEFAULT_MODEL = 'kling_o3';
export const DEFAULT_IMAGE_MODEL = 'nano-banana';

export function familyOfModel(model: string): Family | undefined {
	return FAMILIES.find((family) => family.models.some((m) => m.value === model));
}

export function familyById(id: unknown): Family | undefined {
	return FAMILIES.find((family) => family.id === id);
}

export function allModels(): string[] {
	return FAMILIES.flatMap((family) => family.models.map((m) => m.value));
}

/**
 * Which family an unsigned callback comes from, by its shape (reference §5): O1/O3 name their model; Veo carries a
 * seed or an `error` next to the prompt; Sora always sends prompt and created_at (so a body with either is judged as
 * Sora, and rejected if the other is missing); Kling's main endpoint sends neither. Signed URLs name the family and
 * need no guessing.
 */
export function familyByShape(body: IDataObject): Family {
	const model = typeof body.model === 'string' ? body.model.toLowerCase() : '';
	// Images first: Nano Banana and ChatGPT Images send `task_uuid` (ChatGPT Images adds the prompt); Kling's photo
	// endpoints name a "-photo" model or carry `image_url`.
	if ('task_uuid' in body) return 'prompt' in body ? chatgptImages : nanoBanana;
	if (model.includes('photo') || 'image_url' in body) {
		return model.includes('o3') ? klingO3Photo : klingO1Photo;
	}
	if (model.includes('o1')) return klingO1;
	if (model.includes('o3')) return klingO3;
	if (model.startsWith('kling')) return kling;
	if ('seed' in body || ('error' in body && 'prompt' in body)) return veo;
	if ('prompt' in body || 'created_at' in body || 'error_message' in body) return sora;
	return kling;
}

/**
 * Which families RunBlob documents as refunding failures, from their declarations (failures.ts): said wherever the
 * node may submit a generation again.
 */
export function refundSummary(families: Family[] = FAMILIES): string {
	const names = (refund: Family['failures']['refund']) =>
		families.filter((family) => family.failures.refund === refund).map((f) => f.displayName);
	const failed = names('failed');
	const timedOut = names('timedOut');
	const none = names('none');
	const parts = [
		failed.length ? `RunBlob documents refunds of failed jobs for ${failed.join(', ')}` : '',
		timedOut.length ? `of timed-out jobs only for ${timedOut.join(', ')}` : '',
		none.length ? `and no refund for ${none.join(', ')}` : '',
	].filter(Boolean);
	return `${parts.join('; ')}: every attempt there may be charged again.`;
}

function modelOptions(families: Family[]) {
	return families.flatMap((family) =>
		family.models.map((m) => ({ name: m.name, value: m.value, description: m.description })),
	);
}

/** The Model field of resource Video (node version 2+): every video model, grouped by family in the list. */
export const modelProperty: INodeProperties = {
	displayName: 'Model',
	name: 'model',
	type: 'options',
	options: modelOptions(VIDEO_FAMILIES),
	default: DEFAULT_MODEL,
	description: 'The RunBlob model; each shows only the parameters it supports',
	displayOptions: { show: { '@version': [{ _cnd: { gte: 2 } }] } },
};

/** Version 1 had no Model field: its saved workflows are Sora 2, and family parameters key on this value. */
export const v1ModelProperty: INodeProperties = {
	displayName: 'Model',
	name: 'model',
	type: 'hidden',
	default: V1_MODEL,
	displayOptions: { show: { '@version': [1] } },
};

/** The Model field of resource Image (only on node version 2+, where the resource exists). */
export const imageModelProperty: INodeProperties = {
	displayName: 'Model',
	name: 'model',
	type: 'options',
	options: modelOptions(IMAGE_FAMILIES),
	default: DEFAULT_IMAGE_MODEL,
	description: 'The RunBlob image model; each shows only the parameters it supports',
};

export const familyProperties: INodeProperties[] = VIDEO_FAMILIES.flatMap(
	(family) => family.properties,
);
export const imageFamilyProperties: INodeProperties[] = IMAGE_FAMILIES.flatMap(
	(family) => family.properties,
);

export type { Family } from './types';
export {
	chatgptImages,
	kling,
	klingO1,
	klingO1Photo,
	klingO3,
	klingO3Photo,
	nanoBanana,
	sora,
	veo,
};
