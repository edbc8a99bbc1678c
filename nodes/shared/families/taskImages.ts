import type { IDataObject } from 'n8n-workflow';
import { z } from 'zod';

import { hasAny } from './callbackShape';
import { byStatus, mediaUrl, text, uuid } from './inputs';

/**
 * What the two image families that call their id `task_uuid` share (Nano Banana, ChatGPT Images; reference §3):
 * result in `result_image_url`, failure code in `message`, callback `{task_uuid, status, result_image_url, message}`
 * (ChatGPT Images adds `prompt`).
 */

export function taskImageCallbackSchema(allowHttp: boolean): z.ZodTypeAny {
	const common = {
		task_uuid: uuid,
		prompt: z.string().nullable().optional(),
		message: z.string().nullable().optional(),
	};
	return byStatus(
		{ ...common, result_image_url: mediaUrl(allowHttp) },
		{ ...common, result_image_url: z.null().optional() },
	);
}

export const taskImageRead = {
	resultFields: ['result_image_url'],
	errorMessage: (source: IDataObject) => text(source, 'message'),
	label: (source: IDataObject) => text(source, 'model'),
};

/** Both send `task_uuid`; ChatGPT Images' callback adds the prompt, Nano Banana's has none (reference §3). */
export function taskImageMatchesCallback(withPrompt: boolean) {
	return (body: IDataObject): boolean =>
		hasAny(body, 'task_uuid') && hasAny(body, 'prompt') === withPrompt;
}
