import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { apiRequest } from '../../../shared/transport';
import { asNodeError } from '../generation/common';

/**
 * RunBlob's account balance. `GET /v1/data/balance` appears only in a code sample of RunBlob's pages (reference §4),
 * which reads a `balance` key as a number: it may come as a number or a numeric string. A 404 or any other body means
 * the endpoint is not available for this account, and the node says so instead of guessing.
 */

export const BALANCE_PATH = '/v1/data/balance';

const notAvailable = (ctx: IExecuteFunctions, what: string) =>
	new NodeOperationError(
		ctx.getNode(),
		`RunBlob's balance endpoint is not available for this account (${what})`,
		{
			description: `RunBlob shows GET ${BALANCE_PATH} only in a code sample; this account's RunBlob does not answer it with a balance. Check the balance in the RunBlob dashboard, or turn Minimum Balance off.`,
		},
	);

/** The balance in USD; a clear error when RunBlob does not answer with one. */
export async function readBalance(ctx: IExecuteFunctions, baseUrl: string): Promise<number> {
	let body: unknown;
	try {
		body = await apiRequest<unknown>(ctx, baseUrl, { method: 'GET', path: BALANCE_PATH });
	} catch (error) {
		if (error instanceof NodeApiError && error.httpCode === '404') {
			throw notAvailable(ctx, 'RunBlob answered 404');
		}
		throw asNodeError(ctx, error, 0);
	}
	const balance = balanceOf(body);
	if (balance === undefined) throw notAvailable(ctx, 'the answer has no numeric "balance"');
	return balance;
}

/** The `balance` of an answer as a number, or undefined when the answer has none. */
export function balanceOf(body: unknown): number | undefined {
	if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
	const raw = (body as IDataObject).balance;
	const value =
		typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() ? Number(raw) : NaN;
	return Number.isFinite(value) ? value : undefined;
}

/** Generate's Minimum Balance: 0 leaves it off. */
export const minimumBalanceProperty: INodeProperties = {
	displayName: 'Minimum Balance (USD)',
	name: 'minimumBalance',
	type: 'number',
	typeOptions: { minValue: 0, numberPrecision: 2 },
	default: 0,
	description:
		'Read the RunBlob balance once before submitting and refuse the whole batch (nothing submitted) when it is below this amount. 0 turns the check off. If RunBlob does not answer the balance, the node stops with that error; set 0 to submit anyway.',
};

/** Refuses the batch before anything is paid for when the balance is below the minimum (0: no check). */
export async function checkMinimumBalance(ctx: IExecuteFunctions, baseUrl: string): Promise<void> {
	const minimum = Number(ctx.getNodeParameter('minimumBalance', 0, 0));
	if (!Number.isFinite(minimum) || minimum <= 0) return;
	let balance: number;
	try {
		balance = await readBalance(ctx, baseUrl);
	} catch (error) {
		const nodeError = asNodeError(ctx, error, 0);
		nodeError.description =
			`${nodeError.description ?? ''} Minimum Balance could not be checked, so nothing was submitted.`.trim();
		throw nodeError;
	}
	if (balance < minimum) {
		throw new NodeOperationError(
			ctx.getNode(),
			`The RunBlob balance (${balance} USD) is below the Minimum Balance (${minimum} USD)`,
			{
				description:
					'Nothing was submitted. Top up the RunBlob balance, or lower Minimum Balance, and run the node again.',
			},
		);
	}
}
