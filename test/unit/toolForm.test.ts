// The RunBlob Tool form as n8n builds it: the node description run through n8n-workflow's own parameter resolution
// (as n8n does for "<type>Tool" when it loads a usableAsTool node) and its own tool-description choice.
import type { INode, INodeParameters, INodeTypeDescription } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { RunBlob } from '../../nodes/RunBlob/RunBlob.node';

const plain = new RunBlob().description;
const tool: INodeTypeDescription = { ...plain, name: 'runBlobTool', displayName: 'RunBlob Tool' };

function resolved(description: INodeTypeDescription, parameters: INodeParameters, typeVersion = 2) {
	const node = { name: 'RunBlob', typeVersion, type: description.name, parameters } as unknown as INode;
	const values = NodeHelpers.getNodeParameters(description.properties, parameters, true, false, node, description)!;
	return { values, node: { ...node, parameters: values } };
}

/** What the AI model is told, through the same n8n function the AI Agent and the MCP Server Trigger use. */
function toolDescription(parameters: INodeParameters, typeVersion = 2): string {
	const { node } = resolved(tool, parameters, typeVersion);
	return NodeHelpers.getToolDescriptionForNode(node, { description: tool } as never);
}

describe('RunBlob Tool form', () => {
	test('Completion offers no waiting choice in the tool and defaults to Don\'t Wait; the plain node is unchanged', () => {
		expect(resolved(tool, { resource: 'video', operation: 'generate' }).values.completion).toBe('dontWait');
		expect(resolved(plain, { resource: 'video', operation: 'generate' }).values.completion).toBe('waitForVideo');
		expect(resolved(tool, { resource: 'image', operation: 'generate' }).values.completion).toBe('dontWait');
		const choices = (resource: string, description: INodeTypeDescription) =>
			description.properties
				.filter((p) => p.name === 'completion' && p.displayOptions?.show?.resource?.includes(resource))
				.filter((p) => NodeHelpers.displayParameter({ resource, operation: 'generate' }, p, { typeVersion: 2 } as INode, description))
				.flatMap((p) => (p.options as Array<{ value: string }>).map((o) => o.value));
		expect(choices('video', tool)).toEqual(['notifyTrigger', 'customCallbackUrl', 'dontWait']);
		expect(choices('image', tool)).toEqual(['notifyTrigger', 'customCallbackUrl', 'dontWait']);
		expect(choices('video', plain)).toContain('waitForVideo');
	});

	test('the tool description names the model and says the result is a pending generation_id', () => {
		const text = toolDescription({ resource: 'video', operation: 'generate', model: 'sora-2' });
		expect(text).toMatch(/^Starts generating one video with RunBlob's Sora 2 model/);
		expect(text).toMatch(/generation_id and status "pending"/);
		expect(text).toMatch(/does not return the video/);
	});

	test('with Notify a RunBlob Trigger it says the video arrives later in another workflow', () => {
		const text = toolDescription({ resource: 'video', operation: 'generate', model: 'veo-3-fast', completion: 'notifyTrigger' });
		expect(text).toMatch(/Veo 3/);
		expect(text).toMatch(/delivered to another n8n workflow \(a RunBlob Trigger\)/);
	});

	test('a model chosen by the AI ($fromAI) gets a description without a model name', () => {
		const text = toolDescription({ resource: 'video', operation: 'generate', model: "={{ $fromAI('model') }}" });
		expect(text).toMatch(/^Starts generating one video with RunBlob \(the model is chosen per call\)/);
	});

	test('images and node version 1 (Sora 2 only) get their own wording', () => {
		expect(toolDescription({ resource: 'image', operation: 'generate', model: 'nano-banana' })).toMatch(
			/^Starts generating one image with RunBlob's Nano Banana/,
		);
		expect(toolDescription({ resource: 'video', operation: 'generate' }, 1)).toMatch(/RunBlob's Sora 2 model/);
	});

	test('an edited description is what the model gets; other operations keep n8n\'s automatic one', () => {
		expect(toolDescription({ resource: 'video', operation: 'generate', toolDescription: 'Makes clips' })).toBe('Makes clips');
		expect(toolDescription({ resource: 'video', operation: 'get' })).toBe('Get a video generation in RunBlob');
	});

	test('the tool form shows exactly one Tool Description field, whatever the model (a $fromAI one included)', () => {
		const shown = (parameters: INodeParameters) =>
			tool.properties.filter(
				(p) => p.name === 'toolDescription' && NodeHelpers.displayParameter(parameters, p, { typeVersion: 2 } as INode, tool),
			).length;
		for (const model of ['sora-2', 'kling_o3', "={{ $fromAI('model') }}"]) {
			expect(shown({ resource: 'video', operation: 'generate', completion: 'dontWait', model })).toBe(1);
		}
		expect(shown({ resource: 'image', operation: 'generate', completion: 'notifyTrigger', model: 'nano-banana' })).toBe(1);
	});

	test('the plain node shows no tool description', () => {
		expect(resolved(plain, { resource: 'video', operation: 'generate' }).values.toolDescription).toBeUndefined();
	});
});
