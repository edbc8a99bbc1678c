// Starting a workflow run through its production webhook and following it through n8n's API: what the Wait for
// Video, Resubmit and restart scenarios do with every run.
import type { useSharedN8n } from './shared';
import { sleep } from './workflows';

type N8n = Awaited<ReturnType<typeof useSharedN8n>>;
type WebhookWorkflow = { id: string; nodes: Array<{ parameters: Record<string, unknown> }> };

/** A run that is still going: it has not started, runs, or waits (parked in the database). */
export const UNFINISHED = ['new', 'running', 'waiting', 'unknown'];

/** Posts `body` to the workflow's webhook (its first node) and returns the id of the execution it started. */
export async function startRun(n8n: N8n, workflow: WebhookWorkflow, body: unknown): Promise<string> {
	const before = new Set((await n8n.executions({ workflowId: workflow.id })).map((e) => e.id));
	const res = await n8n.http('POST', n8n.webhookUrl(String(workflow.nodes[0].parameters.path)), { body });
	if (res.status !== 200) throw new Error(`the webhook of ${workflow.id} answered ${res.status}: ${res.text}`);
	const started = await n8n.waitForExecution((e) => !before.has(e.id), 30_000, {
		workflowId: workflow.id,
		includeData: false,
	});
	return String(started.id);
}

/** The execution, with its data, once it has ended (any way). */
export async function finishedRun(n8n: N8n, executionId: string, timeoutMs = 90_000): Promise<any> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const execution = await n8n.execution(executionId);
		if (!UNFINISHED.includes(execution.status)) return execution;
		if (Date.now() > deadline) throw new Error(`execution ${executionId} still ${execution.status}`);
		await sleep(250);
	}
}

/** Resolves once the execution is parked in the database (status "waiting"). */
export async function untilWaiting(n8n: N8n, executionId: string, timeoutMs = 10_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while ((await n8n.execution(executionId, { includeData: false })).status !== 'waiting') {
		if (Date.now() > deadline) throw new Error(`execution ${executionId} never started waiting`);
		await sleep(100);
	}
}
