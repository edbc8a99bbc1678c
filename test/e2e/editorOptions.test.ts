// The node as the real editor gets it, on the current and the oldest supported n8n: the description n8n serves
// (/types/nodes.json) offers Generate, Get, Get Many and Download on both resources in each one's words, the same
// Options for Image as for Video, and one "Max Wait (Minutes)" per model with that model's declared default — decided
// with the display rules of that n8n version's own n8n-workflow (what its editor uses to show and add an option).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import type { BrowserContext } from 'playwright-core';

import { useSharedN8n } from './shared';
import { chromiumBin } from './services/binaries';
import { FAMILIES } from '../../nodes/shared/families';
import { RUNTIMES, SETUP_TIMEOUT_MS } from './workflows';

type N8n = Awaited<ReturnType<typeof useSharedN8n>>;
// n8n's served descriptions are plain JSON; read loosely.
type Property = { name: string; type: string; default?: unknown; description?: string; options?: any[]; displayOptions?: any };
type Served = { name: string; version: number | number[]; properties: Property[] };

const TEST_TIMEOUT_MS = 60_000;
const BROWSER_TIMEOUT_MS = 5 * 60_000;

describe.each(RUNTIMES)('n8n runtime "%s": the RunBlob node in the editor', (runtime) => {
	let n8n: N8n | undefined;
	let node: Served;
	let displayParameter: (values: object, property: Property, node: object, description: object, root: object) => boolean;

	beforeAll(async () => {
		n8n = await useSharedN8n({ runtime, label: 'editor-options', editor: true });
		const served = await n8n.http('GET', '/types/nodes.json', { auth: 'cookie' });
		expect(served.status).toBe(200);
		const entries = (served.json as Served[]).filter((n) => n.name === 'n8n-nodes-runblob.runBlob');
		node = entries.find((n) => [n.version].flat().includes(2)) as Served;
		// This n8n version's own display rules.
		const workflow = await import(path.join(n8n.runtime.dir, 'node_modules', 'n8n-workflow'));
		displayParameter = workflow.NodeHelpers.displayParameter;
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		await n8n?.detach();
	});

	const shownFor = (resource: string, operation: string) =>
		node.properties.filter(
			(p) => p.displayOptions?.show?.resource?.includes(resource) && p.displayOptions?.show?.operation?.includes(operation),
		);
	const waitOptions = (resource: string) => shownFor(resource, 'generate').find((p) => p.name === 'waitOptions')!;
	const asNode = { name: 'RunBlob', typeVersion: 2, type: 'n8n-nodes-runblob.runBlob', parameters: {} };

	test('both resources offer Generate, Get, Get Many and Download, in their own words', () => {
		for (const [resource, noun] of [['video', 'video'], ['image', 'image']]) {
			const operation = node.properties.find((p) => p.name === 'operation' && p.displayOptions?.show?.resource?.includes(resource))!;
			expect(operation.options!.map((o) => o.value).sort()).toEqual(['download', 'generate', 'get', 'getMany']);
			expect(operation.options!.find((o) => o.value === 'generate').action).toContain(noun);
			const completion = shownFor(resource, 'generate').find((p) => p.name === 'completion' && p.displayOptions?.show?.['@tool']?.includes(false))!;
			expect(completion.options!.map((o) => o.name)).toContain(`Wait for ${resource === 'video' ? 'Video' : 'Image'}`);
		}
	}, TEST_TIMEOUT_MS);

	test('Image has the same Generate parameters and Options as Video (Parallel Submissions, Download, Max Wait, ...)', () => {
		for (const resource of ['video', 'image']) {
			expect(shownFor(resource, 'generate').map((p) => p.name)).toEqual(expect.arrayContaining(['submissionConcurrency', 'minimumBalance', 'waitOptions']));
		}
		const names = (resource: string) => [...new Set(waitOptions(resource).options!.map((o) => o.name))];
		expect(names('image')).toEqual(names('video').map((n) => (n === 'downloadVideo' ? 'downloadImage' : n)));
	}, TEST_TIMEOUT_MS);

	test('adding Max Wait offers the chosen model\'s own default, from its family declaration', () => {
		for (const family of FAMILIES) {
			for (const { value: model } of family.models) {
				const offered = waitOptions(family.kind).options!.filter(
					(o) => o.name === 'maxWaitMinutes' && displayParameter({}, o, asNode, node, { resource: family.kind, model }),
				);
				expect({ model, defaults: offered.map((o) => o.default) }).toEqual({ model, defaults: [family.defaultWaitMinutes] });
			}
		}
		// A Model given by an expression: one Max Wait, 0 meaning each model's default.
		const byExpression = waitOptions('video').options!.filter(
			(o) => o.name === 'maxWaitMinutes' && displayParameter({}, o, asNode, node, { resource: 'video', model: '={{ $json.model }}' }),
		);
		expect(byExpression.map((o) => o.default)).toEqual([0]);
	}, TEST_TIMEOUT_MS);

	// The editor itself: a Sora 2 video node and a Nano Banana image node, each waiting; the user opens each and adds
	// Max Wait from Options, and sees that model's declared default.
	test('in the editor, adding Max Wait shows the model\'s default (Sora 2: 60, Nano Banana: 10)', async () => {
		const cases = [
			{ node: 'Sora', resource: 'video', model: 'sora-2', completion: 'waitForVideo' },
			{ node: 'Nano Banana', resource: 'image', model: 'nano-banana', completion: 'waitForImage' },
		].map((c) => ({ ...c, family: FAMILIES.find((f) => f.models.some((m) => m.value === c.model))! }));
		expect(cases.map((c) => c.family.defaultWaitMinutes)).toEqual([60, 10]);
		// One workflow per model, so each node opens on a fresh canvas.
		const workflowIds: string[] = [];
		for (const c of cases) {
			const created = await n8n!.rest('POST', '/workflows', {
				name: `max wait follows the model: ${c.model}`,
				nodes: [
					{
						id: `e2e-max-wait-${c.model}`,
						name: c.node,
						type: 'n8n-nodes-runblob.runBlob',
						typeVersion: 2,
						position: [0, 0],
						parameters: { resource: c.resource, operation: 'generate', model: c.model, prompt: 'a harbour at dawn', completion: c.completion },
					},
				],
				connections: {},
				settings: {},
			});
			workflowIds.push(created.data.id);
		}
		const { chromium } = await import('playwright-core');
		const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'runblob-e2e-chromium-'));
		let browser: BrowserContext | undefined;
		try {
			browser = await chromium.launchPersistentContext(userDataDir, {
				executablePath: chromiumBin(),
				headless: true,
				args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
				viewport: { width: 1440, height: 900 },
			});
			const [name, value] = n8n!.cookie.split(';')[0].split('=');
			await browser.addCookies([{ name, value, domain: new URL(n8n!.baseUrl).hostname, path: '/' }]);
			for (const [i, c] of cases.entries()) {
				// A fresh tab per model (the previous one has unsaved changes).
				const page = await browser.newPage();
				page.setDefaultTimeout(90_000);
				await page.goto(`${n8n!.baseUrl}/workflow/${workflowIds[i]}`, { waitUntil: 'domcontentloaded' });
				await page.locator('[data-test-id="canvas-node"]').filter({ hasText: c.node }).first().dblclick();
				const ndv = page.locator('[data-test-id="ndv"]').first();
				await ndv.waitFor();
				// Options → Add option → Max Wait (Minutes)
				const options = ndv.locator('[data-test-id="parameter-item"]').filter({ has: page.locator('label[for="waitOptions"]') });
				await options.locator('[data-test-id="collection-parameter-add"]').first().click();
				await page.locator('.el-select-dropdown__item:visible').filter({ hasText: 'Max Wait (Minutes)' }).first().click();
				const input = ndv.locator('[data-test-id="parameter-input-maxWaitMinutes"] input').first();
				await input.waitFor();
				expect({ model: c.model, shown: Number(await input.inputValue()) }).toEqual({ model: c.model, shown: c.family.defaultWaitMinutes });
				await page.close();
			}
		} finally {
			await browser?.close();
			fs.rmSync(userDataDir, { recursive: true, force: true });
			// The instance is shared with other files: leave nothing behind.
			for (const id of workflowIds) await n8n!.api('DELETE', `/workflows/${id}`).catch(() => undefined);
		}
	}, BROWSER_TIMEOUT_MS);
});
