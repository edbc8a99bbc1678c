import type {
	IDataObject,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';

import { normaliseGenerationId } from '../../../../shared/callbackContract';
import { normalise, normaliseGeneration, resultKey } from '../../../../shared/families/normalise';
import { attachDownload } from '../../../../shared/transport';
import { rulesOf } from '../versionRules';
import { recordOutcome, withoutState } from './attempts';
import { familyOf } from './pendingItems';
import type { WaitSettings } from './settings';

/** What a resumed wait outputs: each parked item updated with its generation's final status, in input order. */

export function shapeResumed(
	ctx: IWebhookFunctions,
	pending: INodeExecutionData[],
	known: Map<string, IDataObject>,
): INodeExecutionData[] {
	const v1 = !rulesOf(ctx).normalisedOutput;
	const shaped: INodeExecutionData[] = [];
	for (const item of pending) {
		const id = item.json.generation_id as string | undefined;
		const source = id ? known.get(normaliseGenerationId(id)) : undefined;
		if (!source) {
			// An error item from submission (Continue On Fail), or an item an earlier round settled: passed on unchanged.
			shaped.push(item);
			continue;
		}
		const json = v1 ? v1Output(item, source) : v2Output(item, source);
		recordOutcome(json);
		shaped.push({ json, pairedItem: item.pairedItem });
	}
	return shaped;
}

/** The run's final output: results downloaded when asked, and no items when a failure stops the run. */
export async function finishResumed(
	ctx: IWebhookFunctions,
	baseUrl: string,
	wait: WaitSettings,
	shaped: INodeExecutionData[],
	waitedCount: number,
): Promise<IWebhookResponseData> {
	const output: INodeExecutionData[] = [];
	for (const item of shaped.map(withoutState)) {
		const { json } = item;
		const id = json.generation_id as string | undefined;
		const family = familyOf(item);
		const mediaUrl = json[resultKey(family)];
		if (id && wait.downloadVideo && json.status === 'completed' && typeof mediaUrl === 'string') {
			const image = family.kind === 'image';
			await attachDownload(ctx, baseUrl, item, {
				url: mediaUrl,
				property: wait.binaryPropertyName,
				fileName: image ? String(id) : `${id}.mp4`,
				generationId: id,
				image,
			});
		}
		output.push(item);
	}

	const failed = output.filter((item) => item.json.status === 'failed');
	if (wait.onFailure === 'stop' && failed.length > 0) {
		// n8n cannot fail a run from a resume callback (a throw here makes n8n restart the run with one empty item and
		// drop its history), so the run resumes with no items: the following nodes do not run.
		const list = failed.map(
			(item) => `${item.json.generation_id} (${item.json.error_message ?? 'failed'})`,
		);
		ctx.logger.warn(
			`RunBlob: ${failed.length} of ${waitedCount} generations failed, stopping: ${list.join(', ')}`,
		);
		return { noWebhookResponse: true, workflowData: [[]] };
	}
	return { noWebhookResponse: true, workflowData: [output] };
}

/** Version 1 (one model) resumes with its original item shape. */
function v1Output(item: INodeExecutionData, source: IDataObject): IDataObject {
	return { ...normaliseGeneration(source), price: (item.json.price as string) ?? null };
}

/** Version 2: what the immediate output had, updated with the family's normalised result. */
function v2Output(item: INodeExecutionData, source: IDataObject): IDataObject {
	const submitted: IDataObject = { ...item.json };
	// The timeout placeholders of the pending item give way to the real outcome.
	for (const key of ['status', 'last_known_status', 'error_message']) delete submitted[key];
	const result = normalise(familyOf(item), source, {
		model: submitted.model as string,
		price: submitted.price,
		prompt: submitted.prompt,
	});
	// Fields the callback does not carry (created_at for most families) keep what was known at submission.
	for (const [key, value] of Object.entries(result)) {
		if (value === null && submitted[key] !== undefined && submitted[key] !== null) continue;
		submitted[key] = value;
	}
	return submitted;
}
