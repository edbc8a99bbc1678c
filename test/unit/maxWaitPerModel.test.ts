// Max Wait follows the chosen model (issue 20, item 5): the Options collection offers one "Max Wait (Minutes)" per
// family, shown only for that family's models, with the family's declared default. n8n's editor shows (and adds with
// its default) the one option of a name whose displayOptions hold, as NodeHelpers.displayParameter decides here.
import type { INode, INodeParameters, INodeProperties } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { RunBlob } from '../../nodes/RunBlob/RunBlob.node';
import { FAMILIES } from '../../nodes/shared/families';

const description = new RunBlob().description;
const node = { name: 'RunBlob', typeVersion: 2, type: description.name, parameters: {} } as unknown as INode;

function waitOptionsOf(resource: string): INodeProperties {
	const options = description.properties.find(
		(p) => p.name === 'waitOptions' && p.displayOptions?.show?.resource?.includes(resource),
	);
	if (!options) throw new Error(`no Options collection for ${resource}`);
	return options;
}

/** The Max Wait options the editor offers inside the collection when the node's parameters are `root`. */
function maxWaitShown(resource: string, root: INodeParameters): INodeProperties[] {
	return ((waitOptionsOf(resource).options ?? []) as INodeProperties[])
		.filter((option) => option.name === 'maxWaitMinutes')
		.filter((option) => NodeHelpers.displayParameter({}, option, node, description, root));
}

describe('Max Wait follows the chosen model', () => {
	const models = FAMILIES.flatMap((family) => family.models.map((m) => ({ family, model: m.value })));

	test.each(models.map(({ family, model }) => [model, family.displayName, family]))(
		'%s: exactly one Max Wait, with %s\'s declared default',
		(model, _name, family) => {
			const shown = maxWaitShown(family.kind, { resource: family.kind, model });
			expect(shown).toHaveLength(1);
			expect(shown[0].default).toBe(family.defaultWaitMinutes);
			expect(shown[0].description).toContain(`${family.displayName}'s default is ${family.defaultWaitMinutes} min`);
		},
	);

	test.each(['video', 'image'])('%s: a Model given by expression shows one Max Wait meaning "the model\'s default" (0)', (resource) => {
		const shown = maxWaitShown(resource, { resource, model: '={{ $json.model }}' });
		expect(shown).toHaveLength(1);
		expect(shown[0].default).toBe(0);
		for (const family of FAMILIES.filter((f) => f.kind === resource)) {
			expect(shown[0].description).toContain(`${family.displayName} ${family.defaultWaitMinutes} min`);
		}
	});

	test('no family is named by hand: one option per registered family of the resource, plus the expression one', () => {
		for (const resource of ['video', 'image']) {
			const options = ((waitOptionsOf(resource).options ?? []) as INodeProperties[]).filter((o) => o.name === 'maxWaitMinutes');
			expect(options).toHaveLength(FAMILIES.filter((f) => f.kind === resource).length + 1);
		}
	});

	test.each([0, 25])('a stored Max Wait of %s survives n8n reading the parameters (0 keeps meaning "the model\'s default")', (minutes) => {
		const parameters = { resource: 'video', operation: 'generate', model: 'sora-2', completion: 'waitForVideo', waitOptions: { maxWaitMinutes: minutes } };
		const resolved = NodeHelpers.getNodeParameters(description.properties, parameters, true, false, node, description)!;
		expect(resolved.waitOptions).toEqual({ maxWaitMinutes: minutes });
	});

	test('the other per-model defaults are the families\' own: every family parameter shows only for its models', () => {
		for (const family of FAMILIES) {
			for (const property of family.properties) {
				const modelsShown = property.displayOptions?.show?.['/model'] ?? property.displayOptions?.show?.model;
				expect({ family: family.id, property: property.name, modelsShown }).toEqual({
					family: family.id,
					property: property.name,
					modelsShown: expect.arrayContaining([expect.anything()]),
				});
			}
		}
	});
});
