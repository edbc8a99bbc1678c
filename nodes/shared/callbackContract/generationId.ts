import { UUID_ID } from '../families/inputs/callbackFields';

/** Generation ids: UUIDs are case-insensitive, so every comparison, key and output uses the lower-case form. */

/** The id in lower case when it is a UUID; other ids stay as RunBlob wrote them. */
export function normaliseGenerationId(value: unknown): string {
	const id = String(value ?? '');
	return UUID_ID.test(id) ? id.toLowerCase() : id;
}
