// Each family's declaration: request validation before any request (per model), the callback schema, the normaliser.
import type { IDataObject } from 'n8n-workflow';

import { parseCallbackPayload, signCallbackUrl, verifyCallbackSignature } from '../../nodes/shared/callbackContract';
import {
	FAMILIES,
	allModels,
	familiesByShape,
	familyOfModel,
	kling,
	klingO1,
	klingO3,
	modelProperty,
	sora,
	veo,
} from '../../nodes/shared/families';
import { normalise } from '../../nodes/shared/families/normalise';
import type { Family } from '../../nodes/shared/families/types';
import { InputProblem } from '../../nodes/shared/families/types';

const ID = '550e8400-e29b-41d4-a716-446655440000';

/** Runs a family's request builder with the given parameter values (the rest at their fallbacks). */
async function build(family: Family, model: string, params: IDataObject): Promise<IDataObject> {
	return await family.buildBody({
		ctx: {} as never, // only binary inputs touch n8n's context; those are covered against the simulator
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

describe('the Model list', () => {
	it('covers every documented video model once, each mapped to its family', () => {
		const values = allModels();
		expect(new Set(values).size).toBe(values.length);
		expect(values).toEqual(
			expect.arrayContaining([
				'sora-2',
				'veo-3-fast',
				'veo-3-quality',
				'kling_3',
				'kling_3_pro',
				'kling_3_motion',
				'kling_3_motion_pro',
				'kling_2.6_motion',
				'kling_2.6_motion_pro',
				'kling_2.6',
				'kling_2.5_turbo',
				'kling_2.5_turbo_pro',
				'kling_2.1',
				'kling_2.1_pro',
				'kling_2.1_master',
				'kling_1.6',
				'kling_1.6_pro',
				'kling_o1_video',
				'kling_o3',
				'kling_o3_pro',
			]),
		);
		// The video Model list holds the video models; resource Image has its own list (imageFamilies.test.ts).
		expect((modelProperty().options ?? []).map((o) => (o as { value: string }).value)).toEqual(
			values.filter((value) => familyOfModel(value)?.kind === 'video'),
		);
		expect(familyOfModel('veo-3-quality')).toBe(veo);
		expect(familyOfModel('kling_o3_pro')).toBe(klingO3);
		expect(familyOfModel('nope')).toBeUndefined();
	});

	it('every family declares endpoints, schedule, limits and a wait default that covers its timeout and retries', () => {
		for (const family of FAMILIES) {
			const retryMinutes = family.callbackRetrySeconds.reduce((a, b) => a + b, 0) / 60;
			expect(family.defaultWaitMinutes).toBeGreaterThanOrEqual(family.timeoutMinutes + retryMinutes);
			expect(family.paths.create).toMatch(/^\/v1\/.+\/generate$/);
			expect(family.paths.status('x')).toContain('/generations/x');
		}
		expect(sora.paths.status(ID)).toBe(`/v1/sora/generations/${ID}/`); // Sora's trailing slash
		expect(veo.paths.status(ID)).toBe(`/v1/veo/generations/${ID}`);
		expect(FAMILIES.filter((f) => f.paths.list).map((f) => f.id)).toEqual(['sora', 'nanoBanana']);
	});
});

describe('Sora 2', () => {
	it('sends orientation and an integer duration', async () => {
		expect(await build(sora, 'sora-2', { prompt: 'a boat', duration: '15' })).toEqual({
			prompt: 'a boat',
			orientation: '9:16',
			duration: 15,
		});
	});
	it.each([
		[{ prompt: '' }, 'The prompt is empty'],
		[{ prompt: 'x'.repeat(4001) }, 'The prompt has 4001 characters; RunBlob accepts at most 4000'],
		[{ prompt: 'a', orientation: '1:1' }, 'Orientation must be 9:16 or 16:9, not "1:1"'],
		[{ prompt: 'a', duration: 5 }, 'Duration must be 10 or 15 seconds, not "5"'],
		[{ prompt: 'a', imageSource: 'url', imageUrl: 'ftp://x/a.png' }, '"ftp://x/a.png" is not an http(s) image URL'],
	])('refuses case %#', async (params, message) => {
		expect((await problem(sora, 'sora-2', params)).message).toBe(message);
	});
});

describe('Veo 3', () => {
	it('sends the model under both documented keys, the aspect ratio, and a seed only when given', async () => {
		expect(await build(veo, 'veo-3-quality', { prompt: 'a long enough prompt' })).toEqual({
			prompt: 'a long enough prompt',
			aspect_ratio: '16:9',
			model: 'veo-3-quality',
			model_type: 'veo-3-quality',
		});
		expect(await build(veo, 'veo-3-fast', { prompt: 'a long enough prompt', veoSeed: 42 })).toMatchObject({ seed: 42 });
	});
	it.each([
		[{ prompt: 'too short' }, 'The prompt has 9 characters; this model needs at least 10'],
		[{ prompt: 'a long enough prompt', veoAspectRatio: '1:1' }, 'Aspect ratio must be 16:9 or 9:16, not "1:1"'],
		[{ prompt: 'a long enough prompt', veoSeed: 10001 }, 'Seed must be a whole number from 1 to 10000, not "10001"'],
	])('refuses case %#', async (params, message) => {
		expect((await problem(veo, 'veo-3-fast', params)).message).toBe(message);
	});
	it('refuses reference images on Veo 3 Quality (fast only)', async () => {
		const error = await problem(veo, 'veo-3-quality', { prompt: 'a long enough prompt', veoImageMode: 'reference' });
		expect(error.message).toBe('Reference images work only with Veo 3 Fast');
		expect(error.description).toMatch(/Veo 3 Fast/);
	});
});

describe('Kling (main endpoint)', () => {
	it('Kling 3.0 takes an integer 3–15; the others the string "5" or "10"', async () => {
		expect(await build(kling, 'kling_3', { prompt: 'p', klingSeconds: 12 })).toEqual({
			prompt: 'p',
			duration: 12,
			aspect_ratio: '16:9',
			model: 'kling_3',
		});
		expect(await build(kling, 'kling_2.5_turbo', { prompt: 'p', klingDuration: '10' })).toMatchObject({ duration: '10' });
		expect((await problem(kling, 'kling_3_pro', { prompt: 'p', klingSeconds: 16 })).message).toBe(
			'Duration must be a whole number from 3 to 15, not "16"',
		);
		expect((await problem(kling, 'kling_1.6', { prompt: 'p', klingDuration: '7' })).message).toBe(
			'Duration must be 5 or 10 seconds, not "7"',
		);
	});
	it('starting from an image sends image_url and no aspect ratio (the image decides)', async () => {
		const body = await build(kling, 'kling_2.1_pro', { prompt: 'p', klingImageUrl: 'https://x.test/a.png' });
		expect(body).toEqual({ prompt: 'p', duration: '5', model: 'kling_2.1_pro', image_url: 'https://x.test/a.png' });
	});
	it('Kling 2.1 Pro is image-to-video only; prompts are at most 2500 characters', async () => {
		expect((await problem(kling, 'kling_2.1_pro', { prompt: 'p' })).message).toBe('Kling 2.1 Pro only animates an image');
		expect((await problem(kling, 'kling_2.6', { prompt: 'x'.repeat(2501) })).message).toBe(
			'The prompt has 2501 characters; RunBlob accepts at most 2500',
		);
	});
});

describe('Kling O1 Video', () => {
	it('text to video: "5" or "10", no model key (the endpoint is the model)', async () => {
		expect(await build(klingO1, 'kling_o1_video', { prompt: 'p', o1Duration: '10', o1AspectRatio: '1:1' })).toEqual({
			prompt: 'p',
			duration: '10',
			aspect_ratio: '1:1',
		});
		// No input material: Keep Original Sound is neither shown nor sent, even when a saved workflow has it set.
		expect(await build(klingO1, 'kling_o1_video', { prompt: 'p', o1KeepOriginalSound: true })).not.toHaveProperty('keep_original_sound');
		expect((await problem(klingO1, 'kling_o1_video', { prompt: 'p', o1Duration: '3' })).message).toBe(
			'Duration (text to video) must be 5 or 10 seconds, not "3"',
		);
	});
	it('from images: "3"–"10", URLs sent as images_urls (O1\'s plural spelling), at most 5', async () => {
		const body = await build(klingO1, 'kling_o1_video', {
			prompt: 'p',
			o1Duration: '3',
			o1ImageSource: 'url',
			o1ImageUrls: 'https://x.test/a.png,\nhttps://x.test/b.png',
			o1KeepOriginalSound: false,
		});
		expect(body).toMatchObject({ duration: '3', images_urls: ['https://x.test/a.png', 'https://x.test/b.png'], keep_original_sound: false });
		expect(body).not.toHaveProperty('images_url');
		const six = Array.from({ length: 6 }, (_, i) => `https://x.test/${i}.png`).join(',');
		const tooMany = await problem(klingO1, 'kling_o1_video', { prompt: 'p', o1ImageSource: 'url', o1ImageUrls: six });
		expect(tooMany.message).toBe('6 images given; this model accepts at most 5');
		// like every check before a request, it says the item cost nothing
		expect(tooMany.description).toBe('Correct it and run the node again; nothing was sent to RunBlob for this item.');
	});
});

describe('Options follow the model and its input mode', () => {
	const shown = (family: Family, name: string) => family.properties.filter((p) => p.name === name);
	it('Kling O1 offers only the durations of the chosen input mode (one field per mode, the same name)', () => {
		const [text, images] = shown(klingO1, 'o1Duration');
		expect(text.options!.map((o) => (o as { value: string }).value)).toEqual(['5', '10']);
		expect(text.displayOptions?.show?.o1ImageSource).toEqual(['none']);
		expect(images.options!.map((o) => (o as { value: string }).value)).toEqual(['3', '4', '5', '6', '7', '8', '9', '10']);
		expect(images.displayOptions?.hide?.o1ImageSource).toEqual(['none']);
		// O3 takes the same durations in both modes: one field.
		expect(shown(klingO3, 'o3Duration')).toHaveLength(1);
	});
	it('Keep Original Sound is shown only with input material', () => {
		for (const [family, p] of [[klingO1, 'o1'], [klingO3, 'o3']] as const) {
			expect(shown(family, `${p}KeepOriginalSound`)[0].displayOptions?.hide).toEqual({ [`${p}ImageSource`]: ['none'] });
		}
	});
	it('lists of URLs take one value per line', () => {
		for (const family of FAMILIES) {
			for (const property of family.properties.filter((p) => /ImageUrls$/.test(p.name))) {
				expect(property.typeOptions?.rows).toBeGreaterThan(1);
			}
		}
	});
});

describe('Kling O3 Video', () => {
	it('sends model, images_url (O3\'s singular spelling) and 5/10/15 s', async () => {
		const body = await build(klingO3, 'kling_o3_pro', {
			prompt: 'p',
			o3Duration: '15',
			o3ImageSource: 'url',
			o3ImageUrls: ['https://x.test/a.gif'],
		});
		expect(body).toEqual({
			prompt: 'p',
			duration: '15',
			aspect_ratio: '16:9',
			keep_original_sound: true,
			model: 'kling_o3_pro',
			images_url: ['https://x.test/a.gif'],
		});
		expect((await problem(klingO3, 'kling_o3', { prompt: 'p', o3Duration: '20' })).message).toBe(
			'Duration (text to video) must be 5, 10 or 15 seconds, not "20"',
		);
	});
});

describe('callbacks: each family by its own schema; unsigned ones by shape', () => {
	const cdn = 'https://cdn.runblob.io/videos/a.mp4';
	const cases: Array<[string, IDataObject, Family]> = [
		['Sora', { generation_id: ID, status: 'completed', prompt: 'p', video_url: cdn, created_at: '2025-11-24T10:00:00.000000', completed_at: '2025-11-24T10:05:30.000000' }, sora],
		['Veo', { generation_id: ID, status: 'failed', prompt: 'p', video_url: null, created_at: '2025-12-06T21:43:03.374000', completed_at: '2025-12-06T21:44:06.143000', seed: 3, error: 'UNSAFE_CONTENT', message: 'UNSAFE_CONTENT' }, veo],
		['Kling', { generation_id: ID, status: 'completed', video_url: cdn, completed_at: '2025-12-06T21:44:06Z' }, kling],
		['Kling O1', { generation_id: ID, status: 'completed', video_url: cdn, model: 'kling_o1_video', message: null }, klingO1],
		['Kling O3', { generation_id: ID, status: 'failed', video_url: null, model: 'kling-o3-video-10s-pro', message: 'CONTENT_POLICY_VIOLATION' }, klingO3],
	];
	it.each(cases)('%s', (_name, body, family) => {
		expect(familiesByShape(body)).toEqual([family]);
		const parsed = parseCallbackPayload(body);
		expect(parsed).toMatchObject({ ok: true, family: { id: family.id } });
		// Its own schema accepts it; another family's (named by a signed URL) may not.
		expect(parseCallbackPayload(body, { family }).ok).toBe(true);
	});
	it('a family named by the signed URL decides, whatever the shape suggests', () => {
		const klingBody = cases[2][1];
		const asSora = parseCallbackPayload(klingBody, { family: sora });
		expect(asSora.ok).toBe(false);
		if (!asSora.ok) expect(asSora.errors.join()).toMatch(/prompt/);
	});
});

describe('one output shape for every family', () => {
	it('fills error_message from whichever field the family uses, price as a number, UTC times with Z', () => {
		expect(normalise(veo, { generation_id: ID, status: 'failed', error: { message: 'TIMEOUT' }, seed: 5, price: '0.2500' })).toMatchObject({
			error_message: 'TIMEOUT',
			seed: 5,
			price: 0.25,
			family: 'veo',
		});
		expect(normalise(veo, { generation_id: ID, status: 'failed', error: null, message: 'UNSAFE_CONTENT' }).error_message).toBe('UNSAFE_CONTENT');
		expect(normalise(kling, { generation_id: ID, status: 'failed', error: 'CONTENT_POLICY_VIOLATION', version: '2.5', duration: '5' })).toMatchObject({
			error_message: 'CONTENT_POLICY_VIOLATION',
			version: '2.5',
		});
		const o3 = normalise(klingO3, { generation_id: ID.toUpperCase(), status: 'completed', video_url: 'https://c/v.mp4', model: 'kling-o3-video-5s', message: null }, { price: '0.1500' });
		expect(o3).toEqual({
			generation_id: ID,
			family: 'klingO3',
			model: 'kling_o3',
			runblob_model: 'kling-o3-video-5s',
			status: 'completed',
			prompt: null,
			video_url: 'https://c/v.mp4',
			error_message: null,
			created_at: null,
			completed_at: null,
			render_seconds: null,
			price: 0.15,
		});
		expect(normalise(sora, { generation_id: ID, status: 'completed', created_at: '2025-11-24T10:00:00.000000', completed_at: '2025-11-24T10:05:30.000000' })).toMatchObject({
			created_at: '2025-11-24T10:00:00.000Z',
			completed_at: '2025-11-24T10:05:30.000Z',
			render_seconds: 330,
			model: 'sora-2',
		});
	});
});

describe('one model vocabulary: the node\'s model value, RunBlob\'s label apart', () => {
	const done = { generation_id: ID, status: 'completed', video_url: 'https://c/v.mp4' };
	it('the model the node sent wins over RunBlob\'s label, which is kept as runblob_model', () => {
		expect(normalise(klingO3, { ...done, model: 'kling-o3-video-5s' }, { model: 'kling_o3' })).toMatchObject({
			model: 'kling_o3',
			runblob_model: 'kling-o3-video-5s',
		});
	});
	it('without the request, the family\'s declaration maps RunBlob\'s label to the node\'s model value', () => {
		expect(normalise(klingO3, { ...done, model: 'kling-o3-video-10s-pro' })).toMatchObject({ model: 'kling_o3_pro', runblob_model: 'kling-o3-video-10s-pro' });
		expect(normalise(klingO3, { ...done, model: 'kling-o3-video-15s' })).toMatchObject({ model: 'kling_o3', runblob_model: 'kling-o3-video-15s' });
		expect(normalise(klingO1, { ...done, model: 'kling_o1_video' })).toMatchObject({ model: 'kling_o1_video', runblob_model: 'kling_o1_video' });
		expect(normalise(sora, { ...done })).toMatchObject({ model: 'sora-2', runblob_model: null });
	});
	it('is null where RunBlob\'s record does not tell the model (README table)', () => {
		expect(normalise(veo, { ...done, seed: 3 })).toMatchObject({ model: null, runblob_model: null });
		expect(normalise(kling, { ...done, version: '2.5' })).toMatchObject({ model: null, runblob_model: null });
		expect(normalise(klingO3, { ...done })).toMatchObject({ model: null, runblob_model: null });
	});
	it('every family declares how its label maps: no label of one family names another family\'s model', () => {
		for (const family of FAMILIES) {
			const own = family.models.map((m) => m.value);
			for (const label of ['kling-o3-video-5s', 'kling_o1_video', 'sora-2', 'pro', 'veo-3-fast', 'kling_3']) {
				const model = normalise(family, { ...done, model: label }).model;
				if (model !== null) expect(own).toContain(model);
			}
		}
	});
});

describe('unsigned callbacks that fit several families are reported, never guessed', () => {
	const png = 'https://cdn.runblob.io/photos/a.png';
	const ambiguous: Array<[string, IDataObject, string[]]> = [
		[
			'Kling O1 Photo / Kling O3 Photo: a photo callback without a model label',
			{ generation_id: ID, status: 'completed', prompt: 'p', image_url: png, message: null },
			['klingO1Photo', 'klingO3Photo'],
		],
		[
			'Sora / Veo: a failed callback with a prompt but neither a seed nor either family\'s failure field',
			{ generation_id: ID, status: 'failed', prompt: 'p', video_url: null, created_at: '2025-11-24T10:00:00.000000' },
			['sora', 'veo'],
		],
	];
	it.each(ambiguous)('%s', (_name, body, ids) => {
		expect(familiesByShape(body).map((f) => f.id)).toEqual(ids);
		const parsed = parseCallbackPayload(body);
		expect(parsed.ok).toBe(false);
		if (!parsed.ok) expect(parsed.ambiguous?.map((f) => f.id)).toEqual(ids);
		// The family a signed URL names decides: each of them accepts it then.
		for (const id of ids) {
			expect(parseCallbackPayload(body, { family: FAMILIES.find((f) => f.id === id) }).ok).toBe(true);
		}
	});
	it('a body no family claims is not a RunBlob callback', () => {
		const parsed = parseCallbackPayload({ generation_id: ID, status: 'completed', image_url: png, model: 'sora-2' });
		// A body without any family's id field is no family's either.
		expect(familiesByShape({ job_id: ID, status: 'completed', video_url: png })).toEqual([]);
		expect(parsed).toEqual({ ok: false, errors: ["body: fits no RunBlob family's callback"] });
	});
});

describe('the family travels in the signed part of a callback URL', () => {
	const url = 'https://n8n.example.com/webhook/abc/webhook';
	const secret = 'a-callback-secret';
	const check = (signed: string) => {
		const parsed = new URL(signed);
		return verifyCallbackSignature({ path: parsed.pathname, query: Object.fromEntries(parsed.searchParams) }, secret, Date.now());
	};
	it('a signed family is returned; changing it breaks the signature', () => {
		const signed = signCallbackUrl(url, secret, Date.now(), 'klingO3');
		expect(check(signed)).toEqual({ valid: true, family: 'klingO3' });
		expect(check(signed.replace('rb_fam=klingO3', 'rb_fam=sora'))).toEqual({ valid: false, reason: 'mismatch' });
		expect(check(signed.replace('rb_fam=klingO3', 'rb_fam=nonsense'))).toEqual({ valid: false, reason: 'malformed' });
		expect(check(signed.replace(/&?rb_fam=klingO3/, ''))).toEqual({ valid: false, reason: 'mismatch' });
	});
	it('URLs signed before families existed (no family) stay valid', () => {
		expect(check(signCallbackUrl(url, secret, Date.now()))).toEqual({ valid: true });
	});
});
