// The test order (test/jest/sequencer.js): every e2e file has its declared place, so a new file does not quietly run
// last in a parallel run, where a long one would stretch the whole run.
import * as fs from 'node:fs';
import * as path from 'node:path';

const { E2E_ORDER } = require('../jest/sequencer');

test('every e2e test file is listed in the sequencer, and every listed name is a file', () => {
	const dir = path.join(__dirname, '..', 'e2e');
	const files = fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.test.ts'))
		.map((f) => f.replace(/\.test\.ts$/, ''))
		.sort();
	expect([...E2E_ORDER].sort()).toEqual(files);
});
