// A local stand-in for a chat service's incoming-webhook endpoint (Discord's shape: POST JSON, or multipart/form-data
// with `payload_json` and `files[n]` when files are attached; answer 204), recording every message and every uploaded
// file, so delivery tests check what n8n's Discord node really sent over HTTP.
'use strict';

const http = require('node:http');

/**
 * @typedef {{ field: string, filename: string | null, contentType: string | null, data: Buffer }} ChatFile
 * @typedef {{ path: string, query: string, headers: import('node:http').IncomingHttpHeaders, body: any, raw: string,
 *   files: ChatFile[] }} ChatMessage
 */

/** The parts of a multipart/form-data body (enough for what HTTP clients send: CRLF, quoted names). */
function parseMultipart(buffer, boundary) {
	const delimiter = Buffer.from(`--${boundary}`);
	const parts = [];
	let start = buffer.indexOf(delimiter);
	while (start !== -1) {
		const next = buffer.indexOf(delimiter, start + delimiter.length);
		if (next === -1) break;
		const part = buffer.subarray(start + delimiter.length + 2, next - 2); // after CRLF, before CRLF--boundary
		const split = part.indexOf('\r\n\r\n');
		if (split !== -1) {
			const head = part.subarray(0, split).toString('utf8');
			const disposition = /content-disposition:[^\r\n]*/i.exec(head)?.[0] ?? '';
			parts.push({
				field: /\bname="([^"]*)"/i.exec(disposition)?.[1] ?? '',
				filename: /\bfilename="([^"]*)"/i.exec(disposition)?.[1] ?? null,
				contentType: /content-type:\s*([^\r\n]*)/i.exec(head)?.[1]?.trim() ?? null,
				data: Buffer.from(part.subarray(split + 4)),
			});
		}
		start = next;
	}
	return parts;
}

/** @param {{ port?: number, host?: string, onMessage?: (message: ChatMessage) => void }} [options] */
async function startChatReceiver({ port = 0, host = '127.0.0.1', onMessage } = {}) {
	/** @type {ChatMessage[]} */
	const messages = [];
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const buffer = Buffer.concat(chunks);
			const type = req.headers['content-type'] || '';
			// The boundary from the header, or (a client that set its own header without one) the body's first line.
			const boundary = /^multipart\/form-data/i.test(type)
				? (/boundary="?([^";]+)"?/i.exec(type)?.[1] ?? /^--([^\r\n]+)\r\n/.exec(buffer.subarray(0, 200).toString('latin1'))?.[1])
				: undefined;
			const parts = boundary ? parseMultipart(buffer, boundary) : [];
			const payload = parts.find((part) => part.field === 'payload_json');
			const raw = boundary ? (payload ? payload.data.toString('utf8') : '') : buffer.toString('utf8');
			let body = null;
			try {
				body = raw ? JSON.parse(raw) : null;
			} catch {
				body = null;
			}
			const files = parts.filter((part) => part.filename !== null);
			const url = new URL(req.url || '/', 'http://receiver');
			messages.push({ path: url.pathname, query: url.search, headers: req.headers, body, raw, files });
			if (onMessage) onMessage(messages[messages.length - 1]);
			// Discord answers 204 without ?wait=true, and the message object with it.
			if (url.searchParams.get('wait') === 'true') {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ id: String(messages.length), content: body?.content ?? '' }));
			} else {
				res.writeHead(204);
				res.end();
			}
		});
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => resolve(undefined));
	});
	const address = /** @type {import('node:net').AddressInfo} */ (server.address());
	const url = `http://${host}:${address.port}`;
	return {
		url,
		/** An incoming-webhook URL on this receiver (Discord's path shape). */
		webhookUrl: (name = 'runblob') => `${url}/api/webhooks/1/${name}`,
		messages,
		async waitForMessages(count = 1, timeoutMs = 60_000) {
			const deadline = Date.now() + timeoutMs;
			while (messages.length < count) {
				if (Date.now() > deadline) throw new Error(`chat receiver: ${messages.length} of ${count} messages after ${timeoutMs} ms`);
				await new Promise((r) => setTimeout(r, 100));
			}
			return messages.slice(0, count);
		},
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections?.();
				server.close(() => resolve(undefined));
			}),
	};
}

module.exports = { startChatReceiver };
