// The delivery examples (examples/*.json, as users import them) in a real n8n, on the current and the oldest supported
// n8n: the video reaches a real SMTP server, a real S3-compatible server and a chat webhook receiver, all started here
// on free loopback ports (test/e2e/services). Bytes are compared with what the RunBlob simulator served.
import * as crypto from 'node:crypto';

import { useSharedN8n } from './shared';
import { createSimulator, videoSha256 } from '../simulator';
import { RUNTIMES, SETUP_TIMEOUT_MS, credentialFixture, sleep, triggerPath } from './workflows';
import { loadExample } from '../../scripts/examples';
import { startSmtpServer } from './services/smtp';
import { startS3Server } from './services/s3';
import { startChatReceiver } from './services/chat';

type N8n = Awaited<ReturnType<typeof useSharedN8n>>;
type Sim = any;

const VIDEO_SIZE = 300 * 1024;
const sha256 = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');

const CREDENTIALS = {
	runBlobApi: { id: 'e2eRunBlobCred01', name: 'RunBlob (simulator)' },
	smtp: { id: 'e2eDeliverySmtp1', name: 'Local SMTP' },
	s3: { id: 'e2eDeliveryS3001', name: 'Local S3' },
	discordWebhookApi: { id: 'e2eDeliveryChat1', name: 'Local chat webhook' },
};

/** An example wired to this n8n, with a fixed id and activation state. */
function example(file: string, id: string, active: boolean, webhookBase?: string) {
	const wf = loadExample(file, { credentials: CREDENTIALS, webhookBase });
	return { ...wf, id, active };
}

/** n8n's Form Trigger names its inputs field-0, field-1, … in form order; the browser sends multipart/form-data. */
function formBody(values: string[]) {
	const boundary = `----runblob${crypto.randomBytes(8).toString('hex')}`;
	const parts = values.map(
		(v, i) => `--${boundary}\r\nContent-Disposition: form-data; name="field-${i}"\r\n\r\n${v}\r\n`,
	);
	return { body: Buffer.from(parts.join('') + `--${boundary}--\r\n`), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe.each(RUNTIMES)('delivery examples in n8n runtime "%s"', (runtime) => {
	let sim: Sim;
	let n8n: N8n;
	let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
	let s3: Awaited<ReturnType<typeof startS3Server>>;
	let chat: Awaited<ReturnType<typeof startChatReceiver>>;
	const WF = {
		email: 'e2eDeliverEmail1',
		receive: 'e2eDeliverRecv01',
		notify: 'e2eDeliverNotify',
		notifyFail: 'e2eDeliverNotifF',
		batch: 'e2eDeliverBatch1',
		file: 'e2eDeliverFile01',
	};
	let forms: { email: string; batch: string; file: string };
	let triggerWebhookPath = '';

	beforeAll(async () => {
		sim = await createSimulator({
			port: 0,
			videoSize: VIDEO_SIZE,
			callbacks: { allowHttp: 'loopback', timeScale: 0.01 },
			timing: { queueMs: 100, processingMs: 600 },
			outcome: (request: { prompt: string }) =>
				/fail/.test(request.prompt)
					? { status: 'failed', error_message: 'Content policy: this prompt was refused' }
					: { status: 'completed' },
		});
		[smtp, s3, chat] = await Promise.all([startSmtpServer(), startS3Server({ buckets: ['videos'] }), startChatReceiver()]);

		const email = example('deliver-video-by-email.json', WF.email, true);
		const receive = example('receive-videos-with-trigger.json', WF.receive, true);
		const batch = example('deliver-batch-to-chat.json', WF.batch, true);
		const file = example('post-video-file-to-discord.json', WF.file, true);
		const trigger = receive.nodes.find((n: any) => n.type === 'n8n-nodes-runblob.runBlobTrigger');
		triggerWebhookPath = triggerPath(trigger);
		forms = {
			email: email.nodes.find((n: any) => n.type === 'n8n-nodes-base.formTrigger').webhookId,
			batch: batch.nodes.find((n: any) => n.type === 'n8n-nodes-base.formTrigger').webhookId,
			file: file.nodes.find((n: any) => n.type === 'n8n-nodes-base.formTrigger').webhookId,
		};

		n8n = await useSharedN8n({
			runtime,
			label: 'delivery',
			credentials: [
				credentialFixture(sim.url, 'delivery-callback-secret'),
				{ ...CREDENTIALS.smtp, type: 'smtp', data: { host: smtp.host, port: smtp.port, secure: false, user: '', password: '', disableStartTls: true } },
				{
					...CREDENTIALS.s3,
					type: 's3',
					data: { endpoint: s3.url, region: 'us-east-1', accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, forcePathStyle: true },
				},
				// As the README says to set it up: Discord answers with the message (not an empty 204) with ?wait=true.
				{ ...CREDENTIALS.discordWebhookApi, type: 'discordWebhookApi', data: { webhookUri: `${chat.webhookUrl('videos')}?wait=true` } },
			],
			workflows: [email, receive, batch, file],
			readyPaths: [triggerWebhookPath],
		});

		// The Generate side of the trigger pair, wired to this n8n's webhook base (as `npm start` does) once n8n runs.
		const notify = example('generate-and-notify-trigger.json', WF.notify, false, n8n.baseUrl);
		const notifyFail = example('generate-and-notify-trigger.json', WF.notifyFail, false, n8n.baseUrl);
		notifyFail.name += ' (failing prompt)';
		for (const node of notifyFail.nodes as any[]) {
			if (node.parameters.prompt) node.parameters.prompt = 'this prompt will fail on purpose';
		}
		await n8n.addWorkflows([notify, notifyFail]);
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		await Promise.all([sim?.close(), smtp?.close(), s3?.close(), chat?.close()]);
		await n8n?.detach();
	}, 60_000);

	async function submitForm(formId: string, values: string[]) {
		const { body, contentType } = formBody(values);
		// Activation returns before n8n has registered every form of the workflow: a first test may be a moment early.
		const deadline = Date.now() + 15_000;
		let res = await n8n.http('POST', `${n8n.baseUrl}/form/${formId}`, { body, headers: { 'content-type': contentType } });
		while (res.status === 404 && Date.now() < deadline) {
			await sleep(250);
			res = await n8n.http('POST', `${n8n.baseUrl}/form/${formId}`, { body, headers: { 'content-type': contentType } });
		}
		expect(res.status).toBe(200);
	}

	/** Runs a workflow that starts with a Manual Trigger, as the editor's "Execute workflow" button does. */
	async function runManually(workflowId: string) {
		const workflowData = (await n8n.rest('GET', `/workflows/${workflowId}`)).data;
		const manual = workflowData.nodes.find((n: any) => n.type === 'n8n-nodes-base.manualTrigger');
		const started = await n8n.rest('POST', `/workflows/${workflowId}/run`, {
			workflowData,
			triggerToStartFrom: { name: manual.name },
		});
		const executionId = String(started?.data?.executionId ?? '');
		expect(executionId).toMatch(/^\d+$/);
		return n8n.waitForExecution((e) => String(e.id) === executionId && e.status !== 'running' && e.status !== 'new', 60_000, {
			workflowId,
		});
	}

	test('form → Wait for Video → Send Email: the MP4 reaches a real SMTP server with the bytes RunBlob served', async () => {
		await submitForm(forms.email, ['A red kite over a green hill, slow motion', 'viewer@example.com']);

		const [mail] = await smtp.waitForMessages(1, 90_000);
		const generation = sim.generations().find((g: any) => g.prompt === 'A red kite over a green hill, slow motion');
		expect(generation).toMatchObject({ status: 'completed' });
		expect(mail.to).toEqual(['viewer@example.com']);
		expect(mail.subject).toBe('Your video is ready');
		expect(mail.text).toContain(generation.generation_id);
		expect(mail.text).toContain(generation.video_url);
		expect(mail.attachments).toHaveLength(1);
		const [attachment] = mail.attachments;
		expect(attachment.filename).toBe(`${generation.generation_id}.mp4`);
		expect(attachment.contentType).toBe('video/mp4');
		expect(attachment.contentDisposition).toBe('attachment'); // a file in the mail, not embedded in a body
		expect(attachment.content.length).toBe(VIDEO_SIZE);
		expect(sha256(attachment.content)).toBe(await videoSha256(generation.generation_id, VIDEO_SIZE));

		const execution = await n8n.waitForExecution((e) => e.status === 'success', 30_000, { workflowId: WF.email });
		expect(Object.keys(execution.data.resultData.runData)).not.toContain('Email the failure');

		// A late copy of the callback (RunBlob retrying, or a duplicate) to the finished run: n8n itself answers 409
		// Conflict, and nothing runs again (the README's Troubleshooting quotes this).
		const late = await n8n.http('POST', sim.get(generation.generation_id).callback_url, { body: sim.get(generation.generation_id).callback_payload });
		expect(late.status).toBe(409);
		expect(late.text).toMatch(/finished/i);
		await sleep(500);
		expect(await n8n.executions({ workflowId: WF.email })).toHaveLength(1);
		expect(smtp.messages).toHaveLength(1);
	}, 180_000);

	test('Generate (Notify a RunBlob Trigger) → trigger workflow → S3 upload: the object has the bytes RunBlob served', async () => {
		const generateRun = await runManually(WF.notify);
		expect(generateRun.status).toBe('success');
		const submitted = generateRun.data.resultData.runData['Generate video'][0].data.main[0][0].json;
		expect(submitted.generation_id).toEqual(expect.any(String));
		// The callback URL RunBlob got is this n8n's trigger URL (the example's placeholder host was replaced).
		const generation = sim.get(submitted.generation_id);
		expect(generation.callback_url.startsWith(`${n8n.baseUrl}/webhook/${triggerWebhookPath}?`)).toBe(true);

		const key = `${submitted.generation_id}.mp4`;
		const object = await s3.waitForObject('videos', key, 90_000);
		expect(object.length).toBe(VIDEO_SIZE);
		expect(sha256(object)).toBe(await videoSha256(submitted.generation_id, VIDEO_SIZE));

		const received = await n8n.waitForExecution((e) => e.status === 'success', 30_000, { workflowId: WF.receive });
		expect(Object.keys(received.data.resultData.runData)).toContain('Upload to S3');
		expect(Object.keys(received.data.resultData.runData)).not.toContain('Alert: video failed');
	}, 180_000);

	test("the trigger's Failed event → an alert naming error_message and generation_id", async () => {
		const before = chat.messages.length;
		const generateRun = await runManually(WF.notifyFail);
		expect(generateRun.status).toBe('success');
		const { generation_id } = generateRun.data.resultData.runData['Generate video'][0].data.main[0][0].json;

		const deadline = Date.now() + 90_000;
		while (!chat.messages.slice(before).some((m) => String(m.body?.content).includes(generation_id))) {
			if (Date.now() > deadline) throw new Error(`no alert for ${generation_id}: ${JSON.stringify(chat.messages)}`);
			await sleep(200);
		}
		const alert = chat.messages.slice(before).find((m) => String(m.body?.content).includes(generation_id))!;
		expect(alert.path).toBe('/api/webhooks/1/videos');
		expect(alert.body.content).toContain('Content policy: this prompt was refused');
		expect(alert.body.content).toContain(`generation_id ${generation_id}`);
		expect(s3.keys('videos')).not.toContain(`${generation_id}.mp4`);
	}, 180_000);

	test('a list of prompts → batch Generate → one chat message per video, with its URL, in prompt order', async () => {
		const before = chat.messages.length;
		const prompts = ['batch: a fox in the snow', 'batch: a tram at night', 'batch: waves on black sand'];
		await submitForm(forms.batch, [prompts.join('\n')]);

		const messages = (await chat.waitForMessages(before + 3, 90_000)).slice(before);
		await sleep(500); // nothing more than one message per video
		expect(chat.messages.length).toBe(before + 3);
		const byPrompt = new Map(sim.generations().map((g: any) => [g.prompt, g]));
		messages.forEach((message, i) => {
			const generation: any = byPrompt.get(prompts[i]);
			expect(generation).toMatchObject({ status: 'completed' });
			expect(message.path).toBe('/api/webhooks/1/videos');
			expect(message.body.content).toBe(`New video: ${generation.video_url} ("${prompts[i]}")`);
		});
	}, 180_000);

	test('form → Wait for Video → Discord: the MP4 FILE is uploaded to the chat webhook with the bytes RunBlob served', async () => {
		const before = chat.messages.length;
		const prompt = 'file: a paper plane over rooftops';
		await submitForm(forms.file, [prompt]);

		const [message] = (await chat.waitForMessages(before + 1, 90_000)).slice(before);
		const generation = sim.generations().find((g: any) => g.prompt === prompt);
		expect(generation).toMatchObject({ status: 'completed' });
		expect(message.path).toBe('/api/webhooks/1/videos');
		expect(message.body.content).toBe(`New video: "${prompt}"`);
		// Discord's multipart shape: payload_json names the attachment, files[0] carries it.
		expect(message.body.attachments).toEqual([{ id: 0, filename: `${generation.generation_id}.mp4` }]);
		expect(message.files).toHaveLength(1);
		const [upload] = message.files;
		if (runtime === 'oldest') {
			// n8n 2.8's Discord node swaps the part's file name and type (fixed by 2.41; the README says so).
			expect(upload).toMatchObject({ field: 'files[0]', filename: 'mp4', contentType: `${generation.generation_id}.mp4` });
		} else {
			expect(upload).toMatchObject({ field: 'files[0]', filename: `${generation.generation_id}.mp4`, contentType: 'video/mp4' });
		}
		expect(upload.data.length).toBe(VIDEO_SIZE);
		expect(sha256(upload.data)).toBe(await videoSha256(generation.generation_id, VIDEO_SIZE));

		const execution = await n8n.waitForExecution((e) => e.status !== 'running' && e.status !== 'waiting' && e.status !== 'new', 30_000, { workflowId: WF.file });
		expect(execution.status).toBe('success');
		expect(Object.keys(execution.data.resultData.runData)).not.toContain('Post the failure');
	}, 180_000);
});
