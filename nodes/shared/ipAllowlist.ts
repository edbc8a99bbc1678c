/**
 * IPv4/IPv6 allowlist matching (single addresses and CIDR ranges), written out because verified community nodes may
 * not import `node:net`. Addresses are arrays of 16-bit groups: 2 for IPv4, 8 for IPv6.
 */

export interface IpRange {
	groups: number[];
	prefix: number;
}

function parseIpv4(text: string): number[] | null {
	const parts = text.split('.');
	if (parts.length !== 4) return null;
	const bytes: number[] = [];
	for (const part of parts) {
		if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
		bytes.push(Number(part));
	}
	return [(bytes[0] << 8) | bytes[1], (bytes[2] << 8) | bytes[3]];
}

function parseIpv6(text: string): number[] | null {
	let address = text;
	let tailGroups: number[] = [];
	// An embedded IPv4 tail (::ffff:1.2.3.4) supplies the last two groups.
	const v4 = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(address);
	if (v4) {
		const groups = parseIpv4(v4[1]);
		if (!groups) return null;
		tailGroups = groups;
		address = address.slice(0, -v4[1].length);
		if (address.endsWith(':') && !address.endsWith('::')) address = address.slice(0, -1);
	}
	const halves = address.split('::');
	if (halves.length > 2) return null;
	const head = halves[0] ? halves[0].split(':') : [];
	const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
	const missing = 8 - tailGroups.length - head.length - tail.length;
	if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
	const texts = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
	const groups: number[] = [];
	for (const group of texts) {
		if (!/^[0-9a-f]{1,4}$/i.test(group)) return null;
		groups.push(parseInt(group, 16));
	}
	return [...groups, ...tailGroups];
}

/** Parses an address; IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) count as the IPv4 address they carry. */
export function parseIp(text: string): number[] | null {
	const trimmed = text
		.trim()
		.replace(/^\[|\]$/g, '')
		.replace(/%.*$/, '');
	if (!trimmed.includes(':')) return parseIpv4(trimmed);
	const groups = parseIpv6(trimmed);
	if (!groups) return null;
	const mapped = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
	return mapped ? groups.slice(6) : groups;
}

export function parseRange(text: string): IpRange | null {
	const [address, prefixText, extra] = text.trim().split('/');
	if (extra !== undefined || !address) return null;
	const groups = parseIp(address);
	if (!groups) return null;
	const width = groups.length * 16;
	if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
	const prefix = prefixText === undefined ? width : Number(prefixText);
	if (prefix > width) return null;
	return { groups, prefix };
}

/** Parses a comma- or whitespace-separated list; returns the entries it could not read so the user can be told. */
export function parseAllowlist(text: string): { ranges: IpRange[]; invalid: string[] } {
	const ranges: IpRange[] = [];
	const invalid: string[] = [];
	for (const entry of text.split(/[\s,]+/).filter(Boolean)) {
		const range = parseRange(entry);
		if (range) ranges.push(range);
		else invalid.push(entry);
	}
	return { ranges, invalid };
}

function matches(address: number[], range: IpRange): boolean {
	if (address.length !== range.groups.length) return false;
	let remaining = range.prefix;
	for (let i = 0; i < address.length && remaining > 0; i++) {
		const bits = Math.min(16, remaining);
		const mask = (0xffff << (16 - bits)) & 0xffff;
		if ((address[i] & mask) !== (range.groups[i] & mask)) return false;
		remaining -= bits;
	}
	return true;
}

export function ipInRanges(address: string, ranges: IpRange[]): boolean {
	const groups = parseIp(address);
	return groups !== null && ranges.some((range) => matches(groups, range));
}
