// RunBlob generations whose callback goes to a RunBlob Trigger (as "Notify a RunBlob Trigger" sets it up), and the
// executions they started: what the trigger's reliability and restart scenarios check.
import { signCallbackUrl } from '../../nodes/shared/callbackContract';
import type { useSharedN8n } from './shared';
import { API_KEY, nodeOutput, triggerPath } from './workflows';
import type { Node } from './workflows';

type N8n = Awaited<ReturnType<typeof useSharedN8n>>;
// The simulator's records are loosely typed JSON snapshots; the tests read them as such.
type Sim = any;

/** Callback tools for one simulator and one attached n8n; `secret` is the credential's callback secret. */
export function triggerCallbacks(sim: Sim, n8n: N8n, secret: string) {
	const signedUrl = (node: Node) => signCallbackUrl(n8n.webhookUrl(triggerPath(node)), secret, Date.now());

	/** Creates a Sora generation on the simulator whose callback goes to `node`; resolves with its id. */
	async function generation(prompt: string, node: Node): Promise<string> {
		const response = await fetch(`${sim.url}/v1/sora/generate`, {
			method: 'POST',
			headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
			body: JSON.stringify({ prompt, callback_url: signedUrl(node) }),
		});
		if (response.status !== 201) throw new Error(`the simulator answered ${response.status} to a create`);
		return String(((await response.json()) as { generation_id: string }).generation_id);
	}

	/** Executions of a workflow whose trigger output names this generation. */
	async function executionsFor(workflowId: string, triggerName: string, generationId: string) {
		const found = [];
		for (const summary of await n8n.executions({ workflowId })) {
			const execution = await n8n.execution(summary.id);
			const [item] = nodeOutput(execution, triggerName);
			if (item?.json.generation_id === generationId) found.push({ summary, item });
		}
		return found;
	}

	const deliveriesOf = (id: string) => sim.deliveries.filter((d: any) => d.generation_id === id);

	return { signedUrl, generation, executionsFor, deliveriesOf };
}
