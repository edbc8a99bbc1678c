'use strict';
/**
 * Every RunBlob family the simulator speaks, one declaration file each (see types.js for the shape). Adding a family
 * = one new file + one line here + its tests.
 */
/** @type {import('./types').Family[]} */
const FAMILIES = [
	require('./sora'),
	require('./veo'),
	require('./kling'),
	require('./klingO1Video'),
	require('./klingO3Video'),
	require('./nanoBanana'),
	require('./chatgptImages'),
	require('./klingO1Photo'),
	require('./klingO3Photo'),
];

/** @type {Map<string, import('./types').Family>} */
const BY_NAME = new Map(FAMILIES.map((f) => [f.name, f]));

module.exports = { FAMILIES, BY_NAME };
