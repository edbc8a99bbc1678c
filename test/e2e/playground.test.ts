// The local playground (`npm start` = scripts/playground.js) end to end, the way a user meets it: it starts a real n8n
// 2.41.1 with the package and the RunBlob simulator, prints a banner with the login, has imported the examples and
// activated the trigger one; "RunBlob: generate a video and wait for it" runs from the editor's Execute button and
// produces a completed generation with its video; Ctrl-C (SIGINT) stops everything with exit code 0.
//
// The playground runs on free ports (N8N_PORT, N8N_RUNNERS_BROKER_PORT, PLAYGROUND_SIM_PORT=0) in a throwaway
// PLAYGROUND_DIR under test/e2e/.work/, with --no-build (beforeAll packs the package, building dist/ only when stale),
// so it never touches a developer's .playground/ or a playground running on 5678.
import { spawn, type ChildProcess } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import {
	ensureRuntime,
	freePort,
	httpRequest,
	killGroup,
	packPackage,
	portInUse,
	REPO_ROOT,
	startWatchdog,
	WORK_ROOT,
} from './harness';

const WAIT_EXAMPLE = 'RunBlob: generate a video and wait for it';
const TRIGGER_EXAMPLE = 'RunBlob: receive finished videos (trigger) → S3, alert on failure';
const TRIGGER_WEBHOOK_PATH = '7e3c2b10-5d4f-4e6a-9b8c-1d2e3f400001/webhook'; // examples/receive-videos-with-trigger.json
const MANUAL_TRIGGER = "When clicking 'Execute workflow'";
const AGENT_EXAMPLE = 'RunBlob: AI agent makes a video and emails it (chat → agent → trigger → email)';

// First use on a machine installs the runtime (minutes); otherwise the playground is up in ~15–25 s.
const SETUP_TIMEOUT_MS = 15 * 60_000;
const BANNER_TIMEOUT_MS = Number(process.env.RUNBLOB_E2E_PLAYGROUND_TIMEOUT_MS || 120_000);
const RUN_TIMEOUT_MS = 60_000; // the playground's simulator renders a video in ~13 s
const STOP_TIMEOUT_MS = 20_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Resolves when `p` settles or after `ms`, whichever comes first, leaving no timer behind (jest would wait for it). */
async function within(p: Promise<unknown>, ms: number) {
	let timer: NodeJS.Timeout | undefined;
	await Promise.race([p, new Promise((r) => (timer = setTimeout(r, ms)))]);
	clearTimeout(timer);
}

/**
 * n8n's execution `data` is in the `flatted` format: a JSON array whose first entry is the root; inside objects and
 * arrays every string is the index of the real value in that array (strings included), other primitives are inline.
 */
function parseFlatted(text: string): any {
	const input: unknown[] = JSON.parse(text, (_k, v) => (typeof v === 'string' ? new String(v) : v));
	const table = input.map((v) => (v instanceof String ? String(v) : v));
	const revived = new Set<object>();
	const revive = (obj: any): any => {
		if (revived.has(obj)) return obj;
		revived.add(obj);
		for (const k of Object.keys(obj)) {
			const v = obj[k];
			if (v instanceof String) {
				const target = table[Number(v)];
				obj[k] = target !== null && typeof target === 'object' ? revive(target) : target;
			} else if (v !== null && typeof v === 'object') {
				revive(v);
			}
		}
		return obj;
	};
	const root = table[0];
	return root !== null && typeof root === 'object' ? revive(root) : root;
}

/** Processes whose working directory is `dir` or below it (Linux /proc; empty elsewhere). */
function processesIn(dir: string): string[] {
	if (!fs.existsSync('/proc/self/cwd')) return [];
	const found: string[] = [];
	for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
		try {
			const cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
			if (cwd === dir || cwd.startsWith(dir + path.sep)) {
				found.push(`${pid} ${fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim()}`);
			}
		} catch {
			/* gone, or not ours to read */
		}
	}
	return found;
}

describe('npm start (scripts/playground.js)', () => {
	let child: ChildProcess | undefined;
	let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
	let exited: Promise<void> = Promise.resolve();
	let output = '';
	let port = 0;
	let brokerPort = 0;
	let dir = '';
	let baseUrl = '';
	let simUrl = '';
	let cookie = '';
	let passed = 0; // tests that got to their end; the work folder is kept for debugging unless all did
	const timings: Record<string, number> = {};

	/** Polls `pred` until it returns a truthy value; fails early (with the playground's output) if it exited. */
	async function until<T>(what: string, timeoutMs: number, pred: () => T | Promise<T>, intervalMs = 250): Promise<T> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const v = await pred();
			if (v) return v;
			if (exit) throw new Error(`the playground exited (${JSON.stringify(exit)}) while waiting for ${what}\n${tail()}`);
			if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${tail()}`);
			await sleep(intervalMs);
		}
	}

	function tail(n = 40) {
		const log = path.join(dir, 'n8n.log');
		const n8nLog = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').slice(-n).join('\n') : '(no n8n.log)';
		return `--- playground output ---\n${output.split('\n').slice(-n).join('\n')}\n--- last lines of ${log} ---\n${n8nLog}`;
	}

	async function rest(method: string, p: string, body?: unknown) {
		const res = await httpRequest(method, `${baseUrl}/rest${p}`, { headers: { cookie }, body });
		if (res.status < 200 || res.status >= 300) throw new Error(`${method} /rest${p} → HTTP ${res.status}: ${res.text.slice(0, 1000)}`);
		return res.json;
	}

	/** Starts `scripts/playground.js` on this test's folder and ports; resolves once its banner is printed. */
	async function startPlayground(env: NodeJS.ProcessEnv, extraArgs: string[] = []) {
		output = '';
		exit = null;
		const proc = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts', 'playground.js'), '--no-build', ...extraArgs], {
			cwd: REPO_ROOT,
			env,
			detached: true, // its own process group, like a terminal's foreground job
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		child = proc;
		// If this test process dies (jest timeout kill, Ctrl-C), a detached watchdog SIGTERMs the playground's group; the
		// playground then stops n8n itself (and n8n has its own watchdog should the playground be SIGKILLed).
		if (proc.pid) startWatchdog(proc.pid);
		exited = new Promise((resolve) =>
			proc.on('exit', (code, signal) => {
				exit = { code, signal };
				resolve();
			}),
		);
		proc.stdout!.on('data', (d) => (output += d));
		proc.stderr!.on('data', (d) => (output += d));
		if (process.env.RUNBLOB_E2E_VERBOSE) {
			proc.stdout!.pipe(process.stderr);
			proc.stderr!.pipe(process.stderr);
		}

		// The banner is written in one piece; wait for its last line.
		await until('the playground banner', BANNER_TIMEOUT_MS, () => /Ctrl-C stops n8n and the simulator/.test(output));
	}

	let playgroundEnv: NodeJS.ProcessEnv = {};

	beforeAll(async () => {
		let t = Date.now();
		await ensureRuntime('current'); // outside the banner timeout: the first use installs it
		await packPackage(); // builds dist/ when stale, so the playground can run with --no-build
		timings.prepare = Date.now() - t;

		port = await freePort();
		brokerPort = await freePort();
		fs.mkdirSync(WORK_ROOT, { recursive: true });
		const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
		dir = path.join(WORK_ROOT, `playground-${stamp}-${crypto.randomBytes(3).toString('hex')}`);

		// The caller's N8N_* settings would reach n8n (the playground forwards them): start from a clean slate.
		const env: NodeJS.ProcessEnv = {};
		for (const [k, v] of Object.entries(process.env)) {
			if (!/^(N8N_|WEBHOOK_URL$|GENERIC_TIMEZONE$|EXECUTIONS_|PLAYGROUND_)/.test(k)) env[k] = v;
		}
		Object.assign(env, {
			N8N_PORT: String(port),
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			PLAYGROUND_SIM_PORT: '0',
			PLAYGROUND_DIR: dir,
		});

		t = Date.now();
		playgroundEnv = env;
		await startPlayground(env);
		timings.banner = Date.now() - t;
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		const proc = child;
		if (proc?.pid && !exit) {
			killGroup(proc.pid, 'SIGTERM'); // the playground stops n8n and the simulator itself
			await within(exited, STOP_TIMEOUT_MS);
			killGroup(proc.pid, 'SIGKILL');
			await within(exited, 5_000);
		}
		// If the playground was killed, its detached watchdog takes n8n's process group down within a few seconds.
		if (port) {
			const deadline = Date.now() + 15_000;
			while (((await portInUse(port)) || (await portInUse(brokerPort))) && Date.now() < deadline) await sleep(200);
		}
		if (process.env.RUNBLOB_E2E_VERBOSE) process.stderr.write(`[e2e] playground timings (ms): ${JSON.stringify(timings)}\n`);
		const keep = passed < 5 || !!exit?.code || /^(1|true|yes)$/i.test(process.env.RUNBLOB_E2E_KEEP || '');
		if (dir && !keep) fs.rmSync(dir, { recursive: true, force: true });
	}, 60_000);

	test('prints a banner with the URL, the login and the simulator, and the login works', async () => {
		expect(output).toContain('playground with n8n-nodes-runblob is running');
		baseUrl = /^ Open\s+(\S+)/m.exec(output)?.[1] ?? '';
		expect(baseUrl).toBe(`http://127.0.0.1:${port}`);
		simUrl = /^ Simulator\s+(\S+)/m.exec(output)?.[1] ?? '';
		expect(simUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(output).toContain(`Data        ${path.relative(REPO_ROOT, dir)}/`);

		const login = /^ Log in\s+(\S+)\s+\/\s+(\S+)/m.exec(output);
		expect(login).not.toBeNull();
		const [, email, password] = login!;
		const owner = JSON.parse(fs.readFileSync(path.join(dir, 'owner.json'), 'utf8'));
		expect(owner).toEqual({ email, password });
		expect((fs.statSync(path.join(dir, 'owner.json')).mode & 0o777).toString(8)).toBe('600');

		const res = await httpRequest('POST', `${baseUrl}/rest/login`, {
			body: { emailOrLdapLoginId: email, email, password },
		});
		expect(res.status).toBe(200);
		cookie = (res.headers['set-cookie'] || [])
			.map((c) => c.split(';')[0])
			.filter((c) => c.startsWith('n8n-auth='))
			.join('; ');
		expect(cookie).not.toBe('');

		const health = await httpRequest('GET', `${simUrl}/_sim/health`);
		expect(health.json).toMatchObject({ ok: true, url: simUrl });
		passed++;
	});

	test('imported every example with the simulator credential and activated the trigger example', async () => {
		const examples = fs
			.readdirSync(path.join(REPO_ROOT, 'examples'))
			.filter((f) => f.endsWith('.json'))
			.map((f) => JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'examples', f), 'utf8')).name as string);
		const workflows: Array<{ id: string; name: string; active: boolean }> = (await rest('GET', '/workflows')).data;
		expect(workflows.map((w) => w.name).sort()).toEqual([...examples].sort());
		for (const name of examples) expect(output).toContain(`imported example "${name}"`);

		const credentials: Array<{ id: string; name: string; type: string }> = (await rest('GET', '/credentials')).data;
		const credential = credentials.find((c) => c.name === 'RunBlob (local simulator)');
		expect(credential?.type).toBe('runBlobApi');

		const trigger = workflows.find((w) => w.name === TRIGGER_EXAMPLE)!;
		expect(trigger.active).toBe(true);
		expect(output).toContain(`activated "${TRIGGER_EXAMPLE}"`);
		// Only active (published) workflows are listening: n8n lists the trigger's methods for a CORS preflight.
		const preflight = await httpRequest('OPTIONS', `${baseUrl}/webhook/${TRIGGER_WEBHOOK_PATH}`, {
			headers: { origin: baseUrl, 'access-control-request-method': 'POST' },
		});
		expect(String(preflight.headers['access-control-allow-methods'])).toMatch(/POST/);
		// The agent example holds its own RunBlob Trigger (and a public chat), so it is activated too.
		expect(workflows.find((w) => w.name === AGENT_EXAMPLE)?.active).toBe(true);
		for (const w of workflows.filter((x) => x.name !== TRIGGER_EXAMPLE && x.name !== AGENT_EXAMPLE)) expect(w.active).toBe(false);

		// The imported workflows use the playground's credential, not the example files' placeholder id.
		const wait = workflows.find((w) => w.name === WAIT_EXAMPLE)!;
		const full = (await rest('GET', `/workflows/${wait.id}`)).data;
		const node = full.nodes.find((n: any) => n.name === 'Generate video');
		expect(node.credentials.runBlobApi).toEqual({ id: credential!.id, name: 'RunBlob (local simulator)' });

		// The delivery examples use the local mail, S3 and chat services the playground started.
		for (const [type, name] of [
			['smtp', 'Local SMTP (playground)'],
			['s3', 'Local S3 (playground)'],
			['discordWebhookApi', 'Local chat webhook (playground)'],
		]) {
			expect(credentials.find((c) => c.name === name)?.type).toBe(type);
		}
		expect(output).toMatch(/Mail {8}smtp:\/\/127\.0\.0\.1:\d+/);

		// The Generate side of the trigger pair notifies this playground's trigger, not a hard-coded port.
		const notify = workflows.find((w) => w.name === 'RunBlob: generate and notify the trigger workflow')!;
		const notifyNode = (await rest('GET', `/workflows/${notify.id}`)).data.nodes.find((n: any) => n.parameters.triggerUrl);
		expect(notifyNode.parameters.triggerUrl).toBe(`${baseUrl}/webhook/${TRIGGER_WEBHOOK_PATH}`);

		// n8n 2.41 reads N8N_WEBHOOK_URL; the playground does not set WEBHOOK_URL, which 2.41 lists under its
		// deprecations as " - WEBHOOK_URL -> Use N8N_WEBHOOK_URL instead, …".
		const n8nLog = fs.readFileSync(path.join(dir, 'n8n.log'), 'utf8');
		expect(n8nLog).toContain('There are deprecations related to your n8n setup');
		expect(n8nLog).not.toMatch(/^\s*- WEBHOOK_URL ->/m);
		passed++;
	});

	test(
		`"${WAIT_EXAMPLE}" runs from the editor's Execute button and delivers the video`,
		async () => {
			const t = Date.now();
			const workflows: Array<{ id: string; name: string }> = (await rest('GET', '/workflows')).data;
			const id = workflows.find((w) => w.name === WAIT_EXAMPLE)!.id;
			const workflowData = (await rest('GET', `/workflows/${id}`)).data;
			const generate = workflowData.nodes.find((n: any) => n.name === 'Generate video');

			// Exactly what the editor sends for "Execute workflow" on 2.41.1.
			const started = await rest('POST', `/workflows/${id}/run`, {
				workflowData,
				triggerToStartFrom: { name: MANUAL_TRIGGER },
			});
			const executionId = String(started?.data?.executionId ?? '');
			expect(executionId).toMatch(/^\d+$/);

			let last: any = null;
			const execution = await until(
				`execution ${executionId} to succeed`,
				RUN_TIMEOUT_MS,
				async () => {
					last = (await rest('GET', `/executions/${executionId}`)).data;
					if (['error', 'crashed', 'canceled'].includes(last?.status)) {
						throw new Error(`execution ${executionId} ended with status ${last.status}: ${String(last.data).slice(0, 3000)}`);
					}
					return last?.status === 'success' ? last : null;
				},
				500,
			);
			timings.execution = Date.now() - t;
			expect(execution.mode).toBe('manual');
			expect(typeof execution.data).toBe('string');
			expect(execution.data).toContain('"video/mp4"');

			const data = parseFlatted(execution.data);
			const runData = data.resultData.runData;
			expect(data.resultData.error).toBeUndefined();
			const item = runData['Generate video'][0].data.main[0][0];
			expect(item.json).toMatchObject({ status: 'completed' });
			expect(item.json.generation_id).toEqual(expect.any(String));
			expect(item.binary.data).toMatchObject({ mimeType: 'video/mp4' });
			expect(item.binary.data.fileName).toMatch(/\.mp4$/);
			// "Video ready?" took the true branch.
			expect(Object.keys(runData)).toContain('Send it on (replace with email, storage, social…)');
			expect(Object.keys(runData)).not.toContain('Failed or timed out: recover with Get');

			// The simulator saw that very generation complete, called back n8n's waiting execution, and served the video.
			const state = (await httpRequest('GET', `${simUrl}/_sim/state`)).json;
			const generation = state.generations.find((g: any) => g.generation_id === item.json.generation_id);
			expect(generation).toMatchObject({ status: 'completed', prompt: generate.parameters.prompt });
			expect(generation.callback_url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/`));
			expect(state.cdnRequests.length).toBeGreaterThan(0);
			passed++;
		},
		RUN_TIMEOUT_MS + 30_000,
	);

	test(
		`"${AGENT_EXAMPLE}": the public chat's agent calls the RunBlob tool through the fake model and the video is emailed`,
		async () => {
			const chatUrl = /chat with the agent example: (\S+)/.exec(output)?.[1] ?? '';
			expect(chatUrl).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/webhook/[0-9a-f-]+/chat$`));
			const mailDir = path.join(dir, 'delivered', 'mail');
			const mailsBefore = fs.existsSync(mailDir) ? fs.readdirSync(mailDir).filter((f) => f.endsWith('.txt')).length : 0;
			// What n8n's hosted chat page posts for a message.
			const videoPrompt = 'a cat surfing a wave at sunset';
			const res = await httpRequest('POST', chatUrl, {
				body: { action: 'sendMessage', sessionId: `e2e-${Date.now()}`, chatInput: videoPrompt },
			});
			expect(res.status).toBe(200);
			const state = (await httpRequest('GET', `${simUrl}/_sim/state`)).json;
			const generation = state.generations.find((g: any) => g.prompt === videoPrompt);
			expect(generation).toBeDefined();
			expect(res.json.output).toContain(generation.generation_id);

			// RunBlob (the simulator) finishes it and calls the example's RunBlob Trigger, which emails the MP4.
			const mail = await until('the agent example\'s email', RUN_TIMEOUT_MS, () => {
				const files = fs.existsSync(mailDir) ? fs.readdirSync(mailDir).filter((f) => f.endsWith('.txt')).sort() : [];
				const text = files.slice(mailsBefore).map((f) => fs.readFileSync(path.join(mailDir, f), 'utf8')).join('\n');
				return text.includes(generation.generation_id) ? text : '';
			}, 500);
			expect(mail).toContain('Subject: Your video is ready');
			expect(mail).toContain(videoPrompt);
			passed++;
		},
		RUN_TIMEOUT_MS + 30_000,
	);

	test("an example edited in the editor is saved (what n8n's autosave does)", async () => {
		const workflows: Array<{ id: string; name: string }> = (await rest('GET', '/workflows')).data;
		const id = workflows.find((w) => w.name === WAIT_EXAMPLE)!.id;
		const workflow = (await rest('GET', `/workflows/${id}`)).data;
		const generate = workflow.nodes.find((n: any) => n.name === 'Generate video');
		generate.parameters.prompt = 'an edit made while exploring';
		await rest('PATCH', `/workflows/${id}?forceSave=true`, { nodes: workflow.nodes, connections: workflow.connections });
		const saved = (await rest('GET', `/workflows/${id}`)).data;
		expect(saved.nodes.find((n: any) => n.name === 'Generate video').parameters.prompt).toBe('an edit made while exploring');
		passed++;
	});

	test(
		'Ctrl-C (SIGINT) stops n8n, its task runner and the simulator, with exit code 0',
		async () => {
			const proc = child!;
			const t = Date.now();
			killGroup(proc.pid!, 'SIGINT'); // what a terminal sends to its foreground job on Ctrl-C
			await within(exited, STOP_TIMEOUT_MS);
			timings.stop = Date.now() - t;
			expect(exit).toEqual({ code: 0, signal: null });
			expect(output).toContain('[playground] stopped');
			expect(await portInUse(port)).toBe(false);
			expect(await portInUse(brokerPort)).toBe(false);
			expect(await portInUse(Number(new URL(simUrl).port))).toBe(false);
			// Nothing is left: not in the playground's process group, nor n8n or its task runner (both run in `dir`).
			expect(killGroup(proc.pid!, 0)).toBe(false);
			expect(processesIn(dir)).toEqual([]);
			passed++;
		},
		STOP_TIMEOUT_MS + 10_000,
	);

	test(
		'npm start -- --reset puts the edited example back as shipped, on the same data folder',
		async () => {
			await startPlayground(playgroundEnv, ['--reset']);
			expect(output).toContain(`restored example "${WAIT_EXAMPLE}"`);
			const login = /^ Log in\s+(\S+)\s+\/\s+(\S+)/m.exec(output)!;
			const res = await httpRequest('POST', `${baseUrl}/rest/login`, {
				body: { emailOrLdapLoginId: login[1], email: login[1], password: login[2] },
			});
			expect(res.status).toBe(200);
			cookie = (res.headers['set-cookie'] || [])
				.map((c) => c.split(';')[0])
				.filter((c) => c.startsWith('n8n-auth='))
				.join('; ');
			const shipped = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'examples', 'generate-video-and-wait.json'), 'utf8'));
			const shippedPrompt = shipped.nodes.find((n: any) => n.name === 'Generate video').parameters.prompt;
			const workflows: Array<{ id: string; name: string }> = (await rest('GET', '/workflows')).data;
			const id = workflows.find((w) => w.name === WAIT_EXAMPLE)!.id;
			const restored = (await rest('GET', `/workflows/${id}`)).data;
			expect(restored.nodes.find((n: any) => n.name === 'Generate video').parameters.prompt).toBe(shippedPrompt);
			expect(shippedPrompt).not.toBe('an edit made while exploring');

			killGroup(child!.pid!, 'SIGINT');
			await within(exited, STOP_TIMEOUT_MS);
			expect(exit).toEqual({ code: 0, signal: null });
			passed++;
		},
		SETUP_TIMEOUT_MS,
	);
});
