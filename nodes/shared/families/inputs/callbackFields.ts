import type { IDataObject } from 'n8n-workflow';
import { z } from 'zod';

import { parseRunBlobTime } from '../../time';
import { isLoopbackUrl } from '../../urls';

/** The fields of RunBlob's callbacks and records, as the family schemas check and read them. */

export const isoTime = z
	.string()
	.refine((value) => parseRunBlobTime(value) !== null, 'must be an ISO-8601 timestamp');

export function mediaUrl(allowHttp: boolean) {
	return z
		.string()
		.url('must be a URL')
		.refine((value) => {
			// zod runs refinements even after `.url()` failed: a non-URL must be rejected here, not thrown.
			let protocol: string;
			try {
				protocol = new URL(value).protocol;
			} catch {
				return false;
			}
			return protocol === 'https:' || (allowHttp && protocol === 'http:' && isLoopbackUrl(value));
		}, 'must be an HTTPS URL');
}

export const uuid = z.string().uuid('must be a UUID');

/** Ids RunBlob does not document as UUIDs: a plain token, never anything that could smuggle markup or paths. */
export const TOKEN_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
export const UUID_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const tokenId = z.string().regex(TOKEN_ID, 'must be a RunBlob id');

/** A discriminated completed/failed union with a readable error for any other status. */
export function byStatus(completed: z.ZodRawShape, failed: z.ZodRawShape): z.ZodTypeAny {
	return z.discriminatedUnion(
		'status',
		[
			z.object({ ...completed, status: z.literal('completed') }).passthrough(),
			z.object({ ...failed, status: z.literal('failed') }).passthrough(),
		],
		{
			errorMap: (issue, ctx) =>
				issue.code === 'invalid_union_discriminator'
					? { message: 'must be one of: completed, failed' }
					: { message: ctx.defaultError },
		},
	);
}

export function text(source: IDataObject, key: string): string | null {
	const value = source[key];
	return typeof value === 'string' && value !== '' ? value : null;
}
