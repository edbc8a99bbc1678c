import type { INodeProperties } from 'n8n-workflow';

import { binaryPropertyNameProperty } from '../../../../shared/descriptions';
import type { Family } from '../../../../shared/families';
import { refundSummary } from '../../../../shared/families';
import type { GenerationResource } from '../resources';
import {
	FROM_VERSION_2,
	VERSION_1_FAMILY,
	VERSION_1_MAX_WAIT_MINUTES,
	onlyVersion1,
} from '../versionRules';
import { maxWaitOptions } from './maxWait';

/**
 * The wait settings of the waiting completion ("Wait for Video" / "Wait for Image"). Version 1 showed them as loose
 * fields; later versions group them in an Options collection the way n8n's own nodes do, the same for both
 * resources. Saved version-1 workflows keep their loose fields.
 */

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

/** Resubmit Failed Generations: how many new attempts a failed generation gets within the wait. */
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

const downloadOption = (resource: GenerationResource): INodeProperties => ({
	displayName: `Download ${resource.label}`,
	name: resource.downloadOptionName,
	type: 'boolean',
	default: false,
	description: `Whether to download each finished ${resource.noun} into a binary field (streamed, never held in memory)`,
});

const binaryFieldOption = (resource: GenerationResource): INodeProperties => ({
	...binaryPropertyNameProperty,
	displayName: `Put ${resource.label} in Field`,
	hint: `The name of the output binary field for the ${resource.noun}`,
});

/** Version 1's loose fields (version 1 had the Video resource only, with one model). */
function version1(resource: GenerationResource): INodeProperties[] {
	const waiting = { completion: [resource.waitCompletion] };
	const retryMinutes = VERSION_1_FAMILY.callbackRetrySeconds.reduce((sum, s) => sum + s, 0) / 60;
	const loose: INodeProperties[] = [
		{ ...downloadOption(resource), displayOptions: { show: waiting } },
		{
			...binaryFieldOption(resource),
			required: true,
			displayOptions: { show: { ...waiting, [resource.downloadOptionName]: [true] } },
		},
		{ ...onFailureProperty, displayOptions: { show: waiting } },
		{
			...limitWaitTimeProperty,
			description: `${limitWaitTimeProperty.description} RunBlob renders take up to ${VERSION_1_FAMILY.timeoutMinutes} minutes and it retries callbacks for ${retryMinutes} more.`,
			displayOptions: { show: waiting },
		},
		{
			displayName: 'Max Wait (Minutes)',
			name: 'maxWaitMinutes',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: VERSION_1_MAX_WAIT_MINUTES,
			description:
				'When the limit runs out, the node outputs one item per generation with status "timed_out" and its generation_id',
			displayOptions: { show: { ...waiting, limitWaitTime: [true] } },
		},
	];
	return loose.map(onlyVersion1);
}

const grouped = (resource: GenerationResource): INodeProperties => ({
	displayName: 'Options',
	name: 'waitOptions',
	type: 'collection',
	placeholder: 'Add option',
	default: {},
	displayOptions: { show: { completion: [resource.waitCompletion], ...FROM_VERSION_2 } },
	options: [
		downloadOption(resource),
		{
			...limitWaitTimeProperty,
			description: `${limitWaitTimeProperty.description} On by default, with a limit that fits the model (see Max Wait).`,
		},
		...maxWaitOptions(resource.families()),
		onFailureProperty,
		resubmitProperty(resource.families()),
		binaryFieldOption(resource),
	],
});

/** Built when the node's description is (the texts and Max Wait defaults come from the registered families). */
export const waitDescription = (resource: GenerationResource): INodeProperties[] => [
	...(resource.inVersion1 ? version1(resource) : []),
	grouped(resource),
];
