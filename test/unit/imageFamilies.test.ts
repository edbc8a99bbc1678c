// The image families' declarations: request validation per model before any request, callback schemas and shape
// matching, the normalised output with image_url, and the Image resource's Model list.
import type { IDataObject } from 'n8n-workflow';

import { parseCallbackPayload } from '../../nodes/shared/callbackContract';
import {
	IMAGE_FAMILIES,
	chatgptImages,
	familiesByShape,
	familyOfModel,
	imageModelProperty,
	klingO1,
	klingO1Photo,
	klingO3Photo,
	modelProperty,
	nanoBanana,
} from '../../nodes/shared/families';
import { normalise } from '../../nodes/shared/families/normalise';
import type { Family } from '../../nodes/shared/families/types';
import { InputProblem } from '../../nodes/shared/families/types';

const ID = '550e8400-e29b-41d4-a716-446655440000';

async function build(family: Family, model: string, params: IDataObject): Promise<IDataObject> {
	return await family.buildBody({
		ctx: {} as never, // binary inputs are covered against the simulator (test/sim/image.*.test.ts)
		itemIndex: 0,
		model,
		param: ((name: string, fallback: unknown) => (name in params ? params[name] : fallback)) as never,
	});
}

async function problem(family: Family, model: string, params: IDataObject): Promise<InputProblem> {
	try {
		await build(family, model, params);
	} catch (error) {
		expect(error).toBeInstanceOf(InputProblem);
		return error as InputProblem;
	}
	throw new Error('expected an InputProblem');
}

const urls = (n: number) => Array.from({ length: n }, (_, i) => `https://x.test/${i}.png`).join(', ');

describe('the Image resource Model list', () => {
	it('lists every image model once, none of them in the video list, each mapped to its family', () => {
		const values = (imageModelProperty().options ?? []).map((o) => (o as { value: string }).value);
		expect(values).toEqual([
			'nano-banana',
			'nano-banana-pro',
			'nano-banana-v2',
			'nano-banana-v2-lite',
			'nano-banana-pro-vip',
			'nano-banana-v2-vip',
			'chatgpt-images',
			'kling-o1-photo',
			'kling-o3-photo',
		]);
		const videoValues = (modelProperty().options ?? []).map((o) => (o as { value: string }).value);
		expect(values.filter((v) => videoValues.includes(v))).toEqual([]);
		expect(familyOfModel('nano-banana-pro')).toBe(nanoBanana);
		expect(familyOfModel('kling-o3-photo')).toBe(klingO3Photo);
		for (const family of IMAGE_FAMILIES) expect(family.kind).toBe('image');
	});
	it('the families that call their id task_uuid say so; only Nano Banana has a list', () => {
		expect(IMAGE_FAMILIES.map((f) => [f.id, f.idField, Boolean(f.paths.list)])).toEqual([
			['nanoBanana', 'task_uuid', true],
			['chatgptImages', 'task_uuid', false],
			['klingO1Photo', 'generation_id', false],
			['klingO3Photo', 'generation_id', false],
		]);
		expect(nanoBanana.paths.status(ID)).toBe(`/v1/gemini/generations/${ID}`);
		expect(chatgptImages.paths.create).toBe('/v1/chatgpt-images/generate');
		expect(klingO1Photo.paths.status('photo-1')).toBe('/v1/kling/o1-photo/generations/photo-1');
	});
	it('image wait defaults fit image render times (minutes, not the video families\' 30–60)', () => {
		expect(IMAGE_FAMILIES.map((f) => f.defaultWaitMinutes)).toEqual([10, 15, 20, 20]);
	});
});

describe('Nano Banana', () => {
	it('maps each model to RunBlob\'s model value; standard never sends quality', async () => {
		expect(await build(nanoBanana, 'nano-banana', { prompt: 'a fox', nbQuality: '4k' })).toEqual({
			prompt: 'a fox',
			aspect_ratio: 'auto',
			temperature: 0.7,
			model: 'standard',
		});
		expect(
			await build(nanoBanana, 'nano-banana-pro', { prompt: 'a fox', nbQuality: '4k', nbAspectRatio: '21:9', nbTemperature: 0.2 }),
		).toEqual({ prompt: 'a fox', aspect_ratio: '21:9', quality: '4k', temperature: 0.2, model: 'pro' });
		for (const [model, api] of [
			['nano-banana-v2', 'v2'],
			['nano-banana-v2-lite', 'v2_lite'],
			['nano-banana-pro-vip', 'pro_vip'],
			['nano-banana-v2-vip', 'v2_vip'],
		]) {
			expect((await build(nanoBanana, model, { prompt: 'p' })).model).toBe(api);
		}
	});
	it('image URLs: 4 on standard, 8 on the others', async () => {
		expect((await build(nanoBanana, 'nano-banana', { prompt: 'p', nbImageSource: 'url', nbImageUrls: urls(4) })).images).toHaveLength(4);
		expect((await problem(nanoBanana, 'nano-banana', { prompt: 'p', nbImageSource: 'url', nbImageUrls: urls(5) })).message).toBe(
			'5 images given; this model accepts at most 4',
		);
		expect((await build(nanoBanana, 'nano-banana-pro', { prompt: 'p', nbImageSource: 'url', nbImageUrls: urls(8) })).images).toHaveLength(8);
		expect((await problem(nanoBanana, 'nano-banana-v2', { prompt: 'p', nbImageSource: 'url', nbImageUrls: urls(9) })).message).toBe(
			'9 images given; this model accepts at most 8',
		);
	});
	it.each([
		[{ prompt: '' }, 'The prompt is empty'],
		[{ prompt: 'x'.repeat(4001) }, 'The prompt has 4001 characters; RunBlob accepts at most 4000'],
		[{ prompt: 'p', nbAspectRatio: '7:3' }, 'Aspect ratio must be auto, 21:9, 16:9, 4:3, 3:2, 1:1, 9:16, 3:4, 2:3, 5:4 or 4:5, not "7:3"'],
		[{ prompt: 'p', nbTemperature: 1.5 }, 'Temperature must be a number from 0 to 1'],
		[{ prompt: 'p', nbImageSource: 'url', nbImageUrls: 'ftp://x/a.png' }, '"ftp://x/a.png" is not an http(s) image URL'],
	])('refuses case %#', async (params, message) => {
		expect((await problem(nanoBanana, 'nano-banana', params)).message).toBe(message);
	});
	it('refuses a quality the pro models do not have', async () => {
		expect((await problem(nanoBanana, 'nano-banana-pro', { prompt: 'p', nbQuality: '8k' })).message).toBe(
			'Quality must be standard, 2k or 4k, not "8k"',
		);
	});
});

describe('ChatGPT Images', () => {
	it('"auto" leaves aspect_ratio out (RunBlob\'s default); up to 4 images', async () => {
		expect(await build(chatgptImages, 'chatgpt-images', { prompt: 'p' })).toEqual({ prompt: 'p' });
		expect(await build(chatgptImages, 'chatgpt-images', { prompt: 'p', cgiAspectRatio: '3:4', cgiImageSource: 'url', cgiImageUrls: urls(4) })).toEqual({
			prompt: 'p',
			aspect_ratio: '3:4',
			images: urls(4).split(', '),
		});
		expect((await problem(chatgptImages, 'chatgpt-images', { prompt: 'p', cgiImageSource: 'url', cgiImageUrls: urls(5) })).message).toBe(
			'5 images given; this model accepts at most 4',
		);
		expect((await problem(chatgptImages, 'chatgpt-images', { prompt: 'p', cgiAspectRatio: '16:9' })).message).toBe(
			'Aspect ratio must be auto, 1:1, 4:3 or 3:4, not "16:9"',
		);
	});
});

describe('Kling O1 / O3 Photo', () => {
	it('O1: 2k by default, 1k/2k only, 5 images as images_url, 2500 characters', async () => {
		expect(await build(klingO1Photo, 'kling-o1-photo', { prompt: 'p', o1pImageSource: 'url', o1pImageUrls: urls(5) })).toEqual({
			prompt: 'p',
			img_resolution: '2k',
			aspect_ratio: '1:1',
			images_url: urls(5).split(', '),
		});
		expect((await problem(klingO1Photo, 'kling-o1-photo', { prompt: 'p', o1pResolution: '4k' })).message).toBe(
			'Resolution must be 1k or 2k, not "4k"',
		);
		expect((await problem(klingO1Photo, 'kling-o1-photo', { prompt: 'p', o1pImageSource: 'url', o1pImageUrls: urls(6) })).message).toBe(
			'6 images given; this model accepts at most 5',
		);
		expect((await problem(klingO1Photo, 'kling-o1-photo', { prompt: 'x'.repeat(2501) })).message).toBe(
			'The prompt has 2501 characters; RunBlob accepts at most 2500',
		);
		expect((await problem(klingO1Photo, 'kling-o1-photo', { prompt: 'p', o1pAspectRatio: 'auto' })).message).toMatch(/^Aspect ratio must be/);
	});
	it('O3: 4k by default, auto ratio, multi-shots, 10 images', async () => {
		expect(await build(klingO3Photo, 'kling-o3-photo', { prompt: 'p', o3pAspectRatio: 'auto', o3pPreferMultiShots: true, o3pImageSource: 'url', o3pImageUrls: urls(10) })).toEqual({
			prompt: 'p',
			img_resolution: '4k',
			aspect_ratio: 'auto',
			prefer_multi_shots: true,
			images_url: urls(10).split(', '),
		});
		expect((await problem(klingO3Photo, 'kling-o3-photo', { prompt: 'p', o3pImageSource: 'url', o3pImageUrls: urls(11) })).message).toBe(
			'11 images given; this model accepts at most 10',
		);
		expect((await problem(klingO3Photo, 'kling-o3-photo', { prompt: 'p', o3pResolution: '8k' })).message).toBe(
			'Resolution must be 1k, 2k or 4k, not "8k"',
		);
	});
});

describe('image callbacks: each family by its own schema; unsigned ones by shape', () => {
	const png = 'https://cdn.runblob.io/nanobanana/outputs/a.png';
	const cases: Array<[string, IDataObject, Family]> = [
		['Nano Banana', { task_uuid: ID, status: 'completed', result_image_url: png, message: null }, nanoBanana],
		['Nano Banana failed', { task_uuid: ID, status: 'failed', result_image_url: null, message: 'MODERATION_FAILED' }, nanoBanana],
		['ChatGPT Images', { task_uuid: ID, status: 'completed', prompt: 'p', result_image_url: png, message: null }, chatgptImages],
		['Kling O1 Photo', { generation_id: `photo-${ID}`, status: 'completed', prompt: 'p', image_url: png, model: 'kling-o1-photo', message: null }, klingO1Photo],
		['Kling O3 Photo', { generation_id: ID, status: 'failed', prompt: 'p', image_url: null, model: 'kling-o3-photo', message: 'CONTENT_POLICY_VIOLATION' }, klingO3Photo],
	];
	it.each(cases)('%s', (_name, body, family) => {
		expect(familiesByShape(body)).toEqual([family]);
		const parsed = parseCallbackPayload(body);
		expect(parsed).toMatchObject({ ok: true, family: { id: family.id } });
		if (parsed.ok) expect(parsed.payload.generation_id).toBe(String(body.task_uuid ?? body.generation_id));
		expect(parseCallbackPayload(body, { family }).ok).toBe(true);
	});
	it('a Kling photo callback is not mistaken for Kling O1 Video', () => {
		expect(familiesByShape({ generation_id: ID, status: 'completed', image_url: png, model: 'kling-o1-photo' })).toEqual([klingO1Photo]);
	});
	it('rejects a completed image callback without an HTTPS image URL, and a task_uuid that is not a UUID', () => {
		const noUrl = parseCallbackPayload({ task_uuid: ID, status: 'completed', result_image_url: null }, { family: nanoBanana });
		expect(noUrl.ok).toBe(false);
		const http = parseCallbackPayload({ task_uuid: ID, status: 'completed', result_image_url: 'http://evil.test/a.png' }, { family: nanoBanana });
		expect(http.ok).toBe(false);
		const badId = parseCallbackPayload({ task_uuid: '../etc', status: 'failed', message: 'X' }, { family: nanoBanana });
		expect(badId.ok).toBe(false);
	});
});

describe('one output shape, with image_url', () => {
	it('task_uuid becomes generation_id, result_image_url image_url, the failure code error_message', () => {
		expect(normalise(nanoBanana, { task_uuid: ID.toUpperCase(), status: 'completed', result_image_url: 'https://c/a.png', message: null }, { model: 'nano-banana', price: '0.0200' })).toEqual({
			generation_id: ID,
			family: 'nanoBanana',
			model: 'nano-banana',
			runblob_model: null,
			status: 'completed',
			prompt: null,
			image_url: 'https://c/a.png',
			error_message: null,
			created_at: null,
			completed_at: null,
			render_seconds: null,
			price: 0.02,
		});
		expect(normalise(klingO3Photo, { generation_id: ID, status: 'failed', image_url: null, model: 'kling-o3-photo', message: 'CONTENT_POLICY_VIOLATION' })).toMatchObject({
			image_url: null,
			error_message: 'CONTENT_POLICY_VIOLATION',
			model: 'kling-o3-photo',
		});
	});
	it('model is the node\'s model value: Nano Banana\'s API label maps back to it, and is kept as runblob_model', () => {
		const done = { task_uuid: ID, status: 'completed', result_image_url: 'https://c/a.png' };
		expect(normalise(nanoBanana, { ...done, model: 'pro' })).toMatchObject({ model: 'nano-banana-pro', runblob_model: 'pro' });
		expect(normalise(nanoBanana, done)).toMatchObject({ model: null, runblob_model: null });
		expect(normalise(nanoBanana, { ...done, model: 'pro' }, { model: 'nano-banana-v2' })).toMatchObject({ model: 'nano-banana-v2' });
	});
});
