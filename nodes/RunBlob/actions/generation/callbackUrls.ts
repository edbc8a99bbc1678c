import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { signCallbackUrl } from '../../../shared/callbackContract';
import type { Family } from '../../../shared/families';
import type { RunBlobSettings } from '../../../shared/transport';
import { callbackUrlProblem } from '../../../shared/urls';
import type { Completion } from './completion';
import { modelFor } from './model';
import { rulesOf } from './versionRules';

/** The callback_url Generate gives RunBlob for the completions that do not park the run (see wait/park.ts). */

export function callbackUrlFor(
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
		// Version 1 issued URLs without a family; they stay byte-for-byte as they were.
		const signedFamily = rulesOf(ctx).signsFamily ? family.id : undefined;
		return signCallbackUrl(url, settings.callbackSecret, Date.now(), signedFamily);
	}
	return url;
}

/** The family every item uses, when they all use the same one (it is then signed into the resume URL). */
export function sharedFamily(ctx: IExecuteFunctions, count: number): string | undefined {
	if (!rulesOf(ctx).signsFamily) return undefined;
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
