import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import { NodeOperationError, jsonParse, updateDisplayOptions } from 'n8n-workflow';

import { signCallbackUrl } from '../../../shared/callbackContract';
import { callbackUrlProperties, publicHttpsNotice } from '../../../shared/descriptions';
import type { Family } from '../../../shared/families';
import { VIDEO_FAMILIES, familyProperties, modelProperty, promptLimitsText } from '../../../shared/families';
import { normalise } from '../../../shared/families/normalise';
import type { Widen } from '../../../shared/families/types';
import { InputProblem } from '../../../shared/families/types';
import type { RunBlobSettings } from '../../../shared/transport';
import { apiRequest, getSettings } from '../../../shared/transport';
import { callbackUrlProblem } from '../../../shared/urls';
import { completionForms, toolDescriptions } from '../toolForm';
import { asNodeError, errorItem } from './common';
import { isVersion1, modelFor } from './model';
import {
	DEFAULT_SUBMISSION_CONCURRENCY,
	MAX_SUBMISSION_CONCURRENCY,
	submitAll,
} from './submitPool';
import { checkMinimumBalance, minimumBalanceProperty } from '../account/balance';
import type { ResubmitState } from './wait/attempts';
import { STATE_KEY } from './wait/attempts';
import { waitDescription } from './wait/description';
import { resumeCallbackUrl, startWaiting } from './wait/park';
import { isResubmitRound, resubmitRound } from './wait/resubmitRound';
import { waitSettingsOf } from './wait/settings';

export type Completion =
	| 'waitForVideo'
	| 'waitForImage'
	| 'notifyTrigger'
	| 'customCallbackUrl'
	| 'dontWait';

/** "Wait for Image" (resource Image) is "Wait for Video" by another name: the same parking and resume. */
export const isWaiting = (completion: Completion) =>
	completion === 'waitForVideo' || completion === 'waitForImage';

const v2 = { '@version': [{ _cnd: { gte: 2 } }] };

/** Shown for both resources: a batch of images is submitted the same way as a batch of videos. */
export const parallelSubmissionsProperty: INodeProperties = {
	displayName: 'Parallel Submissions',
	name: 'submissionConcurrency',
	type: 'number',
	typeOptions: { minValue: 1, maxValue: MAX_SUBMISSION_CONCURRENCY },
	default: DEFAULT_SUBMISSION_CONCURRENCY,
	description:
		'How many items are submitted to RunBlob at the same time. Output order stays the input order; a 429 (rate limit) is retried, a create that may have reached RunBlob never is.',
};

const properties = (): INodeProperties[] => [
	{
		...publicHttpsNotice,
		displayOptions: { show: { ...v2, completion: ['waitForVideo', 'notifyTrigger'] } },
	},
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 4 },
		required: true,
		default: '',
		placeholder: 'e.g. A paper boat drifting down a rainy street at dusk, cinematic',
		description: `What the video should show. ${promptLimitsText(VIDEO_FAMILIES)} (checked before sending).`,
	},
	...familyProperties(),
	{
		displayName: 'Additional Body Fields',
		name: 'additionalBodyFields',
		type: 'json',
		default: '{}',
		description:
			"Extra JSON fields sent to RunBlob as they are, for options whose key names RunBlob has not confirmed (the README's Models table lists them per model). They cannot replace a field the node sets.",
		displayOptions: { show: v2 },
	},
	...completionForms({
		displayName: 'Completion',
		name: 'completion',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'Wait for Video',
				value: 'waitForVideo',
				description:
					'Pause this execution (no worker held, no polling) and continue with the finished videos when RunBlob calls back',
			},
			{
				name: 'Notify a RunBlob Trigger',
				value: 'notifyTrigger',
				description:
					'Return the generation ID now; a RunBlob Trigger workflow continues when the video is ready',
			},
			{
				name: 'Custom Callback URL',
				value: 'customCallbackUrl',
				description:
					'Return the generation ID now; RunBlob calls your own HTTPS URL when the video is ready',
			},
			{
				name: "Don't Wait",
				value: 'dontWait',
				description: 'Return the generation ID now; use Get or Download later',
			},
		],
		default: 'waitForVideo',
	}),
	...toolDescriptions('video', modelProperty().options as INodePropertyOptions[]),
	...callbackUrlProperties,
	parallelSubmissionsProperty,
	...waitDescription(),
	{ ...minimumBalanceProperty, displayOptions: { show: v2 } },
];

/** Built when the node's description is (after every family is registered). */
export const description = (): INodeProperties[] =>
	updateDisplayOptions({ show: { resource: ['video'], operation: ['generate'] } }, properties());

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	// A resume that hands failed generations back to be submitted again (wait/resubmitRound.ts).
	if (isResubmitRound(this, items)) return await resubmitRound.call(this, items);
	const completion = this.getNodeParameter('completion', 0) as Completion;
	// n8n runs a node used by an AI Agent as "<type>Tool"; a tool call cannot park the agent's execution. Checked
	// before anything else, and returned as an error item under On Error: Continue, so an agent on n8n 2.8 (which ends
	// the run on a thrown tool error) still hands the model this message.
	if (isWaiting(completion) && this.getNode().type.endsWith('Tool')) {
		const error = new NodeOperationError(
			this.getNode(),
			`"${completion === 'waitForImage' ? 'Wait for Image' : 'Wait for Video'}" cannot pause an AI Agent's tool call`,
			{
				description:
					'Set Completion to "Don\'t Wait" (the agent gets the generation_id and can use Get later) or "Notify a RunBlob Trigger". Nothing was submitted to RunBlob.',
			},
		);
		if (this.continueOnFail()) return [items.map((_, i) => errorItem(error, i))];
		throw error;
	}
	const settings = await getSettings(this);
	// Wait mode: one resume URL for the whole execution, checked before anything is paid for.
	const waitCallbackUrl = isWaiting(completion)
		? resumeCallbackUrl(this, settings, sharedFamily(this, items.length))
		: undefined;

	const resubmits = isWaiting(completion) ? waitSettingsOf(this).resubmitAttempts : 0;
	// Checked once per batch, before anything is paid for.
	if (!isVersion1(this)) await checkMinimumBalance(this, settings.baseUrl);

	const created: Array<{ item: number; id: string }> = [];
	const concurrency = Number(
		this.getNodeParameter('submissionConcurrency', 0, DEFAULT_SUBMISSION_CONCURRENCY),
	);
	const submitted = await submitAll(
		items.length,
		concurrency,
		async (i) => {
			const { model, family } = modelFor(this, i);
			const body = await buildRequestBody(this, i, model, family);
			const request = { ...body };
			const callbackUrl = waitCallbackUrl ?? callbackUrlFor(this, completion, settings, i, family);
			if (callbackUrl) body.callback_url = callbackUrl;
			const response = await apiRequest<IDataObject>(this, settings.baseUrl, {
				method: 'POST',
				path: family.paths.create,
				body,
				create: true,
				itemIndex: i,
			});
			const generationId = String(response[family.idField] ?? response.generation_id ?? '');
			created.push({ item: i, id: generationId });
			const result: INodeExecutionData = {
				json: submittedJson(this, family, model, body, response, generationId, completion),
				pairedItem: { item: i },
			};
			// What a resubmission sends again (wait/attempts.ts); removed from every output.
			if (resubmits > 0) {
				const state: ResubmitState = { left: resubmits, request, waitUntil: null };
				result.json[STATE_KEY] = state as unknown as IDataObject;
			}
			return result;
		},
		(error, i) => (this.continueOnFail() ? errorItem(error as Error, i) : undefined),
	);
	if (submitted.failure) {
		const { index, error } = submitted.failure;
		created.sort((a, b) => a.item - b.item);
		throw withCreatedGenerations(asNodeError(this, error, index), created, submitted.alsoFailed);
	}
	const results = submitted.results.filter((r): r is INodeExecutionData => r !== undefined);

	if (isWaiting(completion) && created.length > 0) {
		return await startWaiting.call(this, results);
	}
	return [results];
}

/** The family every item uses, when they all use the same one (it is then signed into the resume URL). */
function sharedFamily(ctx: IExecuteFunctions, count: number): string | undefined {
	if (isVersion1(ctx)) return undefined;
	const ids = new Set<string>();
	for (let i = 0; i < count; i++) {
		try {
			ids.add(modelFor(ctx, i).family.id);
		} catch {
			return undefined; // the item's own error is reported when it is submitted
		}
	}
	return ids.size === 1 ? [...ids][0] : undefined;
}

/** What Generate outputs at once: version 1 keeps its original fields; version 2 the normalised shape. */
function submittedJson(
	ctx: IExecuteFunctions,
	family: Family,
	model: string,
	body: IDataObject,
	response: IDataObject,
	generationId: string,
	completion: Completion,
): IDataObject {
	if (isVersion1(ctx)) {
		return {
			generation_id: generationId,
			status: response.status ?? 'pending',
			price: response.price ?? null,
			prompt: body.prompt,
			orientation: body.orientation,
			duration: body.duration,
			completion,
		};
	}
	const source: IDataObject = { ...body, ...response, status: response.status ?? 'pending' };
	return {
		...normalise(family, source, { model, prompt: body.prompt }),
		generation_id: generationId,
		model,
		completion,
	};
}

async function buildRequestBody(
	ctx: IExecuteFunctions,
	itemIndex: number,
	model: string,
	family: Family,
): Promise<IDataObject> {
	let body: IDataObject;
	try {
		body = await family.buildBody({
			ctx,
			itemIndex,
			model,
			param: <T>(name: string, fallback: T) =>
				ctx.getNodeParameter(name, itemIndex, fallback as never) as Widen<T>,
		});
	} catch (error) {
		// An InputProblem carries what to do about it; anything else (e.g. a missing binary field) is wrapped as is.
		throw new NodeOperationError(ctx.getNode(), error as Error, {
			itemIndex,
			message: (error as Error).message,
			description: error instanceof InputProblem ? error.description : undefined,
		});
	}
	if (isVersion1(ctx)) return body;
	return { ...body, ...additionalFields(ctx, itemIndex, body) };
}

/** The escape hatch for keys RunBlob has not confirmed: added as they are, but never over a field the node sets. */
function additionalFields(
	ctx: IExecuteFunctions,
	itemIndex: number,
	body: IDataObject,
): IDataObject {
	const raw = ctx.getNodeParameter('additionalBodyFields', itemIndex, '{}') as unknown;
	let extra: unknown = raw;
	if (typeof raw === 'string') {
		try {
			extra = raw.trim() ? jsonParse(raw) : {};
		} catch {
			throw new NodeOperationError(ctx.getNode(), 'Additional Body Fields is not valid JSON', {
				itemIndex,
				description: 'Give a JSON object, for example {"negative_prompt": "blurry"}.',
			});
		}
	}
	if (!extra || typeof extra !== 'object' || Array.isArray(extra)) {
		throw new NodeOperationError(ctx.getNode(), 'Additional Body Fields must be a JSON object', {
			itemIndex,
			description: 'Give a JSON object, for example {"negative_prompt": "blurry"}.',
		});
	}
	const clash = Object.keys(extra).filter((key) => key in body || key === 'callback_url');
	if (clash.length > 0) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Additional Body Fields cannot set ${clash.join(', ')}: the node sets ${clash.length > 1 ? 'them' : 'it'}`,
			{ itemIndex, description: 'Use the node parameter instead, or remove the key.' },
		);
	}
	return extra as IDataObject;
}

function callbackUrlFor(
	ctx: IExecuteFunctions,
	completion: Completion,
	settings: RunBlobSettings,
	i: number,
	family: Family,
): string | undefined {
	if (completion === 'dontWait') return undefined;
	const name = completion === 'notifyTrigger' ? 'triggerUrl' : 'callbackUrl';
	const url = String(ctx.getNodeParameter(name, i)).trim();
	const problem = callbackUrlProblem(url, settings.baseUrl);
	if (problem) {
		throw new NodeOperationError(
			ctx.getNode(),
			`${problem}, so RunBlob could never deliver the result`,
			{
				itemIndex: i,
				description:
					completion === 'notifyTrigger'
						? "Use the RunBlob Trigger's Production URL from an n8n instance reachable over HTTPS (set N8N_WEBHOOK_URL to your public https:// address, or use a tunnel)."
						: 'Give an https:// URL.',
			},
		);
	}
	if (completion === 'notifyTrigger' && settings.callbackSecret) {
		// Version 1 issued URLs without a family; keep them byte-for-byte as they were.
		const signedFamily = isVersion1(ctx) ? undefined : family.id;
		return signCallbackUrl(url, settings.callbackSecret, Date.now(), signedFamily);
	}
	return url;
}

/** A failure after some generations were already paid for must name them, or they would be orphaned silently. */
function withCreatedGenerations<E extends Error & { description?: string | null }>(
	error: E,
	created: Array<{ item: number; id: string }>,
	alsoFailed: number[] = [],
): E {
	// Items submitted in parallel with the failing one may have failed too; their own errors are not shown.
	const others = alsoFailed.length
		? ` Submitting item${alsoFailed.length > 1 ? 's' : ''} ${alsoFailed.join(', ')} failed as well.`
		: '';
	if (created.length === 0) {
		if (others) error.description = `${error.description ?? ''}${others}`.trim();
		return error;
	}
	const list = created.map(({ item, id }) => `item ${item}: ${id}`).join(', ');
	const note = `Generations already created by this node before the failure (they still render and were charged; read them with Get): ${list}.${others}`;
	error.description = error.description ? `${error.description} ${note}` : note;
	return error;
}
