import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { signCallbackUrl } from '../../../../shared/callbackContract';
import type { RunBlobSettings } from '../../../../shared/transport';
import { callbackUrlProblem } from '../../../../shared/urls';
import { familyOfItem, rulesOf } from '../versionRules';
import { startRecord, withoutState } from './attempts';
import { RESUME_PATH } from './resume';
import { waitSettingsOf } from './settings';

/**
 * "Wait for Video", the parking half: the execution is parked in n8n's database (putExecutionToWait — no worker held,
 * no polling) and RunBlob's callbacks arrive at this execution's resume URL (resume.ts).
 *
 * What survives the wait: the node's input slot of the waiting execution is replaced by one "pending" item per input
 * item. n8n stores it with the execution, the resume webhook reads it back (`$input`), and if the wait limit runs out
 * n8n passes exactly these items on — so a timeout still names every generation_id.
 */

/**
 * This execution's resume URL, extended with our callback path and signature (with the family when every item uses
 * the same one). Refuses URLs RunBlob cannot call, before anything is paid for.
 */
export function resumeCallbackUrl(
	ctx: IExecuteFunctions,
	settings: RunBlobSettings,
	family: string | undefined,
): string {
	const resumeUrl = String(ctx.evaluateExpression('{{ $execution.resumeUrl }}', 0));
	const problem = callbackUrlProblem(resumeUrl, settings.baseUrl);
	if (problem) {
		throw new NodeOperationError(
			ctx.getNode(),
			`${problem}: n8n's public webhook URL is not HTTPS, so RunBlob could never call back and the run would wait in vain`,
			{
				description:
					'Set N8N_WEBHOOK_URL (WEBHOOK_URL on n8n before 2.41) to the public https:// address of this n8n instance, or expose n8n through an HTTPS tunnel, then run again. Nothing was submitted to RunBlob.',
			},
		);
	}
	// n8n accepts one extra path segment before the query string (where n8n 2.14+ keeps its own token).
	const url = new URL(resumeUrl);
	url.pathname = `${url.pathname.replace(/\/+$/, '')}/${RESUME_PATH}`;
	return signCallbackUrl(url.toString(), settings.resumeSigningKey, Date.now(), family);
}

export async function startWaiting(
	this: IExecuteFunctions,
	submitted: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	const settings = waitSettingsOf(this);
	const minutes = settings.maxWaitMinutes ?? defaultWaitMinutes(submitted);
	const v1 = !rulesOf(this).normalisedOutput;
	const waitTill = settings.limitWaitTime
		? new Date(Date.now() + Math.max(1, minutes) * 60_000)
		: WAIT_FOREVER;
	const pending = submitted.map((item) => {
		if (!item.json.generation_id) return item;
		const waiting = pendingItem(item, minutes, v1);
		startRecord(waiting.json, settings.limitWaitTime ? waitTill : null);
		return waiting;
	});
	await park(this, pending, waitTill);
	return [submitted.map(withoutState)];
}

/**
 * Parks the execution with these pending items in its input slot (see top comment): generations still to finish are
 * "timed_out" placeholders, the others are passed on as they are if the wait runs out.
 */
export async function park(
	ctx: IExecuteFunctions,
	pending: INodeExecutionData[],
	waitTill: Date,
): Promise<void> {
	ctx.getExecuteData().data.main[0] = pending;
	await ctx.putExecutionToWait(waitTill);
}

/** The wait limit a resubmission round keeps: the one the run started with. */
export function deadlineOf(waitUntil: string | null): Date {
	return waitUntil === null ? WAIT_FOREVER : new Date(waitUntil);
}

/** The longest default of the families in this run: the slowest one decides. */
function defaultWaitMinutes(submitted: INodeExecutionData[]): number {
	const minutes = submitted
		.filter((item) => item.json.generation_id)
		.map((item) => familyOfItem(item.json).defaultWaitMinutes);
	return Math.max(...minutes, 1);
}

/** n8n's own "wait indefinitely" marker (WAIT_INDEFINITELY), spelled out to keep working on n8n versions without it. */
const WAIT_FOREVER = new Date('3000-01-01T00:00:00.000Z');

function timeoutMessage(id: string, minutes: number): string {
	return `RunBlob had not reported this generation as finished when the wait limit (${minutes} min) ran out. It may still finish: read it with the RunBlob node's Get or Download operation using generation_id ${id}.`;
}

export function pendingItem(
	item: INodeExecutionData,
	minutes: number,
	v1: boolean,
): INodeExecutionData {
	const id = String(item.json.generation_id);
	const lastKnown = String(item.json.status ?? 'pending');
	// Version 1's pending item keeps its original shape; version 2 keeps everything the immediate output had.
	const json: IDataObject = v1
		? {
				generation_id: id,
				status: 'timed_out',
				last_known_status: lastKnown,
				prompt: (item.json.prompt as string) ?? null,
				price: (item.json.price as string) ?? null,
				video_url: null,
				created_at: null,
				completed_at: null,
				error_message: timeoutMessage(id, minutes),
				render_seconds: null,
			}
		: {
				...item.json,
				status: 'timed_out',
				last_known_status: lastKnown,
				error_message: timeoutMessage(id, minutes),
			};
	return { json, pairedItem: item.pairedItem };
}
