#!/usr/bin/env node
// `npm run docs:screenshots`: pictures of the real n8n editor with this package, for the README. Starts the playground
// (scripts/playground.js, what `npm start` runs) in a throwaway folder on free ports, drives Debian's headless Chromium
// with playwright-core through it as a user would, and saves PNGs under docs/screenshots/:
//   node-picker-*.png          the node panel searched for "RunBlob" (action and trigger context; best effort)
//   example-<file>.png         each example's canvas
//   runblob-node.png, runblob-trigger.png, credential.png   parameter panels and the credential dialog
//   wait-running.png, wait-running-panel.png                what the editor shows while Wait for Video waits
//   wait-finished-binary.png   a finished run's output with the video in the Binary tab
//   agent-chat.png             the agent example's chat after a message (the playground's fake AI model)
//
//   node scripts/docs-screenshots.js [--runtime current|oldest] [--keep] [--only agent-chat]
//   (npm run docs:screenshots builds first; --only takes just that picture)
//
// Environment: CHROMIUM (default /usr/bin/chromium; `apt-get install chromium`), RUNBLOB_RUNTIMES_DIR.
// Re-runnable: every run starts from an empty n8n, so the pictures change only when the UI or the package does.
'use strict';

const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const harness = require('../test/e2e/harness.js');

const REPO_ROOT = path.resolve(__dirname, '..');
const OUT_DIR = path.join(REPO_ROOT, 'docs', 'screenshots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const args = process.argv.slice(2);
const RUNTIME = args.includes('--runtime') ? args[args.indexOf('--runtime') + 1] : 'current';
const KEEP = args.includes('--keep');
const ONLY = args.includes('--only') ? args[args.indexOf('--only') + 1] : '';
const VIEWPORT = { width: 1440, height: 900 };

const WAIT_EXAMPLE = 'RunBlob: generate a video and wait for it';
const TRIGGER_EXAMPLE = 'RunBlob: receive finished videos (trigger) → S3, alert on failure';
const AGENT_EXAMPLE = 'RunBlob: AI agent makes a video and emails it (chat → agent → trigger → email)';

const log = (msg) => process.stdout.write(`[screenshots] ${msg}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let playground = null;
let browserContext = null;
let currentPage = null;
let workDir = '';

async function main() {
	if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM)`);
	const { chromium } = require('playwright-core');
	fs.mkdirSync(OUT_DIR, { recursive: true });

	const base = await startPlayground();
	const cookie = await login(base);

	const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'runblob-chromium-'));
	browserContext = await chromium.launchPersistentContext(userDataDir, {
		executablePath: CHROMIUM,
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

	// 3. The parameter panels.
	await openWorkflow(page, base, byName(WAIT_EXAMPLE).id);
	await openNode(page, 'Generate video');
	await shot(page, 'runblob-node.png');
	await closeNode(page);

	await openWorkflow(page, base, byName(TRIGGER_EXAMPLE).id);
	await openNode(page, 'RunBlob Trigger');
	// Show the Production URL, the one to give the RunBlob node.
	await page.getByText('Webhook URLs').first().click().catch(() => undefined);
	await page.getByText('Production URL', { exact: true }).first().click().catch(() => undefined);
	await sleep(500);
	await shot(page, 'runblob-trigger.png');
	await closeNode(page);

	// 4. The credential dialog.
	const credentials = await rest('GET', '/credentials');
	const credential = credentials.find((c) => c.type === 'runBlobApi');
	await page.goto(`${base}/home/credentials/${credential.id}`);
	await page.getByText('Base URL').first().waitFor();
	await sleep(800);
	await shot(page, 'credential.png');
	await page.keyboard.press('Escape');

	// 5. Wait for Video from the editor's Execute button: while it waits, and once the video is there.
	await openWorkflow(page, base, byName(WAIT_EXAMPLE).id);
	await page.locator('[data-test-id="execute-workflow-button"]').first().click();
	await sleep(5000); // the simulator renders for 60 s here (PLAYGROUND_RENDER_SECONDS): this is the waiting phase
	await shot(page, 'wait-running.png');
	await openNode(page, 'Generate video');
	await sleep(500);
	await shot(page, 'wait-running-panel.png');
	await closeNode(page);
	// Until the run has finished (or 150 s, then the picture tells).
	const deadline = Date.now() + 150_000;
	while (Date.now() < deadline) {
		const executions = await rest('GET', `/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId: byName(WAIT_EXAMPLE).id }))}`);
		const latest = (executions.results || executions)[0];
		if (latest && latest.status !== 'running' && latest.status !== 'waiting' && latest.status !== 'new') break;
		await sleep(500);
	}
	await sleep(1500);
	await openNode(page, 'Generate video');
	const binaryTab = page.getByText('Binary', { exact: true }).last();
	if (await binaryTab.isVisible().catch(() => false)) await binaryTab.click();
	await sleep(800);
	await shot(page, 'wait-finished-binary.png');
	await closeNode(page);

	// 6. The node panel searched as a newcomer would: action context (Tab on a canvas), trigger context (empty
	// workflow). Last, on a warmed-up editor: on a busy machine the panel sometimes does not open, then say so.
	try {
		await openWorkflow(page, base, byName(WAIT_EXAMPLE).id);
		await searchNodes(page, 'RunBlob', () => page.keyboard.press('Tab'));
		await shot(page, 'node-picker-action.png');
		await page.keyboard.press('Escape');
		await openWorkflow(page, base, 'new');
		await searchNodes(page, 'RunBlob', () => page.getByText('Add first step').first().click());
		await shot(page, 'node-picker-trigger.png');
	} catch (err) {
		log(`node panel pictures not taken this time: ${err.message}`);
	}
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

async function shot(page, file) {
	await page.screenshot({ path: path.join(OUT_DIR, file) });
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
