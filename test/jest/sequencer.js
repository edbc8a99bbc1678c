// Jest test order. The fast layers first — unit, simulator, support — so a broken unit shows in seconds, not after the
// e2e files; then the e2e files longest first, so that in a parallel run (`npm test`: three workers) the long ones do
// not start last and stretch the run. The order is declared here rather than read from jest's timing cache: a fresh
// clone has no cache, and jest would then order by file size (bench.test.ts, 55 lines and a minute long, last).
// In a parallel run the two queue-mode files (one per n8n version) go first of all: they are the longest by far, and
// the third worker takes the fast layers meanwhile. Run in band (`-i`) they keep their places among the e2e files,
// after the fast layers.
'use strict';

const Sequencer = require('@jest/test-sequencer').default;

const PROJECT_ORDER = ['unit', 'simulator', 'support', 'e2e'];
/** e2e files by measured duration on an idle 2-core machine, longest first (test/e2e/README.md, "Where the time goes"). */
const E2E_ORDER = [
	'queue.current',
	'queue.oldest',
	'restart',
	'wait',
	'bench',
	'playground',
	'resubmit',
	'trigger.reliability',
	'editorOptions',
	'smoke',
	'trigger',
	'delivery',
	'agent',
	'families',
	'release',
	'image',
	'actions',
	'mcp',
	'package',
	'services',
	'shared',
];
const FIRST_IN_PARALLEL = ['queue.current', 'queue.oldest'];

const projectOf = (test) => test.context.config.displayName?.name;
const e2eName = (test) => /([^\\/]+)\.test\.ts$/.exec(test.path)?.[1] ?? '';
/** Unlisted e2e files come after the listed ones, in jest's usual order. */
const e2eRank = (test) => {
	const i = E2E_ORDER.indexOf(e2eName(test));
	return i === -1 ? E2E_ORDER.length : i;
};

function projectRank(test) {
	const i = PROJECT_ORDER.indexOf(projectOf(test));
	return i === -1 ? PROJECT_ORDER.length : i;
}

const runsInBand = () => process.argv.some((a) => a === '-i' || a === '--runInBand' || a === '--maxWorkers=1' || a === '-w=1');

class LayeredSequencer extends Sequencer {
	sort(tests) {
		const usual = super.sort(tests);
		const position = new Map(usual.map((t, i) => [t, i]));
		const parallel = !runsInBand();
		const first = (t) => (parallel && projectOf(t) === 'e2e' && FIRST_IN_PARALLEL.includes(e2eName(t)) ? 0 : 1);
		return [...usual].sort(
			(a, b) =>
				first(a) - first(b) ||
				projectRank(a) - projectRank(b) ||
				(projectOf(a) === 'e2e' ? e2eRank(a) - e2eRank(b) : 0) ||
				position.get(a) - position.get(b),
		);
	}
}

module.exports = LayeredSequencer;
module.exports.PROJECT_ORDER = PROJECT_ORDER;
module.exports.E2E_ORDER = E2E_ORDER;
