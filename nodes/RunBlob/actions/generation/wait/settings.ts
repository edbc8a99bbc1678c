import type { IDataObject, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

import { resourceOf } from '../resources';
import { VERSION_1_MAX_WAIT_MINUTES, rulesOfVersion } from '../versionRules';
import { MAX_RESUBMITS } from './description';

/** The wait settings, read the same way whichever node version saved them (see description.ts). */

export interface WaitSettings {
	downloadVideo: boolean;
	binaryPropertyName: string;
	onFailure: 'continue' | 'stop';
	limitWaitTime: boolean;
	/** null: the families' default applies. */
	maxWaitMinutes: number | null;
	/** Resubmit Failed Generations: new attempts per failed generation (0: off). */
	resubmitAttempts: number;
}

type Read = (name: string, fallback: unknown) => unknown;

function fromReader(version: number, read: Read): WaitSettings {
	if (!rulesOfVersion(version).groupedWaitOptions) {
		return {
			downloadVideo: read('downloadVideo', false) === true,
			binaryPropertyName: String(read('binaryPropertyName', 'data') || 'data'),
			onFailure: read('onFailure', 'continue') === 'stop' ? 'stop' : 'continue',
			limitWaitTime: read('limitWaitTime', true) !== false,
			maxWaitMinutes: Number(read('maxWaitMinutes', VERSION_1_MAX_WAIT_MINUTES)),
			resubmitAttempts: 0,
		};
	}
	const options = (read('waitOptions', {}) ?? {}) as IDataObject;
	const minutes = Number(options.maxWaitMinutes);
	// Each resource's own toggle (Download Video / Download Image): one left behind by a switch of resource is not
	// shown, so it does not count.
	const download = resourceOf(String(read('resource', 'video'))).downloadOptionName;
	return {
		downloadVideo: options[download] === true,
		binaryPropertyName: String(options.binaryPropertyName || 'data'),
		onFailure: options.onFailure === 'stop' ? 'stop' : 'continue',
		limitWaitTime: options.limitWaitTime !== false,
		maxWaitMinutes: Number.isFinite(minutes) && minutes >= 1 ? minutes : null,
		resubmitAttempts: resubmitsOf(options.resubmitAttempts),
	};
}

/** Absent: off; otherwise 1–MAX_RESUBMITS. */
function resubmitsOf(value: unknown): number {
	if (value === undefined || value === null || value === '') return 0;
	const attempts = Math.floor(Number(value));
	return Number.isFinite(attempts) ? Math.min(MAX_RESUBMITS, Math.max(1, attempts)) : 0;
}

export function waitSettingsOf(ctx: IExecuteFunctions): WaitSettings {
	return fromReader(ctx.getNode().typeVersion, (name, fallback) =>
		ctx.getNodeParameter(name, 0, fallback as never),
	);
}

export function waitSettingsAtResume(ctx: IWebhookFunctions): WaitSettings {
	return fromReader(ctx.getNode().typeVersion, (name, fallback) =>
		ctx.getNodeParameter(name, fallback as never),
	);
}
