import {
	MAX_REPORTED,
	REPORTED_TTL_MS,
	finalOf,
	forgetRun,
	rememberFinal,
	reportedRuns,
} from '../../nodes/RunBlob/actions/generation/wait/reportedFinals';
import { forgetReportedFinals } from '../helpers/processMemory';

/** How many final statuses the process remembers over all runs (at `now`). */
function rememberedCount(now = Date.now()): number {
	let count = 0;
	for (const [, finals] of reportedRuns.entries(now)) count += finals.size;
	return count;
}

describe('final statuses remembered per waiting run (Wait for Video)', () => {
	beforeEach(() => forgetReportedFinals());

	it('remembers per run and forgets a resumed run', () => {
		rememberFinal('e1/runblob-callback', 'a', { status: 'completed' });
		rememberFinal('e1/runblob-callback', 'b', { status: 'failed' });
		rememberFinal('e2/runblob-callback', 'a', { status: 'failed' });
		expect(finalOf('e1/runblob-callback', 'a')).toEqual({ status: 'completed' });
		expect(finalOf('e1/runblob-callback', 'b')).toEqual({ status: 'failed' });
		expect(finalOf('e2/runblob-callback', 'a')).toEqual({ status: 'failed' });
		expect(finalOf('e2/runblob-callback', 'b')).toBeUndefined();
		forgetRun('e1/runblob-callback');
		expect(finalOf('e1/runblob-callback', 'a')).toBeUndefined();
		expect(rememberedCount()).toBe(1);
	});

	it('a duplicate report does not count twice', () => {
		rememberFinal('e/runblob-callback', 'a', { status: 'completed' });
		rememberFinal('e/runblob-callback', 'a', { status: 'completed' });
		expect(rememberedCount()).toBe(1);
	});

	it('a run’s memory lapses REPORTED_TTL_MS after its last report', () => {
		const now = 1_000_000;
		rememberFinal('e/runblob-callback', 'a', {}, now);
		rememberFinal('e/runblob-callback', 'b', {}, now + 1000);
		expect(finalOf('e/runblob-callback', 'a', now + 1000 + REPORTED_TTL_MS - 1)).toEqual({});
		expect(finalOf('e/runblob-callback', 'a', now + 1000 + REPORTED_TTL_MS)).toBeUndefined();
		expect(reportedRuns.size).toBe(0);
	});

	it('stays bounded: the least recently reported runs are forgotten first', () => {
		const now = 1_000_000;
		const perRun = 1000;
		const runs = MAX_REPORTED / perRun + 5;
		for (let r = 0; r < runs; r++) {
			for (let i = 0; i < perRun; i++) rememberFinal(`run-${r}/x`, `g${i}`, {}, now);
		}
		expect(rememberedCount(now)).toBeLessThanOrEqual(MAX_REPORTED);
		expect(finalOf('run-0/x', 'g0', now)).toBeUndefined();
		expect(finalOf(`run-${runs - 1}/x`, `g${perRun - 1}`, now)).toEqual({});
		expect(rememberedCount(now)).toBe(MAX_REPORTED);
	});
});
