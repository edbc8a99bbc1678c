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

/**
 * The registry of RunBlob families: the only place that lists them. Everything that depends on the list (the Model
 * fields, the parameters, the texts, callback matching) reads it when used, so a family registered before the node's
 * description is built is a family like any other.
 */

export const VIDEO_FAMILIES: Family[] = [sora, veo, kling, klingO1, klingO3];
export const IMAGE_FAMILIES: Family[] = [nanoBanana, chatgptImages, klingO1Photo, klingO3Photo];
export const FAMILIES: Family[] = [...VIDEO_FAMILIES, ...IMAGE_FAMILIES];

/**
 * Adds a family to the registry (after the built-in ones: its Model entries come last, and it is asked last about
 * unsigned callbacks). Its id and model values must be new.
 */
export function registerFamily(family: Family): void {
	const taken = new Set(FAMILIES.flatMap((f) => [f.id, ...f.models.map((m) => m.value)]));
	const clash = [family.id, ...family.models.map((m) => m.value)].find((name) => taken.has(name));
	if (clash !== undefined) throw new Error(`RunBlob family "${family.id}": "${clash}" is taken`);
	(family.kind === 'image' ? IMAGE_FAMILIES : VIDEO_FAMILIES).push(family);
	FAMILIES.push(family);
}

/** The model of node version 1, which spoke only Sora 2. */
export const V1_MODEL = 'sora-2';
/** The family of node version 1's model: its saved items carry no family. */
export const V1_FAMILY: Family = FAMILIES.find((family) =>
	family.models.some((m) => m.value === V1_MODEL),
) as Family;
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
 * The families an unsigned callback (no family in its URL) can come from: each declares which bodies can be its own
 * (`matchesCallback`), asked in registry order. One family: that one; several: the body is ambiguous, and the caller
 * must not guess (RunBlob's payloads do not always name their family; a signed URL does).
 */
export function familiesByShape(body: IDataObject): Family[] {
	// A family's callback always carries its id field; its matcher decides the rest.
	return FAMILIES.filter((family) => family.idField in body && family.matchesCallback(body));
}

/** UI text of the prompt limits, from each family's declaration: "Sora 2, Nano Banana: 1–4000 characters; …". */
export function promptLimitsText(families: Family[]): string {
	const groups = new Map<string, string[]>();
	for (const family of families) {
		const range = `${family.promptLimits.min}–${family.promptLimits.max}`;
		groups.set(range, [...(groups.get(range) ?? []), family.displayName]);
	}
	return [...groups].map(([range, names]) => `${names.join(', ')}: ${range} characters`).join('; ');
}

/** UI text of each family's default wait, and what it covers (render limit + RunBlob's callback retries). */
export function waitDefaultsText(families: Family[]): string {
	return families
		.map((family) => {
			const retries = family.callbackRetrySeconds.reduce((sum, s) => sum + s, 0) / 60;
			return `${family.displayName} ${family.defaultWaitMinutes} min (renders ≤ ${family.timeoutMinutes} min + ${retries} min of callback retries)`;
		})
		.join(', ');
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

/** The Model field of resource Video: every video model, grouped by family in the list. */
export const modelProperty = (): INodeProperties => ({
	displayName: 'Model',
	name: 'model',
	type: 'options',
	options: modelOptions(VIDEO_FAMILIES),
	default: DEFAULT_MODEL,
	description: 'The RunBlob model; each shows only the parameters it supports',
});

/** The Model field of resource Image. */
export const imageModelProperty = (): INodeProperties => ({
	displayName: 'Model',
	name: 'model',
	type: 'options',
	options: modelOptions(IMAGE_FAMILIES),
	default: DEFAULT_IMAGE_MODEL,
	description: 'The RunBlob image model; each shows only the parameters it supports',
});

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
