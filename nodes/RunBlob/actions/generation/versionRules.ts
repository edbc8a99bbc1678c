import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { Family } from '../../../shared/families';
import { V1_FAMILY, V1_MODEL, familyById } from '../../../shared/families';

/**
 * Every difference between node version 1 and later versions, decided here and nowhere else. Version 1 spoke one
 * model (no Model field), output RunBlob's own fields, showed the wait settings as loose fields and signed trigger
 * URLs without a family; its saved workflows must keep running exactly as they did.
 */

type Versioned = { getNode(): { typeVersion: number } };

/** What a node of a given version does differently. */
export interface VersionRules {
	/** The Model field exists; without it every item is of version 1's model. */
	hasModelField: boolean;
	/** Outputs take the normalised shape (UTC timestamps, price as a number, family fields); else RunBlob's fields. */
	normalisedOutput: boolean;
	/** URLs the node signs (trigger and resume) name the family. */
	signsFamily: boolean;
	/** Minimum Balance and Additional Body Fields exist. */
	hasBalanceCheck: boolean;
	hasAdditionalBodyFields: boolean;
	/** The wait settings sit in an Options collection (else loose fields with their own defaults). */
	groupedWaitOptions: boolean;
}

const VERSION_1: VersionRules = {
	hasModelField: false,
	normalisedOutput: false,
	signsFamily: false,
	hasBalanceCheck: false,
	hasAdditionalBodyFields: false,
	groupedWaitOptions: false,
};

const LATER: VersionRules = {
	hasModelField: true,
	normalisedOutput: true,
	signsFamily: true,
	hasBalanceCheck: true,
	hasAdditionalBodyFields: true,
	groupedWaitOptions: true,
};

export function rulesOfVersion(typeVersion: number): VersionRules {
	return typeVersion < 2 ? VERSION_1 : LATER;
}

export function rulesOf(ctx: Versioned): VersionRules {
	return rulesOfVersion(ctx.getNode().typeVersion);
}

/** The model of an item when the node has no Model field. */
export const VERSION_1_MODEL = V1_MODEL;

/** Version 1's "Max Wait (Minutes)" default (a loose field, always shown with a value). */
export const VERSION_1_MAX_WAIT_MINUTES = 60;

/** Items saved by version 1 carry no family: they are of version 1's model. */
export function familyOfItem(json: IDataObject): Family {
	return familyById(json.family) ?? V1_FAMILY;
}

/** The family of version 1's one model (its render limit and retries are quoted in version 1's wait texts). */
export const VERSION_1_FAMILY = V1_FAMILY;

/** displayOptions conditions for the node's description. */
export const ONLY_VERSION_1 = { '@version': [1] };
export const FROM_VERSION_2 = { '@version': [{ _cnd: { gte: 2 } }] };

/** Version 1 had no Model field: a hidden one holds its model, so family parameters (keyed on the model) show. */
export const version1ModelProperty: INodeProperties = {
	displayName: 'Model',
	name: 'model',
	type: 'hidden',
	default: VERSION_1_MODEL,
	displayOptions: { show: ONLY_VERSION_1 },
};

/** Shows a property only from version 2 on, keeping its other conditions. */
export function fromVersion2(property: INodeProperties): INodeProperties {
	const show = { ...property.displayOptions?.show, ...FROM_VERSION_2 };
	return { ...property, displayOptions: { ...property.displayOptions, show } };
}

/** Shows a property only on version 1, keeping its other conditions. */
export function onlyVersion1(property: INodeProperties): INodeProperties {
	const show = { ...property.displayOptions?.show, ...ONLY_VERSION_1 };
	return { ...property, displayOptions: { ...property.displayOptions, show } };
}
