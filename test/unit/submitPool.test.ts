import { submitAll } from '../../nodes/RunBlob/actions/generation/submitPool';

/** A submission that resolves when the test says so, recording how many run at once. */
function gate() {
	let inFlight = 0;
	let peak = 0;
	const started: number[] = [];
	const pending = new Map<number, { resolve: (v: string) => void; reject: (e: Error) => void }>();
	const submit = async (i: number) => {
		started.push(i);
		inFlight++;
		peak = Math.max(peak, inFlight);
		try {
			return await new Promise<string>((resolve, reject) => pending.set(i, { resolve, reject }));
		} finally {
			inFlight--;
		}
	};
	const settle = async (i: number, error?: Error) => {
		while (!pending.has(i)) await Promise.resolve();
		const p = pending.get(i)!;
		pending.delete(i);
		if (error) p.reject(error);
		else p.resolve(`id-${i}`);
		for (let k = 0; k < 5; k++) await Promise.resolve();
	};
	return { submit, settle, started, peak: () => peak };
}

describe('bounded-concurrency submission (Generate)', () => {
	it('keeps at most `concurrency` in flight and the results in item order, whatever order they finish in', async () => {
		const g = gate();
		const done = submitAll(6, 3, g.submit, () => undefined);
		for (const i of [2, 0, 1, 5, 3, 4]) await g.settle(i);
		const outcome = await done;
		expect(g.peak()).toBe(3);
		expect(outcome.results).toEqual(['id-0', 'id-1', 'id-2', 'id-3', 'id-4', 'id-5']);
		expect(outcome.failure).toBeUndefined();
	});

	it('concurrency 1 is one at a time, in order', async () => {
		const g = gate();
		const done = submitAll(3, 1, g.submit, () => undefined);
		for (const i of [0, 1, 2]) await g.settle(i);
		await done;
		expect(g.peak()).toBe(1);
		expect(g.started).toEqual([0, 1, 2]);
	});

	it('an unrecovered failure starts nothing new, awaits the ones in flight and reports the first failure', async () => {
		const g = gate();
		const done = submitAll(10, 3, g.submit, () => undefined);
		await g.settle(1, new Error('boom'));
		await g.settle(0);
		await g.settle(2, new Error('also'));
		const outcome = await done;
		expect(g.started).toEqual([0, 1, 2]);
		expect(outcome.failure).toMatchObject({ index: 1, error: new Error('boom') });
		expect(outcome.alsoFailed).toEqual([2]);
		expect(outcome.results[0]).toBe('id-0');
		expect(outcome.results.slice(1).every((r) => r === undefined)).toBe(true);
	});

	it('a recovered failure (Continue On Fail) takes its place in the output and the batch goes on', async () => {
		const g = gate();
		const done = submitAll(3, 2, g.submit, (error) => `error: ${(error as Error).message}`);
		await g.settle(0);
		await g.settle(1, new Error('bad prompt'));
		await g.settle(2);
		const outcome = await done;
		expect(outcome.results).toEqual(['id-0', 'error: bad prompt', 'id-2']);
		expect(outcome.failure).toBeUndefined();
	});

	it('bad concurrency values fall back to sane bounds', async () => {
		for (const c of [0, -3, Number.NaN, 0.5]) {
			const outcome = await submitAll(2, c, async (i) => i, () => undefined);
			expect(outcome.results).toEqual([0, 1]);
		}
		expect((await submitAll(0, 8, async (i) => i, () => undefined)).results).toEqual([]);
	});
});
