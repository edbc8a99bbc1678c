// The README's pictures come from `npm run docs:screenshots` (scripts/docs-screenshots.js): a picture the README shows
// must be one the script still takes, and the committed file must be there.
import * as fs from 'node:fs';
import * as path from 'node:path';

// The script exports its list without running when it is imported.
import { PICTURES } from '../../scripts/docs-screenshots';

const ROOT = path.join(__dirname, '..', '..');
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const shown = [...readme.matchAll(/docs\/screenshots\/([\w.-]+\.png)/g)].map((m) => m[1]);

describe('README pictures', () => {
	test('the README shows pictures', () => {
		expect(shown.length).toBeGreaterThan(0);
	});

	test.each([...new Set(shown)])('%s is taken by npm run docs:screenshots and committed', (file) => {
		expect(PICTURES).toContain(file);
		expect(fs.existsSync(path.join(ROOT, 'docs', 'screenshots', file))).toBe(true);
	});
});
