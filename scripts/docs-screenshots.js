#!/usr/bin/env node
// `npm run docs:screenshots`: pictures of the real n8n editor with this package, for the README. Starts the playground
// (scripts/playground.js, what `npm start` runs) in a throwaway folder on free ports, drives Debian's headless Chromium
// with playwright-core through it as a user would (version-2 nodes, as the examples are saved), and saves the PNGs
// listed in PICTURES under docs/screenshots/. test/unit/docsScreenshots.test.ts fails when the README shows a picture
// that is not in that list. It also checks, in the browser, that the finished video plays in n8n's Binary view (its
// videoWidth is non-zero and its currentTime advances), that the finished image renders there, and that a PNG, a
// WEBP and a JPEG from the simulator each render in Chromium; it fails otherwise.
//   agent-chat.png is the agent example's chat after a message (the playground's fake AI model); `--only agent-chat`
//   takes just that picture.
//
//   node scripts/docs-screenshots.js [--runtime current|oldest] [--keep] [--only agent-chat]
//   (npm run docs:screenshots builds first; --only takes just that picture)
//
// Environment: CHROMIUM (default: chromium on PATH; `apt-get install chromium`), RUNBLOB_RUNTIMES_DIR.
// Re-runnable: every run starts from an empty n8n, so the pictures change only when the UI or the package does.
'use strict';

const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const harness = require('../test/e2e/harness.js');
const { chromiumBin } = require('../test/e2e/services/binaries.js');
const { exampleFiles } = require('./examples.js');

/** Every picture this script saves (the README may show only these). */
const PICTURES = [
	...exampleFiles().map((file) => `example-${file.replace(/\.json$/, '')}.png`),
	'runblob-node.png', // the Sora 2 node of the wait example
	'model-picker.png', // the Model list open
	'kling-o3-panel.png', // Kling O3's own parameters
	'image-nano-banana.png', // the Image resource with Nano Banana
	'runblob-trigger.png',
	'credential.png',
	'wait-running.png',
	'wait-running-panel.png',
	'wait-finished-binary.png', // the finished video, playing
	'image-finished.png', // a finished image in the Binary view
	'node-picker-action.png', // one RunBlob entry holds the actions and the trigger
	'kling-o3-panel-dark.png',
	'example-generate-video-and-wait-dark.png',
	'wait-finished-binary-dark.png',
	'agent-chat.png', // the agent example's chat (the playground's fake AI model)
];

const REPO_ROOT = path.resolve(__dirname, '..');
const OUT_DIR = path.join(REPO_ROOT, 'docs', 'screenshots');
const args = process.argv.slice(2);
const RUNTIME = args.includes('--runtime') ? args[args.indexOf('--runtime') + 1] : 'current';
const KEEP = args.includes('--keep');
const ONLY = args.includes('--only') ? args[args.indexOf('--only') + 1] : '';
const VIEWPORT = { width: 1440, height: 900 };

const WAIT_EXAMPLE = 'RunBlob: generate a video and wait for it';
const KLING_O3_EXAMPLE = 'RunBlob: Kling O3 video, wait for it';
const IMAGE_EXAMPLE = 'RunBlob: generate an image, then animate it (waiting on both)';
const TRIGGER_EXAMPLE = 'RunBlob: receive finished videos (trigger) → S3, alert on failure';
const AGENT_EXAMPLE = 'RunBlob: AI agent makes a video and emails it (chat → agent → trigger → email)';

const log = (msg) => process.stdout.write(`[screenshots] ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let playground = null;
let browserContext = null;
let currentPage = null;
let workDir = '';

async function main() {
	const executablePath = chromiumBin();
	const { chromium } = require('playwright-core');
	fs.mkdirSync(OUT_DIR, { recursive: true });

	const base = await startPlayground();
	const cookie = await login(base);

	const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'runblob-chromium-'));
	browserContext = await chromium.launchPersistentContext(userDataDir, {
		executablePath,
		headless: true,
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
		viewport: VIEWPORT,
		deviceScaleFactor: 1,
		colorScheme: 'light',
		locale: 'en-US',
		timezoneId: 'UTC',
	});
	const url = new URL(base);
	await browserContext.addCookies([{ name: 'n8n-auth', value: cookie, domain: url.hostname, path: '/' }]);
	const page = browserContext.pages()[0] || (await browserContext.newPage());
	// Generous: the editor's first load compiles and fetches a lot, and the machine may be busy.
	page.setDefaultNavigationTimeout(180_000);
	page.setDefaultTimeout(60_000);
	currentPage = page;

	const rest = async (method, p, body) => {
		const res = await harness.httpRequest(method, `${base}/rest${p}`, { headers: { cookie: `n8n-auth=${cookie}` }, body });
		if (res.status < 200 || res.status >= 300) throw new Error(`${method} /rest${p}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
		return res.json.data;
	};
	const workflows = await rest('GET', '/workflows');
	const byName = (name) => {
		const wf = workflows.find((w) => w.name === name);
		if (!wf) throw new Error(`the playground has no workflow "${name}"`);
		return wf;
	};

	// 0. The agent example's chat (first, so --only agent-chat stops here): a message, and the agent's answer once the
	// RunBlob tool has run.
	await agentChat(page, base, byName(AGENT_EXAMPLE).id);
	if (ONLY === 'agent-chat') return;

	// 1. Each example's canvas.
	const files = fs.readdirSync(path.join(REPO_ROOT, 'examples')).filter((f) => f.endsWith('.json')).sort();
	for (const file of files) {
		const { name } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'examples', file), 'utf8'));
		await openWorkflow(page, base, byName(name).id);
		await shot(page, `example-${file.replace(/\.json$/, '')}.png`);
	}

	// 2. The parameter panels (version-2 nodes, as the examples are saved).
	await openWorkflow(page, base, byName(WAIT_EXAMPLE).id);
	await openNode(page, 'Generate video');
	await shot(page, 'runblob-node.png');
	await closeNode(page);

	await openWorkflow(page, base, byName(KLING_O3_EXAMPLE).id);
	await openNode(page, 'Generate video');
	await shot(page, 'kling-o3-panel.png');
	await page.locator('[data-test-id="parameter-input-model"]').first().click();
	await sleep(800);
	await shot(page, 'model-picker.png');
	await page.keyboard.press('Escape');
	await closeNode(page);

	await openWorkflow(page, base, byName(IMAGE_EXAMPLE).id);
	await openNode(page, 'Generate key frame');
	await shot(page, 'image-nano-banana.png');
	await closeNode(page);

	await openWorkflow(page, base, byName(TRIGGER_EXAMPLE).id);
	await openNode(page, 'RunBlob Trigger');
	// Show the Production URL, the one to give the RunBlob node.
	await page.getByText('Webhook URLs').first().click().catch(() => undefined);
	await page.getByText('Production URL', { exact: true }).first().click().catch(() => undefined);
	await sleep(500);
	await shot(page, 'runblob-trigger.png');
	await closeNode(page);

	// 3. The credential dialog.
	const credentials = await rest('GET', '/credentials');
	const credential = credentials.find((c) => c.type === 'runBlobApi');
	await page.goto(`${base}/home/credentials/${credential.id}`);
	await page.getByText('Base URL').first().waitFor();
	await sleep(800);
	await shot(page, 'credential.png');
	await page.keyboard.press('Escape');

	// 4. Wait for Video from the editor's Execute button: while it waits, and once the video is there, playing.
	await openWorkflow(page, base, byName(WAIT_EXAMPLE).id);
	await page.locator('[data-test-id="execute-workflow-button"]').first().click();
	await sleep(5000); // the simulator renders for 60 s here (PLAYGROUND_RENDER_SECONDS): this is the waiting phase
	await shot(page, 'wait-running.png');
	await openNode(page, 'Generate video');
	await sleep(500);
	await shot(page, 'wait-running-panel.png');
	await closeNode(page);
	await waitForRun(rest, byName(WAIT_EXAMPLE).id);
	// Later renders are short: only the waiting pictures need the long one.
	await harness.httpRequest('POST', `${playground.simulatorUrl}/_sim/config`, { body: { timing: { queueMs: 500, processingMs: 3000 } } });
	await openNode(page, 'Generate video');
	const playing = await showBinary(page, 'video');
	log(`the finished video in the Binary view: ${JSON.stringify(playing)}`);
	if (!(playing.videoWidth > 0 && playing.advanced)) throw new Error(`the finished video does not play in n8n's Binary view: ${JSON.stringify(playing)}`);
	await shot(page, 'wait-finished-binary.png');
	await page.emulateMedia({ colorScheme: 'dark' });
	await setTheme(page, 'dark');
	await sleep(800);
	await shot(page, 'wait-finished-binary-dark.png');
	await setTheme(page, 'light');
	await page.emulateMedia({ colorScheme: 'light' });
	await page.keyboard.press('Escape');
	await closeNode(page);

	// 5. A finished image: the image example (Nano Banana, then Kling O3 animating it).
	await openWorkflow(page, base, byName(IMAGE_EXAMPLE).id);
	await page.locator('[data-test-id="execute-workflow-button"]').first().click();
	await waitForRun(rest, byName(IMAGE_EXAMPLE).id);
	await openNode(page, 'Generate key frame');
	const image = await showBinary(page, 'img');
	log(`the finished image in the Binary view: ${JSON.stringify(image)}`);
	if (!(image.naturalWidth > 0)) throw new Error(`the finished image does not render in n8n's Binary view: ${JSON.stringify(image)}`);
	await shot(page, 'image-finished.png');
	await page.keyboard.press('Escape');
	await closeNode(page);
	const pictures = await renderServedPictures(browserContext, playground.simulatorUrl);
	log(`every picture format the simulator serves, opened in the browser: ${JSON.stringify(pictures)}`);

	// 6. The node panel searched as a newcomer would, on a warmed-up editor (on a busy machine the panel sometimes does
	// not take the first action).
	await openWorkflow(page, base, byName(WAIT_EXAMPLE).id);
	// The canvas's "+" button (n8n 2.41 moved the keyboard shortcut from Tab to N; the button is in every version).
	await searchNodes(page, 'RunBlob', async () => {
		await dismissPopups(page);
		const plus = page.locator('[data-test-id="node-creator-plus-button"]').first();
		if (await plus.isVisible().catch(() => false)) await plus.click();
		else await page.keyboard.press('n');
	});
	await shot(page, 'node-picker-action.png');
	await page.keyboard.press('Escape');

	// 7. Dark theme.
	await page.emulateMedia({ colorScheme: 'dark' });
	await setTheme(page, 'dark');
	await openWorkflow(page, base, byName(WAIT_EXAMPLE).id);
	await shot(page, 'example-generate-video-and-wait-dark.png');
	await openWorkflow(page, base, byName(KLING_O3_EXAMPLE).id);
	await openNode(page, 'Generate video');
	await shot(page, 'kling-o3-panel-dark.png');
	await closeNode(page);

	const missing = PICTURES.filter((file) => !taken.has(file));
	if (missing.length) throw new Error(`pictures not taken: ${missing.join(', ')}`);
}

/** Until the workflow's latest run has finished (or 150 s, then the picture tells). */
async function waitForRun(rest, workflowId) {
	const deadline = Date.now() + 150_000;
	while (Date.now() < deadline) {
		const executions = await rest('GET', `/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}`);
		const latest = (executions.results || executions)[0];
		if (latest && latest.status !== 'running' && latest.status !== 'waiting' && latest.status !== 'new') return latest;
		await sleep(500);
	}
	log(`the run of workflow ${workflowId} did not finish within 150 s`);
	return null;
}

/**
 * In the open node's output: the Binary tab, then "View" on the first file, which shows it in n8n's own viewer. For a
 * video: starts it and reports whether it plays (videoWidth > 0, currentTime advancing); for an image: its size.
 */
async function showBinary(page, tag) {
	await sleep(1500);
	const binaryTab = page.getByText('Binary', { exact: true }).last();
	if (await binaryTab.isVisible().catch(() => false)) await binaryTab.click();
	await sleep(800);
	// The Logs panel behind the node panel can show the same file with its own View button, and other <img>s (node
	// icons) are on the page: only what is on top, in n8n's file viewer, counts.
	await (await onTop(page.getByRole('button', { name: 'View' }))).click();
	const media = await onTop(page.locator(`.binary-data-window ${tag}`));
	await media.waitFor({ timeout: 30_000 });
	if (tag === 'img') {
		await page.waitForFunction((el) => el.complete, await media.elementHandle(), { timeout: 30_000 }).catch(() => undefined);
		return media.evaluate((el) => ({ naturalWidth: el.naturalWidth, naturalHeight: el.naturalHeight }));
	}
	return media.evaluate(async (video) => {
		video.muted = true;
		await video.play().catch(() => undefined);
		const start = video.currentTime;
		await new Promise((r) => setTimeout(r, 1200));
		const result = { videoWidth: video.videoWidth, videoHeight: video.videoHeight, from: start, to: video.currentTime };
		return { ...result, advanced: video.currentTime > start };
	});
}

/** The image families and the format each one's results come in (test/simulator/README.md). */
const PICTURE_FAMILIES = [
	['nano-banana', '/v1/gemini', 'task_uuid', 'image/png'],
	['chatgpt-images', '/v1/chatgpt-images', 'task_uuid', 'image/webp'],
	['kling-o1-photo', '/v1/kling/o1-photo', 'generation_id', 'image/jpeg'],
];

/**
 * Opens a finished picture of each format the simulator serves (PNG, WEBP, JPEG) in a tab of its own and checks that
 * Chromium decodes it: the right Content-Type and a non-zero natural size. n8n's Binary view shows PNG above; this
 * covers the other formats without an example workflow for each. Throws on the first picture that does not render.
 * @param {import('playwright-core').BrowserContext} context
 * @param {string} simulatorUrl the simulator's API base (its key is the playground's)
 */
async function renderServedPictures(context, simulatorUrl) {
	const auth = { authorization: 'Bearer sk-sim-test-key' };
	const page = await context.newPage();
	const seen = {};
	try {
		for (const [family, base, idField, type] of PICTURE_FAMILIES) {
			const created = await harness.httpRequest('POST', `${simulatorUrl}${base}/generate`, { headers: auth, body: { prompt: 'a lighthouse at dawn' } });
			const id = created.json && created.json[idField];
			if (created.status !== 201 || !id) throw new Error(`${family}: the simulator answered ${created.status} ${created.text.slice(0, 200)}`);
			await harness.httpRequest('POST', `${simulatorUrl}/_sim/generations/${id}/finish`, { body: {} });
			const { result_url: url } = (await harness.httpRequest('GET', `${simulatorUrl}/_sim/generations/${id}`)).json;
			const response = await page.goto(url);
			const contentType = response ? response.headers()['content-type'] : '';
			const img = page.locator('img').first();
			await img.waitFor();
			const size = await img.evaluate(async (el) => {
				await el.decode().catch(() => undefined);
				return { naturalWidth: el.naturalWidth, naturalHeight: el.naturalHeight };
			});
			if (contentType !== type || !(size.naturalWidth > 0)) throw new Error(`${family}: ${url} (${contentType}) does not render: ${JSON.stringify(size)}`);
			seen[type] = `${size.naturalWidth}x${size.naturalHeight}`;
		}
	} finally {
		await page.close();
	}
	return seen;
}

/**
 * The first element of `locator` that the user sees on top (the element at its centre is it or inside it); waits for
 * one up to 30 s.
 * @param {import('playwright-core').Locator} locator
 */
async function onTop(locator) {
	const deadline = Date.now() + 30_000;
	for (;;) {
		const count = await locator.count();
		for (let i = 0; i < count; i++) {
			const candidate = locator.nth(i);
			const visible = await candidate
				.evaluate((el) => {
					const r = el.getBoundingClientRect();
					const hit = r.width > 0 && document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
					return Boolean(hit && (el === hit || el.contains(hit)));
				})
				.catch(() => false);
			if (visible) return candidate;
		}
		if (Date.now() > deadline) throw new Error(`nothing on top for ${locator} (${count} found)`);
		await sleep(500);
	}
}

/** n8n keeps the editor's theme in localStorage (N8N_THEME: light, dark or system); it applies on reload. */
async function setTheme(page, theme) {
	await page.evaluate((t) => localStorage.setItem('N8N_THEME', t), theme);
	await page.reload({ waitUntil: 'domcontentloaded' });
	await sleep(2500);
	await dismissPopups(page);
}

/** The editor's own chat (Open chat), since the public chat page loads n8n's chat widget from a CDN. */
async function agentChat(page, base, workflowId) {
	await openWorkflow(page, base, workflowId);
	// force: the canvas pane sometimes still holds a selection layer over the button right after loading.
	await page.getByRole('button', { name: /Open chat/i }).first().click({ force: true });
	const input = page.getByPlaceholder(/Type message/i).first();
	await input.waitFor();
	await input.fill('Make me a 10-second video of a cat surfing a wave at sunset, and email it to me');
	await input.press('Enter');
	await page.getByText('generation_id').last().waitFor({ timeout: 120_000 });
	await sleep(1500);
	await shot(page, 'agent-chat.png');
}

async function openWorkflow(page, base, id) {
	await page.goto(`${base}/workflow/${id}`, { waitUntil: 'domcontentloaded' });
	await page.locator('[data-test-id="canvas-wrapper"], .vue-flow').first().waitFor();
	await sleep(1500); // the canvas fits the view after the first paint
	await dismissPopups(page);
}

/**
 * Opens the node panel with `open` (retried: on a busy machine the canvas may not take the first action) and types
 * into its search box, which n8n focuses when the panel opens (typing before that loses the first letters).
 */
async function searchNodes(page, text, open) {
	const searchFocused = () =>
		page
			.waitForFunction(() => document.activeElement?.tagName === 'INPUT', undefined, { timeout: 20_000 })
			.then(() => true, () => false);
	for (let attempt = 1; ; attempt++) {
		await open();
		if (await searchFocused()) break;
		if (attempt === 3) throw new Error('the node panel did not open');
	}
	await page.keyboard.type(text);
	await sleep(1500);
}

async function dismissPopups(page) {
	for (let i = 0; i < 2; i++) await page.keyboard.press('Escape');
	// n8n's one-time hints ("Press N to browse nodes … Got it") would cover the panels.
	const gotIt = page.getByRole('button', { name: 'Got it' });
	if (await gotIt.first().isVisible().catch(() => false)) await gotIt.first().click();
}

async function openNode(page, name) {
	await page.locator('[data-test-id="canvas-node"]').filter({ hasText: name }).first().dblclick();
	await page.locator('[data-test-id="ndv"]').first().waitFor();
	await sleep(800);
}

async function closeNode(page) {
	await page.keyboard.press('Escape');
	await sleep(400);
}

const taken = new Set();
async function shot(page, file) {
	if (!PICTURES.includes(file)) throw new Error(`${file} is not in PICTURES`);
	await page.screenshot({ path: path.join(OUT_DIR, file) });
	taken.add(file);
	log(`saved docs/screenshots/${file}`);
}

/** Starts scripts/playground.js in a throwaway folder on free ports; resolves with the editor URL. */
async function startPlayground() {
	const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
	fs.mkdirSync(harness.WORK_ROOT, { recursive: true });
	workDir = path.join(harness.WORK_ROOT, `screenshots-${stamp}-${crypto.randomBytes(3).toString('hex')}`);
	const env = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (!/^(N8N_|WEBHOOK_URL$|PLAYGROUND_)/.test(k)) env[k] = v;
	}
	Object.assign(env, {
		N8N_PORT: String(await harness.freePort()),
		N8N_RUNNERS_BROKER_PORT: String(await harness.freePort()),
		PLAYGROUND_SIM_PORT: '0',
		// Long enough to photograph the waiting run on a busy machine.
		PLAYGROUND_RENDER_SECONDS: '60',
		PLAYGROUND_DIR: workDir,
	});
	log(`starting the playground (n8n "${RUNTIME}") in ${path.relative(REPO_ROOT, workDir)}…`);
	playground = spawn(process.execPath, [path.join(__dirname, 'playground.js'), '--no-build', '--runtime', RUNTIME], {
		cwd: REPO_ROOT,
		env,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	let output = '';
	playground.stdout.on('data', (d) => (output += d));
	playground.stderr.on('data', (d) => (output += d));
	const deadline = Date.now() + 15 * 60_000;
	while (!/Ctrl-C stops n8n/.test(output)) {
		if (playground.exitCode !== null) throw new Error(`the playground exited:\n${output}`);
		if (Date.now() > deadline) throw new Error(`the playground did not start:\n${output}`);
		await sleep(250);
	}
	playground.output = output;
	const base = /Open\s+(http:\/\/\S+)/.exec(output)[1];
	const [, email, password] = /Log in\s+(\S+)\s+\/\s+(\S+)/.exec(output);
	playground.login = { email, password };
	playground.simulatorUrl = /Simulator\s+(http:\/\/\S+)/.exec(output)[1];
	log(`playground up at ${base}`);
	return base;
}

async function login(base) {
	const { email, password } = playground.login;
	const res = await harness.httpRequest('POST', `${base}/rest/login`, {
		body: { emailOrLdapLoginId: email, email, password },
	});
	const cookie = (res.headers['set-cookie'] || []).map((c) => c.split(';')[0]).find((c) => c.startsWith('n8n-auth='));
	if (res.status !== 200 || !cookie) throw new Error(`login failed: HTTP ${res.status}`);
	return cookie.slice('n8n-auth='.length);
}

async function stop() {
	if (browserContext) await browserContext.close().catch(() => undefined);
	if (playground && playground.exitCode === null) {
		const exited = new Promise((r) => playground.once('exit', r));
		process.kill(playground.pid, 'SIGINT');
		await Promise.race([exited, sleep(30_000)]);
		if (playground.exitCode === null) harness.killGroup(playground.pid, 'SIGKILL');
	}
	if (workDir && !KEEP && !failed) fs.rmSync(workDir, { recursive: true, force: true });
}

let failed = false;
if (require.main === module) {
	main()
		.then(stop)
		.catch(async (err) => {
			failed = true;
			process.stderr.write(`[screenshots] ${err.stack || err}\n`);
			// What the browser showed when it failed, next to the kept playground folder.
			if (currentPage && workDir) {
				await currentPage.screenshot({ path: path.join(workDir, 'failure.png') }).catch(() => undefined);
				process.stderr.write(`[screenshots] the page at that moment: ${path.join(workDir, 'failure.png')}\n`);
			}
			await stop();
			process.exit(1);
		});
}

module.exports = { PICTURES, renderServedPictures };
