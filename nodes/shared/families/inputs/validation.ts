import type { IDataObject } from 'n8n-workflow';
import { z } from 'zod';

import { InputProblem } from '../types';

/** Checking a request before it is sent: each problem is one whole sentence, and the item cost nothing. */

/** RunBlob counts characters the way Python does (code points), so we do too. */
export function codePoints(value: string): number {
	return [...value].length;
}

/** The prompt of a family, with its declared limits (the same values its UI text names). */
export function promptSchema({ min, max }: { min: number; max: number }) {
	return z
		.string({ required_error: 'is required' })
		.refine((value) => value.trim() !== '', 'The prompt is empty')
		.refine(
			(value) => value.trim() === '' || codePoints(value) >= min,
			(value) => ({
				message: `The prompt has ${codePoints(value)} characters; this model needs at least ${min}`,
			}),
		)
		.refine(
			(value) => codePoints(value) <= max,
			(value) => ({
				message: `The prompt has ${codePoints(value)} characters; RunBlob accepts at most ${max}`,
			}),
		);
}

/** Validates a request body; the first problem (its message is a whole sentence) becomes an InputProblem. */
export function validateBody<T extends z.ZodTypeAny>(schema: T, body: unknown): z.infer<T> {
	const result = schema.safeParse(body);
	if (result.success) return result.data as z.infer<T>;
	const issue = result.error.issues[0];
	const field = issue.path.join('.');
	const message =
		issue.code === 'custom' || field === 'prompt' ? issue.message : `${field}: ${issue.message}`;
	return fail(message, NOTHING_SENT);
}

/** "Duration must be 10 or 15 seconds, not "5"": a value from a fixed list, with a sentence naming the choices. */
export function oneOf<T extends string | number>(label: string, values: readonly T[], unit = '') {
	const choices =
		values.length > 1
			? `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`
			: String(values[0]);
	return z.any().superRefine((value, ctx) => {
		if (!(values as readonly unknown[]).includes(value)) {
			ctx.addIssue({
				code: 'custom',
				message: `${label} must be ${choices}${unit}, not "${String(value)}"`,
			});
		}
	}) as unknown as z.ZodType<T>;
}

/** An integer in a range, with a sentence naming it. */
export function intIn(label: string, min: number, max: number) {
	return z.any().superRefine((value, ctx) => {
		if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
			ctx.addIssue({
				code: 'custom',
				message: `${label} must be a whole number from ${min} to ${max}, not "${String(value)}"`,
			});
		}
	}) as unknown as z.ZodType<number>;
}

/** What every check before a request adds: the item cost nothing. */
export const NOTHING_SENT =
	'Correct it and run the node again; nothing was sent to RunBlob for this item.';

export function fail(message: string, description?: string): never {
	throw new InputProblem(message, description);
}

/** Drops keys whose value is undefined, so RunBlob's own defaults apply. */
export function compact(body: IDataObject): IDataObject {
	return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
}
