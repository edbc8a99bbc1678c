// A local stand-in for a chat service's incoming-webhook endpoint (Discord's shape: POST JSON, answer 204), recording
// every message, so delivery tests check what n8n's Discord node really sent over HTTP.
'use strict';

const http = require('node:http');

/**
 * @typedef {{ path: string, query: string, headers: import('node:http').IncomingHttpHeaders, body: any, raw: string }}
 *   ChatMessage
 */

/** @param {{ port?: number, host?: string, onMessage?: (message: ChatMessage) => void }} [options] */
async function startChatReceiver({ port = 0, host = '127.0.0.1', onMessage } = {}) {
	/** @type {ChatMessage[]} */
	const messages = [];
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const raw = Buffer.concat(chunks).toString('utf8');
			let body = null;
			try {
				body = raw ? JSON.parse(raw) : null;
			} catch {
				body = null;
			}
			const url = new URL(req.url || '/', 'http://receiver');
			messages.push({ path: url.pathname, query: url.search, headers: req.headers, body, raw });
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
