import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as account from './actions/account';
import { FAMILIES } from '../shared/families';
import * as generation from './actions/generation';
import { FROM_VERSION_2, ONLY_VERSION_1 } from './actions/generation/versionRules';
import { router } from './actions/router';
import { resumeWebhook, resumeWebhooks } from './actions/generation/wait/resume';

export class RunBlob implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'RunBlob',
		name: 'runBlob',
		icon: { light: 'file:../../icons/runblob.svg', dark: 'file:../../icons/runblob.dark.svg' },
		group: ['transform'],
		// Version 2 added the Model choice (every RunBlob video family) and grouped the wait settings; version 1
		// workflows (one model, no Model field) keep their parameters and outputs.
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: `Generate AI videos and images with RunBlob (${FAMILIES.map((family) => family.displayName).join(', ')}), wait for them and download them`,
		defaults: { name: 'RunBlob' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'runBlobApi', required: true }],
		// The "Wait for Video" completion resumes this execution through n8n's resume URL.
		webhooks: resumeWebhooks,
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Video', value: 'video' }],
				default: 'video',
				displayOptions: { show: ONLY_VERSION_1 },
			},
			{
				// Images came with version 2 (they need the Model field).
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Account', value: 'account' },
					{ name: 'Image', value: 'image' },
					{ name: 'Video', value: 'video' },
				],
				default: 'video',
				displayOptions: { show: FROM_VERSION_2 },
			},
			...generation.description(),
			...account.description,
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await resumeWebhook.call(this);
	}
}
