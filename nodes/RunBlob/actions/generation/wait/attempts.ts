import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { Family } from '../../../../shared/families';

/**
 * The attempt record of "Resubmit Failed Generations". It lives in the waiting execution's pending items (park.ts),
 * which n8n stores with the execution: every resume round reads it from there and writes the next round back the same
 * way, so a restart, another process (queue mode) or a repeated callback sees exactly what the last round decided.
 *
 * Public: `attempts` (one entry per attempt: generation_id, status, error_message, price). Private, removed from the
 * final output: `_resubmit` (attempts left, the request body to send again, the wait deadline, and the execution id
 * of a round that is to resubmit the item).
 */

export const STATE_KEY = '_resubmit';

export interface ResubmitState {
	left: number;
	/** The create body as first sent, without callback_url. */
	request: IDataObject;
	/** The wait limit of the whole run (ISO), or null without a limit: resubmissions count against it. */
	waitUntil: string | null;
	/** Set by the resume that hands the item back to execute() to be resubmitted: that execution's id. */
	round?: string;
}

export interface Attempt extends IDataObject {
	generation_id: string | null;
	status: string;
	error_message: string | null;
	price: string | null;
}

export function stateOf(item: INodeExecutionData): ResubmitState | undefined {
	const state = item.json[STATE_KEY];
	return state && typeof state === 'object' ? (state as unknown as ResubmitState) : undefined;
}

export function attemptsOf(json: IDataObject): Attempt[] {
	return Array.isArray(json.attempts) ? (json.attempts as Attempt[]) : [];
}

const text = (value: unknown) => (value === undefined || value === null ? null : String(value));

/** The first attempt of a freshly submitted item, and the run's deadline. */
export function startRecord(json: IDataObject, waitUntil: Date | null): void {
	const state = json[STATE_KEY] as unknown as ResubmitState | undefined;
	if (!state) return;
	state.waitUntil = waitUntil ? waitUntil.toISOString() : null;
	json.attempts = [
		{
			generation_id: text(json.generation_id),
			status: String(json.status ?? 'pending'),
			error_message: null,
			price: text(json.price),
		},
	];
}

/** Writes a finished generation's outcome into its attempt entry. */
export function recordOutcome(json: IDataObject): void {
	const attempt = attemptsOf(json).find((a) => a.generation_id === json.generation_id);
	if (!attempt) return;
	attempt.status = String(json.status);
	attempt.error_message = text(json.error_message);
	attempt.price = text(json.price) ?? attempt.price;
}

/** Whether a finished item is to be submitted again: failed for a reason a new attempt may fix, with time left. */
export function shouldResubmit(json: IDataObject, family: Family, now = Date.now()): boolean {
	const state = json[STATE_KEY] as unknown as ResubmitState | undefined;
	if (!state || state.left < 1 || json.status !== 'failed') return false;
	if (family.failures.isPermanent(text(json.error_message))) return false;
	return state.waitUntil === null || Date.parse(state.waitUntil) > now;
}

/** Whether an item was handed to this execution's execute() to be resubmitted. */
export function isRoundItem(item: INodeExecutionData, executionId: string | undefined): boolean {
	// Only an item the resume marked: a tool call (MCP) runs without an execution id, and no mark is not a match.
	const round = stateOf(item)?.round;
	return typeof round === 'string' && round !== '' && round === executionId;
}

/** The item as a new attempt: its new generation id appended to the record, one attempt fewer left. */
export function resubmitted(
	json: IDataObject,
	generationId: string,
	response: IDataObject,
): IDataObject {
	const state = { ...(json[STATE_KEY] as unknown as ResubmitState) };
	state.left -= 1;
	delete state.round;
	const status = String(response.status ?? 'pending');
	const price = text(response.price);
	return {
		...json,
		generation_id: generationId,
		status,
		price,
		video_url: null,
		error_message: null,
		attempts: [
			...attemptsOf(json),
			{ generation_id: generationId, status, error_message: null, price },
		],
		[STATE_KEY]: state as unknown as IDataObject,
	};
}

/** The item when its resubmission could not be sent: final, with the reason. */
export function notResubmitted(json: IDataObject, message: string): IDataObject {
	const rest = { ...json };
	delete rest[STATE_KEY];
	return {
		...rest,
		status: 'failed',
		error_message: `${String(json.error_message ?? 'failed')}; resubmitting it failed: ${message}`,
		attempts: [
			...attemptsOf(json),
			{ generation_id: null, status: 'not_submitted', error_message: message, price: null },
		],
	};
}

/** The item as the run outputs it: without the private record. */
export function withoutState(item: INodeExecutionData): INodeExecutionData {
	if (!(STATE_KEY in item.json)) return item;
	const json = { ...item.json };
	delete json[STATE_KEY];
	return { ...item, json };
}
