import type {
	IAuthenticateGeneric,
	IAuthenticateRuleResponseSuccessBody,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

const REJECTED_KEY = 'RunBlob rejected the API key. Check the key in the RunBlob dashboard.';

/** RunBlob's 401 bodies differ between its pages: FastAPI's `detail` or `{error, message}`. */
function rejectedKey(key: string, value: string): IAuthenticateRuleResponseSuccessBody {
	return { type: 'responseSuccessBody', properties: { key, value, message: REJECTED_KEY } };
}

export class RunBlobApi implements ICredentialType {
	name = 'runBlobApi';

	displayName = 'RunBlob API';

	icon: Icon = { light: 'file:../icons/runblob.svg', dark: 'file:../icons/runblob.dark.svg' };

	documentationUrl = 'https://github.com/runblob/n8n-nodes-runblob#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Created in the RunBlob dashboard under API Keys (it is shown only once)',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://platform.runblob.io',
			description:
				"Where RunBlob's API lives. Change it only for a proxy or a local RunBlob simulator.",
		},
		{
			displayName: 'Callback Secret',
			name: 'callbackSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Optional but recommended: signs the callback URLs this package gives RunBlob, so the RunBlob Trigger and waiting executions reject callbacks that did not come from a URL you issued. Any long random string.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

	// A free, authenticated read of a generation that cannot exist: RunBlob checks the key first, so a 404 "Generation
	// not found" means the key works. Status errors are read from the body because older n8n versions do not apply
	// responseCode rules to credential tests.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/v1/sora/generations/00000000-0000-0000-0000-000000000000/',
			method: 'GET',
			ignoreHttpStatusErrors: true,
		},
		rules: [
			rejectedKey('detail', 'Missing credentials'),
			rejectedKey('detail', 'Invalid API key'),
			rejectedKey('message', 'Invalid API key'),
			rejectedKey('error', 'Unauthorized'),
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'detail',
					value: 'Not Found',
					message: 'No RunBlob API at this Base URL. Check the Base URL.',
				},
			},
		],
	};
}
