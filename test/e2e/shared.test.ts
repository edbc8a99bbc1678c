// The shared n8n (test/e2e/shared.js) keeps the e2e files apart, on the current and the oldest supported n8n: each
// file gets credentials of its own (n8n assigns the ids, the nodes reference them), a workflow id another file uses is
// refused with an error naming both, only a file attached with `restarts: true` may restart the instance, and
// detach() removes the file's workflows (their webhooks with them) and credentials.
import { useSharedN8n } from './shared';
import { RUNTIMES, SETUP_TIMEOUT_MS, chain, credentialFixture, noOpNode, runBlobNode, webhookNode } from './workflows';

type N8n = Awaited<ReturnType<typeof useSharedN8n>>;

const workflow = (id: string, path: string) =>
	chain(id, `shared ${path}`, [
		webhookNode('Start', path),
		runBlobNode('RunBlob', { operation: 'get', generationId: '={{ $json.body.id }}' }),
		noOpNode('Done'),
	]);

describe.each(RUNTIMES)('the shared n8n of runtime "%s"', (runtime) => {
	const attached: N8n[] = [];
	const attach = async (label: string, baseUrl: string, workflows: ReturnType<typeof workflow>[]) => {
		const n8n = await useSharedN8n({ runtime, label, credentials: [credentialFixture(baseUrl)], workflows });
		attached.push(n8n);
		return n8n;
	};

	afterAll(async () => {
		for (const n8n of attached.splice(0)) await n8n.detach().catch(() => undefined);
	}, 60_000);

	test('two files: their own credentials, a used workflow id refused, restart only when asked, detach cleans up', async () => {
		const first = await attach('shared-first', 'http://127.0.0.1:9/first', [workflow('e2eSharedFirst01', 'shared-first')]);
		expect(first.shared).toBe(!/^(0|false|no)$/i.test(process.env.RUNBLOB_E2E_SHARED || ''));
		const second = await attach('shared-second', 'http://127.0.0.1:9/second', [workflow('e2eSharedSecnd01', 'shared-second')]);

		// The same fixture credential id, two credentials: each file's node references its own.
		const firstCredential = first.credentialId(credentialFixture('').id);
		const secondCredential = second.credentialId(credentialFixture('').id);
		expect(firstCredential).not.toBe(secondCredential);
		const stored = await first.http('GET', '/rest/workflows/e2eSharedSecnd01', { auth: 'cookie' });
		expect(stored.status).toBe(200);
		const node = stored.json.data.nodes.find((n: { name: string }) => n.name === 'RunBlob');
		expect(node.credentials.runBlobApi.id).toBe(secondCredential);
		expect(stored.json.data.name).toBe('shared-second: shared shared-second');

		// Both webhooks answer while both files are attached (on the shared instance, the same base URL).
		if (first.shared) expect(second.baseUrl).toBe(first.baseUrl);
		for (const [n8n, path] of [
			[first, 'shared-first'],
			[second, 'shared-second'],
		] as const) {
			const res = await n8n.http('POST', n8n.webhookUrl(path), { body: { id: 'x' } });
			expect(res.status).toBe(200);
		}

		// A third file that reuses the first file's workflow id is refused, naming the owner; nothing of it stays.
		if (first.shared) {
			await expect(attach('shared-third', 'http://127.0.0.1:9/third', [workflow('e2eSharedFirst01', 'shared-third')])).rejects.toThrow(
				/shared-third: workflow id e2eSharedFirst01 is already in use on the shared n8n \(by "shared-first: shared shared-first"\)/,
			);
			const credentials = await first.http('GET', '/rest/credentials', { auth: 'cookie' });
			expect(credentials.json.data.map((c: { name: string }) => c.name)).not.toContainEqual(expect.stringMatching(/^shared-third:/));
			// Only a file attached with `restarts: true` may restart the shared instance.
			await expect(first.restart()).rejects.toThrow(/shared-first: attach with useSharedN8n\(\{ restarts: true \}\) to restart n8n/);
		}

		// detach() removes the file's workflow (its webhook with it) and its credential; the other file keeps its own.
		await attached.splice(attached.indexOf(second), 1)[0].detach();
		expect((await first.http('GET', '/rest/workflows/e2eSharedSecnd01', { auth: 'cookie' })).status).toBe(404);
		const names = (await first.http('GET', '/rest/credentials', { auth: 'cookie' })).json.data.map((c: { name: string }) => c.name);
		expect(names).not.toContainEqual(expect.stringMatching(/^shared-second:/));
		expect(names).toContainEqual(expect.stringMatching(/^shared-first:/));
		expect((await first.http('POST', first.webhookUrl('shared-second'), { body: {} })).status).toBe(404);
		expect((await first.http('POST', first.webhookUrl('shared-first'), { body: { id: 'x' } })).status).toBe(200);
	}, SETUP_TIMEOUT_MS);
});
