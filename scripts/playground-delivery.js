// The delivery side of the playground: a local SMTP server, S3-compatible server and chat webhook receiver (the same
// ones the delivery e2e tests use), so the delivery examples run end to end without any account. What they receive
// is kept under <playground>/delivered/ for you to open: mail/ (attachments and a summary per message), s3/ (the
// buckets), chat.log (one JSON line per message).
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const { startSmtpServer } = require('../test/e2e/services/smtp.js');
const { startS3Server } = require('../test/e2e/services/s3.js');
const { startChatReceiver } = require('../test/e2e/services/chat.js');

/**
 * @param {{ dir: string, ports: { smtp: number, s3: number, chat: number } }} options 0 = a free port
 * @returns the services, and the n8n credentials (by type) that reach them
 */
async function startDeliveryServices({ dir, ports }) {
	const delivered = path.join(dir, 'delivered');
	const mailDir = path.join(delivered, 'mail');
	fs.mkdirSync(mailDir, { recursive: true });
	let mailCount = fs.readdirSync(mailDir).filter((f) => f.endsWith('.txt')).length;

	const smtp = await startSmtpServer({
		port: ports.smtp,
		onMessage(mail) {
			const stem = path.join(mailDir, String(++mailCount).padStart(3, '0'));
			const summary = [`To: ${mail.to.join(', ')}`, `From: ${mail.from}`, `Subject: ${mail.subject}`, '', mail.text];
			for (const a of mail.attachments) {
				const file = `${stem}-${path.basename(a.filename || 'attachment')}`;
				fs.writeFileSync(file, a.content);
				summary.push(`Attachment: ${path.basename(file)} (${a.contentType}, ${a.content.length} bytes)`);
			}
			fs.writeFileSync(`${stem}.txt`, summary.join('\n') + '\n');
		},
	});
	const s3 = await startS3Server({ port: ports.s3, buckets: ['videos'], directory: path.join(delivered, 's3') });
	const chat = await startChatReceiver({
		port: ports.chat,
		onMessage(message) {
			// Uploaded files (the video posted as a file) are kept next to the log, as the channel would show them.
			const files = (message.files || []).map((f) => {
				const dir = path.join(delivered, 'chat-files');
				fs.mkdirSync(dir, { recursive: true });
				const file = path.join(dir, `${Date.now()}-${path.basename(f.filename || 'file')}`);
				fs.writeFileSync(file, f.data);
				return path.relative(delivered, file);
			});
			const line = { at: new Date().toISOString(), path: message.path, content: message.body?.content ?? message.raw, files };
			fs.appendFileSync(path.join(delivered, 'chat.log'), JSON.stringify(line) + '\n');
		},
	});

	const credentials = [
		{
			type: 'smtp',
			name: 'Local SMTP (playground)',
			data: { host: smtp.host, port: smtp.port, secure: false, user: '', password: '', disableStartTls: true },
		},
		{
			type: 's3',
			name: 'Local S3 (playground)',
			data: {
				endpoint: s3.url,
				region: 'us-east-1',
				accessKeyId: s3.accessKeyId,
				secretAccessKey: s3.secretAccessKey,
				forcePathStyle: true,
			},
		},
		// ?wait=true, as the README tells for Discord: n8n's Discord node reads the reply to a file upload as JSON.
		{ type: 'discordWebhookApi', name: 'Local chat webhook (playground)', data: { webhookUri: `${chat.webhookUrl('videos')}?wait=true` } },
	];
	return {
		delivered,
		credentials,
		summary: [
			`Mail        smtp://${smtp.host}:${smtp.port} → ${path.relative(process.cwd(), mailDir)}/`,
			`S3          ${s3.url} (bucket "videos") → ${path.relative(process.cwd(), path.join(delivered, 's3'))}/`,
			`Chat        ${chat.webhookUrl('videos')} → ${path.relative(process.cwd(), path.join(delivered, 'chat.log'))}`,
		],
		close: () => Promise.all([smtp.close(), s3.close(), chat.close()]),
	};
}

module.exports = { startDeliveryServices };
