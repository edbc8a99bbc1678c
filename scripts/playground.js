#!/usr/bin/env node
// `npm start`: a local playground. Builds the package, starts the RunBlob simulator and a real n8n on 127.0.0.1:5678
// with the package installed from its packed tarball (like a community package), a "RunBlob (local simulator)"
// credential and the example workflows from examples/. Data lives in .playground/ (git-ignored) and survives restarts.
//
//   npm start                      # or: node scripts/playground.js [--no-build] [--verbose] [--runtime oldest]
//   npm start -- --reset           # puts the examples and the playground's credentials back as shipped
//                                  # (your other workflows, credentials and past executions are kept)
//   Ctrl-C stops n8n, its task runner and the simulator.
//
// Environment: N8N_PORT (default 5678), PLAYGROUND_SIM_PORT (default 5690; the CDN, mail, S3, chat and fake AI model
// services use the next 5 ports; 0 = random ports), PLAYGROUND_DIR (default <repo>/.playground), PLAYGROUND_RENDER_SECONDS (default 10),
// RUNBLOB_RUNTIMES_DIR (where the n8n runtimes are cached), and any N8N_* variable you want n8n to see (for example
// N8N_WEBHOOK_URL=https://<your tunnel>/ to try real RunBlob).
'use strict';

const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const harness = require('../test/e2e/harness.js');
const { exampleFiles, loadExample } = require('./examples.js');
const { startDeliveryServices } = require('./playground-delivery.js');
const { startFakeModel } = require('../test/e2e/services/fakeModel.js');

const REPO_ROOT = path.resolve(__dirname, '..');
const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
	process.stdout.write(fs.readFileSync(__filename, 'utf8').split('\n').slice(1, 14).join('\n').replace(/^\/\/ ?/gm, '') + '\n');
	process.exit(0);
}
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
	const i = args.indexOf(name);
	return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};

const RUNTIME = option('--runtime', process.env.PLAYGROUND_RUNTIME || 'current');
const VERBOSE = flag('--verbose');
// Restores the examples and the playground's credentials: n8n autosaves, so exploring changes them for good otherwise.
const RESET = flag('--reset');
const PORT = Number(process.env.N8N_PORT || 5678);
const BROKER_PORT = Number(process.env.N8N_RUNNERS_BROKER_PORT || PORT + 1);
// PLAYGROUND_SIM_PORT=0: the simulator and its CDN pick random ports (for throwaway PLAYGROUND_DIRs such as the e2e
// test's: the credential keeps the simulator URL it was created with).
const SIM_PORT = process.env.PLAYGROUND_SIM_PORT === '0' ? 0 : Number(process.env.PLAYGROUND_SIM_PORT || 5690);
const SIM_CDN_PORT = SIM_PORT === 0 ? 0 : SIM_PORT + 1;
// The local mail, S3 and chat services of the delivery examples follow the simulator's ports.
const DELIVERY_PORTS = { smtp: SIM_PORT && SIM_PORT + 2, s3: SIM_PORT && SIM_PORT + 3, chat: SIM_PORT && SIM_PORT + 4 };
// The agent example's chat model: an OpenAI-compatible fake that calls the RunBlob tool with your chat message.
const MODEL_PORT = SIM_PORT && SIM_PORT + 5;
const SIM_KEY = 'sk-sim-test-key';
// How long the simulator "renders" a video after 3 s in the queue (PLAYGROUND_RENDER_SECONDS, default 10).
const RENDER_MS = 1000 * Number(process.env.PLAYGROUND_RENDER_SECONDS || 10);
const START_TIMEOUT_MS = 300_000;
const DIR = path.resolve(process.env.PLAYGROUND_DIR || path.join(REPO_ROOT, '.playground'));
const USER_FOLDER = path.join(DIR, 'home');
const LOG_FILE = path.join(DIR, 'n8n.log');
const OWNER_FILE = path.join(DIR, 'owner.json');
const CREDENTIAL_NAME = 'RunBlob (local simulator)';
const BASE_URL = `http://127.0.0.1:${PORT}`;

const started = Date.now();
const step = (msg) => process.stdout.write(`[playground +${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}\n`);
class PlaygroundError extends Error {}
const fail = (msg) => {
	throw new PlaygroundError(msg);
};

let sim = null;
let delivery = null;
let model = null;
let n8nChild = null;
let stopping = false;

async function main() {
	// 1. Ports first: refuse clearly instead of failing halfway.
	for (const [port, what, hint] of [
		[PORT, 'n8n', 'set N8N_PORT to use another port'],
		[BROKER_PORT, "n8n's task broker", 'set N8N_RUNNERS_BROKER_PORT'],
		[SIM_PORT, 'the RunBlob simulator', 'set PLAYGROUND_SIM_PORT'],
		[SIM_CDN_PORT, "the simulator's CDN", 'set PLAYGROUND_SIM_PORT'],
		[DELIVERY_PORTS.smtp, 'the local SMTP server', 'set PLAYGROUND_SIM_PORT'],
		[DELIVERY_PORTS.s3, 'the local S3 server', 'set PLAYGROUND_SIM_PORT'],
		[DELIVERY_PORTS.chat, 'the local chat webhook receiver', 'set PLAYGROUND_SIM_PORT'],
		[MODEL_PORT, 'the fake AI model', 'set PLAYGROUND_SIM_PORT'],
	]) {
		if (port !== 0 && (await harness.portInUse(port))) {
			fail(`port ${port} (for ${what}) is already in use on 127.0.0.1 — is another n8n or playground running? (${hint})`);
		}
	}

	// 2. Build and pack the package.
	if (!flag('--no-build')) {
		step('building the package (npm run build)…');
		await run('npm', ['run', 'build', '--silent'], REPO_ROOT);
	}
	step('packing the package…');
	process.env.RUNBLOB_E2E_BUILD = '0'; // just built (or --no-build): never rebuild inside packPackage
	const tarball = await harness.packPackage();

	// 3. The n8n runtime (installed once per machine, then reused).
	step(`checking the "${RUNTIME}" n8n runtime (the first time this installs n8n: several minutes)…`);
	const runtime = await harness.ensureRuntime(RUNTIME);
	step(`n8n ${runtime.version} is in ${runtime.dir}`);

	// 4. Install the package into the persistent user folder, exactly like a community package.
	fs.mkdirSync(USER_FOLDER, { recursive: true });
	step(`installing ${path.basename(tarball)} into ${path.relative(REPO_ROOT, USER_FOLDER)}/.n8n/nodes…`);
	await harness.installPackage(USER_FOLDER, tarball);

	// 5. The simulator, with plain-HTTP loopback callbacks and short timings so a video is "rendered" in seconds.
	const { createSimulator } = require('../test/simulator');
	sim = await createSimulator({
		port: SIM_PORT,
		cdnPort: SIM_CDN_PORT,
		apiKeys: [SIM_KEY],
		timing: { queueMs: 3000, processingMs: RENDER_MS },
		callbacks: { allowHttp: 'loopback', timeScale: 0.1 },
	});
	step(`RunBlob simulator listening on ${sim.url} (videos on ${sim.cdnUrl})`);
	delivery = await startDeliveryServices({ dir: DIR, ports: DELIVERY_PORTS });
	step(`local mail, S3 and chat services for the delivery examples are up (what they receive: ${path.relative(REPO_ROOT, delivery.delivered)}/)`);
	model = await startFakeModel({ port: MODEL_PORT });
	step(`fake AI model (OpenAI-compatible) for the agent example on ${model.url}`);

	// 6. n8n itself.
	const userEnv = Object.fromEntries(
		Object.entries(process.env).filter(([k]) => /^(N8N_|WEBHOOK_URL$|GENERIC_TIMEZONE$|EXECUTIONS_)/.test(k)),
	);
	const env = harness.n8nEnv({
		runtimeEnv: runtime.env,
		userFolder: USER_FOLDER,
		port: PORT,
		brokerPort: BROKER_PORT,
		// n8n generates and keeps its own encryption key in .playground/home/.n8n/config; your N8N_* settings win.
		extra: { N8N_ENCRYPTION_KEY: undefined, N8N_LOG_LEVEL: 'info', ...userEnv },
	});
	env.N8N_USER_FOLDER = USER_FOLDER;
	env.N8N_PORT = String(PORT);
	// 2.8 reads only WEBHOOK_URL; 2.41 reads N8N_WEBHOOK_URL and logs a deprecation warning for WEBHOOK_URL. A tunnel
	// URL given under either name goes to the one variable this n8n wants.
	const publicUrl = process.env.N8N_WEBHOOK_URL || process.env.WEBHOOK_URL || `${BASE_URL}/`;
	const [webhookVar, otherVar] = webhookUrlVariables(runtime.version);
	env[webhookVar] = publicUrl;
	delete env[otherVar];
	step(`starting n8n on ${BASE_URL} (log: ${path.relative(REPO_ROOT, LOG_FILE)})…`);
	await startN8nProcess(runtime, env);

	// 7. Owner, credential and example workflows (only what is missing).
	const session = await ownerSession();
	let credentialId = null;
	if (session) {
		credentialId = await ensureCredential(session);
		const credentials = credentialId ? { runBlobApi: { id: credentialId, name: CREDENTIAL_NAME } } : {};
		const modelCredential = { type: 'openAiApi', name: 'Fake AI model (playground)', data: { apiKey: 'sk-playground-fake', url: model.url } };
		for (const c of [...delivery.credentials, modelCredential]) {
			const id = await ensureNamedCredential(session, c);
			if (id) credentials[c.type] = { id, name: c.name };
		}
		await ensureExamples(session, credentials, webhookBase(env));
	}

	banner(session, runtime, env);
}

/** [the public-URL variable this n8n reads, the one it does not want]: N8N_WEBHOOK_URL from n8n 2.41 on. */
function webhookUrlVariables(version) {
	const [major, minor] = String(version).split('.').map(Number);
	return major > 2 || (major === 2 && minor >= 41) ? ['N8N_WEBHOOK_URL', 'WEBHOOK_URL'] : ['WEBHOOK_URL', 'N8N_WEBHOOK_URL'];
}

function run(cmd, argv, cwd) {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, argv, { cwd, stdio: 'inherit' });
		child.on('error', reject);
		child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${argv.join(' ')} exited with ${code}`))));
	});
}

async function startN8nProcess(runtime, env) {
	fs.mkdirSync(DIR, { recursive: true });
	const log = fs.createWriteStream(LOG_FILE, { flags: 'a' });
	log.write(`\n===== playground start ${new Date().toISOString()} (n8n ${runtime.version}) =====\n`);
	const child = spawn(runtime.n8nBin, ['start'], { cwd: DIR, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
	n8nChild = child;
	harness.startWatchdog(child.pid);
	let text = '';
	const onData = (d) => {
		log.write(d);
		if (VERBOSE) process.stdout.write(d);
		if (text.length < 1_000_000) text += d;
	};
	child.stdout.on('data', onData);
	child.stderr.on('data', onData);
	child.on('exit', (code, signal) => {
		if (stopping) return;
		process.stderr.write(`\n[playground] n8n exited unexpectedly (${signal || `exit ${code}`}); see ${LOG_FILE}\n`);
		shutdown(1);
	});
	// The first start creates n8n's database (about 300 migrations): on a busy 2-core machine that took over 2 minutes.
	const deadline = Date.now() + START_TIMEOUT_MS;
	for (;;) {
		if (/Editor is now accessible/.test(text)) {
			const res = await harness.httpRequest('GET', `${BASE_URL}/healthz/readiness`).catch(() => ({ status: 0 }));
			if (res.status === 200) break;
		}
		if (Date.now() > deadline) fail(`n8n did not start within ${START_TIMEOUT_MS / 1000} s; see ${LOG_FILE}`);
		await new Promise((r) => setTimeout(r, 200));
	}
	step('n8n is up');
}

/** Sets up the owner on first run (password kept in .playground/owner.json), otherwise logs in. */
async function ownerSession() {
	let owner = null;
	if (fs.existsSync(OWNER_FILE)) owner = JSON.parse(fs.readFileSync(OWNER_FILE, 'utf8'));
	const settings = await harness.httpRequest('GET', `${BASE_URL}/rest/settings`);
	const needsSetup = !!settings.json?.data?.userManagement?.showSetupOnFirstLoad;
	if (needsSetup) {
		owner = {
			email: 'playground@example.com',
			firstName: 'Playground',
			lastName: 'Owner',
			password: `Play-${crypto.randomBytes(6).toString('base64url')}-9`,
		};
		const res = await harness.httpRequest('POST', `${BASE_URL}/rest/owner/setup`, { body: owner });
		if (res.status !== 200) fail(`owner setup failed: HTTP ${res.status} ${res.text.slice(0, 500)}`);
		fs.writeFileSync(OWNER_FILE, JSON.stringify({ email: owner.email, password: owner.password }, null, 2), {
			mode: 0o600,
		});
		step(`created the owner account ${owner.email}`);
		return { owner, cookie: cookieOf(res) };
	}
	if (!owner) {
		step('n8n already has an owner but .playground/owner.json is missing: skipping the automatic setup');
		return null;
	}
	const res = await harness.httpRequest('POST', `${BASE_URL}/rest/login`, {
		body: { emailOrLdapLoginId: owner.email, email: owner.email, password: owner.password },
	});
	if (res.status !== 200) {
		step(`could not log in as ${owner.email} (password changed?): skipping the automatic setup`);
		return { owner, cookie: null, loginFailed: true };
	}
	return { owner, cookie: cookieOf(res) };
}

function cookieOf(res) {
	return (res.headers['set-cookie'] || [])
		.map((c) => c.split(';')[0])
		.filter((c) => c.startsWith('n8n-auth='))
		.join('; ');
}

async function rest(session, method, p, body) {
	const res = await harness.httpRequest(method, `${BASE_URL}/rest${p}`, { headers: { cookie: session.cookie }, body });
	return res;
}

async function ensureCredential(session) {
	if (!session.cookie) return null;
	const list = await rest(session, 'GET', '/credentials');
	if (list.status !== 200) fail(`listing credentials failed: HTTP ${list.status} ${list.text.slice(0, 300)}`);
	const existing = (list.json.data || []).find((c) => c.name === CREDENTIAL_NAME && c.type === 'runBlobApi');
	const body = {
		name: CREDENTIAL_NAME,
		type: 'runBlobApi',
		data: { apiKey: SIM_KEY, baseUrl: sim.url, callbackSecret: crypto.randomBytes(24).toString('hex') },
	};
	if (existing && RESET) return resetCredential(session, existing.id, body);
	if (existing) {
		step(`credential "${CREDENTIAL_NAME}" already exists (kept as you left it; --reset restores it)`);
		return existing.id;
	}
	const res = await rest(session, 'POST', '/credentials', body);
	if (res.status !== 200) fail(`creating the credential failed: HTTP ${res.status} ${res.text.slice(0, 500)}`);
	step(`created credential "${CREDENTIAL_NAME}" → ${sim.url}`);
	return res.json.data.id;
}

/** Creates a credential for a local delivery service unless one of that name and type exists (kept as you left it). */
async function ensureNamedCredential(session, { name, type, data }) {
	if (!session.cookie) return null;
	const list = await rest(session, 'GET', '/credentials');
	const existing = (list.json?.data || []).find((c) => c.name === name && c.type === type);
	if (existing && RESET) return resetCredential(session, existing.id, { name, type, data });
	if (existing) return existing.id;
	const res = await rest(session, 'POST', '/credentials', { name, type, data });
	if (res.status !== 200) {
		step(`could not create the credential "${name}": HTTP ${res.status} ${res.text.slice(0, 300)}`);
		return null;
	}
	step(`created credential "${name}"`);
	return res.json.data.id;
}

/** --reset: the credential's fields as the playground first created them (same id, so the examples keep it). */
async function resetCredential(session, id, body) {
	const res = await rest(session, 'PATCH', `/credentials/${id}`, body);
	if (res.status !== 200) fail(`restoring the credential "${body.name}" failed: HTTP ${res.status} ${res.text.slice(0, 300)}`);
	step(`restored credential "${body.name}"`);
	return id;
}

/**
 * Imports each examples/*.json once (by a stable id derived from the file name); edits in n8n are kept, unless
 * --reset: then each example is saved again as shipped (n8n keeps the earlier versions in its history).
 */
async function ensureExamples(session, credentials, webhookBase) {
	if (!session.cookie) return;
	for (const file of exampleFiles()) {
		// Credentials and the trigger URL point at this instance (the files use placeholders).
		const wf = loadExample(file, { credentials, webhookBase });
		const id = `pg${crypto.createHash('sha256').update(file).digest('hex').slice(0, 14)}`;
		const existing = await rest(session, 'GET', `/workflows/${id}`);
		if (existing.status === 200 && !RESET) continue;
		const body = { id, name: wf.name, nodes: wf.nodes, connections: wf.connections, settings: wf.settings || {} };
		const res =
			existing.status === 200
				? await rest(session, 'PATCH', `/workflows/${id}?forceSave=true`, { ...body, id: undefined })
				: await rest(session, 'POST', '/workflows', body);
		if (res.status !== 200) {
			step(`could not ${existing.status === 200 ? 'restore' : 'import'} examples/${file}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
			continue;
		}
		step(`${existing.status === 200 ? 'restored' : 'imported'} example "${wf.name}" (examples/${file})`);
		// A trigger only listens on its production URL while its workflow is active.
		if ((wf.nodes || []).some((node) => node.type === 'n8n-nodes-runblob.runBlobTrigger')) {
			await activate(session, id, wf.name);
		}
	}
}

/** Activates a workflow through the public API (the same call on every supported n8n), with a throwaway API key. */
async function activate(session, id, name) {
	const scopes = await rest(session, 'GET', '/api-keys/scopes');
	const key = await rest(session, 'POST', '/api-keys', {
		label: `playground-${Date.now()}`,
		expiresAt: null,
		scopes: scopes.json?.data,
	});
	const apiKey = key.json?.data?.rawApiKey;
	const res = apiKey
		? await harness.httpRequest('POST', `${BASE_URL}/api/v1/workflows/${id}/activate`, {
				headers: { 'x-n8n-api-key': apiKey },
			})
		: key;
	step(res.status === 200 ? `activated "${name}"` : `could not activate "${name}" (HTTP ${res.status}); activate it in the editor`);
}

/** The public chat pages of the examples' Chat Triggers (live while their workflow is active). */
function chatUrls(base) {
	return exampleFiles()
		.flatMap((file) => loadExample(file).nodes || [])
		.filter((node) => node.type === '@n8n/n8n-nodes-langchain.chatTrigger' && node.parameters?.public)
		.map((node) => `${base.replace(/\/+$/, '')}/webhook/${node.webhookId}/chat`);
}

/** The public webhook base this n8n uses (whichever of the two variables it reads). */
function webhookBase(env) {
	return env.N8N_WEBHOOK_URL || env.WEBHOOK_URL;
}

function banner(session, runtime, env) {
	const lines = [
		'',
		'────────────────────────────────────────────────────────────────────────────',
		` n8n ${runtime.version} playground with n8n-nodes-runblob is running`,
		'',
		` Open        ${BASE_URL}`,
	];
	if (session?.owner) {
		lines.push(` Log in      ${session.owner.email}  /  ${session.owner.password}`);
		if (session.loginFailed) lines.push('             (automatic login failed: use the password you set)');
	}
	lines.push(
		` Simulator   ${sim.url}  (API key ${SIM_KEY}; a video takes ~${3 + RENDER_MS / 1000} s)`,
		...delivery.summary.map((line) => ` ${line}`),
		` AI model    ${model.url}  (fake: calls the RunBlob tool with your chat message as the prompt)`,
		` Data        ${path.relative(REPO_ROOT, DIR) || DIR}/ (npm start -- --reset restores the examples and credentials;`,
		'             delete the folder to start from scratch)',
		` Log         ${path.relative(REPO_ROOT, LOG_FILE)}`,
		'',
		' Try it: open "RunBlob: generate a video and wait for it" → Execute workflow.',
		...chatUrls(webhookBase(env)).map((url) => `         chat with the agent example: ${url} → "a cat surfing a wave" (emailed to the local mail)`),
		'',
		' Real RunBlob: open Credentials → "RunBlob (local simulator)" (or add a new RunBlob API credential),',
		'   set API Key to your key and Base URL to https://platform.runblob.io.',
		'   RunBlob only calls HTTPS URLs: for Wait for Video / RunBlob Trigger, expose n8n through an HTTPS',
		`   tunnel and restart with N8N_WEBHOOK_URL=https://<your-tunnel>/ npm start (now: ${webhookBase(env)}).`,
		'',
		' Ctrl-C stops n8n and the simulator.',
		'────────────────────────────────────────────────────────────────────────────',
		'',
	);
	process.stdout.write(lines.join('\n'));
}

async function shutdown(code = 0) {
	if (stopping) return;
	stopping = true;
	const quiet = !n8nChild && !sim && !model;
	if (!quiet) process.stdout.write('\n[playground] stopping…\n');
	const child = n8nChild;
	if (child && child.exitCode === null && child.signalCode === null) {
		const exited = new Promise((r) => child.once('exit', r));
		harness.killGroup(child.pid, 'SIGTERM');
		let timer;
		const timeout = new Promise((r) => (timer = setTimeout(() => r('timeout'), 15_000)));
		if ((await Promise.race([exited, timeout])) === 'timeout') harness.killGroup(child.pid, 'SIGKILL');
		clearTimeout(timer);
	}
	if (child) harness.killGroup(child.pid, 'SIGKILL'); // the task runner, if it outlived n8n
	if (sim) await sim.close().catch(() => undefined);
	if (delivery) await delivery.close().catch(() => undefined);
	if (model) await model.close().catch(() => undefined);
	if (!quiet) process.stdout.write('[playground] stopped\n');
	process.exit(code);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGHUP', () => void shutdown(0));

main().catch((err) => {
	process.stderr.write(`\n[playground] ${err instanceof PlaygroundError ? err.message : err.stack || err}\n`);
	void shutdown(1);
});
