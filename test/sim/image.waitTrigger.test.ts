/**
 * "Wait for Image" and the RunBlob Trigger for the image families, driven for real: Generate parks the run on the
 * simulator's generations; RunBlob's callbacks (the simulator's own payloads for each family) are fed to the resume
 * webhook and to the Trigger.
 */
import type { IDataObject } from 'n8n-workflow';

import { RunBlob } from '../../nodes/RunBlob/RunBlob.node';
import { RunBlobTrigger } from '../../nodes/RunBlobTrigger/RunBlobTrigger.node';
import { runWebhook } from '../helpers/n8n';
import { imageBytes } from '../simulator';
import {
	createHeldSimulator,
	credentialTypes,
	SIM_KEY,
	jsonRequest,
	runBlobCredential,
	startWaitingRun,
	triggerPath,
	useFastRetries,
	useShortAnswerBudget,
	type Payload,
} from './callbackFixtures';
import { forgetDeliveries, forgetWebhookSettings } from '../helpers/processMemory';

type Sim = Awaited<ReturnType<typeof createHeldSimulator>>;
type WaitingRun = Awaited<ReturnType<typeof startWaitingRun>>;

const IMAGE_SIZE = 7000;
const MINUTE = 60_000;
let sim: Sim;

useFastRetries();
useShortAnswerBudget();

beforeAll(async () => {
	sim = await createHeldSimulator({ imageSize: IMAGE_SIZE });
});
afterAll(async () => {
	await sim.close();
});
beforeEach(() => forgetDeliveries());
// Each run builds its own credential under the same id: forget the per-process copy (settingsCache.ts).
beforeEach(() => forgetWebhookSettings());

function callbackOf(id: string): Payload {
	const payload = sim.get(id)?.callback_payload as Payload | undefined;
	if (!payload) throw new Error(`generation ${id} has not finished`);
	return payload;
}

async function deliver(waiting: WaitingRun, body: unknown) {
	return await runWebhook({
		nodeType: new RunBlob(),
		runExecutionData: waiting.run.runExecutionData,
		request: jsonRequest(body, { path: waiting.callbackPath }),
	});
}

async function waitForImages(models: string[], options: IDataObject = {}) {
	return await startWaitingRun(
		sim,
		models.map((model) => `${model}: a lighthouse`),
		{
			typeVersion: 2,
			parameters: {
				resource: 'image',
				completion: 'waitForImage',
				model: '={{ $json.prompt.split(":")[0] }}',
				waitOptions: options as never,
			},
		},
	);
}

describe('Wait for Image', () => {
	it('one Nano Banana item: parks for the image default (10 min), resumes once with image_url and the PNG', async () => {
		const before = Date.now();
		const waiting = await waitForImages(['nano-banana'], { downloadImage: true, binaryPropertyName: 'image' });
		expect(waiting.run.waitTill!.getTime()).toBeGreaterThanOrEqual(before + 10 * MINUTE);
		expect(waiting.run.waitTill!.getTime()).toBeLessThanOrEqual(Date.now() + 10 * MINUTE);
		// One family: it is signed into the resume URL.
		expect(new URL(waiting.callbackUrl).searchParams.get('rb_fam')).toBe('nanoBanana');
		const id = waiting.ids[0]!;
		sim.finish(id);

		const outcome = await deliver(waiting, callbackOf(id));
		const { result, response } = outcome;
		expect(response).toMatchObject({ statusCode: 200, body: { received: true, resumed: true } });
		const [item] = result.workflowData![0];
		expect(item.json).toMatchObject({
			generation_id: id,
			family: 'nanoBanana',
			model: 'nano-banana',
			status: 'completed',
			image_url: sim.get(id)!.result_url,
			error_message: null,
			price: 0.02,
		});
		expect(item.binary!.image).toMatchObject({ mimeType: 'image/png', fileName: `${id}.png`, fileExtension: 'png' });
		expect((await outcome.readBinary(item.binary!.image)).equals(imageBytes(id, IMAGE_SIZE, 'png'))).toBe(true);
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	it('mixed families (ChatGPT Images, Kling O1 Photo, a failing Kling O3 Photo) in any order: exactly one resume, input order', async () => {
		const waiting = await waitForImages(['chatgpt-images', 'kling-o1-photo', 'kling-o3-photo']);
		// The slowest family's default decides: 20 min for Kling photo.
		expect(waiting.run.waitTill!.getTime()).toBeGreaterThan(Date.now() + 19 * MINUTE);
		expect(new URL(waiting.callbackUrl).searchParams.get('rb_fam')).toBeNull();
		const [gpt, o1, o3] = waiting.ids as string[];
		expect(o1).toMatch(/^photo-/);
		sim.finish(o3, { status: 'failed', error_message: 'CONTENT_POLICY_VIOLATION' });
		sim.finish(o1);

		// Early callbacks are acknowledged without resuming.
		const early = await deliver(waiting, callbackOf(o3));
		expect(early.response.body).toMatchObject({ received: true, resumed: false, waiting_for: gpt });
		expect(early.result.workflowData).toBeUndefined();

		sim.finish(gpt);
		const last = await deliver(waiting, callbackOf(o1));
		expect(last.response.body).toMatchObject({ resumed: true });
		const out = last.result.workflowData![0].map((item) => item.json);
		expect(out.map((j) => [j.generation_id, j.family, j.status])).toEqual([
			[gpt, 'chatgptImages', 'completed'],
			[o1, 'klingO1Photo', 'completed'],
			[o3, 'klingO3Photo', 'failed'],
		]);
		expect(out[0].image_url).toBe(sim.get(gpt)!.result_url);
		expect(out[2]).toMatchObject({ image_url: null, error_message: 'CONTENT_POLICY_VIOLATION' });

		// A late duplicate of a callback does not resume the run again.
		const again = await deliver(waiting, callbackOf(gpt));
		expect(again.result.workflowData).toBeUndefined();
	});

	it('a run that waits twice (image, then video) resumes both waits: one claim per wait, not per execution', async () => {
		const executionId = `two-waits-${Date.now()}`;
		const first = await startWaitingRun(sim, ['a key frame'], {
			typeVersion: 2,
			executionId,
			parameters: { resource: 'image', completion: 'waitForImage', model: 'nano-banana' },
		});
		sim.finish(first.ids[0]!);
		expect((await deliver(first, callbackOf(first.ids[0]!))).response.body).toMatchObject({ resumed: true });

		const second = await startWaitingRun(sim, ['the key frame, animated'], {
			typeVersion: 2,
			executionId,
			parameters: { completion: 'waitForVideo', model: 'kling_o3' },
		});
		expect(second.callbackPath.split('?')[0]).toBe(first.callbackPath.split('?')[0]); // the same resume URL
		sim.finish(second.ids[0]!);
		const resumed = await deliver(second, callbackOf(second.ids[0]!));
		expect(resumed.response.body).toMatchObject({ resumed: true });
		expect(resumed.result.workflowData![0][0].json).toMatchObject({ generation_id: second.ids[0], family: 'klingO3', status: 'completed' });
	});

	it('the timeout outcome names every generation id', async () => {
		const waiting = await waitForImages(['nano-banana', 'kling-o3-photo'], { maxWaitMinutes: 3 });
		const pending = waiting.run.executeData.data.main[0]!;
		expect(pending.map((item) => item.json.status)).toEqual(['timed_out', 'timed_out']);
		for (const [n, item] of pending.entries()) {
			expect(item.json.generation_id).toBe(waiting.ids[n]);
			expect(String(item.json.error_message)).toContain(String(waiting.ids[n]));
			expect(String(item.json.error_message)).toContain('(3 min)');
		}
	});
});

describe('the RunBlob Trigger with image callbacks', () => {
	async function toTrigger(body: unknown, options: IDataObject = {}, staticData: IDataObject = {}) {
		return await runWebhook({
			nodeType: new RunBlobTrigger(),
			parameters: { events: ['completed', 'failed'], options: options as never },
			credentials: runBlobCredential({ baseUrl: sim.url }),
			credentialTypes,
			mode: 'webhook',
			workflowId: 'wf-images',
			nodeId: 'trigger-images',
			webhookId: 'hook-images',
			staticData,
			request: jsonRequest(body, { path: triggerPath('hook-images') }),
		});
	}

	async function finished(model: string, path: string, status: 'completed' | 'failed' = 'completed'): Promise<string> {
		const response = await fetch(`${sim.url}${path}`, {
			method: 'POST',
			headers: { authorization: `Bearer ${SIM_KEY}`, 'content-type': 'application/json' },
			body: JSON.stringify({ prompt: `${model} picture`, callback_url: 'https://example.test/cb' }),
		});
		const created = (await response.json()) as IDataObject;
		const id = String(created.task_uuid ?? created.generation_id);
		sim.finish(id, status === 'failed' ? { status: 'failed' } : {});
		return id;
	}

	it.each([
		['nanoBanana', '/v1/gemini/generate', 'image/png', 'png'],
		['chatgptImages', '/v1/chatgpt-images/generate', 'image/webp', 'webp'],
		['klingO1Photo', '/v1/kling/o1-photo/generate', 'image/jpeg', 'jpg'],
		['klingO3Photo', '/v1/kling/o3-photo/generate', 'image/jpeg', 'jpg'],
	])('%s: verified, downloaded, exactly once', async (family, path, mimeType, extension) => {
		const id = await finished(family, path);
		const staticData: IDataObject = {};
		const options = { verifyWithApi: true, downloadVideo: true };
		const { result } = await toTrigger(callbackOf(id), options, staticData);
		const [item] = result.workflowData![0];
		expect(item.json).toMatchObject({ generation_id: id, family, status: 'completed', image_url: sim.get(id)!.result_url });
		expect(item.binary!.data).toMatchObject({ mimeType, fileExtension: extension, fileName: `${id}.${extension}` });
		// RunBlob's retry of the same callback starts nothing.
		const again = await toTrigger(callbackOf(id), options, staticData);
		expect(again.result.workflowData).toBeUndefined();
		expect(again.response.body).toMatchObject({ duplicate: true });
	});

	it('a failed image is an event of its own (filtered when not selected), with the failure code', async () => {
		const id = await finished('nanoBanana', '/v1/gemini/generate', 'failed');
		const { result } = await toTrigger(callbackOf(id));
		expect(result.workflowData![0][0].json).toMatchObject({ generation_id: id, status: 'failed', error_message: 'MODERATION_FAILED', image_url: null });
		forgetDeliveries();
		const filtered = await runWebhook({
			nodeType: new RunBlobTrigger(),
			parameters: { events: ['completed'], options: {} },
			credentials: runBlobCredential({ baseUrl: sim.url }),
			credentialTypes,
			mode: 'webhook',
			webhookId: 'hook-images-2',
			request: jsonRequest(callbackOf(id), { path: triggerPath('hook-images-2') }),
		});
		expect(filtered.result.workflowData).toBeUndefined();
		expect(filtered.response.body).toMatchObject({ ignored: 'event "failed" not selected' });
	});

	it.each([
		['nanoBanana', '/v1/gemini/generate'],
		['chatgptImages', '/v1/chatgpt-images/generate'],
		['klingO1Photo', '/v1/kling/o1-photo/generate'],
		['klingO3Photo', '/v1/kling/o3-photo/generate'],
	])('%s: Verify With RunBlob API answers 409 to a completed callback whose image URL is not RunBlob\'s', async (family, path) => {
		const id = await finished(family, path);
		const real = callbackOf(id);
		const field = 'result_image_url' in real ? 'result_image_url' : 'image_url';
		expect(real[field]).toBe(sim.get(id)!.result_url);
		const forged = { ...real, [field]: 'https://cdn.runblob.io/not-the-result.png' };
		const { result, response } = await toTrigger(forged, { verifyWithApi: true });
		expect(response.statusCode).toBe(409);
		expect(result.workflowData).toBeUndefined();
		// The genuine callback is still accepted afterwards.
		const genuine = await toTrigger(real, { verifyWithApi: true });
		expect(genuine.result.workflowData![0][0].json).toMatchObject({ generation_id: id, family, image_url: sim.get(id)!.result_url });
	});

	it('an unsigned photo callback without a model label fits both Kling photo families: 422 asking for a Callback Secret, nothing started', async () => {
		const id = await finished('klingO3Photo', '/v1/kling/o3-photo/generate');
		const { model: _label, ...unlabelled } = callbackOf(id) as IDataObject;
		const { result, response } = await toTrigger(unlabelled);
		expect(response.statusCode).toBe(422);
		expect(String((response.body as IDataObject).error)).toMatch(/Kling O1 Photo or Kling O3 Photo.*Callback Secret/);
		expect(result.workflowData).toBeUndefined();
		// With its label it is O3 Photo's, and its model is the node's model value.
		const labelled = await toTrigger(callbackOf(id));
		expect(labelled.result.workflowData![0][0].json).toMatchObject({ family: 'klingO3Photo', model: 'kling-o3-photo' });
	});

	it('Verify With RunBlob API rejects a forged image callback', async () => {
		const id = await finished('klingO3Photo', '/v1/kling/o3-photo/generate', 'failed');
		const forged = { ...callbackOf(id), status: 'completed', image_url: 'https://cdn.runblob.io/evil.png', message: null };
		const { result, response } = await toTrigger(forged, { verifyWithApi: true });
		expect(result.workflowData).toBeUndefined();
		expect(response.statusCode).toBeGreaterThanOrEqual(400);
	});
});
