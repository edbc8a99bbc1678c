import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { z } from 'zod';

/**
 * What one RunBlob model family declares. Operations, the wait mode and the Trigger read these declarations only,
 * so adding a family is one new file in this folder plus its entry in `index.ts`.
 */

export type MediaKind = 'video' | 'image';

export interface ModelOption {
	/** Shown in the Model list. */
	name: string;
	/** The node's own model value (unique across families); `apiModel` is what RunBlob gets, when it takes one. */
	value: string;
	description: string;
}

/** A validation failure found before any request: `message` says what is wrong, `description` what to do. */
export class InputProblem extends Error {
	constructor(
		message: string,
		readonly description?: string,
	) {
		super(message);
	}
}

/** A parameter read with fallback `'none'` is any string, not the literal type `'none'`. */
export type Widen<T> = T extends string
	? string
	: T extends number
		? number
		: T extends boolean
			? boolean
			: T;

export interface BuildContext {
	ctx: IExecuteFunctions;
	itemIndex: number;
	/** The node's model value (one of the family's `models`). */
	model: string;
	/** Reads a parameter of this family for this item; `fallback` when the parameter is not shown. */
	param<T>(name: string, fallback: T): Widen<T>;
}

export interface Family {
	id: string;
	displayName: string;
	kind: MediaKind;
	models: ModelOption[];
	/** RunBlob's endpoints for this family. */
	paths: {
		create: string;
		status(id: string): string;
		/** Only where RunBlob documents a list. */
		list?: string;
	};
	/** The id RunBlob gives this family's jobs, and the field it travels in. */
	idField: string;
	idPattern: RegExp;
	promptLimits: { min: number; max: number };
	/** The node parameters this family adds (displayOptions are added by the registry). */
	properties: INodeProperties[];
	/** Reads and validates the family's parameters into RunBlob's request body (prompt and callback_url excluded). */
	buildBody(input: BuildContext): Promise<IDataObject>;
	/** The callback payloads RunBlob documents for this family; `allowHttp` admits loopback media URLs. */
	callbackSchema(allowHttp: boolean): z.ZodTypeAny;
	/**
	 * Whether an unsigned callback body (no family in its URL) can be this family's, by the fields RunBlob documents
	 * for it. Every family is asked, in registry order; a body that more than one family claims is rejected as
	 * ambiguous, never labelled with a guess.
	 */
	matchesCallback(body: IDataObject): boolean;
	/** Where this family puts the result, the failure reason, RunBlob's model label and its own extra fields. */
	read: {
		/** The fields that carry the result URL(s), in order of preference (Verify with RunBlob API compares each). */
		resultFields: string[];
		errorMessage(source: IDataObject): string | null;
		/** RunBlob's own model label in a record or callback (output as `runblob_model`), or null. */
		label(source: IDataObject): string | null;
		/**
		 * The node's model value (one of `models`) that RunBlob's label stands for, where the label tells; without it
		 * a label equal to a model value, or the family's only model, is used.
		 */
		modelOfLabel?(label: string): string | null;
		/** Family-specific fields kept in the normalised output. */
		extras: string[];
	};
	/** RunBlob's callback retries (seconds between attempts) and its render time limit: what the default wait covers. */
	callbackRetrySeconds: number[];
	timeoutMinutes: number;
	/** Default "Max Wait": the render timeout plus the callback retry window, with headroom. */
	defaultWaitMinutes: number;
	/** What RunBlob documents about failed jobs of this family (see failures.ts). */
	failures: FailureFacts;
}

export interface FailureFacts {
	/** Which failures RunBlob's pages say are refunded: all failed jobs, only timed-out ones, or none documented. */
	refund: 'failed' | 'timedOut' | 'none';
	/** Whether a failure reason (error_message) is one a new attempt cannot fix, e.g. a content policy refusal. */
	isPermanent(reason: string | null): boolean;
}
