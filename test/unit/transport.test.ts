import { RETRY, backoffMs, describeDetail, networkErrorCode, retryAfterMs } from '../../nodes/shared/transport';

describe('retry timing', () => {
	it('backs off 0.5 s, 1 s, 2 s, 4 s and caps', () => {
		expect([1, 2, 3, 4].map(backoffMs)).toEqual([500, 1000, 2000, 4000]);
		expect(backoffMs(20)).toBe(RETRY.maxDelayMs);
	});

	it('honours Retry-After in seconds or as a date, at most 15 s', () => {
		expect(retryAfterMs({ 'retry-after': '2' })).toBe(2000);
		expect(retryAfterMs({ 'retry-after': '3600' })).toBe(15_000);
		const soon = new Date(Date.now() + 5000).toUTCString();
		expect(retryAfterMs({ 'retry-after': soon })).toBeGreaterThan(3000);
		expect(retryAfterMs({ 'retry-after': soon })).toBeLessThanOrEqual(5000);
		expect(retryAfterMs({ 'retry-after': 'soon' })).toBeUndefined();
		expect(retryAfterMs({})).toBeUndefined();
	});
});

describe('error details', () => {
	it("reads RunBlob's detail string, FastAPI field lists and the older message shape", () => {
		expect(describeDetail({ detail: 'INSUFFICIENT_CREDITS' })).toBe('INSUFFICIENT_CREDITS');
		expect(
			describeDetail({
				detail: [
					{ loc: ['body', 'prompt'], msg: 'String should have at least 1 character' },
					{ loc: ['body', 'duration'], msg: 'Input should be 10 or 15' },
				],
			}),
		).toBe('prompt: String should have at least 1 character; duration: Input should be 10 or 15');
		expect(describeDetail({ error: 'Unauthorized', message: 'Invalid API key' })).toBe('Invalid API key');
	});

	it('finds network error codes however deeply n8n wraps them', () => {
		expect(networkErrorCode({ cause: { cause: { code: 'ECONNREFUSED' } } })).toBe('ECONNREFUSED');
		expect(networkErrorCode({ code: 'not-a-code' })).toBe('');
	});
});
