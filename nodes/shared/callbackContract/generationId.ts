/** Generation ids: UUIDs are case-insensitive, so every comparison, key and output uses the lower-case form. */

const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The id in lower case when it is a UUID; other ids stay as RunBlob wrote them. */
export function normaliseGenerationId(value: unknown): string {
	const id = String(value ?? '');
	return UUID_SHAPE.test(id) ? id.toLowerCase() : id;
}
