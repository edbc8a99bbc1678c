// Jest test order for `npm test` (one process, --runInBand): the fast layers first — unit, simulator, support — so a
// broken unit shows in seconds, not after the e2e files; inside the e2e project the smoke test first (it proves the
// package loads in n8n at all), then jest's usual order (files that failed last time, then the slowest first).
'use strict';

const Sequencer = require('@jest/test-sequencer').default;

const PROJECT_ORDER = ['unit', 'simulator', 'support', 'e2e'];
const FIRST_IN_PROJECT = [/[\\/]smoke\.test\.ts$/];

function projectRank(test) {
	const i = PROJECT_ORDER.indexOf(test.context.config.displayName?.name);
	return i === -1 ? PROJECT_ORDER.length : i;
}

const firstRank = (test) => (FIRST_IN_PROJECT.some((re) => re.test(test.path)) ? 0 : 1);

class LayeredSequencer extends Sequencer {
	sort(tests) {
		const usual = super.sort(tests);
		const position = new Map(usual.map((t, i) => [t, i]));
		return [...usual].sort(
			(a, b) => projectRank(a) - projectRank(b) || firstRank(a) - firstRank(b) || position.get(a) - position.get(b),
		);
	}
}

module.exports = LayeredSequencer;
module.exports.PROJECT_ORDER = PROJECT_ORDER;
