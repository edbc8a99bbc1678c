/**
 * A made-up RunBlob family, declared in this one file: the proof that a family is one declaration. Nothing in the
 * product names it; `registerFamily(acmeClip)` (and the simulator's `acmeClip.sim.js`) is all it takes for Generate,
 * Get, Get Many, Download, Wait and the Trigger to serve it (test/sim/testFamily.test.ts).
 *
 * It differs from every real family where a family can: its own id field (`job_id`), result field (`clip_url`),
 * failure field (`failure`), model label (`tier`: "acme/hd") and endpoints.
 */
import { z } from 'zod';

import { hasAny } from '../../nodes/shared/families/callbackShape';
import { failureFacts } from '../../nodes/shared/families/failures';
import {
	byStatus,
	forModels,
	mediaUrl,
	oneOf,
	promptSchema,
	text,
	UUID_ID,
	uuid,
	validateBody,
} from '../../nodes/shared/families/inputs';
import type { Family } from '../../nodes/shared/families/types';

const PROMPT = { min: 3, max: 500 };
const LENGTHS = ['4', '8'] as const;
const MODELS = ['acme-clip', 'acme-clip-hd'];
export const ACME_ID = UUID_ID;

export const acmeClip: Family = {
	id: 'acmeClip',
	displayName: 'Acme Clip',
	kind: 'video',
	models: [
		{ name: 'Acme Clip', value: 'acme-clip', description: 'A test family, standard tier' },
		{ name: 'Acme Clip HD', value: 'acme-clip-hd', description: 'A test family, HD tier' },
	],
	paths: {
		create: '/v1/acme/generate',
		status: (id) => `/v1/acme/generations/${id}`,
		list: '/v1/acme/generations',
	},
	idField: 'job_id',
	idPattern: ACME_ID,
	promptLimits: PROMPT,
	properties: forModels(MODELS, [
		{
			displayName: 'Length',
			name: 'acmeLength',
			type: 'options',
			options: LENGTHS.map((value) => ({ name: `${value} Seconds`, value })),
			default: '4',
		},
	]),
	async buildBody(input) {
		const body = validateBody(
			z.object({ prompt: promptSchema(PROMPT), length: oneOf('Length', LENGTHS, ' seconds') }),
			{ prompt: input.param('prompt', ''), length: input.param('acmeLength', '4') },
		);
		return { ...body, tier: input.model === 'acme-clip-hd' ? 'hd' : 'sd' };
	},
	callbackSchema(allowHttp) {
		const common = {
			job_id: uuid,
			tier: z.string().optional(),
			failure: z.string().nullable().optional(),
		};
		return byStatus(
			{ ...common, clip_url: mediaUrl(allowHttp) },
			{ ...common, clip_url: z.null().optional() },
		);
	},
	matchesCallback: (body) => hasAny(body, 'job_id'),
	read: {
		resultFields: ['clip_url'],
		errorMessage: (source) => text(source, 'failure'),
		label: (source) => text(source, 'tier'),
		modelOfLabel: (label) => (label === 'acme/hd' ? 'acme-clip-hd' : label === 'acme/sd' ? 'acme-clip' : null),
		extras: ['length'],
	},
	callbackRetrySeconds: [10, 10],
	timeoutMinutes: 5,
	defaultWaitMinutes: 7,
	failures: failureFacts('none'),
};
