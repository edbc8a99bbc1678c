/**
 * Download: by generation ID and by URL, into n8n's binary store (filesystem mode, streamed), with the API key kept
 * away from the CDN.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';

import type { IBinaryData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ExecuteNodeResult } from '../helpers/n8n';
import { MiB, caught, createGenerations, json, runNode, startSim, videoSha256 } from './fixtures';

async function sha256(result: ExecuteNodeResult, binary: IBinaryData): Promise<string> {
	const hash = createHash('sha256');
	for await (const chunk of await result.binaryStream(binary)) hash.update(chunk as Buffer);
	return hash.digest('hex');
}

describe('Download', () => {
	it('by generation ID: reads the status with the API key, then streams the MP4 from the CDN without it', async () => {
		const size = 3 * MiB + 12_345;
		const sim = await startSim({ videoSize: size });
		const [id] = await createGenerations(sim, 1);
		sim.finish(id);
		const apiRequestsBefore = sim.requests.length;

		const result = await runNode(sim, { operation: 'download', generationId: id });

		const [item] = result.output![0];
		expect(item.pairedItem).toEqual({ item: 0 });
		const binary = item.binary!.data;
		expect(binary).toMatchObject({ mimeType: 'video/mp4', fileName: `${id}.mp4`, fileExtension: 'mp4', bytes: size });
		expect(binary.id).toBeDefined(); // stored in the binary data store, not inline
		expect((await stat(result.binaryPath(binary))).size).toBe(size);
		expect(await sha256(result, binary)).toBe(await videoSha256(id, size));
		expect(item.json).toMatchObject({
			generation_id: id,
			status: 'completed',
			video_url: sim.get(id)!.video_url,
			file_name: `${id}.mp4`,
		});

		// API: one authenticated status read. CDN: one GET of the whole file, without the API key.
		expect(sim.requests.slice(apiRequestsBefore).map((r) => [r.method, r.path, r.authorization])).toEqual([
			['GET', `/v1/sora/generations/${id}/`, true],
		]);
		expect(sim.cdnRequests).toHaveLength(1);
		expect(sim.cdnRequests[0]).toMatchObject({ method: 'GET', status: 200, authorization: false, bytesSent: size });
	});

	it('by URL: file name from the URL, custom field name, no API call and no API key at the CDN', async () => {
		const size = 700_000;
		const sim = await startSim({ videoSize: size });
		const [first, second] = await createGenerations(sim, 2);
		sim.finish(first);
		sim.finish(second);
		const apiRequestsBefore = sim.requests.length;

		const result = await runNode(
			sim,
			{ operation: 'download', source: 'url', videoUrl: '={{ $json.url }}', binaryPropertyName: 'video' },
			{ inputItems: [{ json: { url: sim.get(first)!.video_url } }, { json: { url: ` ${sim.get(second)!.video_url} ` } }] },
		);

		const out = result.output![0];
		expect(out).toHaveLength(2);
		for (const [i, id] of [first, second].entries()) {
			expect(out[i].pairedItem).toEqual({ item: i });
			expect(out[i].json).toEqual({ video_url: sim.get(id)!.video_url, file_name: `${id}.mp4` });
			const binary = out[i].binary!.video;
			expect(binary).toMatchObject({ mimeType: 'video/mp4', fileName: `${id}.mp4`, bytes: size });
			expect(await sha256(result, binary)).toBe(await videoSha256(id, size));
		}
		expect(sim.requests).toHaveLength(apiRequestsBefore);
		expect(sim.cdnRequests.map((r) => [r.status, r.authorization])).toEqual([
			[200, false],
			[200, false],
		]);
	});

	it('uses the File Name parameter when given', async () => {
		const sim = await startSim({ videoSize: 1000 });
		const [id] = await createGenerations(sim, 1);
		sim.finish(id);

		const result = await runNode(sim, { operation: 'download', generationId: id, fileName: 'my-video.mp4' });

		expect(result.output![0][0].binary!.data).toMatchObject({ fileName: 'my-video.mp4', mimeType: 'video/mp4' });
		expect(json(result.output)[0].file_name).toBe('my-video.mp4');
	});

	it('streams a 400 MiB video to disk with memory growth far below the file size', async () => {
		const size = 400 * MiB;
		const sim = await startSim({ videoSize: size });
		const [id] = await createGenerations(sim, 1);
		sim.finish(id);

		global.gc?.();
		const before = process.memoryUsage();
		const peak = { rss: before.rss, heapUsed: before.heapUsed, external: before.external, arrayBuffers: before.arrayBuffers };
		const sampler = setInterval(() => {
			const m = process.memoryUsage();
			peak.rss = Math.max(peak.rss, m.rss);
			peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
			peak.external = Math.max(peak.external, m.external);
			peak.arrayBuffers = Math.max(peak.arrayBuffers, m.arrayBuffers);
		}, 10);
		let result: ExecuteNodeResult;
		const started = Date.now();
		try {
			result = await runNode(sim, { operation: 'download', generationId: id });
		} finally {
			clearInterval(sampler);
		}
		const seconds = (Date.now() - started) / 1000;
		const after = process.memoryUsage();

		const binary = result.output![0][0].binary!.data;
		expect(binary.bytes).toBe(size);
		expect((await stat(result.binaryPath(binary))).size).toBe(size);
		expect(sim.cdnRequests[0]).toMatchObject({ status: 200, bytesSent: size, authorization: false });

		const growth = {
			peakRss: (peak.rss - before.rss) / MiB,
			peakHeap: (peak.heapUsed - before.heapUsed) / MiB,
			peakExternal: (peak.external - before.external) / MiB,
			peakArrayBuffers: (peak.arrayBuffers - before.arrayBuffers) / MiB,
			rssAfter: (after.rss - before.rss) / MiB,
		};
		// Buffering the file would show up as ≥ 400 MiB of external/arrayBuffer memory and RSS. Streaming measures
		// ~5 MiB heap, ~35 MiB external and ~70 MiB RSS here (simulator CDN in the same process included).
		expect(growth.peakHeap).toBeLessThan(64);
		expect(growth.peakExternal).toBeLessThan(80);
		expect(growth.peakArrayBuffers).toBeLessThan(80);
		expect(growth.peakRss).toBeLessThan(150);
		expect(growth.rssAfter).toBeLessThan(150);
		expect(seconds).toBeLessThan(40);

		expect(await sha256(result!, binary)).toBe(await videoSha256(id, size));
	}, 90_000);

	it('refuses to download a generation that is not completed, naming it (and never contacts the CDN)', async () => {
		const sim = await startSim();
		const [pending, failed] = await createGenerations(sim, 2);
		sim.finish(failed, { status: 'failed', error_message: 'Image contains photorealistic people.' });

		const notYet = await caught(runNode(sim, { operation: 'download', generationId: pending }));
		expect(notYet).toBeInstanceOf(NodeOperationError);
		expect(notYet.message).toBe(`Generation ${pending} has no video yet (status: pending)`);
		expect(notYet.description).toMatch(/Try again when it is completed/);

		const failure = await caught(runNode(sim, { operation: 'download', generationId: failed }));
		expect(failure.message).toBe(`Generation ${failed} has no video yet (status: failed)`);
		expect(failure.description).toBe('RunBlob says: Image contains photorealistic people.');

		expect(sim.cdnRequests).toHaveLength(0);
	});

	it('explains an expired or missing video link (CDN 404) and rejects a non-http(s) URL locally', async () => {
		const sim = await startSim();
		const gone = `${sim.cdnUrl}/videos/2025/11/550e8400-e29b-41d4-a716-446655440000.mp4`;

		const error = await caught(runNode(sim, { operation: 'download', source: 'url', videoUrl: gone }));
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(`The video file is not available at ${gone}`);
		expect(error.description).toMatch(/expired/);
		expect(sim.cdnRequests.map((r) => r.status)).toEqual([404]); // a 404 is final: not retried

		const local = await caught(runNode(sim, { operation: 'download', source: 'url', videoUrl: 'file:///etc/passwd' }));
		expect(local).toBeInstanceOf(NodeOperationError);
		expect(local.message).toBe('"file:///etc/passwd" is not an http(s) URL');
		expect(sim.cdnRequests).toHaveLength(1);
	});

	it('rejects an invalid generation ID locally', async () => {
		const sim = await startSim();
		const error = await caught(runNode(sim, { operation: 'download', generationId: 'latest' }));
		expect(error.message).toBe('"latest" is not a RunBlob generation ID');
		expect(sim.requests).toHaveLength(0);
	});
});
