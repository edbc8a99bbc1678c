import type { IWebhookFunctions } from 'n8n-workflow';

/**
 * Makes this resume run the node's execute() again, with the items the webhook returns as its input.
 *
 * n8n resumes a waiting node by disabling its entry on the execution stack, so that the webhook's items pass straight
 * through (n8n 2.8 and 2.41: WaitingWebhooks.disableNode); the webhook context holds that same execution data. A
 * resubmission round needs execute() (only there can a run be parked again), so it enables the entry again. n8n
 * exposes no API for this: when the execution data is not where n8n 2.8–2.41 keep it, nothing is changed and the
 * caller resumes as usual (the failures stay failures; nothing is submitted twice).
 */

interface StackEntry {
	node?: { name?: string; disabled?: boolean };
}

interface WithRunData {
	runExecutionData?: { executionData?: { nodeExecutionStack?: StackEntry[] } } | null;
}

export function resumeIntoExecute(ctx: IWebhookFunctions): boolean {
	const stack = (ctx as unknown as WithRunData).runExecutionData?.executionData?.nodeExecutionStack;
	const entry = stack?.[0];
	if (!entry?.node || entry.node.name !== ctx.getNode().name || entry.node.disabled !== true) {
		ctx.logger.warn(
			'RunBlob: this n8n version does not let the node resubmit failed generations; they are passed on as failed',
		);
		return false;
	}
	entry.node.disabled = false;
	return true;
}
