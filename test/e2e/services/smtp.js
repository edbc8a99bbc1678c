// A real SMTP server for delivery tests and the playground (the `smtp-server` package), on a free loopback port.
// Every message is parsed with `mailparser`, so a test reads subject, recipients and attachments as a mail client would.
'use strict';

const { SMTPServer } = require('smtp-server');
const { simpleParser } = require('mailparser');

/**
 * @typedef {{ from: string, to: string[], subject: string, text: string,
 *   attachments: Array<{ filename: string, contentType: string, contentDisposition: string, content: Buffer }> }}
 *   ReceivedMail
 */

/**
 * Starts the server. No TLS and no login: n8n's SMTP credential then needs only host and port (and SSL/TLS off).
 * @param {{ port?: number, host?: string, onMessage?: (mail: ReceivedMail) => void }} [options]
 */
async function startSmtpServer({ port = 0, host = '127.0.0.1', onMessage } = {}) {
	/** @type {ReceivedMail[]} */
	const messages = [];
	/** @type {Array<() => void>} */
	let waiters = [];
	const server = new SMTPServer({
		secure: false,
		authOptional: true,
		disabledCommands: ['STARTTLS', 'AUTH'],
		logger: false,
		size: 512 * 1024 * 1024,
		onData(stream, session, callback) {
			simpleParser(stream)
				.then((mail) => {
					messages.push({
						from: mail.from?.text ?? session.envelope.mailFrom?.address ?? '',
						to: session.envelope.rcptTo.map((r) => r.address),
						subject: mail.subject ?? '',
						text: mail.text ?? '',
						attachments: (mail.attachments || []).map((a) => ({
							filename: a.filename ?? '',
							contentType: a.contentType,
							contentDisposition: a.contentDisposition,
							content: a.content,
						})),
					});
					if (onMessage) onMessage(messages[messages.length - 1]);
					const ready = waiters;
					waiters = [];
					ready.forEach((w) => w());
					callback();
				})
				.catch((err) => callback(err));
		},
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => resolve(undefined));
	});
	const address = /** @type {import('node:net').AddressInfo} */ (server.server.address());
	return {
		host,
		port: address.port,
		messages,
		/** Resolves with the messages once `count` have arrived (rejects after `timeoutMs`). */
		async waitForMessages(count = 1, timeoutMs = 60_000) {
			const deadline = Date.now() + timeoutMs;
			while (messages.length < count) {
				const left = deadline - Date.now();
				if (left <= 0) throw new Error(`SMTP server: ${messages.length} of ${count} messages after ${timeoutMs} ms`);
				let timer;
				await new Promise((resolve) => {
					waiters.push(resolve);
					timer = setTimeout(resolve, left);
				});
				clearTimeout(timer);
			}
			return messages.slice(0, count);
		},
		close: () => new Promise((resolve) => server.close(() => resolve(undefined))),
	};
}

module.exports = { startSmtpServer };
