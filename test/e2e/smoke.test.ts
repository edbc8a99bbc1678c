// Smoke test in a real n8n, on the current and the oldest supported n8n: the package installs from its packed tarball
// like a community package, n8n loads both nodes without errors, and n8n's own credential test (the "Test" button in
// the credential dialog) tells a valid RunBlob key from a rejected one against the RunBlob simulator.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { useSharedN8n } from './shared';
import { createSimulator } from '../simulator';
import { startS3Server } from './services/s3';
import { startChatReceiver } from './services/chat';

type N8n = Awaited<ReturnType<typeof useSharedN8n>>;
type Sim = Awaited<ReturnType<typeof createSimulator>>;
type S3 = Awaited<ReturnType<typeof startS3Server>>;
type Chat = Awaited<ReturnType<typeof startChatReceiver>>;

const GOOD_KEY = 'sk-sim-test-key';
const RUNTIMES = (process.env.RUNBLOB_E2E_RUNTIMES || 'current,oldest')
	.split(',')
	.map((r) => r.trim())
	.filter(Boolean) as Array<'current' | 'oldest'>;

// First use on a machine installs the runtime (minutes); afterwards an n8n start takes 5–15 s.
const SETUP_TIMEOUT_MS = 15 * 60_000;
const TEST_TIMEOUT_MS = 60_000;

describe.each(RUNTIMES)('n8n runtime "%s"', (runtime) => {
	let sim: Sim | undefined;
	let n8n: N8n | undefined;
	let s3: S3 | undefined;
	let chat: Chat | undefined;

	const credential = (id: string, name: string, apiKey: string) => ({
		id,
		name,
		type: 'runBlobApi',
		data: { apiKey, baseUrl: sim!.url, callbackSecret: 'e2e-callback-secret' },
	});

	beforeAll(async () => {
		sim = await createSimulator({ port: 0, apiKeys: [GOOD_KEY] });
		s3 = await startS3Server();
		chat = await startChatReceiver();
		n8n = await useSharedN8n({
			runtime,
			label: 'smoke',
			editor: true, // reads /types/nodes.json
			credentials: [
				credential('smokeCredGood001', 'RunBlob (valid key)', GOOD_KEY),
				credential('smokeCredWrong01', 'RunBlob (wrong key)', 'sk-sim-wrong-key'),
				{ ...credential('smokeCredNoHost1', 'RunBlob (unreachable)', GOOD_KEY), data: { apiKey: GOOD_KEY, baseUrl: 'http://127.0.0.1:9' } },
				{ ...credential('smokeCredNotApi1', 'RunBlob (not an API)', GOOD_KEY), data: { apiKey: GOOD_KEY, baseUrl: `${sim!.url}/not-runblob` } },
			],
		});
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		await sim?.close();
		await s3?.close();
		await chat?.close();
		await n8n?.detach();
	}, 60_000);

	/** POST /rest/credentials/test — same body on 2.8.4 and 2.41.1: the stored credential's id plus the data to test. */
	async function testCredential(fixtureId: string) {
		return testStoredCredential(n8n!.credentialId(fixtureId));
	}

	async function testStoredCredential(id: string) {
		const stored = await n8n!.rest('GET', `/credentials/${id}?includeData=true`);
		const { name, type, data } = stored.data;
		const res = await n8n!.rest('POST', '/credentials/test', { credentials: { id, name, type, data } });
		return res.data as { status: 'OK' | 'Error'; message: string };
	}

	/** Stores a RunBlob credential with this Base URL (created through n8n's API, as the editor does) and tests it. */
	async function testBaseUrl(name: string, baseUrl: string, apiKey = 'sk-some-wrong-key') {
		const created = await n8n!.rest('POST', '/credentials', { name, type: 'runBlobApi', data: { apiKey, baseUrl, callbackSecret: '' } });
		try {
			return await testStoredCredential(created.data.id as string);
		} finally {
			await n8n!.api('DELETE', `/credentials/${created.data.id}`);
		}
	}

	test(
		'n8n loads the package from its tarball: both nodes and the credential are registered, no load errors',
		async () => {
			// Lines that mention the package (or its types) together with an error word; stack frames and the runtime's
			// own install path (which may contain "runblob") are not mentions. Only what each start printed until the editor
			// was up: n8n loads community packages then, and the shared n8n's later lines are other files' runs, some of
			// them failing on purpose (npm test runs the files side by side).
			const startUp = n8n!
				.logs()
				.split(/\n===== n8n start #\d+ [^\n]*=====\n/)
				.map((start) => start.split(/^Editor is now accessible/m)[0])
				.join('\n');
			expect(startUp).not.toBe('');
			const problems = startUp
				.split('\n')
				.filter((line) => !/^\s+at /.test(line))
				.map((line) => line.split(n8n!.runtime.dir).join('<n8n>'))
				.filter((line) => /n8n-nodes-runblob|runBlob/.test(line))
				.filter((line) => /error|fail|cannot|unable|invalid|unknown|unrecognized/i.test(line));
			expect(problems).toEqual([]);
			// zod (imported by the callback contract) is not shipped: it resolves to n8n's own copy.
			const installed = path.join(n8n!.userFolder, '.n8n', 'nodes', 'node_modules');
			expect(fs.existsSync(path.join(installed, 'n8n-nodes-runblob', 'dist', 'nodes', 'shared', 'callbackContract', 'index.js'))).toBe(true);
			expect(fs.existsSync(path.join(installed, 'zod'))).toBe(false);
			expect(fs.existsSync(path.join(installed, 'n8n-nodes-runblob', 'node_modules'))).toBe(false);

			const nodes = await n8n!.http('GET', '/types/nodes.json', { auth: 'cookie' });
			expect(nodes.status).toBe(200);
			const nodeNames = new Set((nodes.json as Array<{ name: string }>).map((n) => n.name));
			expect(nodeNames.has('n8n-nodes-runblob.runBlob')).toBe(true);
			expect(nodeNames.has('n8n-nodes-runblob.runBlobTrigger')).toBe(true);

			const creds = await n8n!.http('GET', '/types/credentials.json', { auth: 'cookie' });
			expect(creds.status).toBe(200);
			expect((creds.json as Array<{ name: string }>).map((c) => c.name)).toContain('runBlobApi');
		},
		TEST_TIMEOUT_MS,
	);

	test(
		'the example workflows import and use only node types this n8n knows',
		async () => {
			const dir = path.join(__dirname, '..', '..', 'examples');
			const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));
			expect(files.length).toBeGreaterThan(0);
			const known = await n8n!.http('GET', '/types/nodes.json', { auth: 'cookie' });
			const types = new Set((known.json as Array<{ name: string }>).map((n) => n.name));
			for (const file of files) {
				const wf = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
				const unknown = (wf.nodes as Array<{ type: string }>).map((n) => n.type).filter((t) => !types.has(t));
				expect({ file, unknown }).toEqual({ file, unknown: [] });
				const created = await n8n!.rest('POST', '/workflows', {
					name: wf.name,
					nodes: wf.nodes,
					connections: wf.connections,
					settings: wf.settings,
				});
				expect(created.data.id).toEqual(expect.any(String));
				await n8n!.api('DELETE', `/workflows/${created.data.id}`);
			}
		},
		TEST_TIMEOUT_MS,
	);

	test(
		'credential test succeeds with a valid key',
		async () => {
			const result = await testCredential('smokeCredGood001');
			expect(result).toEqual(expect.objectContaining({ status: 'OK' }));
			// The test reads a generation that cannot exist: 404 "Generation not found" proves the key was accepted.
			const probe = sim!.requests.filter((r) => r.path === '/v1/sora/generations/00000000-0000-0000-0000-000000000000/');
			expect(probe.length).toBeGreaterThan(0);
			expect(probe.every((r) => r.authorization && r.status === 404)).toBe(true);
		},
		TEST_TIMEOUT_MS,
	);

	test(
		'credential test fails with a clear message for a wrong key',
		async () => {
			const result = await testCredential('smokeCredWrong01');
			expect(result.status).toBe('Error');
			expect(result.message).toContain('RunBlob rejected the API key');
		},
		TEST_TIMEOUT_MS,
	);

	test(
		'credential test tells an unreachable Base URL from a rejected key',
		async () => {
			const result = await testCredential('smokeCredNoHost1');
			expect(result.status).toBe('Error');
			expect(result.message).not.toContain('RunBlob rejected the API key');
			expect(result.message).toMatch(/ECONNREFUSED|connect/i);
		},
		TEST_TIMEOUT_MS,
	);

	// Servers that answer something else than RunBlob, with a key RunBlob would reject: none may pass as RunBlob, and
	// none may blame the key.
	test.each([
		['n8n itself (an HTML page, 200)', () => n8n!.baseUrl],
		['an S3 server (an XML error, 404)', () => s3!.url],
		['a chat webhook receiver (empty 204)', () => chat!.url],
	])(
		'credential test says "No RunBlob API" when the Base URL is %s',
		async (name, baseUrl) => {
			const result = await testBaseUrl(`Not RunBlob: ${name}`, baseUrl());
			expect(result).toEqual({ status: 'Error', message: 'No RunBlob API at this Base URL. Check the Base URL.' });
		},
		TEST_TIMEOUT_MS,
	);

	test(
		'credential test through the editor API: the simulator with the right key passes, with a wrong key it names the key',
		async () => {
			expect(await testBaseUrl('Simulator, right key', `${sim!.url}/`, GOOD_KEY)).toEqual(expect.objectContaining({ status: 'OK' }));
			expect(await testBaseUrl('Simulator, wrong key', sim!.url)).toEqual({
				status: 'Error',
				message: 'RunBlob rejected the API key. Check the key in the RunBlob dashboard.',
			});
		},
		TEST_TIMEOUT_MS,
	);

	test(
		'credential test says when the Base URL is not a RunBlob API',
		async () => {
			const result = await testCredential('smokeCredNotApi1');
			expect(result).toEqual(expect.objectContaining({ status: 'Error', message: 'No RunBlob API at this Base URL. Check the Base URL.' }));
		},
		TEST_TIMEOUT_MS,
	);
});
