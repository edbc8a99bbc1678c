import type { INodeProperties } from 'n8n-workflow';

/** Shows a family's parameters only for its models (and only on node versions that have a Model field). */
export function forModels(models: string[], properties: INodeProperties[]): INodeProperties[] {
	return properties.map((property) => ({
		...property,
		displayOptions: {
			...property.displayOptions,
			show: {
				...(property.displayOptions?.show ?? {}),
				operation: ['generate'],
				model: models,
			},
		},
	}));
}
