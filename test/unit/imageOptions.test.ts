// The Image resource's Generate shows the same batch controls as Video (issue: Image had no Parallel Submissions).
import type { INode, INodeParameters } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { RunBlob } from '../../nodes/RunBlob/RunBlob.node';
import { DEFAULT_SUBMISSION_CONCURRENCY } from '../../nodes/RunBlob/actions/generation/submitPool';

const description = new RunBlob().description;

function resolved(parameters: INodeParameters) {
	const node = { name: 'RunBlob', typeVersion: 2, type: description.name, parameters } as unknown as INode;
	return NodeHelpers.getNodeParameters(description.properties, parameters, true, false, node, description)!;
}

describe('Generate on both resources', () => {
	test.each(['video', 'image'])('%s: Parallel Submissions is shown with its default', (resource) => {
		expect(resolved({ resource, operation: 'generate' }).submissionConcurrency).toBe(DEFAULT_SUBMISSION_CONCURRENCY);
	});
	test('image: Options of Wait for Image offer Download Image', () => {
		const options = description.properties.find(
			(p) => p.name === 'waitOptions' && p.displayOptions?.show?.resource?.includes('image'),
		);
		expect((options?.options ?? []).map((o) => o.name)).toContain('downloadImage');
	});
});
