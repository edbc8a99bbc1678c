import { sharedRead } from '../../nodes/RunBlob/actions/generation/wait/sharedReads';

describe('status reads shared while in flight (Wait for Video)', () => {
	it('a second read of the same generation of the same run waits for the first instead of asking again', async () => {
		let calls = 0;
		let release: (v: { status: string }) => void = () => undefined;
		const read = async () => {
			calls++;
			return await new Promise<{ status: string }>((resolve) => (release = resolve));
		};
		const a = sharedRead('e1/runblob-callback', 'g1', read);
		const b = sharedRead('e1/runblob-callback', 'g1', read);
		const otherRun = sharedRead('e2/runblob-callback', 'g1', async () => ({ status: 'processing' }));
		expect(calls).toBe(1);
		release({ status: 'completed' });
		expect(await a).toEqual({ status: 'completed' });
		expect(await b).toEqual({ status: 'completed' });
		expect(await otherRun).toEqual({ status: 'processing' });
		// Settled, the read is no longer shared: the next one asks RunBlob again.
		const again = sharedRead('e1/runblob-callback', 'g1', read);
		expect(calls).toBe(2);
		release({ status: 'failed' });
		expect(await again).toEqual({ status: 'failed' });
	});

	it('a finished read is not reused, and a failed one is shared as a failure, then forgotten', async () => {
		let calls = 0;
		await sharedRead('e/x', 'g', async () => ++calls);
		await sharedRead('e/x', 'g', async () => ++calls);
		expect(calls).toBe(2);
		const failing = async () => {
			calls++;
			throw new Error('RunBlob answered HTTP 503');
		};
		const both = [sharedRead('e/x', 'g', failing), sharedRead('e/x', 'g', failing)];
		for (const p of both) await expect(p).rejects.toThrow('503');
		expect(calls).toBe(3);
		await sharedRead('e/x', 'g', async () => ++calls);
		expect(calls).toBe(4);
	});
});
