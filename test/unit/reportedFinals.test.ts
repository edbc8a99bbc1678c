import {
	MAX_REPORTED,
	REPORTED_TTL_MS,
	forgetAllReported,
	forgetRun,
	rememberFinal,
	reportedCount,
	reportedFinals,
} from '../../nodes/RunBlob/actions/generation/wait/reportedFinals';

describe('final statuses remembered per waiting run (Wait for Video)', () => {
	beforeEach(() => forgetAllReported());

	it('remembers per run, returns a copy, and forgets a resumed run', () => {
		rememberFinal('e1/runblob-callback', 'a', { status: 'completed' });
		rememberFinal('e1/runblob-callback', 'b', { status: 'failed' });
		rememberFinal('e2/runblob-callback', 'a', { status: 'failed' });
		const e1 = reportedFinals('e1/runblob-callback');
		expect([...e1.keys()]).toEqual(['a', 'b']);
		expect(e1.get('a')).toEqual({ status: 'completed' });
		e1.delete('a');
		expect(reportedFinals('e1/runblob-callback').has('a')).toBe(true);
		expect(reportedFinals('e2/runblob-callback').get('a')).toEqual({ status: 'failed' });
		forgetRun('e1/runblob-callback');
		expect(reportedFinals('e1/runblob-callback').size).toBe(0);
		expect(reportedCount()).toBe(1);
	});

	it('a duplicate report does not count twice', () => {
		rememberFinal('e/runblob-callback', 'a', { status: 'completed' });
		rememberFinal('e/runblob-callback', 'a', { status: 'completed' });
		expect(reportedCount()).toBe(1);
	});

	it('a run’s memory lapses REPORTED_TTL_MS after its last report', () => {
		const now = 1_000_000;
		rememberFinal('e/runblob-callback', 'a', {}, now);
		rememberFinal('e/runblob-callback', 'b', {}, now + 1000);
		expect(reportedFinals('e/runblob-callback', now + 1000 + REPORTED_TTL_MS - 1).size).toBe(2);
		expect(reportedFinals('e/runblob-callback', now + 1000 + REPORTED_TTL_MS).size).toBe(0);
		expect(reportedCount()).toBe(0);
	});

	it('stays bounded: the least recently reported runs are forgotten first', () => {
		const now = 1_000_000;
		const perRun = 1000;
		const runs = MAX_REPORTED / perRun + 5;
		for (let r = 0; r < runs; r++) {
			for (let i = 0; i < perRun; i++) rememberFinal(`run-${r}/x`, `g${i}`, {}, now);
		}
		expect(reportedCount()).toBeLessThanOrEqual(MAX_REPORTED);
		expect(reportedFinals('run-0/x', now).size).toBe(0);
		expect(reportedFinals(`run-${runs - 1}/x`, now).size).toBe(perRun);
	});
});
