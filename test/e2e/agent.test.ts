// The RunBlob Tool inside n8n's own AI Agent, on the current and the oldest supported n8n: a Webhook starts the agent,
// n8n's OpenAI Chat Model node talks to a local OpenAI-compatible fake model (test/e2e/services/fakeModel.js) that
// calls the RunBlob tool with arguments the test chose, and RunBlob is the simulator. What the model was told (tool
// description, input schema) and what it got back (the tool's result or error) are read from the fake model's records.
import { useSharedN8n } from './shared';
import { createSimulator } from '../simulator';
import { agentWorkflow, fromAI, openAiCredentialFixture, runBlobToolNode } from './agents';
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
import type { Runtime } from './workflows';

const { startFakeModel } = require('./services/fakeModel');

type N8n = Awaited<ReturnType<typeof useSharedN8n>>;
type Sim = any;
type FakeModel = any;

const SECRET = 'e2e-agent-callback-secret';
const TEST_TIMEOUT_MS = 120_000;
const trigger = triggerNode('RunBlob Trigger', 'e2e-agent-trigger', { events: ['completed'] });

const prompt = fromAI('prompt', 'What the video shows, in one or two sentences');
/** n8n 2.8 ends the whole run on a thrown tool error; On Error: Continue hands the model the error instead. */
const onErrorFor = (runtime: Runtime) => (runtime === 'oldest' ? { onError: 'continueRegularOutput' } : {});

function workflows(runtime: Runtime) {
	const extra = onErrorFor(runtime);
	return {
		trigger: chain('e2eAgentTrigger1', 'agent: receive videos', [trigger, noOpNode('Received')]),
		sora: agentWorkflow(
			'e2eAgentSora0001',
			'agent-sora',
			runBlobToolNode('Generate Video', {
				model: 'sora-2',
				prompt,
				orientation: fromAI('orientation', 'Aspect ratio: 16:9 (landscape) or 9:16 (portrait)'),
				duration: fromAI('duration', 'Length in seconds: 10 or 15', 'number'),
				// Completion left out: the tool form's default (Don't Wait), as a new RunBlob Tool has it.
			}),
		),
		anyModel: agentWorkflow(
			'e2eAgentModel001',
			'agent-model',
			runBlobToolNode('Generate Video', {
				model: fromAI('model', 'RunBlob model id, for example sora-2 or veo-3-fast'),
				prompt,
				completion: 'dontWait',
			}),
		),
		notify: agentWorkflow(
			'e2eAgentNotify01',
			'agent-notify',
			runBlobToolNode('Generate Video', {
				model: 'sora-2',
				prompt,
				completion: 'notifyTrigger',
				triggerUrl: "={{ $('Start').first().json.body.triggerUrl }}",
			}),
		),
		// Validation errors (a prompt over Sora's 4000 characters, a duration Sora does not offer), as the model sends them.
		checked: agentWorkflow(
			'e2eAgentChecked1',
			'agent-checked',
			runBlobToolNode(
				'Generate Video',
				{ model: 'sora-2', prompt, duration: fromAI('duration', 'Length in seconds: 10 or 15', 'number'), completion: 'dontWait' },
				extra,
			),
		),
		// A tool saved with Wait for Video (from before the tool form hid it): refused, never submitted. On Error: Continue
		// on both versions, so 2.41 shows the setting a 2.8 user needs does no harm there.
		waiting: agentWorkflow(
			'e2eAgentWait0001',
			'agent-wait',
			runBlobToolNode(
				'Generate Video',
				{ model: 'sora-2', prompt, completion: 'waitForVideo' },
				{ onError: 'continueRegularOutput' },
			),
		),
		// The same without On Error: Continue (n8n's default), to show what each n8n does with a failing tool.
		waitingDefault: agentWorkflow(
			'e2eAgentWaitDef1',
			'agent-wait-default',
			runBlobToolNode('Generate Video', { model: 'sora-2', prompt, completion: 'waitForVideo' }),
		),
	};
}

describe.each(RUNTIMES)('RunBlob Tool in n8n\'s AI Agent, runtime "%s"', (runtime) => {
	let sim: Sim;
	let model: FakeModel;
	let n8n: N8n;
	const WF = workflows(runtime);

	beforeAll(async () => {
		sim = await createSimulator({
			port: 0,
			timing: { queueMs: 100, processingMs: 300 },
			videoSize: 64 * 1024,
			callbacks: { allowHttp: 'loopback', retryDelaysMs: [300, 600, 1200], timeoutMs: 30_000 },
		});
		model = await startFakeModel();
		n8n = await useSharedN8n({
			runtime,
			label: 'agent',
			credentials: [credentialFixture(sim.url, SECRET), openAiCredentialFixture(model.url)],
			workflows: Object.values(WF),
			readyPaths: [triggerPath(trigger)],
		});
	}, SETUP_TIMEOUT_MS);

	afterAll(async () => {
		await model?.close();
		await sim?.close();
		await n8n?.detach();
	}, 60_000);

	beforeEach(() => model.reset());

	const creates = () => sim.requests.filter((r: any) => r.method === 'POST' && !r.path.startsWith('/_sim'));

	/** Asks the agent through its webhook; the fake model calls the tool with `args`. */
	async function ask(path: string, args: Record<string, unknown>, body: Record<string, unknown> = {}) {
		model.setToolArgs(args);
		return n8n.http('POST', n8n.webhookUrl(path), { body: { message: 'Make me a video', ...body } });
	}

	/** n8n hands the model the tool's JSON as a string: read quotes inside it as quotes. */
	const unquoted = (text: string) => String(text ?? '').replace(/\\"/g, '"');

	/** The tool as the model saw it in its first request, and the tool result it got in the second. */
	function conversation() {
		const [first, second] = model.chatRequests();
		const tool = first?.tools?.[0]?.function;
		const toolMessage = second?.messages?.find((m: any) => m.role === 'tool');
		const content = typeof toolMessage?.content === 'string' ? toolMessage.content : JSON.stringify(toolMessage?.content ?? null);
		return { tool, toolResult: unquoted(content) };
	}

	test(
		'the model is told what the tool does and fills every $fromAI parameter; they reach RunBlob unchanged (Don\'t Wait, the tool form\'s default) and the answer names the generation_id',
		async () => {
			const before = creates().length;
			const videoPrompt = 'A paper boat drifting down a rainy street at dusk, cinematic';
			const res = await ask('agent-sora', { prompt: videoPrompt, orientation: '16:9', duration: 15 });
			expect(res.status).toBe(200);

			const { tool, toolResult } = conversation();
			expect(tool.description).toMatch(/^Starts generating one video with RunBlob's Sora 2 model/);
			expect(tool.description).toMatch(/generation_id and status "pending"/);
			expect(Object.keys(tool.parameters.properties).sort()).toEqual(['duration', 'orientation', 'prompt']);
			expect(tool.parameters.properties.prompt.description).toBe('What the video shows, in one or two sentences');
			expect(tool.parameters.properties.duration.type).toBe('number');

			expect(creates().length - before).toBe(1);
			const [generation] = sim.generations();
			expect(generation.request).toMatchObject({ prompt: videoPrompt, orientation: '16:9', duration: 15 });
			expect(generation.callback_url ?? undefined).toBeUndefined();
			expect(toolResult).toContain('"completion":"dontWait"');
			expect(toolResult).toContain(generation.id);
			expect(res.json.output).toContain(generation.id);
			expect(res.json.output).toMatch(/pending/);
		},
		TEST_TIMEOUT_MS,
	);

	test(
		'a model chosen by the AI ($fromAI) reaches RunBlob as given, and the description then names no model',
		async () => {
			const before = creates().length;
			const res = await ask('agent-model', { model: 'veo-3-fast', prompt: 'A lighthouse in a storm at night, waves crashing' });
			expect(res.status).toBe(200);
			const { tool } = conversation();
			expect(tool.description).toMatch(/^Starts generating one video with RunBlob \(the model is chosen per call\)/);
			expect(creates().length - before).toBe(1);
			const [generation] = sim.generations();
			expect(generation.family).toBe('veo');
			expect(generation.request).toMatchObject({ prompt: 'A lighthouse in a storm at night, waves crashing', model: 'veo-3-fast' });
			expect(res.json.output).toContain(generation.id);
		},
		TEST_TIMEOUT_MS,
	);

	test(
		'Notify a RunBlob Trigger from the agent: the description says the video arrives elsewhere, and exactly one trigger run gets it',
		async () => {
			const before = creates().length;
			const videoPrompt = 'A hot air balloon over a lavender field at sunrise';
			const res = await ask('agent-notify', { prompt: videoPrompt }, { triggerUrl: n8n.webhookUrl(triggerPath(trigger)) });
			expect(res.status).toBe(200);
			expect(conversation().tool.description).toMatch(/delivered to another n8n workflow \(a RunBlob Trigger\)/);
			expect(creates().length - before).toBe(1);
			const [generation] = sim.generations();
			expect(generation.request.prompt).toBe(videoPrompt);
			expect(res.json.output).toContain(generation.id);

			await sim.waitFor(() => sim.get(generation.id)?.webhook?.state === 'delivered', 30_000);
			await sleep(1000); // any duplicate delivery in flight lands
			const runs = [];
			for (const summary of await n8n.executions({ workflowId: WF.trigger.id })) {
				const [item] = nodeOutput(await n8n.execution(summary.id), 'RunBlob Trigger');
				if (item?.json.generation_id === generation.id) runs.push(item.json);
			}
			expect(runs).toHaveLength(1);
			expect(runs[0]).toMatchObject({ status: 'completed', prompt: videoPrompt });
			expect(runs[0].video_url).toMatch(/^http/);
		},
		TEST_TIMEOUT_MS,
	);

	const refusals: Array<[string, string, Record<string, unknown>, RegExp]> = [
		['a prompt over the model\'s limit', 'agent-checked', { prompt: 'x'.repeat(4001), duration: 10 }, /The prompt has 4001 characters; RunBlob accepts at most 4000/],
		['a duration the model does not offer', 'agent-checked', { prompt: 'A cat on a piano', duration: 12 }, /[Dd]uration/],
		['Wait for Video (On Error: Continue on both versions)', 'agent-wait', { prompt: 'A cat on a piano' }, /"Wait for Video" cannot pause an AI Agent's tool call/],
	];

	test.each(refusals)(
		`%s reaches the model as an error it can act on${runtime === 'oldest' ? ' (with On Error: Continue)' : ' (by default)'}, with zero creates`,
		async (_what, path, args, message) => {
			const before = creates().length;
			const res = await ask(path, args);
			expect(res.status).toBe(200);
			const { toolResult } = conversation();
			expect(toolResult).toMatch(message);
			expect(toolResult).not.toMatch(/"generation_id":/);
			expect(unquoted(res.json.output)).toMatch(message);
			// On Error: Continue hands the model the whole error item, with what to do about it.
			if (runtime === 'oldest' || path === 'agent-wait') expect(toolResult).toMatch(/"description"/);
			expect(creates().length - before).toBe(0);
		},
		TEST_TIMEOUT_MS,
	);

	test(
		runtime === 'oldest'
			? 'without On Error: Continue, n8n 2.8 ends the run on the tool error (the model never sees it), still with zero creates'
			: 'without On Error: Continue, n8n 2.41 hands the model the tool error itself, with zero creates',
		async () => {
			const before = creates().length;
			const res = await ask('agent-wait-default', { prompt: 'A cat on a piano' });
			if (runtime === 'oldest') {
				expect(res.status).toBe(500);
				expect(model.chatRequests()).toHaveLength(1);
			} else {
				expect(res.status).toBe(200);
				expect(conversation().toolResult).toMatch(/"Wait for Video" cannot pause an AI Agent's tool call/);
			}
			expect(creates().length - before).toBe(0);
		},
		TEST_TIMEOUT_MS,
	);
});
