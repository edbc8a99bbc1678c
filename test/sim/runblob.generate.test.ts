/**
 * Generate (completions "Don't Wait", "Custom Callback URL", "Notify a RunBlob Trigger"), its images and its local
 * validation, run in n8n-core's real ExecuteContext against the RunBlob simulator.
 */

import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { verifyCallbackSignature } from '../../nodes/shared/callbackContract';
import { executeNode } from '../helpers/n8n';
import { imageBytes } from '../simulator';
import {
	MiB,
	UUID_RE,
	binaryItem,
	caught,
	generateParams,
	images,
	json,
	posts,
	recordBodies,
	runNode,
	startSim,
} from './fixtures';

type File = { bytes: Buffer; fileName: string; mimeType: string };

/** A node that puts files into n8n's binary data store (filesystem mode) through the real prepareBinaryData. */
function fileProducer(files: File[]): INodeType {
	const description: INodeTypeDescription = {
		displayName: 'File Producer',
		name: 'fileProducer',
		group: ['input'],
		version: 1,
		description: 'test helper',
		defaults: { name: 'File Producer' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};
	return {
		description,
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const out: INodeExecutionData[] = [];
			for (const [i, file] of files.entries()) {
				const binary = await this.helpers.prepareBinaryData(file.bytes, file.fileName, file.mimeType);
				out.push({ json: { i }, binary: { data: binary } });
			}
			return [out];
		},
	};
}

/** Input items whose binary lives in n8n's filesystem binary store (as after a Read File / HTTP Request node). */
async function storedBinaryItems(files: File[]): Promise<INodeExecutionData[]> {
	const produced = await executeNode({ nodeType: fileProducer(files), parameters: {} });
	return produced.output![0];
}

describe('Generate – Don\'t Wait', () => {
	it('sends prompt, orientation and an integer duration and returns generation_id, status and price', async () => {
		const sim = await startSim();
		const bodies = recordBodies(sim);

		const result = await runNode(sim, generateParams({ prompt: 'A red fox in fresh snow', orientation: '16:9', duration: 15 }));

		expect(posts(sim)).toHaveLength(1);
		expect(posts(sim)[0]).toMatchObject({ path: '/v1/sora/generate', status: 201, authorization: true });
		expect(bodies).toHaveLength(1);
		expect(bodies[0].headers['content-type']).toMatch(/^application\/json/);
		expect(bodies[0].body).toEqual({ prompt: 'A red fox in fresh snow', orientation: '16:9', duration: 15 });
		expect(bodies[0].raw).toContain('"duration":15'); // a JSON integer, not "15"

		const [generation] = sim.generations();
		expect(generation).toMatchObject({ orientation: '16:9', duration: 15, callback_url: null, image: { kind: null } });
		expect(result.output).toHaveLength(1);
		expect(result.output![0]).toEqual([
			{
				json: {
					generation_id: generation.generation_id,
					status: 'pending',
					price: '0.1800',
					prompt: 'A red fox in fresh snow',
					orientation: '16:9',
					duration: 15,
					completion: 'dontWait',
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(result.waitTill).toBeUndefined();
	});

	it('uses the defaults (9:16, 10 s) and creates one generation per input item, output in input order', async () => {
		const sim = await startSim();
		const bodies = recordBodies(sim);
		const prompts = ['first: a lighthouse', 'second: a desert road', 'third: a koi pond', 'fourth: a night market'];

		const result = await runNode(sim, generateParams({ prompt: '={{ $json.prompt }}' }), {
			inputItems: prompts.map((prompt) => ({ json: { prompt } })),
		});

		expect(bodies.map((b) => b.body)).toEqual(prompts.map((prompt) => ({ prompt, orientation: '9:16', duration: 10 })));
		const out = result.output![0];
		expect(out).toHaveLength(4);
		expect(out.map((item) => item.json.prompt)).toEqual(prompts);
		expect(out.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
		expect(out.map((item) => item.json.price)).toEqual(['0.1200', '0.1200', '0.1200', '0.1200']);
		// Each output item names the generation the simulator created for that input item.
		const byPrompt = new Map(sim.generations().map((g) => [g.prompt, g.generation_id]));
		for (const item of out) {
			expect(item.json.generation_id).toMatch(UUID_RE);
			expect(item.json.generation_id).toBe(byPrompt.get(item.json.prompt as string));
		}
		expect(new Set(out.map((item) => item.json.generation_id)).size).toBe(4);
	});
});

describe('Generate – callback URLs', () => {
	const SECRET = 'a-long-random-callback-secret-for-tests';

	it('Custom Callback URL: sends the URL exactly as given (no signature added, even with a Callback Secret)', async () => {
		const sim = await startSim();
		const bodies = recordBodies(sim);
		const url = 'https://hooks.example.com/runblob/done?token=a%20b&x=1&x=2';

		const result = await runNode(sim, generateParams({ completion: 'customCallbackUrl', callbackUrl: `  ${url} ` }), {
			credentialExtra: { callbackSecret: SECRET },
		});

		expect(bodies[0].body.callback_url).toBe(url);
		expect(sim.generations()[0].callback_url).toBe(url);
		expect(json(result.output)[0]).toMatchObject({ completion: 'customCallbackUrl', status: 'pending' });
	});

	it('Notify a RunBlob Trigger: signs the trigger URL with rb_ts/rb_sig when the credential has a Callback Secret', async () => {
		const sim = await startSim();
		const bodies = recordBodies(sim);
		const triggerUrl = 'https://n8n.example.com/webhook/2b1c7a9e-5f0d-4a8b-9c3e-1f2d3e4f5a6b/webhook?keep=me';
		const before = Math.floor(Date.now() / 1000);

		await runNode(sim, generateParams({ completion: 'notifyTrigger', triggerUrl }), {
			credentialExtra: { callbackSecret: SECRET },
		});

		const sent = String(bodies[0].body.callback_url);
		expect(sim.generations()[0].callback_url).toBe(sent);
		const parsed = new URL(sent);
		expect(`${parsed.origin}${parsed.pathname}`).toBe(
			'https://n8n.example.com/webhook/2b1c7a9e-5f0d-4a8b-9c3e-1f2d3e4f5a6b/webhook',
		);
		expect(parsed.searchParams.get('keep')).toBe('me');
		const ts = Number(parsed.searchParams.get('rb_ts'));
		expect(ts).toBeGreaterThanOrEqual(before);
		expect(ts).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
		const query = Object.fromEntries(parsed.searchParams);
		expect(verifyCallbackSignature({ path: parsed.pathname, query }, SECRET, Date.now())).toEqual({ valid: true });
		// …and the signature really depends on the secret and on the URL it was issued for.
		expect(verifyCallbackSignature({ path: parsed.pathname, query }, 'another-secret', Date.now())).toEqual({
			valid: false,
			reason: 'mismatch',
		});
		expect(
			verifyCallbackSignature({ path: '/webhook/00000000-0000-4000-8000-000000000000/webhook', query }, SECRET, Date.now()),
		).toEqual({ valid: false, reason: 'mismatch' });
	});

	it('Notify a RunBlob Trigger: sends the trigger URL unsigned when the credential has no Callback Secret', async () => {
		const sim = await startSim();
		const bodies = recordBodies(sim);
		const triggerUrl = 'https://n8n.example.com/webhook/2b1c7a9e-5f0d-4a8b-9c3e-1f2d3e4f5a6b/webhook';

		await runNode(sim, generateParams({ completion: 'notifyTrigger', triggerUrl }));

		expect(bodies[0].body.callback_url).toBe(triggerUrl);
		expect(sim.generations()[0].callback_url).toBe(triggerUrl);
	});

	it('allows plain-HTTP callback URLs when both the Base URL and the callback are on loopback', async () => {
		const sim = await startSim();
		const bodies = recordBodies(sim);

		await runNode(sim, generateParams({ completion: 'customCallbackUrl', callbackUrl: 'http://127.0.0.1:5678/cb' }));
		await runNode(sim, generateParams({ completion: 'notifyTrigger', triggerUrl: 'http://localhost:5678/webhook/abc/webhook' }));

		expect(bodies.map((b) => b.body.callback_url)).toEqual([
			'http://127.0.0.1:5678/cb',
			'http://localhost:5678/webhook/abc/webhook',
		]);
		expect(posts(sim).map((r) => r.status)).toEqual([201, 201]);
	});

	it('refuses a non-HTTPS callback URL for the real RunBlob host without trying to connect', async () => {
		// `.invalid` never resolves: had the node sent anything it would fail with ENOTFOUND after retries instead.
		const started = Date.now();
		const error = await caught(
			runNode('https://platform.runblob.invalid', generateParams({ completion: 'customCallbackUrl', callbackUrl: 'http://example.com/cb' })),
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/only calls HTTPS callback URLs/);
		expect(Date.now() - started).toBeLessThan(400);
	});
});

describe('Generate – start from an image', () => {
	it('sends image_url for "Image URL" and rejects a non-http(s) URL locally', async () => {
		const sim = await startSim();
		const bodies = recordBodies(sim);

		await runNode(sim, generateParams({ imageSource: 'url', imageUrl: ' https://images.example.com/first-frame.png ' }));
		expect(bodies[0].body).toEqual({
			prompt: 'A paper boat drifting down a rainy street at dusk',
			orientation: '9:16',
			duration: 10,
			image_url: 'https://images.example.com/first-frame.png',
		});
		expect(sim.generations()[0].image).toMatchObject({ kind: 'url', url: 'https://images.example.com/first-frame.png' });

		const error = await caught(runNode(sim, generateParams({ imageSource: 'url', imageUrl: 'ftp://images.example.com/a.png' })));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('"ftp://images.example.com/a.png" is not an http(s) image URL');
		expect(posts(sim)).toHaveLength(1);
	});

	it.each([
		['jpeg', images.jpeg(3000), 'image/jpeg', 'frame.jpg'],
		['png', images.png(2500), 'image/png', 'frame.png'],
		['webp', images.webp(4000), 'image/webp', 'frame.webp'],
	])('sends a %s input binary as image_base64 of exactly its bytes', async (format, bytes, mimeType, fileName) => {
		const sim = await startSim();
		const bodies = recordBodies(sim);

		const result = await runNode(sim, generateParams({ imageSource: 'binary', imageBinaryProperty: 'photo' }), {
			inputItems: [binaryItem(bytes, mimeType, fileName, 'photo')],
		});

		expect(bodies).toHaveLength(1);
		expect(bodies[0].body.image_base64).toBe(bytes.toString('base64'));
		expect(bodies[0].body).not.toHaveProperty('image_url');
		expect(sim.generations()[0].image).toEqual({ kind: 'base64', bytes: bytes.length, format });
		expect(json(result.output)[0].status).toBe('pending');
	});

	it('sends a real WEBP picture labelled application/octet-stream as image_base64 (the format is read from its bytes)', async () => {
		const sim = await startSim();
		const bodies = recordBodies(sim);
		const webp = imageBytes('first-frame', 30_000, 'webp');

		await runNode(sim, generateParams({ imageSource: 'binary' }), { inputItems: [binaryItem(webp, 'application/octet-stream', 'download')] });

		expect(bodies[0].body.image_base64).toBe(webp.toString('base64'));
		expect(sim.generations()[0].image).toEqual({ kind: 'base64', bytes: 30_000, format: 'webp' });
	});

	it('reads images stored in n8n\'s filesystem binary store, one per item', async () => {
		const sim = await startSim();
		const bodies = recordBodies(sim);
		const jpeg = images.jpeg(50_000);
		const png = images.png(70_000);
		const inputItems = await storedBinaryItems([
			{ bytes: jpeg, fileName: 'a.jpg', mimeType: 'image/jpeg' },
			{ bytes: png, fileName: 'b.png', mimeType: 'image/png' },
		]);
		expect(inputItems[0].binary!.data.id).toBeDefined(); // really in the store, not inline base64

		await runNode(sim, generateParams({ imageSource: 'binary' }), { inputItems });

		// Items are submitted in parallel, so RunBlob may receive them in either order: each image exactly once.
		expect(bodies.map((b) => b.body.image_base64).sort()).toEqual([jpeg.toString('base64'), png.toString('base64')].sort());
	});

	it('accepts an image of exactly 10 MiB from n8n\'s binary store (RunBlob\'s limit is inclusive)', async () => {
		const sim = await startSim();
		const bytes = images.png(10 * MiB);
		const inputItems = await storedBinaryItems([{ bytes, fileName: 'big.png', mimeType: 'image/png' }]);
		expect(inputItems[0].binary!.data.fileSize).toBe('10.5 MB'); // n8n's rounded, decimal display size

		const result = await runNode(sim, generateParams({ imageSource: 'binary' }), { inputItems });

		expect(posts(sim).map((r) => r.status)).toEqual([201]);
		expect(sim.generations()[0].image).toEqual({ kind: 'base64', bytes: 10 * MiB, format: 'png' });
		expect(json(result.output)[0].generation_id).toMatch(UUID_RE);
	});

	it('accepts an exactly-10-MiB image whose only size hint is the rounded fileSize (no exact byte count)', async () => {
		const sim = await startSim();
		const bytes = images.jpeg(10 * MiB);
		const item = binaryItem(bytes, 'image/jpeg', 'big.jpg');
		item.binary!.data.fileSize = '10.5 MB';

		await runNode(sim, generateParams({ imageSource: 'binary' }), { inputItems: [item] });

		expect(sim.generations()[0].image).toEqual({ kind: 'base64', bytes: 10 * MiB, format: 'jpeg' });
	});

	it.each([
		['a GIF', images.gif(), 'image/gif', 'anim.gif', /not a JPEG, PNG or WEBP file/],
		['a text file', images.text(), 'text/plain', 'notes.txt', /not a JPEG, PNG or WEBP file/],
		['a text file that claims to be a PNG', images.text(), 'image/png', 'fake.png', /not a JPEG, PNG or WEBP file/],
		['an 11 MB image (inline)', images.jpeg(11 * MiB), 'image/jpeg', 'huge.jpg', /RunBlob accepts at most 10 MB/],
	])('rejects %s locally without calling RunBlob', async (_what, bytes, mimeType, fileName, message) => {
		const sim = await startSim();
		const error = await caught(
			runNode(sim, generateParams({ imageSource: 'binary' }), { inputItems: [binaryItem(bytes, mimeType, fileName)] }),
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(message);
		expect(posts(sim)).toHaveLength(0);
	});

	it('rejects an 11 MB image from n8n\'s binary store locally without calling RunBlob', async () => {
		const sim = await startSim();
		const inputItems = await storedBinaryItems([{ bytes: images.webp(11 * MiB), fileName: 'huge.webp', mimeType: 'image/webp' }]);

		const error = await caught(runNode(sim, generateParams({ imageSource: 'binary' }), { inputItems }));

		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toMatch(/The image is 11\.\d MB; RunBlob accepts at most 10 MB/);
		expect(posts(sim)).toHaveLength(0);
	});

	it('names the missing binary field and sends nothing', async () => {
		const sim = await startSim();
		const error = await caught(
			runNode(sim, generateParams({ imageSource: 'binary', imageBinaryProperty: 'photo' }), {
				inputItems: [binaryItem(images.png(), 'image/png', 'a.png', 'data')],
			}),
		);
		expect(error.message).toMatch(/photo/);
		expect(posts(sim)).toHaveLength(0);
	});
});

describe('Generate – prompt validation', () => {
	it.each([
		['empty', '', 'The prompt is empty'],
		['whitespace only', '   \n\t', 'The prompt is empty'],
		['4001 characters', 'x'.repeat(4001), 'The prompt has 4001 characters; RunBlob accepts at most 4000'],
		['4001 emoji', '🎬'.repeat(4001), 'The prompt has 4001 characters; RunBlob accepts at most 4000'],
	])('rejects a prompt that is %s locally without calling RunBlob', async (_what, prompt, message) => {
		const sim = await startSim();
		const error = await caught(runNode(sim, generateParams({ prompt })));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(message);
		expect(sim.requests).toHaveLength(0);
	});

	it('accepts 4000 characters counted as code points (4000 emoji = 8000 UTF-16 units)', async () => {
		const sim = await startSim();
		const bodies = recordBodies(sim);
		const prompt = '🎬'.repeat(4000);
		expect(prompt.length).toBe(8000);

		const result = await runNode(sim, generateParams({ prompt }));

		expect(posts(sim).map((r) => r.status)).toEqual([201]);
		expect(bodies[0].body.prompt).toBe(prompt);
		expect(sim.generations()[0].prompt).toBe(prompt);
		expect(json(result.output)[0].generation_id).toMatch(UUID_RE);
	});

	it('rejects an orientation or duration RunBlob does not offer (e.g. from an expression) without calling RunBlob', async () => {
		const sim = await startSim();
		const orientation = await caught(runNode(sim, generateParams({ orientation: '={{ "1:1" }}' })));
		expect(orientation.message).toBe('Orientation must be 9:16 or 16:9, not "1:1"');
		const duration = await caught(runNode(sim, generateParams({ duration: '={{ 5 }}' })));
		expect(duration.message).toBe('Duration must be 10 or 15 seconds, not "5"');
		expect(sim.requests).toHaveLength(0);
		// A duration that arrives as the string "15" is sent as the integer RunBlob requires.
		const bodies = recordBodies(sim);
		await runNode(sim, generateParams({ duration: '={{ "15" }}' }));
		expect(bodies[0].body.duration).toBe(15);
	});
});

describe('Generate – parallel submission', () => {
	/** The most create calls RunBlob had in flight at once (from the simulator's request log). */
	function peakConcurrency(sim: Awaited<ReturnType<typeof startSim>>): number {
		const creates = sim.requests.filter((r) => r.method === 'POST' && r.path === '/v1/sora/generate');
		const edges = creates.flatMap((r) => [
			{ t: r.startedAt, d: 1 },
			{ t: r.finishedAt ?? r.startedAt, d: -1 },
		]);
		edges.sort((a, b) => a.t - b.t || a.d - b.d);
		let now = 0;
		let peak = 0;
		for (const e of edges) peak = Math.max(peak, (now += e.d));
		return peak;
	}
	const prompts = Array.from({ length: 12 }, (_, i) => `parallel prompt #${i}`);
	const inputItems = prompts.map((prompt) => ({ json: { prompt } }));

	it('submits up to "Parallel Submissions" at once, output in input order and paired to its own generation', async () => {
		const sim = await startSim();
		// Create calls answer in a scrambled order: later items often finish first.
		sim.injectFaults(prompts.map((_, i) => ({ method: 'POST', path: '/v1/sora/generate', delayMs: 40 + ((i * 7) % 5) * 40 })));
		const result = await runNode(sim, generateParams({ prompt: '={{ $json.prompt }}', submissionConcurrency: 4 }), { inputItems });
		expect(peakConcurrency(sim)).toBe(4);
		const out = result.output![0];
		expect(out.map((item) => item.json.prompt)).toEqual(prompts);
		expect(out.map((item) => item.pairedItem)).toEqual(prompts.map((_, item) => ({ item })));
		const byPrompt = new Map(sim.generations().map((g) => [g.prompt, g.generation_id]));
		expect(out.map((item) => item.json.generation_id)).toEqual(prompts.map((p) => byPrompt.get(p)));
	});

	it('Parallel Submissions = 1 submits one after another', async () => {
		const sim = await startSim();
		sim.injectFaults({ method: 'POST', path: '/v1/sora/generate', delayMs: 20, count: 12 });
		await runNode(sim, generateParams({ prompt: '={{ $json.prompt }}', submissionConcurrency: 1 }), { inputItems });
		expect(peakConcurrency(sim)).toBe(1);
		expect(sim.generations()).toHaveLength(12);
	});

	it('429s are retried without creating twice', async () => {
		const sim = await startSim({ retryAfterSeconds: 0 });
		sim.injectFaults(prompts.map((_, i) => (i % 3 === 0 ? { method: 'POST', path: '/v1/sora/generate', status: 429 } : { method: 'POST', path: '/v1/sora/generate', delayMs: 30 })));
		const result = await runNode(sim, generateParams({ prompt: '={{ $json.prompt }}' }), { inputItems });
		expect(result.output![0].map((item) => item.json.prompt)).toEqual(prompts);
		expect(sim.requests.filter((r) => r.status === 429)).toHaveLength(4);
		expect(sim.generations().map((g) => g.prompt).sort()).toEqual([...prompts].sort());
	});

	it('an ambiguous failure is not retried; no new item starts, and the error names every generation created', async () => {
		const sim = await startSim();
		// Item 2's create fails after RunBlob acted on it (500 after creating): ambiguous, so never repeated.
		sim.injectFaults([
			{ method: 'POST', path: '/v1/sora/generate', delayMs: 50 },
			{ method: 'POST', path: '/v1/sora/generate', delayMs: 50 },
			{ method: 'POST', path: '/v1/sora/generate', status: 500, phase: 'after' },
			{ method: 'POST', path: '/v1/sora/generate', delayMs: 100 },
		]);
		const error = await caught(runNode(sim, generateParams({ prompt: '={{ $json.prompt }}', submissionConcurrency: 4 }), { inputItems }));
		// Items 0–3 were in flight together; nothing after them started.
		expect(sim.requests.filter((r) => r.method === 'POST')).toHaveLength(4);
		const ids = new Map(sim.generations().map((g) => [g.prompt, g.generation_id]));
		expect(ids.size).toBe(4);
		const description = String((error as { description?: string }).description);
		for (const i of [0, 1, 3]) expect(description).toContain(`item ${i}: ${ids.get(prompts[i])}`);
		expect(description).not.toContain(`item 2: `);
	});
});
