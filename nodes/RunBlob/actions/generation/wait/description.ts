import type { INodeProperties } from 'n8n-workflow';

import { binaryPropertyNameProperty, downloadVideoProperty } from '../../../../shared/descriptions';
import type { Family } from '../../../../shared/families';
import { V1_FAMILY, VIDEO_FAMILIES, refundSummary, waitDefaultsText } from '../../../../shared/families';

/**
 * The wait settings of "Wait for Video". Version 1 showed them as loose fields; version 2 groups them in an Options
 * collection the way n8n's own nodes do. Saved version-1 workflows keep their loose fields.
 */

export const V1_DEFAULT_MAX_WAIT_MINUTES = 60;

const generateWaiting = { operation: ['generate'], completion: ['waitForVideo'] };
const v1 = { show: { ...generateWaiting, '@version': [1] } };

const onFailureProperty: INodeProperties = {
	displayName: 'On Failed Generation',
	name: 'onFailure',
	type: 'options',
	options: [
		{
			name: 'Continue With Failed Items',
			value: 'continue',
			description: 'Failed generations become items with status "failed" and their error_message',
		},
		{
			name: 'Stop Before the Next Node',
			value: 'stop',
			description:
				"If any generation failed, output nothing so the following nodes do not run (n8n's log names the failed generations)",
		},
	],
	default: 'continue',
};

export const MAX_RESUBMITS = 3;

/** Resubmit Failed Generations (version 2): how many new attempts a failed generation gets within the wait. */
export const resubmitProperty = (families: Family[]): INodeProperties => ({
	displayName: 'Resubmit Failed Generations',
	name: 'resubmitAttempts',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_RESUBMITS },
	default: 1,
	description: `How many times a generation that fails is submitted again with the same parameters (1–${MAX_RESUBMITS}) while the run keeps waiting; the output item is the last attempt and lists every attempt. Failures a new attempt cannot fix (content policy, moderation, invalid input) are not resubmitted, and resubmissions count against Max Wait. ${refundSummary(families)}`,
});

const limitWaitTimeProperty: INodeProperties = {
	displayName: 'Limit Wait Time',
	name: 'limitWaitTime',
	type: 'boolean',
	default: true,
	description:
		'Whether to stop waiting after a while. Without a limit a lost callback would leave the run waiting forever.',
};

const maxWaitProperty: INodeProperties = {
	displayName: 'Max Wait (Minutes)',
	name: 'maxWaitMinutes',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: V1_DEFAULT_MAX_WAIT_MINUTES,
	description:
		'When the limit runs out, the node outputs one item per generation with status "timed_out" and its generation_id',
};

const version1: INodeProperties[] = [
	{ ...downloadVideoProperty, displayOptions: v1 },
	{
		...binaryPropertyNameProperty,
		required: true,
		displayOptions: { show: { ...v1.show, downloadVideo: [true] } },
	},
	{ ...onFailureProperty, displayOptions: v1 },
	{
		...limitWaitTimeProperty,
		description: `${limitWaitTimeProperty.description} RunBlob renders take up to ${V1_FAMILY.timeoutMinutes} minutes and it retries callbacks for ${V1_FAMILY.callbackRetrySeconds.reduce((sum, s) => sum + s, 0) / 60} more.`,
		displayOptions: v1,
	},
	{ ...maxWaitProperty, displayOptions: { show: { ...v1.show, limitWaitTime: [true] } } },
];

const version2 = (): INodeProperties[] => [
	{
		displayName: 'Options',
		name: 'waitOptions',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		displayOptions: { show: { ...generateWaiting, '@version': [{ _cnd: { gte: 2 } }] } },
		options: [
			downloadVideoProperty,
			{
				...limitWaitTimeProperty,
				description: `${limitWaitTimeProperty.description} On by default, with a limit that fits the model (see Max Wait).`,
			},
			{
				...maxWaitProperty,
				typeOptions: { minValue: 0 },
				default: 0,
				description: `How long to wait before giving up. 0 (the default) or without this option: the model's default, ${waitDefaultsText(VIDEO_FAMILIES)}; a mix of models waits for the longest. When it runs out, each unfinished generation becomes an item with status "timed_out" and its generation_id.`,
			},
			onFailureProperty,
			resubmitProperty(VIDEO_FAMILIES),
			binaryPropertyNameProperty,
		],
	},
];

/** Built when the node's description is (the defaults text lists every registered family). */
export const waitDescription = (): INodeProperties[] => [...version1, ...version2()];
