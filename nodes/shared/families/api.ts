import type { IDataObject } from 'n8n-workflow';

import type { RunBlobContext } from '../transport';
import { apiRequest } from '../transport';
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
