import type { IDataObject, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

import { V1_DEFAULT_MAX_WAIT_MINUTES } from './description';

/** The wait settings, read the same way whichever node version saved them (see description.ts). */

export interface WaitSettings {
	downloadVideo: boolean;
	binaryPropertyName: string;
	onFailure: 'continue' | 'stop';
	limitWaitTime: boolean;
	/** null: the families' default applies. */
	maxWaitMinutes: number | null;
}

type Read = (name: string, fallback: unknown) => unknown;

function fromReader(version: number, read: Read): WaitSettings {
	if (version < 2) {
		return {
			downloadVideo: read('downloadVideo', false) === true,
			binaryPropertyName: String(read('binaryPropertyName', 'data') || 'data'),
			onFailure: read('onFailure', 'continue') === 'stop' ? 'stop' : 'continue',
			limitWaitTime: read('limitWaitTime', true) !== false,
			maxWaitMinutes: Number(read('maxWaitMinutes', V1_DEFAULT_MAX_WAIT_MINUTES)),
		};
	}
	const options = (read('waitOptions', {}) ?? {}) as IDataObject;
	const minutes = Number(options.maxWaitMinutes);
	return {
		// Resource Image names the same option "Download Image".
		downloadVideo: options.downloadVideo === true || options.downloadImage === true,
		binaryPropertyName: String(options.binaryPropertyName || 'data'),
		onFailure: options.onFailure === 'stop' ? 'stop' : 'continue',
		limitWaitTime: options.limitWaitTime !== false,
		maxWaitMinutes: Number.isFinite(minutes) && minutes >= 1 ? minutes : null,
	};
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
