// Workflow pieces for the AI Agent and MCP tests: n8n's own AI Agent, OpenAI Chat Model and MCP Server Trigger nodes
// (from @n8n/n8n-nodes-langchain, shipped inside n8n) around the RunBlob Tool.
import { CREDENTIAL, uuidFrom } from './fixtures';
import type { Node, Workflow } from './fixtures';

export const OPENAI_CREDENTIAL = { id: 'e2eFakeModelCred', name: 'Fake model (OpenAI-compatible)' };

/** n8n's OpenAI credential pointing at the fake model (its Base URL ends in /v1). */
export function openAiCredentialFixture(baseUrl: string) {
	return { ...OPENAI_CREDENTIAL, type: 'openAiApi', data: { apiKey: 'sk-fake-model-key', url: baseUrl } };
}

/** The RunBlob node in its tool form ("RunBlob Tool"), as n8n registers a `usableAsTool` node. */
export function runBlobToolNode(name: string, parameters: Record<string, unknown>, extra: Partial<Node> = {}): Node {
	return {
		id: uuidFrom(`runblob-tool:${name}:${JSON.stringify(parameters)}`),
		name,
		type: 'n8n-nodes-runblob.runBlobTool',
		typeVersion: 2,
		position: [600, 220],
		parameters: { resource: 'video', operation: 'generate', ...parameters },
		credentials: { runBlobApi: { ...CREDENTIAL } },
		...extra,
	};
}

export const fromAI = (key: string, description: string, type = 'string') =>
	`={{ $fromAI('${key}', \`${description}\`, '${type}') }}`;

function chatModelNode(name: string): Node {
	return {
		id: uuidFrom(`chat-model:${name}`),
		name,
		type: '@n8n/n8n-nodes-langchain.lmChatOpenAi',
		typeVersion: 1.2,
		position: [300, 220],
		parameters: { model: { __rl: true, mode: 'id', value: 'gpt-4o-mini' }, options: {} },
		credentials: { openAiApi: { ...OPENAI_CREDENTIAL } },
	};
}

/**
 * Webhook (answers with the agent's output when the run ends) → AI Agent, with the fake model and one RunBlob Tool.
 * POST `{ message }` to `/webhook/<path>`.
 */
export function agentWorkflow(id: string, path: string, tool: Node): Workflow {
	const start: Node = {
		id: uuidFrom(`agent-start:${path}`),
		name: 'Start',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: uuidFrom(`agent-webhook:${path}`),
		parameters: { httpMethod: 'POST', path, responseMode: 'lastNode', responseData: 'firstEntryJson', options: {} },
	};
	const agent: Node = {
		id: uuidFrom(`agent:${path}`),
		name: 'AI Agent',
		type: '@n8n/n8n-nodes-langchain.agent',
		typeVersion: 3,
		position: [300, 0],
		parameters: { promptType: 'define', text: '={{ $json.body.message }}', options: {} },
	};
	const model = chatModelNode('OpenAI Chat Model');
	return {
		id,
		name: `agent ${path}`,
		active: true,
		nodes: [start, agent, model, tool],
		connections: {
			Start: { main: [[{ node: agent.name, type: 'main', index: 0 }]] },
			[model.name]: { ai_languageModel: [[{ node: agent.name, type: 'ai_languageModel', index: 0 }]] },
			[tool.name]: { ai_tool: [[{ node: agent.name, type: 'ai_tool', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

/** n8n's MCP Server Trigger exposing the given tools at `/mcp/<path>` (Streamable HTTP) and `/mcp/<path>/sse`. */
export function mcpWorkflow(id: string, path: string, tools: Node[]): Workflow {
	const trigger: Node = {
		id: uuidFrom(`mcp-trigger:${path}`),
		name: 'MCP Server Trigger',
		type: '@n8n/n8n-nodes-langchain.mcpTrigger',
		typeVersion: 2,
		position: [300, 0],
		webhookId: uuidFrom(`mcp-webhook:${path}`),
		parameters: { path, authentication: 'none' },
	};
	const connections: Record<string, unknown> = {};
	for (const tool of tools) connections[tool.name] = { ai_tool: [[{ node: trigger.name, type: 'ai_tool', index: 0 }]] };
	return { id, name: `mcp ${path}`, active: true, nodes: [trigger, ...tools], connections, settings: { executionOrder: 'v1' } };
}
