import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { apiRequest, getSettings } from '../../../shared/transport';
import { checkMinimumBalance } from '../account/balance';
import { callbackUrlFor, sharedFamily } from './callbackUrls';
import { asNodeError, errorItem } from './common';
import type { Completion } from './completion';
import { isWaiting, waitNameOf } from './completion';
import { withCreatedGenerations } from './createdGenerations';
import { modelFor } from './model';
import { buildRequestBody } from './requestBody';
import { DEFAULT_SUBMISSION_CONCURRENCY, submitAll } from './submitPool';
import { submittedJson } from './submittedOutput';
import { rulesOf } from './versionRules';
import type { ResubmitState } from './wait/attempts';
import { STATE_KEY } from './wait/attempts';
import { resumeCallbackUrl, startWaiting } from './wait/park';
import { isResubmitRound, resubmitRound } from './wait/resubmitRound';
import { waitSettingsOf } from './wait/settings';

/**
 * Generate, for both resources: checks what can be checked before paying, submits every item (in parallel, in
 * input order) and either returns the pending generations or parks the run until RunBlob calls back.
 */

export { description } from './generate.description';

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
			`"${waitNameOf(completion)}" cannot pause an AI Agent's tool call`,
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
	if (rulesOf(this).hasBalanceCheck) await checkMinimumBalance(this, settings.baseUrl);

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
