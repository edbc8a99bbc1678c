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

/**
 * Adds a family (e.g. one a test declares); its routes, counters and callbacks work like the built-in ones'.
 * @param {import('./types').Family} family
 */
function registerFamily(family) {
	if (BY_NAME.has(family.name)) throw new Error(`simulator family "${family.name}" exists`);
	FAMILIES.push(family);
	BY_NAME.set(family.name, family);
}

module.exports = { FAMILIES, BY_NAME, registerFamily };
