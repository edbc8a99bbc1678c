import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

/**
 * The node's tool form ("RunBlob Tool", used by n8n's AI Agent and MCP Server Trigger). n8n shows a property with
 * `@tool: [true]` only there, and `@tool: [false]` only in the ordinary node.
 */

const inTool = { '@tool': [true] };
const notInTool = { '@tool': [false] };

/** A tool call cannot park the agent's execution, so the tool form offers only the completions that return at once. */
const WAITING = ['waitForVideo', 'waitForImage'];

/** The Completion property twice: unchanged for the ordinary node, without the waiting choices for the tool. */
export function completionForms(completion: INodeProperties): INodeProperties[] {
	const options = (completion.options as INodePropertyOptions[]).filter(
		(option) => !WAITING.includes(String(option.value)),
	);
	return [
		{
			...completion,
			displayOptions: { show: { ...completion.displayOptions?.show, ...notInTool } },
		},
		{
			...completion,
			options,
			default: 'dontWait',
			description:
				'What the tool returns. A tool call cannot wait minutes for a render: it returns the pending generation at once.',
			displayOptions: { show: { ...completion.displayOptions?.show, ...inTool } },
		},
	];
}

type Kind = 'video' | 'image';

/** What the model is told each completion gives back. */
const RESULTS: Record<string, (kind: Kind) => string> = {
	dontWait: (kind) =>
		`It does not return the ${kind}: it returns at once a JSON object with a generation_id and status "pending". The ${kind} is ready minutes later; tell the user its generation_id.`,
	notifyTrigger: (kind) =>
		`It does not return the ${kind}: it returns at once a JSON object with a generation_id and status "pending". When the ${kind} is ready it is delivered to another n8n workflow (a RunBlob Trigger), which continues with it; tell the user it is on its way and give its generation_id.`,
	customCallbackUrl: (kind) =>
		`It does not return the ${kind}: it returns at once a JSON object with a generation_id and status "pending". When the ${kind} is ready RunBlob sends it to a callback URL set in this tool; tell the user its generation_id.`,
};

function descriptionText(kind: Kind, completion: string, model?: string): string {
	const withModel = model ? `RunBlob's ${model} model` : 'RunBlob (the model is chosen per call)';
	return `Starts generating one ${kind} with ${withModel} from a text prompt. ${RESULTS[completion](kind)} Call it once per ${kind} the user asks for.`;
}

/**
 * The description n8n gives the model for Generate (n8n reads a `toolDescription` parameter when the node declares
 * one, and then adds none of its own): one default per model and completion, so it names both. When the model is an
 * expression (for example `$fromAI`), a default without a model name applies.
 */
export function toolDescriptions(kind: Kind, models: INodePropertyOptions[]): INodeProperties[] {
	const base: INodeProperties = {
		displayName: 'Tool Description',
		name: 'toolDescription',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		description:
			'What the AI model is told about this tool. The default names the model and what the tool returns; it follows the Model and Completion you choose until you edit it.',
	};
	const values = models.map((model) => String(model.value));
	// `hide`, not `show`, keys on the model: n8n shows a property as soon as any `show` value is an expression (such as
	// `$fromAI`), whereas "not this model" also hides it then, leaving only the model-less default.
	const show = (completion: string) => ({
		...inTool,
		resource: [kind],
		operation: ['generate'],
		completion: [completion],
	});
	return Object.keys(RESULTS).flatMap((completion) => [
		...models.map((model) => ({
			...base,
			default: descriptionText(kind, completion, model.name),
			displayOptions: { show: show(completion), hide: { model: [{ _cnd: { not: model.value } }] } },
		})),
		{
			...base,
			default: descriptionText(kind, completion),
			displayOptions: { show: show(completion), hide: { model: values } },
		},
	]);
}
