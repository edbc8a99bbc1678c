import type { IDataObject, INodeExecutionData, IWebhookFunctions } from 'n8n-workflow';

import { normaliseGenerationId } from '../../../../shared/callbackContract';
import type { Family } from '../../../../shared/families';
import { FAMILIES } from '../../../../shared/families';
import { familyOfItem } from '../versionRules';

/** The items a waiting run parked (see park.ts), as its resume URL reads them back. */

/** Reads back the pending items stored when the execution started waiting. */
export function readPendingItems(ctx: IWebhookFunctions): INodeExecutionData[] {
	const raw = ctx.evaluateExpression('{{ JSON.stringify($input.all()) }}', 0);
	const parsed = typeof raw === 'string' ? (JSON.parse(raw) as unknown) : raw;
	return Array.isArray(parsed) ? (parsed as INodeExecutionData[]) : [];
}

/** The items still waiting for a result: one per generation of the wait. */
export function waitedItems(pending: INodeExecutionData[]): INodeExecutionData[] {
	return pending.filter((item) => item.json.status === 'timed_out' && item.json.generation_id);
}

/** The family of a parked item (version-1 items carry none: versionRules.ts). */
export function familyOf(item: INodeExecutionData): Family {
	return familyOfItem(item.json);
}

export const idOf = (item: INodeExecutionData) => normaliseGenerationId(item.json.generation_id);

/** Before the body is validated: the job id under the id field its family uses, whichever family that is. */
export function looseId(body: unknown): string {
	const fields = (body ?? {}) as IDataObject;
	const id = FAMILIES.map((family) => fields[family.idField]).find((value) => value != null);
	return normaliseGenerationId(id);
}
