import { ipInRanges, parseAllowlist, parseIp } from '../../nodes/shared/ipAllowlist';

describe('IP allowlist', () => {
	const { ranges, invalid } = parseAllowlist('203.0.113.0/24, 198.51.100.7 2001:db8::/32 ::1');

	it('parses addresses and ranges and reports the rest', () => {
		expect(ranges).toHaveLength(4);
		expect(invalid).toEqual([]);
		expect(parseAllowlist('10.0.0.0/33, 1.2.3, fe80::/129, abc').invalid).toEqual([
			'10.0.0.0/33',
			'1.2.3',
			'fe80::/129',
			'abc',
		]);
	});

	it.each([
		['203.0.113.9', true],
		['203.0.114.9', false],
		['198.51.100.7', true],
		['198.51.100.8', false],
		['::ffff:203.0.113.200', true],
		['2001:db8:1234::5', true],
		['2001:db9::5', false],
		['::1', true],
		['127.0.0.1', false],
		['garbage', false],
	])('%s allowed: %s', (ip, allowed) => {
		expect(ipInRanges(ip, ranges)).toBe(allowed);
	});

	it('handles /0 and compressed forms', () => {
		expect(ipInRanges('8.8.8.8', parseAllowlist('0.0.0.0/0').ranges)).toBe(true);
		expect(parseIp('2001:db8::1')).toEqual([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]);
		expect(parseIp('::')).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
		expect(parseIp('1:2:3:4:5:6:7:8:9')).toBeNull();
	});
});
