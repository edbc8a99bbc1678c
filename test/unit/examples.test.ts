// The example workflows users import: no machine-specific address, and loadExample (used by `npm start` and the
// delivery e2e tests) wires credentials and the trigger URL to the instance it is given.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { EXAMPLES_DIR, exampleFiles, loadExample, rebaseWebhookUrl } from '../../scripts/examples';

describe('examples/', () => {
	const files = exampleFiles();

	test('there are the delivery examples, each a named workflow', () => {
		expect(files).toEqual(
			expect.arrayContaining([
				'deliver-batch-to-chat.json',
				'deliver-video-by-email.json',
				'generate-and-notify-trigger.json',
				'receive-videos-with-trigger.json',
			]),
		);
		for (const file of files) expect(loadExample(file).name).toMatch(/^RunBlob: /);
	});

	// The examples show what a newly added node shows; version-1 compatibility is proven by test/e2e/saved/.
	test.each(exampleFiles())('%s uses the current RunBlob node versions, each action node with a Model', (file) => {
		const runBlobNodes = loadExample(file).nodes.filter((n: any) => n.type.startsWith('n8n-nodes-runblob.'));
		expect(runBlobNodes.length).toBeGreaterThan(0);
		for (const node of runBlobNodes) {
			expect({ name: node.name, typeVersion: node.typeVersion }).toEqual({ name: node.name, typeVersion: 2 });
			if (node.type === 'n8n-nodes-runblob.runBlob') expect(node.parameters.model).toEqual(expect.any(String));
		}
	});

	test('the README examples table names the model of every example', () => {
		const readme = fs.readFileSync(path.join(EXAMPLES_DIR, '..', 'README.md'), 'utf8');
		const header = readme.indexOf('| File | Model | Workflow |');
		expect(header).toBeGreaterThan(-1);
		const table = readme.slice(header).split('\n\n')[0];
		for (const file of files) expect(table).toContain(`(examples/${file})`);
	});

	test.each(exampleFiles())('%s names no local address or port', (file) => {
		const text = fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8');
		expect(text).not.toMatch(/127\.0\.0\.1|localhost|:5678/);
	});

	test("the Generate example notifies the trigger example's webhook, rebased onto the instance", () => {
		const trigger = loadExample('receive-videos-with-trigger.json').nodes.find(
			(n: any) => n.type === 'n8n-nodes-runblob.runBlobTrigger',
		);
		const notify = loadExample('generate-and-notify-trigger.json', { webhookBase: 'https://n8n.example.org/base/' });
		const generate = notify.nodes.find((n: any) => n.parameters.triggerUrl);
		expect(generate.parameters.triggerUrl).toBe(`https://n8n.example.org/base/webhook/${trigger.webhookId}/webhook`);
	});

	test('credentials are replaced by type; other nodes are left alone', () => {
		const wf = loadExample('deliver-video-by-email.json', {
			credentials: { runBlobApi: { id: 'r1', name: 'RunBlob' }, smtp: { id: 's1', name: 'Mail' } },
		});
		const byType = (type: string) => wf.nodes.filter((n: any) => n.type === type);
		expect(byType('n8n-nodes-runblob.runBlob')[0].credentials.runBlobApi).toEqual({ id: 'r1', name: 'RunBlob' });
		for (const email of byType('n8n-nodes-base.emailSend')) expect(email.credentials.smtp).toEqual({ id: 's1', name: 'Mail' });
		expect(byType('n8n-nodes-base.formTrigger')[0].credentials).toBeUndefined();
	});

	test('rebaseWebhookUrl keeps the path from /webhook/ on and leaves other URLs alone', () => {
		expect(rebaseWebhookUrl('https://your-n8n.example.com/webhook/abc/webhook', 'http://127.0.0.1:9/')).toBe(
			'http://127.0.0.1:9/webhook/abc/webhook',
		);
		expect(rebaseWebhookUrl('https://hooks.example.com/other', 'http://127.0.0.1:9')).toBe('https://hooks.example.com/other');
	});
});
