import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { apiRequest, getSettings } from '../../../shared/transport';
import { runPerItem } from './common';
import { withDerivedFields } from './get.operation';

/** RunBlob's maximum page size. */
export const PAGE_SIZE = 100;

const properties: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: PAGE_SIZE },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
	{
		displayName: 'Offset',
		name: 'offset',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description: 'How many of the newest generations to skip',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['video'], operation: ['getMany'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	const { baseUrl } = await getSettings(this);
	return await runPerItem(this, items, async (i) => {
		const returnAll = this.getNodeParameter('returnAll', i) as boolean;
		const limit = returnAll ? Infinity : (this.getNodeParameter('limit', i) as number);
		let offset = this.getNodeParameter('offset', i, 0) as number;
		const page: IDataObject[] = [];
		while (page.length < limit) {
			const size = Math.min(PAGE_SIZE, limit - page.length);
			const batch = await apiRequest<IDataObject[]>(this, baseUrl, {
				method: 'GET',
				path: '/v1/sora/generations',
				qs: { limit: size, offset },
				itemIndex: i,
			});
			const list = Array.isArray(batch) ? batch : [];
			page.push(...list);
			offset += list.length;
			if (list.length < size) break;
		}
		return page.map((generation) => ({
			json: withDerivedFields(generation),
			pairedItem: { item: i },
		}));
	});
}
