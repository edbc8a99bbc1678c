import type { INodeProperties } from 'n8n-workflow';

import * as getBalance from './getBalance.operation';

/** Resource Account: the account's balance. */

export const operations = { getBalance: getBalance.execute };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['account'] } },
		options: [
			{
				name: 'Get Balance',
				value: 'getBalance',
				action: 'Get the account balance',
				description: "Read the RunBlob account's balance in USD",
			},
		],
		default: 'getBalance',
	},
];
