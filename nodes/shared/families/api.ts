import type { IDataObject } from 'n8n-workflow';

import type { RunBlobContext } from '../transport';
import { apiRequest, getWithin } from '../transport';
import type { Family } from './types';

/** RunBlob's status read of one job of a family. */
export async function readGeneration(
	ctx: RunBlobContext,
	baseUrl: string,
	family: Family,
	id: string,
	itemIndex?: number,
): Promise<IDataObject> {
	return await apiRequest<IDataObject>(ctx, baseUrl, {
		method: 'GET',
		path: family.paths.status(encodeURIComponent(id)),
		generationId: id,
		itemIndex,
	});
}

/** The same read, within a webhook's answer budget (see transport/budgetedRead.ts). */
export async function readGenerationWithin(
	ctx: RunBlobContext,
	baseUrl: string,
	family: Family,
	id: string,
	deadline: number,
): Promise<IDataObject> {
	return await getWithin(ctx, baseUrl, family.paths.status(encodeURIComponent(id)), id, deadline);
}
