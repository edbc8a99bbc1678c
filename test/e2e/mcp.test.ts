// The RunBlob Tool behind n8n's MCP Server Trigger, on the current and the oldest supported n8n (both ship the trigger,
// version 2): a real MCP client (the official SDK) lists the tools, reads RunBlob's input schema and description,
// calls it, gets the pending generation back, and the finished video then reaches a RunBlob Trigger workflow.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { useSharedN8n } from './shared';
import { createSimulator } from '../simulator';
import { fromAI, mcpWorkflow, runBlobToolNode } from './agents';
import {
	RUNTIMES,
	SETUP_TIMEOUT_MS,
	chain,
	credentialFixture,
	noOpNode,
	nodeOutput,
	sleep,
	triggerNode,
	triggerPath,
} from './workflows';

type N8n = Awaited<ReturnType<typeof useSharedN8n>>;
type Sim = any;

const SECRET = 'e2e-mcp-callback-secret';
const MCP_PATH = 'runblob-e2e';
const trigger = triggerNode('RunBlob Trigger', 'e2e-mcp-trigger', { events: ['completed'] });

const WF = {
	trigger: chain('e2eMcpTrigger001', 'mcp: receive videos', [trigger, noOpNode('Received')]),
	mcp: mcpWorkflow('e2eMcpServer0001', MCP_PATH, [
		runBlobToolNode('Generate Video', {
			model: 'kling_3',
			prompt: fromAI('prompt', 'What the video shows, in one or two sentences'),
			klingSeconds: fromAI('duration', 'Length in seconds, 3 to 15', 'number'),
			completion: 'notifyTrigger',
			// This instance's own trigger (the test's n8n picks its port at start; WEBHOOK_URL is its public base).
			triggerUrl: `={{ $env.WEBHOOK_URL }}webhook/${triggerPath(trigger)}`,
		}),
	]),
};

describe.each(RUNTIMES)('RunBlob Tool through n8n\'s MCP Server Trigger, runtime "%s"', (runtime) => {
	let sim: Sim;
	let n8n: N8n;
	let client: Client | undefined;

	beforeAll(async () => {
		sim = await createSimulator({
			port: 0,
			timing: { queueMs: 100, processingMs: 300 },
			videoSize: 64 * 1024,
			callbacks: { allowHttp: 'loopback', retryDelaysMs: [300, 600, 1200], timeoutMs: 30_000 },
		});
		n8n = await useSharedN8n({
			runtime,
			label: 'mcp',
			credentials: [credentialFixture(sim.url, SECRET)],
			workflows: Object.values(WF),
			readyPaths: [triggerPath(trigger)],
		});
		// The MCP endpoint registers with its workflow's activation; retry the handshake briefly after start.
		const deadline = Date.now() + 30_000;
		for (;;) {
			const candidate = new Client({ name: 'runblob-e2e', version: '1.0.0' });
			try {
				await candidate.connect(new StreamableHTTPClientTransport(new URL(`${n8n.baseUrl}/mcp/${MCP_PATH}`)));
				client = candidate;
				break;
			} catch (error) {
				if (Date.now() > deadline) throw error;
				await sleep(500);
			}
		}
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		await client?.close();
		await sim?.close();
		await n8n?.detach();
	}, 60_000);

	test('lists the RunBlob tool with its description and input schema', async () => {
		const { tools } = await client!.listTools();
		const tool = tools.find((t) => t.name === 'Generate_Video');
		expect(tool).toBeDefined();
		expect(tool!.description).toMatch(/^Starts generating one video with RunBlob's Kling 3\.0/);
		expect(tool!.description).toMatch(/delivered to another n8n workflow \(a RunBlob Trigger\)/);
		const schema = tool!.inputSchema as any;
		expect(schema.type).toBe('object');
		expect(Object.keys(schema.properties).sort()).toEqual(['duration', 'prompt']);
		expect(schema.properties.prompt).toMatchObject({ type: 'string', description: 'What the video shows, in one or two sentences' });
		expect(schema.properties.duration.type).toBe('number');
	}, 60_000);

	test('a call creates exactly one generation with the given arguments and returns it; the video reaches the trigger workflow once', async () => {
		const videoPrompt = 'A red kite over green hills on a windy day';
		const creates = () => sim.requests.filter((r: any) => r.method === 'POST').length;
		const before = creates();
		const result: any = await client!.callTool({ name: 'Generate_Video', arguments: { prompt: videoPrompt, duration: 7 } });
		expect(result.isError ?? false).toBe(false);
		const text = result.content.map((part: any) => part.text ?? '').join('');
		expect(creates() - before).toBe(1);
		const [generation] = sim.generations();
		expect(generation.request).toMatchObject({ prompt: videoPrompt, duration: 7 });
		expect(text).toContain(generation.id);
		expect(text).toMatch(/pending/);

		await sim.waitFor(() => sim.get(generation.id)?.webhook?.state === 'delivered', 30_000);
		await sleep(1000); // any duplicate delivery in flight lands
		const runs = [];
		for (const summary of await n8n.executions({ workflowId: WF.trigger.id })) {
			const [item] = nodeOutput(await n8n.execution(summary.id), 'RunBlob Trigger');
			if (item?.json.generation_id === generation.id) runs.push(item.json);
		}
		expect(runs).toHaveLength(1);
		// Kling's callback carries neither prompt nor model: the run has the generation, its status and the video.
		expect(runs[0].status).toBe('completed');
		expect(runs[0].video_url).toMatch(/^http/);
	}, 90_000);

	test('a validation error comes back as an MCP tool error, with zero creates', async () => {
		const before = sim.requests.filter((r: any) => r.method === 'POST').length;
		const result: any = await client!.callTool({ name: 'Generate_Video', arguments: { prompt: 'x'.repeat(2501), duration: 5 } });
		const text = result.content.map((part: any) => part.text ?? '').join('');
		expect(text).toMatch(/2501 characters; RunBlob accepts at most 2500/);
		expect(sim.requests.filter((r: any) => r.method === 'POST').length - before).toBe(0);
	}, 60_000);
});
