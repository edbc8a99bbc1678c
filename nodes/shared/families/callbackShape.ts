import type { IDataObject } from 'n8n-workflow';

/**
 * Helpers for the families' `matchesCallback`: an unsigned callback names no family, so each family says which
 * bodies can be its own by the fields RunBlob documents for its callback (reference §5).
 */

/** Whether the body carries any of these fields (even as null: RunBlob writes absent results as null). */
export function hasAny(body: IDataObject, ...keys: string[]): boolean {
	return keys.some((key) => key in body);
}

/** RunBlob's model label in a callback body, lower-cased; '' when there is none. */
export function labelIn(body: IDataObject): string {
	return typeof body.model === 'string' ? body.model.toLowerCase() : '';
}
