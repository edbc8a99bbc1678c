// A small OpenAI-compatible chat model for n8n's AI Agent (through its OpenAI Chat Model node with the credential's
// Base URL pointing here): asked with tools, it calls the RunBlob tool with the arguments it was told; given the
// tool's result, it answers with a final message quoting that result word for word. Every request is recorded, so tests
// read what n8n told the model (tool names, descriptions, input schemas) and what the tool returned to it.
'use strict';

const http = require('node:http');

/**
 * @typedef {{ type: 'function', function: { name: string, description?: string, parameters?: any } }} ChatTool
 * @typedef {{ userText: string, tool: ChatTool, body: any }} ArgsContext
 * @typedef {(context: ArgsContext) => Record<string, unknown>} ArgsFn
 */

const MODELS = ['gpt-4o-mini', 'gpt-4o'];

/** The text of a chat message, whether n8n sent a string or content parts. */
function textOf(message) {
	const content = message?.content;
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) return content.map((part) => (typeof part === 'string' ? part : part?.text ?? '')).join('');
	return '';
}

/** Default arguments: the user's message for every parameter whose name says "prompt", nothing else. */
function defaultArgs({ userText, tool }) {
	const args = {};
	for (const key of Object.keys(tool.function.parameters?.properties ?? {})) {
		if (/prompt/i.test(key)) args[key] = userText;
	}
	return args;
}

/**
 * @param {{ port?: number, host?: string, toolArgs?: Record<string, unknown> | ArgsFn, toolName?: RegExp }} [options]
 *   toolArgs: the arguments of the tool call (or a function of the conversation), changeable later with setToolArgs;
 *   toolName: which offered tool to call (default: the first whose name or description mentions RunBlob or video).
 */
async function startFakeModel({ port = 0, host = '127.0.0.1', toolArgs, toolName } = {}) {
	/** @type {Array<{ method: string, path: string, body: any }>} */
	const requests = [];
	let args = toolArgs ?? defaultArgs;
	let calls = 0;

	function reply(body) {
		const messages = Array.isArray(body?.messages) ? body.messages : [];
		const lastUser = messages.map((m) => m.role).lastIndexOf('user');
		const toolResults = messages.slice(lastUser + 1).filter((m) => m.role === 'tool');
		const tools = Array.isArray(body?.tools) ? body.tools : [];
		if (toolResults.length > 0 || tools.length === 0) {
			const quoted = toolResults.map(textOf).join('\n');
			return { content: toolResults.length ? `The RunBlob tool answered: ${quoted}` : `You said: ${textOf(messages[lastUser])}` };
		}
		const pattern = toolName ?? /runblob|video/i;
		const tool = tools.find((t) => pattern.test(`${t.function?.name} ${t.function?.description ?? ''}`)) ?? tools[0];
		const context = { userText: textOf(messages[lastUser]), tool, body };
		const toolCall = {
			id: `call_fake_${++calls}`,
			type: 'function',
			function: { name: tool.function.name, arguments: JSON.stringify(typeof args === 'function' ? args(context) : args) },
		};
		return { toolCalls: [toolCall] };
	}

	function completion(body, answer) {
		const message = answer.toolCalls
			? { role: 'assistant', content: null, tool_calls: answer.toolCalls }
			: { role: 'assistant', content: answer.content };
		return {
			id: `chatcmpl-fake-${requests.length}`,
			object: 'chat.completion',
			created: Math.floor(Date.now() / 1000),
			model: body?.model ?? MODELS[0],
			choices: [{ index: 0, message, logprobs: null, finish_reason: answer.toolCalls ? 'tool_calls' : 'stop' }],
			usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
		};
	}

	/** The same answer as server-sent events, for a client that asked for `stream: true` (the Chat Trigger can). */
	function streamed(res, body, answer) {
		res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
		const base = { id: `chatcmpl-fake-${requests.length}`, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: body?.model ?? MODELS[0] };
		const send = (delta, finish = null) =>
			res.write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`);
		if (answer.toolCalls) {
			send({ role: 'assistant', content: null, tool_calls: answer.toolCalls.map((call, index) => ({ index, ...call })) });
			send({}, 'tool_calls');
		} else {
			send({ role: 'assistant', content: answer.content });
			send({}, 'stop');
		}
		if (body?.stream_options?.include_usage) {
			res.write(`data: ${JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 } })}\n\n`);
		}
		res.end('data: [DONE]\n\n');
	}

	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (c) => chunks.push(c));
		req.on('end', () => {
			const raw = Buffer.concat(chunks).toString('utf8');
			let body = null;
			try {
				body = raw ? JSON.parse(raw) : null;
			} catch {
				body = null;
			}
			const path = new URL(req.url || '/', 'http://model').pathname.replace(/^\/v1(?=\/)/, '');
			requests.push({ method: req.method || 'GET', path, body });
			const json = (status, value) => {
				res.writeHead(status, { 'content-type': 'application/json' });
				res.end(JSON.stringify(value));
			};
			if (req.method === 'GET' && path === '/models') {
				return json(200, { object: 'list', data: MODELS.map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake' })) });
			}
			if (req.method === 'POST' && path === '/chat/completions') {
				const answer = reply(body);
				if (body?.stream) return streamed(res, body, answer);
				return json(200, completion(body, answer));
			}
			json(404, { error: { message: `fake model: no ${req.method} ${path}`, type: 'invalid_request_error' } });
		});
	});
	await new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => resolve(undefined));
	});
	const address = /** @type {import('node:net').AddressInfo} */ (server.address());
	const url = `http://${host}:${address.port}/v1`;
	return {
		/** The Base URL to give n8n's OpenAI credential (ends in /v1, like OpenAI's). */
		url,
		requests,
		/** Every chat completion request body, oldest first. */
		chatRequests: () => requests.filter((r) => r.path === '/chat/completions').map((r) => r.body),
		/** @param {Record<string, unknown> | ArgsFn} next */
		setToolArgs(next) {
			args = next;
		},
		reset() {
			requests.length = 0;
		},
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections?.();
				server.close(() => resolve(undefined));
			}),
	};
}

module.exports = { startFakeModel };
