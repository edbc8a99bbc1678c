import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { callbackUrlProperties, publicHttpsNotice } from '../../../shared/descriptions';
import { promptLimitsText } from '../../../shared/families';
import { minimumBalanceProperty } from '../account/balance';
import { completionForms, toolDescriptions } from '../toolForm';
import type { GenerationResource } from './resources';
import { DEFAULT_SUBMISSION_CONCURRENCY, MAX_SUBMISSION_CONCURRENCY } from './submitPool';
import { FROM_VERSION_2, fromVersion2 } from './versionRules';
import { waitDescription } from './wait/description';

/** Generate's parameters, the same for both resources, in the resource's words. */

export const parallelSubmissionsProperty: INodeProperties = {
	displayName: 'Parallel Submissions',
	name: 'submissionConcurrency',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_SUBMISSION_CONCURRENCY },
	default: DEFAULT_SUBMISSION_CONCURRENCY,
	description:
		'How many items are submitted to RunBlob at the same time. Output order stays the input order; a 429 (rate limit) is retried, a create that may have reached RunBlob never is.',
};

function completionProperty(resource: GenerationResource): INodeProperties {
	const { noun, waitCompletion } = resource;
	return {
		displayName: 'Completion',
		name: 'completion',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: resource.waitName,
				value: waitCompletion,
				description: `Pause this execution (no worker held, no polling) and continue with the finished ${noun}s when RunBlob calls back`,
			},
			{
				name: 'Notify a RunBlob Trigger',
				value: 'notifyTrigger',
				description: `Return the generation ID now; a RunBlob Trigger workflow continues when the ${noun} is ready`,
			},
			{
				name: 'Custom Callback URL',
				value: 'customCallbackUrl',
				description: `Return the generation ID now; RunBlob calls your own HTTPS URL when the ${noun} is ready`,
			},
			{
				name: "Don't Wait",
				value: 'dontWait',
				description: 'Return the generation ID now; use Get or Download later',
			},
		],
		default: waitCompletion,
	};
}

const properties = (resource: GenerationResource): INodeProperties[] => [
	fromVersion2({
		...publicHttpsNotice(resource.waitName),
		displayOptions: { show: { completion: [resource.waitCompletion, 'notifyTrigger'] } },
	}),
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 4 },
		required: true,
		default: '',
		placeholder: resource.promptPlaceholder,
		description: `What the ${resource.noun} should show. ${promptLimitsText(resource.families())} (checked before sending).`,
	},
	...resource.families().flatMap((family) => family.properties),
	{
		displayName: 'Additional Body Fields',
		name: 'additionalBodyFields',
		type: 'json',
		default: '{}',
		description:
			"Extra JSON fields sent to RunBlob as they are, for options whose key names RunBlob has not confirmed (the README's Models table lists them per model). They cannot replace a field the node sets.",
		displayOptions: { show: FROM_VERSION_2 },
	},
	...completionForms(completionProperty(resource)),
	...toolDescriptions(resource.noun, resource.modelProperty().options as INodePropertyOptions[]),
	...callbackUrlProperties,
	parallelSubmissionsProperty,
	...waitDescription(resource),
	fromVersion2(minimumBalanceProperty),
];

/** Built when the node's description is (after every family is registered). */
export const description = (resource: GenerationResource): INodeProperties[] =>
	updateDisplayOptions(
		{ show: { resource: [resource.value], operation: ['generate'] } },
		properties(resource),
	);
