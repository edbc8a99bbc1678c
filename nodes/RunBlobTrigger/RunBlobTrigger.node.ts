import type {
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { handleCallback } from './handleCallback';

export class RunBlobTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'RunBlob Trigger',
		name: 'runBlobTrigger',
		icon: { light: 'file:../../icons/runblob.svg', dark: 'file:../../icons/runblob.dark.svg' },
		group: ['trigger'],
		// Version 2 behaves exactly as 1. n8n treats any webhook node of version 1 as its old Webhook node and evaluates
		// that node's "binaryData" option as an expression on every request; on n8n 2.x that builds an expression
		// isolate per callback (when isolates are acquired lazily). Version 2 skips it; saved version-1 triggers still run.
		version: [1, 2],
		defaultVersion: 2,
		// "On Completed, Failed": the event names as picked, not their lower-case values.
		subtitle:
			'={{"On " + $parameter["events"].join(", ").replace("completed", "Completed").replace("failed", "Failed")}}',
		// n8n's node panel merges RunBlob and RunBlob Trigger into one "RunBlob" entry and shows *this* description for
		// it in both the action and the trigger context, so it names what the package does, not only the trigger.
		description:
			'Generate AI videos and images with RunBlob, and start workflows when they are ready or fail',
		defaults: { name: 'RunBlob Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'runBlobApi', required: true }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				// Empty, not unset: when n8n answers for the trigger ("Answer Once the Run Is Stored") it then sends the
				// trigger's own acknowledgement; unset, n8n would send the word "firstEntryJson".
				responseData: '',
				path: 'webhook',
			},
		],
		properties: [
			{
				displayName:
					'Give this trigger\'s Production URL to the RunBlob node ("Notify a RunBlob Trigger"), which signs it with the credential\'s Callback Secret. RunBlob only calls HTTPS URLs (a RunBlob simulator on this machine, as in the local playground, also calls http on loopback).',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				options: [
					{ name: 'Generation Completed', value: 'completed' },
					{ name: 'Generation Failed', value: 'failed' },
				],
				default: ['completed', 'failed'],
				description:
					'Which outcomes start the workflow; other callbacks are acknowledged without an execution',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Answer Once the Run Is Stored',
						name: 'answerOnceStored',
						type: 'boolean',
						default: false,
						description:
							"Whether to answer RunBlob only after n8n has stored the execution (queue mode: queued it), as n8n's Webhook node does: a little slower, but a callback is never lost when n8n stops in the middle of a request (RunBlob retries it). Recommended in queue mode. Not with Download Video or Image, which always answers first.",
					},
					{
						displayName: 'Download Video or Image',
						name: 'downloadVideo',
						type: 'boolean',
						default: false,
						description:
							'Whether to download each finished video or image into a binary field (streamed; RunBlob gets its answer first)',
					},
					{
						displayName: 'IP(s) Allowlist',
						name: 'ipAllowlist',
						type: 'string',
						default: '',
						placeholder: 'e.g. 203.0.113.0/24, 2001:db8::/32',
						description:
							'Comma-separated IPv4/IPv6 addresses or CIDR ranges allowed to call this trigger; empty allows all. Behind a proxy, set N8N_PROXY_HOPS so n8n sees the real client address.',
					},
					{
						displayName: 'Put Video or Image in Field',
						name: 'binaryPropertyName',
						type: 'string',
						default: 'data',
						description: 'The name of the output binary field when Download Video or Image is on',
					},
					{
						displayName: 'Verify With RunBlob API',
						name: 'verifyWithApi',
						type: 'boolean',
						default: false,
						description:
							"Whether to re-read each generation from RunBlob's API and trust that answer over the callback body (callbacks that disagree are rejected)",
					},
				],
			},
		],
	};

	// RunBlob has no webhook registration API: the URL travels with each generation request. Activation only records
	// which URL is live, so n8n can tell whether the trigger is set up.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const data = this.getWorkflowStaticData('node');
				return data.webhookUrl === this.getNodeWebhookUrl('default');
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const data = this.getWorkflowStaticData('node');
				data.webhookUrl = this.getNodeWebhookUrl('default');
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				const data = this.getWorkflowStaticData('node');
				delete data.webhookUrl;
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await handleCallback.call(this);
	}
}
