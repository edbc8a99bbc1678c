import type { INodeProperties } from 'n8n-workflow';

import type { Family } from '../../../../shared/families';
import { waitDefaultsText } from '../../../../shared/families';

/**
 * "Max Wait (Minutes)" of the Options collection, once per family: n8n cannot change one field's default when
 * another changes, but it shows, and adds with its own default, the one option of a name whose displayOptions hold.
 * Each family's option shows only for its own models ('/model' is the Model field beside the collection), so a user
 * adding Max Wait sees the chosen model's default. A last option, shown when the Model is none of the known values
 * (an expression), says "0: each model's default". A stored 0 keeps meaning the model's default (settings.ts).
 */

const base: INodeProperties = {
	displayName: 'Max Wait (Minutes)',
	name: 'maxWaitMinutes',
	type: 'number',
	// 0 stays allowed: workflows saved with the earlier default (0) mean "the model's default" by it.
	typeOptions: { minValue: 0 },
	default: 0,
};

const TIMED_OUT =
	'When it runs out, each unfinished generation becomes an item with status "timed_out" and its generation_id.';

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A regex matching any value but these: `hide` with it shows a property only for these values (and not for an expression). */
export function anyValueBut(values: string[]): string {
	return `^(?!(?:${values.map(escapeRegex).join('|')})$)`;
}

function familyOption(family: Family): INodeProperties {
	const models = family.models.map((m) => m.value);
	return {
		...base,
		default: family.defaultWaitMinutes,
		description: `How long to wait before giving up. ${family.displayName}'s default is ${waitDefaultsText([family]).replace(`${family.displayName} `, '')}; 0 also means this default. ${TIMED_OUT}`,
		displayOptions: { hide: { '/model': [{ _cnd: { regex: anyValueBut(models) } }] } },
	};
}

function anyModelOption(families: Family[]): INodeProperties {
	return {
		...base,
		description: `How long to wait before giving up. 0 (the default): the model's default, ${waitDefaultsText(families)}; a mix of models waits for the longest. ${TIMED_OUT}`,
		displayOptions: { hide: { '/model': families.flatMap((f) => f.models.map((m) => m.value)) } },
	};
}

/** The Max Wait options of one resource's families. */
export const maxWaitOptions = (families: Family[]): INodeProperties[] => [
	...families.map(familyOption),
	anyModelOption(families),
];
