import type { INodeProperties } from 'n8n-workflow';

/**
 * Resource Image reuses the generic operations of resource Video; their parameter descriptions are shown for
 * resource Image by replacing the resource they are shown for.
 */
export function forImage(properties: INodeProperties[]): INodeProperties[] {
	return properties.map((property) => {
		const show = property.displayOptions?.show;
		if (!show?.resource) return property;
		return {
			...property,
			displayOptions: { ...property.displayOptions, show: { ...show, resource: ['image'] } },
		};
	});
}
