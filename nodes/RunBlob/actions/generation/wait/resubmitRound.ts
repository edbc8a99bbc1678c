import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { apiRequest, getSettings } from '../../../../shared/transport';
import { DEFAULT_SUBMISSION_CONCURRENCY, submitAll } from '../submitPool';
import { familyOfItem } from '../versionRules';
import type { ResubmitState } from './attempts';
import { isRoundItem, notResubmitted, resubmitted, stateOf, withoutState } from './attempts';
import { deadlineOf, park, pendingItem, resumeCallbackUrl } from './park';

/**
 * "Resubmit Failed Generations", the submitting half. When every generation of a round has finished and some failed
 * for a reason a new attempt may fix, the resume webhook (resume.ts) resumes the run into execute() with the round's
 * items instead of passing them on; execute() lands here: it submits those items again with their stored request,
 * and parks the run again with the new generation ids (one resume per attempt round). The resume of a waiting run
 * happens once (n8n moves it from waiting to running atomically), so one failure is resubmitted once, whatever the
 * callbacks do.
 */

/** Whether this execute() is a resubmission round handed over by the resume webhook. */
export function isResubmitRound(ctx: IExecuteFunctions, items: INodeExecutionData[]): boolean {
	const executionId = ctx.getExecutionId();
	return items.some((item) => isRoundItem(item, executionId));
}

export async function resubmitRound(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	const settings = await getSettings(this);
	const executionId = this.getExecutionId();
	const round = items.map((item) => isRoundItem(item, executionId));
	const families = new Set(
		items.filter((_, i) => round[i] || items[i].json.status === 'timed_out').map(familyIdOf),
	);
	const callbackUrl = resumeCallbackUrl(
		this,
		settings,
		families.size === 1 ? [...families][0] : undefined,
	);
	const concurrency = Number(
		this.getNodeParameter('submissionConcurrency', 0, DEFAULT_SUBMISSION_CONCURRENCY),
	);
	const state = items.map(stateOf).find((s) => s?.round === executionId) as ResubmitState;
	const deadline = deadlineOf(state.waitUntil);
	const minutes = Math.max(1, Math.ceil((deadline.getTime() - Date.now()) / 60_000));

	const outcome = await submitAll(
		items.length,
		concurrency,
		async (i) => {
			const item = items[i];
			if (!round[i]) return item;
			const family = familyOfItem(item.json);
			const request = (stateOf(item) as ResubmitState).request;
			const response = await apiRequest<IDataObject>(this, settings.baseUrl, {
				method: 'POST',
				path: family.paths.create,
				body: { ...request, callback_url: callbackUrl },
				create: true,
				itemIndex: i,
			});
			const id = String(response[family.idField] ?? response.generation_id ?? '');
			const next = { json: resubmitted(item.json, id, response), pairedItem: item.pairedItem };
			return pendingItem(next, minutes, false);
		},
		// Never stop the round: the other generations are paid for and rendering. The item ends failed, with why.
		(error, i) => ({
			json: notResubmitted(items[i].json, (error as Error).message),
			pairedItem: items[i].pairedItem,
		}),
	);
	const pending = outcome.results as INodeExecutionData[];
	if (pending.some((item) => item.json.status === 'timed_out')) {
		await park(this, pending, deadline);
	}
	return [pending.map(withoutState)];
}

function familyIdOf(item: INodeExecutionData): string {
	return familyOfItem(item.json).id;
}
