import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { callbackUrlProblem, signCallbackUrl } from '../../../shared/callbackContract';
import type { RunBlobSettings } from '../../../shared/transport';
import { apiRequest, getSettings } from '../../../shared/transport';
import {
	DURATIONS,
	MAX_IMAGE_BYTES,
	ORIENTATIONS,
	asNodeError,
	errorItem,
	promptProblem,
	sniffImageType,
} from './common';
import {
	DEFAULT_SUBMISSION_CONCURRENCY,
	MAX_SUBMISSION_CONCURRENCY,
	submitAll,
} from './submitPool';
import { resumeCallbackUrl, startWaiting, waitDescription } from './waitForVideo';

export type Completion = 'waitForVideo' | 'notifyTrigger' | 'customCallbackUrl' | 'dontWait';

const properties: INodeProperties[] = [
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 4 },
		required: true,
		default: '',
		placeholder: 'e.g. A paper boat drifting down a rainy street at dusk, cinematic',
		description: 'What the video should show (1–4000 characters)',
	},
	{
		displayName: 'Orientation',
		name: 'orientation',
		type: 'options',
		options: [
			{ name: 'Portrait (9:16)', value: '9:16' },
			{ name: 'Landscape (16:9)', value: '16:9' },
		],
		default: '9:16',
	},
	{
		displayName: 'Duration',
		name: 'duration',
		type: 'options',
		options: [
			{ name: '10 Seconds', value: 10 },
			{ name: '15 Seconds', value: 15 },
		],
		default: 10,
	},
	{
		displayName: 'Start From Image',
		name: 'imageSource',
		type: 'options',
		options: [
			{ name: 'No Image (Text to Video)', value: 'none' },
			{ name: 'Image URL', value: 'url' },
			{ name: 'Binary Image From Input', value: 'binary' },
		],
		default: 'none',
		description:
			'Whether to animate an image (JPEG, PNG or WEBP up to 10 MB) instead of starting from text only',
	},
	{
		displayName: 'Image URL',
		name: 'imageUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://example.com/first-frame.png',
		displayOptions: { show: { imageSource: ['url'] } },
	},
	{
		displayName: 'Input Binary Field',
		name: 'imageBinaryProperty',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the input binary field holding the image',
		displayOptions: { show: { imageSource: ['binary'] } },
	},
	{
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
	},
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
	{
		displayName: 'Parallel Submissions',
		name: 'submissionConcurrency',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_SUBMISSION_CONCURRENCY },
		default: DEFAULT_SUBMISSION_CONCURRENCY,
		description:
			'How many items are submitted to RunBlob at the same time. Output order stays the input order; a 429 (rate limit) is retried, a create that may have reached RunBlob never is.',
	},
	...waitDescription,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['video'], operation: ['generate'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	const settings = await getSettings(this);
	const completion = this.getNodeParameter('completion', 0) as Completion;
	// n8n runs a node used by an AI Agent as "<type>Tool"; a tool call cannot park the agent's execution.
	if (completion === 'waitForVideo' && this.getNode().type.endsWith('Tool')) {
		throw new NodeOperationError(
			this.getNode(),
			'"Wait for Video" cannot pause an AI Agent\'s tool call',
			{
				description:
					'Set Completion to "Don\'t Wait" (the agent gets the generation_id and can use Get later) or "Notify a RunBlob Trigger". Nothing was submitted to RunBlob.',
			},
		);
	}
	// Wait mode: one resume URL for the whole execution, checked before anything is paid for.
	const waitCallbackUrl =
		completion === 'waitForVideo' ? resumeCallbackUrl(this, settings) : undefined;

	const created: Array<{ item: number; id: string }> = [];
	const concurrency = Number(
		this.getNodeParameter('submissionConcurrency', 0, DEFAULT_SUBMISSION_CONCURRENCY),
	);
	const submitted = await submitAll(
		items.length,
		concurrency,
		async (i) => {
			const body = await buildRequestBody(this, i);
			const callbackUrl = waitCallbackUrl ?? callbackUrlFor(this, completion, settings, i);
			if (callbackUrl) body.callback_url = callbackUrl;
			const response = await apiRequest<IDataObject>(this, settings.baseUrl, {
				method: 'POST',
				path: '/v1/sora/generate',
				body,
				create: true,
				itemIndex: i,
			});
			const generationId = String(response.generation_id ?? '');
			created.push({ item: i, id: generationId });
			const result: INodeExecutionData = {
				json: {
					generation_id: generationId,
					status: response.status ?? 'pending',
					price: response.price ?? null,
					prompt: body.prompt,
					orientation: body.orientation,
					duration: body.duration,
					completion,
				},
				pairedItem: { item: i },
			};
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

	if (completion === 'waitForVideo' && created.length > 0) {
		return await startWaiting.call(this, results);
	}
	return [results];
}

async function buildRequestBody(ctx: IExecuteFunctions, i: number): Promise<IDataObject> {
	const prompt = ctx.getNodeParameter('prompt', i) as string;
	const problem = promptProblem(prompt);
	if (problem) throw new NodeOperationError(ctx.getNode(), problem, { itemIndex: i });

	const orientation = ctx.getNodeParameter('orientation', i) as string;
	if (!(ORIENTATIONS as readonly string[]).includes(orientation)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Orientation must be 9:16 or 16:9, not "${orientation}"`,
			{
				itemIndex: i,
			},
		);
	}
	const duration = Number(ctx.getNodeParameter('duration', i));
	if (!(DURATIONS as readonly number[]).includes(duration)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Duration must be 10 or 15 seconds, not "${duration}"`,
			{
				itemIndex: i,
			},
		);
	}
	const body: IDataObject = { prompt, orientation, duration };

	const imageSource = ctx.getNodeParameter('imageSource', i, 'none') as string;
	if (imageSource === 'url') {
		const imageUrl = String(ctx.getNodeParameter('imageUrl', i)).trim();
		if (!/^https?:\/\/\S+$/i.test(imageUrl)) {
			throw new NodeOperationError(ctx.getNode(), `"${imageUrl}" is not an http(s) image URL`, {
				itemIndex: i,
			});
		}
		body.image_url = imageUrl;
	} else if (imageSource === 'binary') {
		body.image_base64 = await readImage(ctx, i);
	}
	return body;
}

/** Checks format and size locally so a bad image costs no request (and no credits). */
async function readImage(ctx: IExecuteFunctions, i: number): Promise<string> {
	const property = ctx.getNodeParameter('imageBinaryProperty', i) as string;
	const binary = ctx.helpers.assertBinaryData(i, property);
	// `bytes` is exact. `fileSize` is n8n's rounded display size ("10.5 MB" for exactly 10 MiB), so it only rules an
	// image out when it is clearly too large; the exact length is checked below anyway.
	const exact = typeof binary.bytes === 'number';
	const declaredSize = exact ? (binary.bytes as number) : parseFileSize(binary.fileSize ?? '');
	if (Number.isFinite(declaredSize) && declaredSize > MAX_IMAGE_BYTES * (exact ? 1 : 1.01)) {
		throw imageTooLarge(ctx, i, declaredSize);
	}
	const bytes = await ctx.helpers.getBinaryDataBuffer(i, property);
	if (bytes.length > MAX_IMAGE_BYTES) throw imageTooLarge(ctx, i, bytes.length);
	if (!sniffImageType(bytes)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The image in binary field "${property}" is not a JPEG, PNG or WEBP file`,
			{
				itemIndex: i,
				description: `Its MIME type says ${binary.mimeType || 'nothing'}; RunBlob accepts JPEG, PNG and WEBP.`,
			},
		);
	}
	return bytes.toString('base64');
}

function parseFileSize(size: string): number {
	// n8n writes sizes like "2.4 MB" or "512 kB"; numbers alone are bytes.
	const match = /^([\d.]+)\s*([kmg]?b)?$/i.exec(size.trim());
	if (!match) return NaN;
	const factor = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9 }[(match[2] ?? 'b').toLowerCase() as 'b'];
	return Number(match[1]) * factor;
}

function imageTooLarge(ctx: IExecuteFunctions, i: number, size: number): NodeOperationError {
	return new NodeOperationError(
		ctx.getNode(),
		`The image is ${(size / 1024 / 1024).toFixed(1)} MB; RunBlob accepts at most 10 MB`,
		{ itemIndex: i },
	);
}

function callbackUrlFor(
	ctx: IExecuteFunctions,
	completion: Completion,
	settings: RunBlobSettings,
	i: number,
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
		return signCallbackUrl(url, settings.callbackSecret, Date.now());
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
