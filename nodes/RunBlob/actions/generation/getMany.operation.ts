import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import type { Family } from '../../../shared/families';
import { FAMILIES } from '../../../shared/families';
import { apiRequest, getSettings } from '../../../shared/transport';
import { runPerItem } from './common';
import { outputOf } from './get.operation';
import { modelFor } from './model';
import type { GenerationResource } from './resources';
import { FROM_VERSION_2, rulesOf } from './versionRules';

/** RunBlob's maximum page size. */
export const PAGE_SIZE = 100;

/** The families for which RunBlob documents a list of generations, by name. */
export const listed = (families: Family[] = FAMILIES) =>
	families
		.filter((family) => family.paths.list)
		.map((family) => family.displayName)
		.join(', ');

const properties = (): INodeProperties[] => [
	{
		displayName: `RunBlob documents a list of generations only for: ${listed()}. For other models keep the generation_id from Generate.`,
		name: 'listNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: FROM_VERSION_2 },
	},
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

/** Built when the node's description is (after every family is registered). */
export const description = (resource: GenerationResource): INodeProperties[] =>
	updateDisplayOptions(
		{ show: { resource: [resource.value], operation: ['getMany'] } },
		properties(),
	);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	const { baseUrl } = await getSettings(this);
	const rules = rulesOf(this);
	return await runPerItem(this, items, async (i) => {
		const { family } = modelFor(this, i);
		const path = family.paths.list;
		if (!path) {
			throw new NodeOperationError(
				this.getNode(),
				`RunBlob documents no list of ${family.displayName} generations`,
				{
					itemIndex: i,
					description: `Get Many works for ${listed()}. Keep the generation_id that Generate returns, and read it with Get.`,
				},
			);
		}
		const returnAll = this.getNodeParameter('returnAll', i) as boolean;
		const limit = returnAll ? Infinity : (this.getNodeParameter('limit', i) as number);
		let offset = this.getNodeParameter('offset', i, 0) as number;
		const page: IDataObject[] = [];
		while (page.length < limit) {
			const size = Math.min(PAGE_SIZE, limit - page.length);
			const batch = await apiRequest<IDataObject[]>(this, baseUrl, {
				method: 'GET',
				path,
				qs: { limit: size, offset },
				itemIndex: i,
			});
			const list = Array.isArray(batch) ? batch : [];
			page.push(...list);
			offset += list.length;
			if (list.length < size) break;
		}
		return page.map((generation) => ({
			json: outputOf(family, generation, rules),
			pairedItem: { item: i },
		}));
	});
}
