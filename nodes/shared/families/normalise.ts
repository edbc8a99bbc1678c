import type { IDataObject } from 'n8n-workflow';

import { normaliseGenerationId } from '../callbackContract/generationId';
import { renderSeconds, toIsoUtc } from '../time';
import { V1_FAMILY } from './index';
import type { Family } from './types';

/**
 * One output shape for every family (v2 of the node, the Trigger, a resumed wait): the same normalised fields,
 * filled from wherever the family keeps them, plus the family's own extra fields.
 */

export interface Known {
	/** The node's model value from the request, when the output comes from a generation this node created. */
	model?: string | null;
	price?: unknown;
	prompt?: unknown;
}

export function normalise(family: Family, source: IDataObject, known: Known = {}): IDataObject {
	const str = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
	const output: IDataObject = {
		generation_id: normaliseGenerationId(source[family.idField] ?? source.generation_id),
		family: family.id,
		// The node's model value (as the user picked it) wherever it can be known; RunBlob's label apart.
		model: known.model ?? modelOf(family, source),
		runblob_model: family.read.label(source),
		status: String(source.status ?? ''),
		prompt: str(source.prompt) ?? str(known.prompt),
		[resultKey(family)]: resultUrl(family, source),
		// null when RunBlob gave no reason (Kling O3's status object has none: "see webhook").
		error_message: family.read.errorMessage(source),
		created_at: toIsoUtc(source.created_at),
		completed_at: toIsoUtc(source.completed_at),
		render_seconds: renderSeconds(source.created_at, source.completed_at),
		price: priceNumber(source.price ?? known.price),
	};
	// Only plain values: a callback body is untrusted, and its extras must not smuggle objects into the output.
	for (const key of family.read.extras) {
		const value = source[key];
		if (['string', 'number', 'boolean'].includes(typeof value)) output[key] = value;
	}
	return output;
}

/**
 * The item as node version 1 (one model) outputs it: its family's id and result field, no family or model fields,
 * and RunBlob's price string as it was.
 */
export function normaliseGeneration(source: IDataObject): Record<string, string | number | null> {
	const str = (value: unknown) => (typeof value === 'string' ? value : null);
	return {
		generation_id: normaliseGenerationId(source[V1_FAMILY.idField]),
		status: String(source.status ?? ''),
		prompt: str(source.prompt),
		[resultKey(V1_FAMILY)]: str(source[V1_FAMILY.read.resultFields[0]]),
		created_at: toIsoUtc(source.created_at),
		completed_at: toIsoUtc(source.completed_at),
		error_message: str(source.error_message),
		render_seconds: renderSeconds(source.created_at, source.completed_at),
	};
}

/**
 * The node's model value of a RunBlob record: the one its label stands for, or the family's only model; null where
 * RunBlob's record does not tell (README: "Which model an output names").
 */
export function modelOf(family: Family, source: IDataObject): string | null {
	const label = family.read.label(source);
	if (label) {
		if (family.models.some((m) => m.value === label)) return label;
		const model = family.read.modelOfLabel?.(label) ?? null;
		if (model) return model;
	}
	return family.models.length === 1 ? family.models[0].value : null;
}

/** The output field of the result URL: one per kind of media, whatever the family calls it. */
export function resultKey(family: Family): 'image_url' | 'video_url' {
	return family.kind === 'image' ? 'image_url' : 'video_url';
}

/** The result URL: the first of the family's result fields that has one. */
export function resultUrl(family: Family, source: IDataObject): string | null {
	for (const key of family.read.resultFields) {
		const value = source[key];
		if (typeof value === 'string' && value) return value;
	}
	return null;
}

/** RunBlob states prices as strings ("0.1200"); a number is what the nodes after this one can add up. */
export function priceNumber(value: unknown): number | null {
	if (typeof value === 'number') return Number.isFinite(value) ? value : null;
	if (typeof value !== 'string' || value.trim() === '') return null;
	const parsed = Number(value);
	return Number.isFinite(parsed) ? parsed : null;
}
