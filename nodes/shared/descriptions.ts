import type { INodeProperties } from 'n8n-workflow';

/** Parameter descriptions both nodes and several operations share, defined once. */

export const generationIdProperty: INodeProperties = {
	displayName: 'Generation ID',
	name: 'generationId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. 550e8400-e29b-41d4-a716-446655440000',
	description: 'The generation_id returned by Generate',
};

export const binaryPropertyNameProperty: INodeProperties = {
	displayName: 'Put Video in Field',
	name: 'binaryPropertyName',
	type: 'string',
	default: 'data',
	hint: 'The name of the output binary field for the video',
};

/** n8n cannot show a notice by the credential's Base URL, so the notice names the one case where http works. */
export const LOOPBACK_EXCEPTION =
	'The one exception is a RunBlob simulator on this machine (the local playground): with a loopback Base URL, plain http on loopback works.';

/** The notice shown where RunBlob must reach n8n: the resource's waiting completion and the RunBlob Trigger. */
export const publicHttpsNotice = (waitName: string): INodeProperties => ({
	displayName: `RunBlob only calls public HTTPS URLs: "${waitName}" and the RunBlob Trigger need n8n to be reachable over HTTPS (set N8N_WEBHOOK_URL to its public https:// address, or use a tunnel). ${LOOPBACK_EXCEPTION}`,
	name: 'publicHttpsNotice',
	type: 'notice',
	default: '',
});

/** Where the result goes for the "Notify a RunBlob Trigger" and "Custom Callback URL" completions (both resources). */
export const callbackUrlProperties: INodeProperties[] = [
	{
		displayName: 'RunBlob Trigger URL',
		name: 'triggerUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://n8n.example.com/webhook/…/webhook',
		description:
			"The Production URL shown in the RunBlob Trigger node of the workflow that should continue. It is signed with the credential's Callback Secret when one is set.",
		displayOptions: { show: { completion: ['notifyTrigger'] } },
	},
	{
		displayName: 'Callback URL',
		name: 'callbackUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://example.com/runblob-callback',
		description: 'An HTTPS URL RunBlob will POST the result to',
		displayOptions: { show: { completion: ['customCallbackUrl'] } },
	},
];
