/**
 * Resource Image on the RunBlob node (version 2), run inside n8n-core's real ExecuteContext against the RunBlob
 * simulator over loopback HTTP: Generate for every image family (parameters, reference images from URLs and from
 * input binary fields, checks before any request), Get, Get Many, Download (MIME type and extension).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { imageBytes } from '../simulator';
import { binaryItem, caught, images, json, posts, recordBodies, runNode, startSim } from './fixtures';
import type { Sim } from './fixtures';

const v2 = { typeVersion: 2 };

function imageParams(model: string, extra: INodeParameters = {}): INodeParameters {
	return {
		resource: 'image',
		operation: 'generate',
		model,
		prompt: 'A red fox in fresh snow, golden hour',
		completion: 'dontWait',
		...extra,
	};
}

async function generateOne(sim: Sim, model: string, extra: INodeParameters = {}): Promise<IDataObject> {
	const result = await runNode(sim, imageParams(model, extra), v2);
	return json(result.output)[0];
}

describe('Generate (Don\'t Wait) for every image family', () => {
	it.each([
		['nano-banana', '/v1/gemini/generate', 'nanoBanana', { model: 'standard', aspect_ratio: 'auto', temperature: 0.7 }, 0.02],
		['nano-banana-pro', '/v1/gemini/generate', 'nanoBanana', { model: 'pro', quality: 'standard' }, 0.08],
		['chatgpt-images', '/v1/chatgpt-images/generate', 'chatgptImages', {}, 0.0123],
		['kling-o1-photo', '/v1/kling/o1-photo/generate', 'klingO1Photo', { img_resolution: '2k', aspect_ratio: '1:1' }, 0.029],
		['kling-o3-photo', '/v1/kling/o3-photo/generate', 'klingO3Photo', { img_resolution: '4k', prefer_multi_shots: false }, 0.05],
	])('%s', async (model, path, family, sent, price) => {
		const sim = await startSim();
		const bodies = recordBodies(sim);
		const out = await generateOne(sim, model);

		expect(posts(sim).map((r) => [r.path, r.status])).toEqual([[path, 201]]);
		expect(bodies[0].body).toMatchObject({ prompt: 'A red fox in fresh snow, golden hour', ...sent });
		expect(bodies[0].body.callback_url).toBeUndefined();
		const created = sim.generations()[0];
		// One output shape: the family's id (task_uuid or generation_id) as generation_id, image_url, price as a number.
		expect(out).toMatchObject({
			generation_id: created.id,
			family,
			model,
			status: 'pending',
			image_url: null,
			error_message: null,
			price,
			completion: 'dontWait',
		});
		expect(out.video_url).toBeUndefined();
	});
});

describe('reference images', () => {
	it('Nano Banana sends input binary images as data URIs; Kling O3 Photo as bare base64', async () => {
		const sim = await startSim();
		const bodies = recordBodies(sim);
		const inputItems = [
			{
				json: {},
				binary: {
					data: { data: images.png(4096).toString('base64'), mimeType: 'image/png', fileName: 'a.png' },
					b: { data: images.jpeg(3000).toString('base64'), mimeType: 'image/jpeg', fileName: 'b.jpg' },
				},
			},
		];
		await runNode(sim, imageParams('nano-banana', { nbImageSource: 'binary', nbImageProperties: 'data, b' }), { ...v2, inputItems });
		await runNode(sim, imageParams('kling-o3-photo', { o3pImageSource: 'binary', o3pImageProperties: 'data' }), { ...v2, inputItems });

		const nano = bodies[0].body.images as string[];
		expect(nano).toHaveLength(2);
		expect(nano[0]).toBe(`data:image/png;base64,${images.png(4096).toString('base64')}`);
		expect(nano[1]).toBe(`data:image/jpeg;base64,${images.jpeg(3000).toString('base64')}`);
		expect(bodies[1].body.images_base64).toEqual([images.png(4096).toString('base64')]);
		// The simulator decoded and sniffed them the way RunBlob would.
		const [o3, nb] = sim.generations();
		expect((nb.inputs as IDataObject[]).map((i) => [i.kind, i.format, i.bytes])).toEqual([
			['base64', 'png', 4096],
			['base64', 'jpeg', 3000],
		]);
		expect((o3.inputs as IDataObject[]).map((i) => [i.kind, i.format])).toEqual([['base64', 'png']]);
	});

	it('takes a real WEBP picture (simple and extended form) whatever MIME type n8n gave it: a data URI for Nano Banana, bare base64 for Kling O1 Photo', async () => {
		const sim = await startSim();
		const bodies = recordBodies(sim);
		const simple = readFileSync(join(__dirname, '../simulator/media/picture.webp'));
		const extended = imageBytes('reference', 20_000, 'webp');
		const inputItems = [
			{
				json: {},
				binary: {
					// A file read from disk is labelled image/webp; a download from a server that sends no type is not.
					a: { data: simple.toString('base64'), mimeType: 'image/webp', fileName: 'frame.webp' },
					b: { data: extended.toString('base64'), mimeType: 'application/octet-stream', fileName: 'download' },
				},
			},
		];
		await runNode(sim, imageParams('nano-banana', { nbImageSource: 'binary', nbImageProperties: 'a, b' }), { ...v2, inputItems });
		await runNode(sim, imageParams('kling-o1-photo', { o1pImageSource: 'binary', o1pImageProperties: 'a\nb' }), { ...v2, inputItems });

		expect(bodies[0].body.images).toEqual([`data:image/webp;base64,${simple.toString('base64')}`, `data:image/webp;base64,${extended.toString('base64')}`]);
		expect(bodies[1].body.images_base64).toEqual([simple.toString('base64'), extended.toString('base64')]);
		for (const generation of sim.generations()) {
			expect((generation.inputs as IDataObject[]).map((i) => [i.kind, i.format, i.bytes])).toEqual([
				['base64', 'webp', simple.length],
				['base64', 'webp', extended.length],
			]);
		}
	});

	it.each([
		['a GIF on Kling O1 Photo', 'kling-o1-photo', { o1pImageSource: 'binary', o1pImageProperties: 'data' }, images.gif(2048), /is not a JPEG, PNG or WEBP file/],
		['an 11 MB image on Kling O3 Photo', 'kling-o3-photo', { o3pImageSource: 'binary', o3pImageProperties: 'data' }, images.png(11 * 1024 * 1024), /RunBlob accepts at most 10 MB/],
		['5 URLs on Nano Banana standard', 'nano-banana', { nbImageSource: 'url', nbImageUrls: 'https://x.test/1.png,https://x.test/2.png,https://x.test/3.png,https://x.test/4.png,https://x.test/5.png' }, images.png(), /5 images given; this model accepts at most 4/],
	])('refuses %s before any request', async (_name, model, extra, bytes, message) => {
		const sim = await startSim();
		const error = await caught(
			runNode(sim, imageParams(model, extra as INodeParameters), { ...v2, inputItems: [binaryItem(bytes, 'image/png', 'x.png')] }),
		);
		expect(error.message).toMatch(message);
		expect(posts(sim)).toHaveLength(0);
	});

	it('refuses a prompt over Kling photo\'s 2500 characters, and Additional Body Fields cannot override a field', async () => {
		const sim = await startSim();
		const long = await caught(runNode(sim, imageParams('kling-o1-photo', { prompt: 'x'.repeat(2501) }), v2));
		expect(long.message).toBe('The prompt has 2501 characters; RunBlob accepts at most 2500');
		const clash = await caught(runNode(sim, imageParams('chatgpt-images', { additionalBodyFields: '{"prompt": "y"}' }), v2));
		expect(clash.message).toMatch(/cannot set prompt/);
		expect(posts(sim)).toHaveLength(0);
		// An unconfirmed key goes through as given.
		const bodies = recordBodies(sim);
		await runNode(sim, imageParams('chatgpt-images', { additionalBodyFields: '{"background": "transparent"}' }), v2);
		expect(bodies[0].body).toMatchObject({ background: 'transparent' });
	});
});

describe('Get, Get Many and Download', () => {
	it('Get reads each family\'s status endpoint into the one output shape', async () => {
		const sim = await startSim();
		for (const model of ['nano-banana', 'chatgpt-images', 'kling-o1-photo', 'kling-o3-photo']) {
			const { generation_id: id } = await generateOne(sim, model);
			sim.finish(String(id));
			const out = json((await runNode(sim, { resource: 'image', operation: 'get', model, generationId: String(id) }, v2)).output)[0];
			expect(out).toMatchObject({ generation_id: id, status: 'completed', error_message: null });
			expect(out.image_url).toBe(sim.get(String(id))!.result_url);
		}
		const failed = await generateOne(sim, 'kling-o3-photo');
		sim.finish(String(failed.generation_id), { status: 'failed', error_message: 'CONTENT_POLICY_VIOLATION' });
		const out = json((await runNode(sim, { resource: 'image', operation: 'get', model: 'kling-o3-photo', generationId: String(failed.generation_id) }, v2)).output)[0];
		expect(out).toMatchObject({ status: 'failed', image_url: null, error_message: 'CONTENT_POLICY_VIOLATION' });
	});

	it('Get Many lists Nano Banana generations (limit, offset); other families say there is no list', async () => {
		const sim = await startSim();
		const ids: string[] = [];
		for (let n = 0; n < 3; n++) ids.push(String((await generateOne(sim, 'nano-banana')).generation_id));
		const page = json((await runNode(sim, { resource: 'image', operation: 'getMany', model: 'nano-banana', limit: 2, offset: 0 }, v2)).output);
		expect(page.map((g) => g.generation_id)).toEqual([ids[2], ids[1]]);
		expect(page[0]).toMatchObject({ family: 'nanoBanana', status: 'pending', image_url: null });
		const all = json((await runNode(sim, { resource: 'image', operation: 'getMany', model: 'nano-banana', returnAll: true, offset: 1 }, v2)).output);
		expect(all.map((g) => g.generation_id)).toEqual([ids[1], ids[0]]);
		const error = await caught(runNode(sim, { resource: 'image', operation: 'getMany', model: 'chatgpt-images', returnAll: true }, v2));
		expect(error.message).toBe('RunBlob documents no list of ChatGPT Images generations');
	});

	it('Download puts the image in a binary field with its MIME type and extension (PNG, JPEG)', async () => {
		const sim = await startSim({ imageSize: 5000 });
		const nano = await generateOne(sim, 'nano-banana');
		const photo = await generateOne(sim, 'kling-o1-photo');
		sim.finish(String(nano.generation_id));
		sim.finish(String(photo.generation_id));

		const a = await runNode(sim, { resource: 'image', operation: 'download', model: 'nano-banana', generationId: String(nano.generation_id), binaryPropertyName: 'image' }, v2);
		const item = a.output![0][0];
		expect(item.binary!.image).toMatchObject({ mimeType: 'image/png', fileExtension: 'png', fileName: `${String(nano.generation_id)}.png` });
		expect(item.json).toMatchObject({ generation_id: nano.generation_id, status: 'completed', file_name: `${String(nano.generation_id)}.png` });
		const bytes = await a.readBinary(item.binary!.image);
		expect(bytes.subarray(0, 4).toString('latin1')).toBe('\x89PNG');
		expect(bytes.equals(imageBytes(String(nano.generation_id), 5000, 'png'))).toBe(true);

		const b = await runNode(sim, { resource: 'image', operation: 'download', model: 'kling-o1-photo', generationId: String(photo.generation_id), binaryPropertyName: 'data', fileName: 'cover' }, v2);
		expect(b.output![0][0].binary!.data).toMatchObject({ mimeType: 'image/jpeg', fileExtension: 'jpg', fileName: 'cover.jpg' });

		// By URL, and a generation that has no image yet.
		const c = await runNode(sim, { resource: 'image', operation: 'download', source: 'url', imageUrl: String(sim.get(String(nano.generation_id))!.result_url), binaryPropertyName: 'data' }, v2);
		expect(c.output![0][0].binary!.data.mimeType).toBe('image/png');
		const pending = await generateOne(sim, 'chatgpt-images');
		const error = await caught(runNode(sim, { resource: 'image', operation: 'download', model: 'chatgpt-images', generationId: String(pending.generation_id), binaryPropertyName: 'data' }, v2));
		expect(error.message).toBe(`Generation ${String(pending.generation_id)} has no image yet (status: pending)`);
	});
});
