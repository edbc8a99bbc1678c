import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

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
				'Where RunBlob\'s API lives. Change it only for a proxy or a local RunBlob simulator.',
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

	// A free, authenticated read: 2xx means the key works; n8n reports a connection error separately from a 401.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/v1/sora/generations',
			qs: { limit: 1, offset: 0 },
			method: 'GET',
		},
		rules: [
			{
				type: 'responseCode',
				properties: { value: 401, message: 'RunBlob rejected the API key. Check the key in the RunBlob dashboard.' },
			},
			{
				type: 'responseCode',
				properties: { value: 404, message: 'No RunBlob API at this Base URL. Check the Base URL.' },
			},
		],
	};
}
