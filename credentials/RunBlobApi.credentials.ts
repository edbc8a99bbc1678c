import type {
	IAuthenticateGeneric,
	IAuthenticateRuleResponseSuccessBody,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

const REJECTED_KEY = 'RunBlob rejected the API key. Check the key in the RunBlob dashboard.';
const NOT_RUNBLOB = 'No RunBlob API at this Base URL. Check the Base URL.';

/** RunBlob's 401 bodies differ between its pages: FastAPI's `detail` or `{error, message}`. */
function rejectedKey(key: string, value: string): IAuthenticateRuleResponseSuccessBody {
	return { type: 'responseSuccessBody', properties: { key, value, message: REJECTED_KEY } };
}

/** A body that RunBlob never sends for this request: the Base URL points at something else. */
function notRunBlob(value: string | undefined): IAuthenticateRuleResponseSuccessBody {
	return {
		type: 'responseSuccessBody',
		properties: { key: 'detail', value, message: NOT_RUNBLOB },
	};
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

	// A free, authenticated read of a generation that cannot exist: RunBlob checks the key first, so its documented
	// 404 body {"detail": "Generation not found"} means the key works. n8n's credential tests can only match a body
	// key against a value (older n8n versions apply no responseCode rules to them, and a test method would need the
	// deprecated request helper), so the rules run in order: a rejected key first, then anything without RunBlob's
	// JSON `detail` (an HTML page, an XML error, an empty 204) or with a web framework's generic 404/405 text is
	// "not RunBlob". An unreachable Base URL fails before the rules with the connection error (e.g. ECONNREFUSED).
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
			rejectedKey('detail', 'Not authenticated'),
			rejectedKey('message', 'Invalid API key'),
			rejectedKey('error', 'Unauthorized'),
			notRunBlob(undefined),
			notRunBlob('Not Found'),
			notRunBlob('Method Not Allowed'),
		],
	};
}
