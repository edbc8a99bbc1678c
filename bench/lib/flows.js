'use strict';
// Workflow fixtures and run helpers of the API-economy, submission and waiting-cost benchmarks.
const {
	API_KEY,
	chain,
	noOpNode,
	promptsWorkflow,
	runBlobNode,
	splitPromptsNode,
	uuidFrom,
	webhookNode,
} = require('../../test/e2e/fixtures');
const { sleep } = require('./util');

/** Webhook (answers at once) → split prompts → RunBlob Generate (completion given) → NoOp. */
function generateFlow(id, path, parameters) {
	return promptsWorkflow(id, `bench: ${path}`, path, parameters);
}

/** n8n's Wait node "On Webhook Call": the run parks until its resume URL is POSTed (the waiting-cost baseline). */
function waitNodeFlow(id, path) {
	return chain(id, `bench: ${path}`, [
		webhookNode('Start', path),
		{
			id: uuidFrom(`bench-wait:${path}`),
			name: 'Wait',
			type: 'n8n-nodes-base.wait',
			typeVersion: 1.1,
			position: [0, 0],
			webhookId: uuidFrom(`bench-wait-webhook:${path}`),
			parameters: { resume: 'webhook', httpMethod: 'POST', options: {} },
		},
		noOpNode('Done'),
	]);
}

function httpNode(name, parameters) {
	return {
		id: uuidFrom(`bench-http:${name}`),
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position: [0, 0],
		parameters: {
			sendHeaders: true,
			headerParameters: { parameters: [{ name: 'Authorization', value: `Bearer ${API_KEY}` }] },
			options: {},
			...parameters,
		},
	};
}

/**
 * The polling baseline: Webhook → split → HTTP Request (create) → Wait (interval) → HTTP Request (status) → IF
 * finished → Done, else back to Wait. The Wait node under 65 s keeps the execution in the process (a worker is held).
 */
function pollingFlow(id, path, baseUrl, intervalSeconds) {
	const nodes = [
		webhookNode('Start', path),
		splitPromptsNode(),
		httpNode('Create', {
			method: 'POST',
			url: `${baseUrl}/v1/sora/generate`,
			sendBody: true,
			specifyBody: 'json',
			jsonBody: '={{ JSON.stringify({ prompt: $json.prompt, orientation: "16:9", duration: 10 }) }}',
		}),
		{
			id: uuidFrom(`bench-poll-wait:${path}`),
			name: 'Wait',
			type: 'n8n-nodes-base.wait',
			typeVersion: 1.1,
			position: [0, 0],
			webhookId: uuidFrom(`bench-poll-wait-webhook:${path}`),
			parameters: { resume: 'timeInterval', amount: intervalSeconds, unit: 'seconds' },
		},
		httpNode('Status', {
			method: 'GET',
			url: `={{ "${baseUrl}/v1/sora/generations/" + $json.generation_id + "/" }}`,
		}),
		{
			id: uuidFrom(`bench-poll-if:${path}`),
			name: 'Finished?',
			type: 'n8n-nodes-base.if',
			typeVersion: 1,
			position: [0, 0],
			parameters: {
				conditions: {
					string: [
						{ value1: '={{ $json.status }}', operation: 'regex', value2: '^(completed|failed)$' },
					],
				},
			},
		},
		noOpNode('Done'),
	];
	const wf = chain(id, `bench: ${path}`, nodes);
	// IF: true → Done (already chained), false → back to Wait.
	wf.connections['Finished?'] = {
		main: [
			[{ node: 'Done', type: 'main', index: 0 }],
			[{ node: 'Wait', type: 'main', index: 0 }],
		],
	};
	return wf;
}

/**
 * The retry loop an n8n user builds by hand around RunBlob: the polling baseline, plus IF failed → back to the create
 * (the status object carries the prompt, so the same request is sent again) instead of Done.
 */
function retryLoopFlow(id, path, baseUrl, intervalSeconds) {
	const wf = pollingFlow(id, path, baseUrl, intervalSeconds);
	wf.nodes.push({
		id: uuidFrom(`bench-retry-if:${path}`),
		name: 'Failed?',
		type: 'n8n-nodes-base.if',
		typeVersion: 1,
		position: [0, 0],
		parameters: {
			conditions: { string: [{ value1: '={{ $json.status }}', operation: 'equal', value2: 'failed' }] },
		},
	});
	wf.connections['Finished?'] = {
		main: [
			[{ node: 'Failed?', type: 'main', index: 0 }],
			[{ node: 'Wait', type: 'main', index: 0 }],
		],
	};
	wf.connections['Failed?'] = {
		main: [
			[{ node: 'Create', type: 'main', index: 0 }],
			[{ node: 'Done', type: 'main', index: 0 }],
		],
	};
	return wf;
}

/** Starts a run of a Webhook-started workflow and resolves with its execution id. */
async function startRun(n8n, workflow, body) {
	const before = new Set((await n8n.executions({ workflowId: workflow.id })).map((e) => e.id));
	const path = String(workflow.nodes[0].parameters.path);
	const res = await n8n.http('POST', n8n.webhookUrl(path), { body });
	if (res.status !== 200) throw new Error(`starting ${workflow.name}: HTTP ${res.status} ${res.text}`);
	const exec = await n8n.waitForExecution((e) => !before.has(e.id), 60_000, {
		workflowId: workflow.id,
		includeData: false,
	});
	return String(exec.id);
}

const FINAL = new Set(['success', 'error', 'crashed', 'canceled']);

/** Waits until an execution has a final status; resolves with it (with data). */
async function finishedExecution(n8n, id, timeoutMs = 180_000, pollMs = 250) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const summary = await n8n.execution(id, { includeData: false });
		if (FINAL.has(summary.status)) return n8n.execution(id);
		if (Date.now() > deadline) throw new Error(`execution ${id} still ${summary.status}`);
		await sleep(pollMs);
	}
}

/** Waits until an execution is parked (status waiting). */
async function untilWaiting(n8n, id, timeoutMs = 60_000) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const summary = await n8n.execution(id, { includeData: false });
		if (summary.status === 'waiting') return summary;
		if (FINAL.has(summary.status))
			throw new Error(`execution ${id} ended (${summary.status}) instead of waiting`);
		if (Date.now() > deadline) throw new Error(`execution ${id} never started waiting`);
		await sleep(100);
	}
}

/** Output items of a node in an execution read from the public API (includeData). */
function nodeOutput(execution, nodeName, runIndex = -1) {
	const runs = execution?.data?.resultData?.runData?.[nodeName] ?? [];
	const run = runIndex < 0 ? runs[runs.length - 1] : runs[runIndex];
	return run?.data?.main?.[0] ?? [];
}

/** Output items of every run of a node (a node inside a loop runs once per iteration). */
function allNodeOutput(execution, nodeName) {
	const runs = execution?.data?.resultData?.runData?.[nodeName] ?? [];
	return runs.flatMap((run) => run?.data?.main?.[0] ?? []);
}

/** Sum of the execution times of every node run: the time the execution held a worker. */
function busyMs(execution) {
	const runData = execution?.data?.resultData?.runData ?? {};
	let total = 0;
	for (const runs of Object.values(runData)) for (const r of runs) total += r.executionTime ?? 0;
	return total;
}

/** Wall time of an execution from its start to its end. */
function wallMs(execution) {
	return new Date(execution.stoppedAt).getTime() - new Date(execution.startedAt).getTime();
}

module.exports = {
	splitPromptsNode,
	generateFlow,
	waitNodeFlow,
	pollingFlow,
	retryLoopFlow,
	startRun,
	finishedExecution,
	untilWaiting,
	nodeOutput,
	allNodeOutput,
	busyMs,
	wallMs,
};
