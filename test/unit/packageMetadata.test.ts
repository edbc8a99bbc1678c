// No family named by hand in the package's metadata: package.json's keywords and description and the node's codex
// aliases (what n8n's node search and the npm registry match) are derived here from the family declarations, and this
// test fails on any drift — a family added without its keyword, or a keyword left behind by a removed family.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { FAMILIES, IMAGE_FAMILIES, VIDEO_FAMILIES } from '../../nodes/shared/families';

const root = path.join(__dirname, '..', '..');
const read = (file: string) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));

const names = (families: typeof FAMILIES) => families.map((family) => family.displayName);
const keywordOf = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-');

/** What is not about a family: the same whatever families exist. */
const FIXED_KEYWORDS = ['n8n-community-node-package', 'n8n', 'runblob', 'video', 'image'];
const FIXED_ALIASES = ['Video', 'Image', 'AI video', 'AI image', 'Text to video', 'Image to video', 'Text to image'];

const expectedDescription = () =>
	`n8n nodes for RunBlob: generate videos (${names(VIDEO_FAMILIES).join(', ')}) and images (${names(IMAGE_FAMILIES).join(', ')}), wait for them without polling, and trigger workflows from RunBlob's callbacks.`;

describe('package metadata follows the family declarations', () => {
	test('package.json keywords: the fixed ones plus one per family', () => {
		expect(read('package.json').keywords).toEqual([...FIXED_KEYWORDS, ...names(FAMILIES).map(keywordOf)]);
	});

	test('package.json description names every family, video and image', () => {
		expect(read('package.json').description).toBe(expectedDescription());
	});

	test("the node's codex aliases (n8n's node search): the fixed ones plus every family", () => {
		expect(read('nodes/RunBlob/RunBlob.node.json').alias).toEqual([...FIXED_ALIASES, ...names(FAMILIES)]);
	});
});
