import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	binaryPropertyNameProperty,
	callbackUrlProperties,
	LOOPBACK_EXCEPTION,
	publicHttpsNotice,
} from '../../../shared/descriptions';
import {
	IMAGE_FAMILIES,
	imageFamilyProperties,
	imageModelProperty,
	promptLimitsText,
	waitDefaultsText,
} from '../../../shared/families';
import { minimumBalanceProperty } from '../account/balance';
import { parallelSubmissionsProperty } from '../generation/generate.operation';
import { resubmitProperty } from '../generation/wait/description';
import { completionForms, toolDescriptions } from '../toolForm';

/**
 * Generate on resource Image: the image families' parameters and the same four completions as Video. "Wait for
 * Image" parks and resumes exactly like "Wait for Video" (generation/wait/*); only its default limit is the image
 * families' own (see each family's `defaultWaitMinutes`).
 */

const properties = (): INodeProperties[] => [
	{
		...publicHttpsNotice,
		displayName: `RunBlob only calls public HTTPS URLs: "Wait for Image" and the RunBlob Trigger need n8n to be reachable over HTTPS (set N8N_WEBHOOK_URL to its public https:// address, or use a tunnel). ${LOOPBACK_EXCEPTION}`,
		displayOptions: { show: { completion: ['waitForImage', 'notifyTrigger'] } },
	},
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 4 },
		required: true,
		default: '',
		placeholder: 'e.g. A red fox in fresh snow, golden hour, 35 mm photo',
		description: `What the image should show. ${promptLimitsText(IMAGE_FAMILIES)} (checked before sending).`,
	},
	...imageFamilyProperties(),
	{
		displayName: 'Additional Body Fields',
		name: 'additionalBodyFields',
		type: 'json',
		default: '{}',
		description:
			"Extra JSON fields sent to RunBlob as they are, for options RunBlob has not confirmed on its own pages (the README's Models table lists them per model). They cannot replace a field the node sets.",
	},
	...completionForms({
		displayName: 'Completion',
		name: 'completion',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Wait for Image',
				value: 'waitForImage',
				description:
					'Pause this execution (no worker held, no polling) and continue with the finished images when RunBlob calls back',
			},
			{
				name: 'Notify a RunBlob Trigger',
				value: 'notifyTrigger',
				description:
					'Return the generation ID now; a RunBlob Trigger workflow continues when the image is ready',
			},
			{
				name: 'Custom Callback URL',
				value: 'customCallbackUrl',
				description:
					'Return the generation ID now; RunBlob calls your own HTTPS URL when the image is ready',
			},
			{
				name: "Don't Wait",
				value: 'dontWait',
				description: 'Return the generation ID now; use Get or Download later',
			},
		],
		default: 'waitForImage',
	}),
	...toolDescriptions('image', imageModelProperty().options as INodePropertyOptions[]),
	...callbackUrlProperties,
	parallelSubmissionsProperty,
	minimumBalanceProperty,
	{
		displayName: 'Options',
		name: 'waitOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show: { completion: ['waitForImage'] } },
		options: [
			{
				displayName: 'Download Image',
				name: 'downloadImage',
				type: 'boolean',
				default: false,
				description: 'Whether to download each finished image into a binary field',
			},
			{
				displayName: 'Limit Wait Time',
				name: 'limitWaitTime',
				type: 'boolean',
				default: true,
				description:
					'Whether to stop waiting after a while. Without a limit a lost callback would leave the run waiting forever.',
			},
			{
				displayName: 'Max Wait (Minutes)',
				name: 'maxWaitMinutes',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description: `How long to wait before giving up. 0 (the default) or without this option: the model's default, ${waitDefaultsText(IMAGE_FAMILIES)}; a mix of models waits for the longest. When it runs out, each unfinished generation becomes an item with status "timed_out" and its generation_id.`,
			},
			{
				displayName: 'On Failed Generation',
				name: 'onFailure',
				type: 'options',
				options: [
					{
						name: 'Continue With Failed Items',
						value: 'continue',
						description:
							'Failed generations become items with status "failed" and their error_message',
					},
					{
						name: 'Stop Before the Next Node',
						value: 'stop',
						description:
							"If any generation failed, output nothing so the following nodes do not run (n8n's log names the failed generations)",
					},
				],
				default: 'continue',
			},
			resubmitProperty(IMAGE_FAMILIES),
			{
				...binaryPropertyNameProperty,
				displayName: 'Put Image in Field',
				hint: 'The name of the output binary field for the image',
			},
		],
	},
];

/** Built when the node's description is (after every family is registered). */
export const description = (): INodeProperties[] =>
	updateDisplayOptions({ show: { resource: ['image'], operation: ['generate'] } }, properties());
