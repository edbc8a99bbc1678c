// Images inside a real n8n, on the current and the oldest supported n8n: "Wait for Image" (Nano Banana) whose
// downloaded PNG feeds Kling O3 image-to-video with "Wait for Video" in the same workflow (the image → video example),
// and the RunBlob Trigger receiving a Kling O3 Photo callback (signed, downloaded, exactly once).
import * as fs from 'node:fs';
import * as path from 'node:path';

import { useSharedN8n } from './shared';
import { createSimulator, imageBytes } from '../simulator';
import {
	RUNTIMES,
	SETUP_TIMEOUT_MS,
	binaryFile,
	chain,
	credentialFixture,
	noOpNode,
	nodeOutput,
	runBlobNode,
	sleep,
	triggerNode,
	triggerPath,
	webhookNode,
} from './workflows';
import type { Node } from './workflows';

type N8n = Awaited<ReturnType<typeof useSharedN8n>>;
// The simulator's records are loosely typed JSON snapshots; the tests read them as such.
type Sim = any;

const SECRET = 'e2e-image-callback-secret';
const IMAGE_SIZE = 48 * 1024;
const v2 = { typeVersion: 2 };

/** The image → video example from examples/, started by a webhook instead of the manual trigger. */
function imageToVideoWorkflow() {
	const example = JSON.parse(
		fs.readFileSync(path.join(__dirname, '../../examples/image-to-video-and-wait.json'), 'utf8'),
	) as { nodes: Node[] };
	const [, image, video] = example.nodes;
	image.parameters = { ...image.parameters, prompt: '={{ $json.body.prompt }}' };
	return chain('e2eImageToVideo1', 'image to video', [
		webhookNode('Start', 'image-to-video'),
		runBlobNode(image.name, image.parameters, v2),
		runBlobNode(video.name, video.parameters, v2),
		noOpNode('Done'),
	]);
}

const photoTrigger = triggerNode('RunBlob Trigger', 'e2e-image-trigger', {
	events: ['completed', 'failed'],
	options: { downloadVideo: true, binaryPropertyName: 'image', verifyWithApi: true },
});

const WF = {
	imageToVideo: imageToVideoWorkflow(),
	trigger: chain('e2eImageTrigger1', 'image trigger', [photoTrigger, noOpNode('Received')]),
	generate: chain('e2eImageNotify01', 'image notify', [
		webhookNode('Start', 'image-notify'),
		runBlobNode(
			'RunBlob',
			{
				resource: 'image',
				operation: 'generate',
				model: 'kling-o3-photo',
				prompt: '={{ $json.body.prompt }}',
				o3pResolution: '2k',
				completion: 'notifyTrigger',
				triggerUrl: '={{ $json.body.triggerUrl }}',
			},
			v2,
		),
	]),
};

describe.each(RUNTIMES)('Images in n8n runtime "%s"', (runtime) => {
	let sim: Sim;
	let n8n: N8n;

	beforeAll(async () => {
		sim = await createSimulator({
			port: 0,
			imageSize: IMAGE_SIZE,
			videoSize: 64 * 1024,
			timing: { queueMs: 100, processingMs: 500 },
			// Retry schedules 100× faster, but RunBlob's real answer windows (Nano Banana 5 s, the others 30 s): a
			// scaled 50 ms window would measure the loaded test machine, not the node.
			callbacks: {
				allowHttp: 'loopback',
				timeScale: 0.01,
				families: {
					'nano-banana': { timeoutMs: 500_000 },
					'kling-o3-photo': { timeoutMs: 3_000_000 },
					'kling-o3-video': { timeoutMs: 3_000_000 },
				},
			},
			outcome: (request: { prompt: string }) =>
				/fail/.test(request.prompt) ? { status: 'failed', code: 'CONTENT_POLICY_VIOLATION' } : { status: 'completed' },
		});
		n8n = await useSharedN8n({
			runtime,
			label: 'image',
			credentials: [credentialFixture(sim.url, SECRET)],
			workflows: Object.values(WF),
			readyPaths: [triggerPath(photoTrigger)],
		});
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		await sim?.close();
		await n8n?.detach();
	}, 60_000);

	async function finished(executionId: string, timeoutMs = 90_000) {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const execution = await n8n.execution(executionId);
			if (!['waiting', 'running', 'new'].includes(execution.status)) return execution;
			if (Date.now() > deadline) throw new Error(`execution ${executionId} still ${execution.status}`);
			await sleep(250);
		}
	}

	test('image → video: Wait for Image (Nano Banana) feeds its PNG to Kling O3 image-to-video, waiting on both', async () => {
		const res = await n8n.http('POST', n8n.webhookUrl('image-to-video'), { body: { prompt: 'a lighthouse at dawn' } });
		expect(res.status).toBe(200);
		const started = await n8n.waitForExecution(() => true, 30_000, { workflowId: WF.imageToVideo.id, includeData: false });
		const image = await sim.waitFor(() => sim.generations({ family: 'nano-banana' })[0], 15_000);
		expect(new URL(image.callback_url).pathname).toBe(`/webhook-waiting/${started.id}/runblob-callback`);

		const execution = await finished(String(started.id));
		expect(execution.status).toBe('success');

		// The image step resumed once with the normalised image item and the PNG the CDN served.
		const [imageItem] = nodeOutput(execution, 'Generate key frame');
		expect(imageItem.json).toMatchObject({
			generation_id: image.id,
			family: 'nanoBanana',
			model: 'nano-banana',
			status: 'completed',
			image_url: sim.get(image.id).result_url,
			price: 0.02,
		});
		expect(imageItem.binary.data).toMatchObject({ mimeType: 'image/png', fileName: `${image.id}.png` });
		const pngOnDisk = fs.readFileSync(binaryFile(n8n.userFolder, imageItem.binary.data.id));
		expect(pngOnDisk.equals(imageBytes(image.id, IMAGE_SIZE, 'png'))).toBe(true);

		// The video step sent exactly those bytes to Kling O3 as its image, and waited for the video.
		const video = sim.generations({ family: 'kling-o3-video' })[0];
		expect(video.inputs).toEqual([expect.objectContaining({ kind: 'base64', format: 'png', bytes: IMAGE_SIZE })]);
		expect(new URL(video.callback_url).pathname).toBe(`/webhook-waiting/${started.id}/runblob-callback`);
		const [videoItem] = nodeOutput(execution, 'Animate it');
		expect(videoItem.json).toMatchObject({ generation_id: video.id, family: 'klingO3', status: 'completed' });
		expect(videoItem.json.video_url).toBe(sim.get(video.id).result_url);
		expect(videoItem.binary.video.mimeType).toBe('video/mp4');
		expect(nodeOutput(execution, 'Done')).toHaveLength(1);
	}, 150_000);

	test('Trigger: a Kling O3 Photo callback (signed with its family) starts exactly one execution with the image', async () => {
		const triggerUrl = n8n.webhookUrl(triggerPath(photoTrigger));
		const res = await n8n.http('POST', n8n.webhookUrl('image-notify'), { body: { prompt: 'a red fox', triggerUrl } });
		expect(res.status).toBe(200);
		const photo = await sim.waitFor(() => sim.generations({ family: 'kling-o3-photo' })[0], 15_000);
		expect(new URL(photo.callback_url).searchParams.get('rb_fam')).toBe('klingO3Photo');
		await sim.waitFor(() => sim.get(photo.id)?.webhook?.state === 'delivered', 30_000);
		const summary = await n8n.waitForExecution(() => true, 30_000, { workflowId: WF.trigger.id, status: 'success' });
		await sleep(500);
		expect(await n8n.executions({ workflowId: WF.trigger.id })).toHaveLength(1);

		const [item] = nodeOutput(summary, 'RunBlob Trigger');
		expect(item.json).toMatchObject({
			generation_id: photo.id,
			family: 'klingO3Photo',
			model: 'kling-o3-photo',
			status: 'completed',
			prompt: 'a red fox',
			image_url: sim.get(photo.id).result_url,
			error_message: null,
		});
		expect(item.binary.image).toMatchObject({ mimeType: 'image/jpeg', fileName: `${photo.id}.jpg` });
		const jpgOnDisk = fs.readFileSync(binaryFile(n8n.userFolder, item.binary.image.id));
		expect(jpgOnDisk.equals(imageBytes(photo.id, IMAGE_SIZE, 'jpg'))).toBe(true);
		expect(nodeOutput(summary, 'Received')).toHaveLength(1);

		// RunBlob delivering the same callback again starts nothing more.
		const replay = await n8n.http('POST', photo.callback_url, { body: sim.get(photo.id).callback_payload });
		expect(replay.status).toBe(200);
		await sleep(500);
		expect(await n8n.executions({ workflowId: WF.trigger.id })).toHaveLength(1);
	}, 90_000);
});
