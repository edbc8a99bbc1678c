/** Which URLs RunBlob can call back and serve media from. */

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/i;

export function isLoopbackUrl(url: string): boolean {
	try {
		return LOOPBACK_HOST.test(new URL(url).hostname);
	} catch {
		return false;
	}
}

/**
 * RunBlob only calls HTTPS URLs and only serves HTTPS media. Plain HTTP is accepted only when the credential points
 * at a RunBlob simulator on this machine and the URL is on loopback too — a setup real RunBlob can never be part of.
 */
export function allowsPlainHttp(baseUrl: string, url: string): boolean {
	return isLoopbackUrl(baseUrl) && isLoopbackUrl(url);
}

/** Returns why RunBlob could never call this URL back, or `null` when it can. */
export function callbackUrlProblem(url: string, baseUrl: string): string | null {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return `"${url}" is not a valid URL`;
	}
	if (parsed.protocol === 'https:') return null;
	if (parsed.protocol === 'http:' && allowsPlainHttp(baseUrl, url)) return null;
	return `RunBlob only calls HTTPS callback URLs, but this one is ${parsed.protocol.replace(':', '').toUpperCase()} (${parsed.origin})`;
}
