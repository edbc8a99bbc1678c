import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { getSettings } from '../../../shared/transport';
import { readBalance } from './balance';

/** Account → Get Balance: one item with the balance in USD, so a workflow can alert or stop when it runs low. */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[][]> {
	const settings = await getSettings(this);
	const balance = await readBalance(this, settings.baseUrl);
	// One read answers for every input item: the balance is the account's, not the item's.
	return [items.map((_, item) => ({ json: { balance, currency: 'USD' }, pairedItem: { item } }))];
}
