/**
 * Self-tests for test/helpers/n8n.ts: a tiny dummy node run through n8n-core's real
 * ExecuteContext / WebhookContext against a local HTTP server.
 */
import { createHash, createHmac } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';

import type {
	IAuthenticateGeneric,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { executeNode, getN8nRuntime, n8nLogger, runWebhook } from '../helpers/n8n';

// ---------------------------------------------------------------------------------------------
// Dummy credential + nodes
// ---------------------------------------------------------------------------------------------

class DummyApi implements ICredentialType {
	name = 'dummyApi';
	displayName = 'Dummy API';
	properties: ICredentialType['properties'] = [
		{ displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '' },
		{ displayName: 'Base URL', name: 'baseUrl', type: 'string', default: 'https://api.dummy.invalid' },
		{ displayName: 'Region', name: 'region', type: 'string', default: 'eu-1' },
		{ displayName: 'Secret', name: 'secret', type: 'string', default: '' },
	];
	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { Authorization: '=Bearer {{$credentials.apiKey}}' },
			qs: { region: '={{$credentials.region}}' },
		},
	};
}

class DummyNode implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Dummy',
		name: 'dummy',
		group: ['transform'],
		version: [1, 2],
		description: 'Test node',
		defaults: { name: 'Dummy' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'dummyApi', required: true }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: '', restartWebhook: true }],
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Get', value: 'get' },
					{ name: 'Download', value: 'download' },
					{ name: 'Wait', value: 'wait' },
					{ name: 'Hang', value: 'hang' },
				],
				default: 'get',
			},
			{ displayName: 'Path', name: 'path', type: 'string', default: '/v1/things' },
			{
				displayName: 'Hidden For Get',
				name: 'waitMinutes',
				type: 'number',
				default: 5,
				displayOptions: { show: { operation: ['wait'] } },
			},
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const operation = this.getNodeParameter('operation', 0) as string;
		const credentials = await this.getCredentials('dummyApi');
		const baseUrl = String(credentials.baseUrl);
		const returnData: INodeExecutionData[] = [];

		if (operation === 'wait') {
			const minutes = this.getNodeParameter('waitMinutes', 0) as number;
			const resumeUrl = this.evaluateExpression('{{ $execution.resumeUrl }}', 0) as string;
			this.getContext('node').registeredAt = 'ctx-value';
			this.customData.set('dummyJob', 'job-1');
			this.getWorkflowStaticData('node').waits = ((this.getWorkflowStaticData('node').waits as number) ?? 0) + 1;
			await this.putExecutionToWait(new Date(Date.now() + minutes * 60_000));
			return [items.map((item, i) => ({ json: { ...item.json, resumeUrl }, pairedItem: { item: i } }))];
		}

		for (let i = 0; i < items.length; i++) {
			try {
				const urlPath = this.getNodeParameter('path', i) as string;
				if (operation === 'get') {
					const body = (await this.helpers.httpRequestWithAuthentication.call(this, 'dummyApi', {
						method: 'GET',
						url: `${baseUrl}${urlPath}`,
						json: true,
					})) as IDataObject;
					returnData.push(
						...this.helpers.constructExecutionMetaData(
							this.helpers.returnJsonArray({ ...body, region: credentials.region }),
							{ itemData: { item: i } },
						),
					);
				} else if (operation === 'hang') {
					await this.helpers.httpRequestWithAuthentication.call(this, 'dummyApi', {
						method: 'GET',
						url: `${baseUrl}${urlPath}`,
					});
				} else {
					const options: IHttpRequestOptions = {
						method: 'GET',
						url: `${baseUrl}${urlPath}`,
						encoding: 'stream',
						returnFullResponse: true,
					};
					const response = (await this.helpers.httpRequestWithAuthentication.call(this, 'dummyApi', options)) as {
						body: Readable;
						headers: IDataObject;
					};
					const binary = await this.helpers.prepareBinaryData(response.body, 'video.mp4', 'video/mp4');
					returnData.push({ json: { downloaded: true }, binary: { data: binary }, pairedItem: { item: i } });
				}
			} catch (error) {
				if (this.continueOnFail()) {
					returnData.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
					continue;
				}
				throw error;
			}
		}
		return [returnData];
	}

	// Resume webhook: RunBlob-style callback resuming the waiting execution.
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const query = this.getQueryData() as IDataObject;
		if (query.token !== 'ok') {
			this.getResponseObject().status(403).send('forbidden');
			return { noWebhookResponse: true };
		}
		// Input of the waiting node, via the paired item of the resumed execution
		const waitingInput = this.evaluateExpression('{{ $json.prompt }}', 0);
		return {
			workflowData: [[{ json: { resumedWith: this.getBodyData(), query, waitingInput: waitingInput as string } }]],
		};
	}
}

class DummyTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Dummy Trigger',
		name: 'dummyTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Test trigger',
		defaults: { name: 'Dummy Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'dummyApi', required: true }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }],
		properties: [],
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const req = this.getRequestObject();
		const res = this.getResponseObject();
		const credentials = await this.getCredentials('dummyApi');
		const expected = createHmac('sha256', String(credentials.secret))
			.update(req.rawBody as Buffer)
			.digest('hex');
		const headers = this.getHeaderData();
		if (headers['x-dummy-signature'] !== expected) {
			res.status(401).json({ error: 'invalid signature' });
			return { noWebhookResponse: true };
		}
		const body = this.getBodyData();
		const staticData = this.getWorkflowStaticData('node');
		const seen = (staticData.seen as string[] | undefined) ?? [];
		if (seen.includes(String(body.id))) return { webhookResponse: 'duplicate' };
		staticData.seen = [...seen, String(body.id)];
		return {
			workflowData: [
				[
					{
						json: {
							body,
							query: this.getQueryData() as IDataObject,
							contentType: headers['content-type'] ?? null,
							webhookUrl: this.getNodeWebhookUrl('default') ?? null,
						},
					},
				],
			],
		};
	}
}

// ---------------------------------------------------------------------------------------------
// Local HTTP server
// ---------------------------------------------------------------------------------------------

const LARGE_SIZE = 200 * 1024 * 1024;
const CHUNK = 1024 * 1024;

interface Received {
	method?: string;
	url?: string;
	headers: http.IncomingHttpHeaders;
}

let server: http.Server;
let baseUrl: string;
const received: Received[] = [];
let largeSha = '';

function largeStream(): Readable {
	// Deterministic, non-repeating bytes generated lazily (pull-based, so honours backpressure).
	let sent = 0;
	const hash = createHash('sha256');
	return new Readable({
		read() {
			if (sent >= LARGE_SIZE) {
				largeSha = hash.digest('hex');
				this.push(null);
				return;
			}
			const chunk = Buffer.allocUnsafe(CHUNK);
			const seed = createHash('sha256').update(String(sent)).digest();
			for (let o = 0; o < CHUNK; o += seed.length) seed.copy(chunk, o);
			chunk.writeUInt32LE(sent / CHUNK, 0);
			sent += CHUNK;
			hash.update(chunk);
			this.push(chunk);
		},
	});
}

beforeAll(async () => {
	server = http.createServer((req, res) => {
		received.push({ method: req.method, url: req.url, headers: req.headers });
		const url = new URL(req.url ?? '/', 'http://localhost');
		if (url.pathname === '/v1/fail') {
			res.writeHead(500, { 'content-type': 'application/json' });
			res.end(JSON.stringify({ message: 'boom' }));
			return;
		}
		if (url.pathname === '/v1/hang') return; // never answers
		if (url.pathname === '/v1/large') {
			res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(LARGE_SIZE) });
			largeStream().pipe(res);
			return;
		}
		res.writeHead(200, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ ok: true, path: url.pathname }));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	server.closeAllConnections();
	await new Promise((resolve) => server.close(resolve));
});

const credentialTypes = { dummyApi: new DummyApi() };
const creds = () => ({ dummyApi: { apiKey: 'key-123', baseUrl, secret: 'shh' } });

// ---------------------------------------------------------------------------------------------

describe('executeNode (real n8n-core ExecuteContext)', () => {
	it('makes an authenticated GET over real HTTP and returns its JSON', async () => {
		received.length = 0;
		const { output, node } = await executeNode({
			nodeType: new DummyNode(),
			parameters: { operation: 'get', path: '={{ "/v1/things/" + $json.id }}' },
			credentials: creds(),
			credentialTypes,
			inputItems: [{ json: { id: 'a' } }, { json: { id: 'b' } }],
		});

		expect(output).toEqual([
			[
				{ json: { ok: true, path: '/v1/things/a', region: 'eu-1' }, pairedItem: { item: 0 } },
				{ json: { ok: true, path: '/v1/things/b', region: 'eu-1' }, pairedItem: { item: 1 } },
			],
		]);
		expect(received.map((r) => r.url)).toEqual(['/v1/things/a?region=eu-1', '/v1/things/b?region=eu-1']);
		for (const r of received) expect(r.headers.authorization).toBe('Bearer key-123');
		// Workflow applied defaults and dropped the parameter hidden by displayOptions
		expect(node.typeVersion).toBe(2);
		expect(node.parameters).toEqual({ operation: 'get', path: '={{ "/v1/things/" + $json.id }}' });
	});

	it('surfaces NodeApiError, and continueOnFail turns it into an error item', async () => {
		const opts = {
			nodeType: new DummyNode(),
			parameters: { operation: 'get', path: '/v1/fail' },
			credentials: creds(),
			credentialTypes,
		};
		const failure = executeNode(opts);
		await expect(failure).rejects.toBeInstanceOf(NodeApiError);
		await expect(failure).rejects.toMatchObject({ httpCode: '500' });

		const { output } = await executeNode({ ...opts, continueOnFail: true });
		expect(output?.[0][0].json.error).toEqual(expect.any(String));
	});

	it('throws n8n-core’s own error when a required credential is missing', async () => {
		await expect(
			executeNode({ nodeType: new DummyNode(), parameters: { operation: 'get' }, credentialTypes }),
		).rejects.toBeInstanceOf(NodeOperationError);
	});

	it('cancels in-flight requests through getExecutionCancelSignal()', async () => {
		const controller = new AbortController();
		setTimeout(() => controller.abort(), 200);
		await expect(
			executeNode({
				nodeType: new DummyNode(),
				parameters: { operation: 'hang', path: '/v1/hang' },
				credentials: creds(),
				credentialTypes,
				abortSignal: controller.signal,
			}),
		).rejects.toThrow();
	});

	it('streams a 200 MiB download to disk through prepareBinaryData without buffering it', async () => {
		const runtime = await getN8nRuntime();
		global.gc?.();
		const before = process.memoryUsage();
		let peakRss = before.rss;
		let peakHeap = before.heapUsed;
		let peakExternal = before.external; // Buffers live here, not on the JS heap
		const sampler = setInterval(() => {
			const m = process.memoryUsage();
			peakRss = Math.max(peakRss, m.rss);
			peakHeap = Math.max(peakHeap, m.heapUsed);
			peakExternal = Math.max(peakExternal, m.external);
		}, 10);

		let result;
		try {
			result = await executeNode({
				nodeType: new DummyNode(),
				parameters: { operation: 'download', path: '/v1/large' },
				credentials: creds(),
				credentialTypes,
			});
		} finally {
			clearInterval(sampler);
		}

		const binary = result.output![0][0].binary!.data;
		expect(binary).toMatchObject({
			mimeType: 'video/mp4',
			fileName: 'video.mp4',
			fileExtension: 'mp4',
			bytes: LARGE_SIZE,
			data: 'filesystem-v2',
		});
		const filePath = result.binaryPath(binary);
		expect(filePath.startsWith(runtime.binaryDataDir + path.sep)).toBe(true);
		expect(filePath).toContain(
			path.join('workflows', result.workflowId, 'executions', result.executionId, 'binary_data'),
		);
		expect((await stat(filePath)).size).toBe(LARGE_SIZE);

		const fileHash = createHash('sha256');
		for await (const chunk of createReadStream(filePath)) fileHash.update(chunk as Buffer);
		expect(fileHash.digest('hex')).toBe(largeSha);

		const streamHash = createHash('sha256');
		for await (const chunk of await result.binaryStream(binary)) streamHash.update(chunk as Buffer);
		expect(streamHash.digest('hex')).toBe(largeSha);

		const MiB = 1024 * 1024;
		const rssGrowth = (peakRss - before.rss) / MiB;
		const heapGrowth = (peakHeap - before.heapUsed) / MiB;
		const externalGrowth = (peakExternal - before.external) / MiB;
		// 200 MiB went through. Buffering it (e.g. binaryToBuffer before prepareBinaryData) shows up
		// as ~200+ MiB of external memory and ~400 MiB of RSS; streaming stays at a few MiB / ~40 MiB.
		expect(heapGrowth).toBeLessThan(64);
		expect(externalGrowth).toBeLessThan(64);
		expect(rssGrowth).toBeLessThan(120);
	}, 120_000);

	it('stores small binary data that readBinary() returns', async () => {
		class SmallBinaryNode extends DummyNode {
			async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
				const binary = await this.helpers.prepareBinaryData(Buffer.from('hello'), 'hello.txt');
				return [[{ json: {}, binary: { data: binary } }]];
			}
		}
		const result = await executeNode({ nodeType: new SmallBinaryNode(), parameters: {}, credentialTypes });
		const binary = result.output![0][0].binary!.data;
		expect(binary.mimeType).toBe('text/plain');
		expect((await result.readBinary(binary)).toString()).toBe('hello');
	});

	it('putExecutionToWait returns waitTill, and the resume webhook sees the waiting execution', async () => {
		const staticData: IDataObject = {};
		const before = Date.now();
		const run = await executeNode({
			nodeType: new DummyNode(),
			parameters: { operation: 'wait', waitMinutes: 2 },
			credentials: creds(),
			credentialTypes,
			inputItems: [{ json: { prompt: 'a cat' } }],
			staticData,
			executionId: '4242',
		});

		expect(run.waitTill).toBeInstanceOf(Date);
		expect(run.waitTill!.getTime()).toBeGreaterThanOrEqual(before + 2 * 60_000);
		expect(run.runExecutionData.waitTill).toBe(run.waitTill);
		// the waiting node is back on the stack, as WorkflowExecute leaves it
		expect(run.runExecutionData.executionData!.nodeExecutionStack[0]).toBe(run.executeData);
		expect(run.runExecutionData.resultData.lastNodeExecuted).toBe('Dummy');
		expect(run.runExecutionData.resultData.metadata).toEqual({ dummyJob: 'job-1' });
		expect(run.runExecutionData.executionData!.contextData['node:Dummy']).toEqual({ registeredAt: 'ctx-value' });
		expect(staticData).toEqual({ 'node:Dummy': { waits: 1 } });

		const resumeUrl = run.output![0][0].json.resumeUrl as string;
		expect(resumeUrl).toBe(run.resumeUrl);
		expect(resumeUrl).toMatch(/^https:\/\/n8n\.example\.test\/webhook-waiting\/4242\?signature=[\w-]+$/);

		// parameters/credentials/executionId/mode default to the waiting run's
		const rejected = await runWebhook({
			nodeType: new DummyNode(),
			runExecutionData: run.runExecutionData,
			request: { method: 'POST', path: '/webhook-waiting/4242?token=bad', body: { status: 'done' } },
		});
		expect(rejected.result).toEqual({ noWebhookResponse: true });
		expect(rejected.response).toMatchObject({ statusCode: 403, body: 'forbidden', ended: true });

		const resumed = await runWebhook({
			nodeType: new DummyNode(),
			runExecutionData: run.runExecutionData,
			request: { method: 'POST', path: '/webhook-waiting/4242?token=ok', body: { status: 'done' } },
		});
		expect(resumed.result.workflowData).toEqual([
			[{ json: { resumedWith: { status: 'done' }, query: { token: 'ok' }, waitingInput: 'a cat' } }],
		]);
		expect(resumed.response.ended).toBe(false);
		// like WaitingWebhooks: the node saw a prepared copy; the caller's data is untouched
		expect(resumed.runExecutionData?.waitTill).toBeUndefined();
		expect(resumed.runExecutionData?.executionData?.nodeExecutionStack[0].node.disabled).toBe(true);
		expect(run.runExecutionData.waitTill).toBe(run.waitTill);
		expect(resumed.staticData).toBe(staticData);
	});
});

describe('runWebhook (real n8n-core WebhookContext)', () => {
	const sign = (raw: string) => createHmac('sha256', 'shh').update(raw).digest('hex');

	it('lets the node reject a request by writing a 401 to the response', async () => {
		const { result, response } = await runWebhook({
			nodeType: new DummyTrigger(),
			parameters: {},
			credentials: creds(),
			credentialTypes,
			webhookId: 'abc',
			request: {
				method: 'POST',
				path: '/webhook/abc/webhook?rb_sig=nope',
				headers: { 'X-Dummy-Signature': 'wrong' },
				body: { id: 'evt_1' },
			},
		});
		expect(result).toEqual({ noWebhookResponse: true });
		expect(response).toMatchObject({ statusCode: 401, body: { error: 'invalid signature' }, ended: true });
		expect(response.headers['content-type']).toMatch(/^application\/json/);
	});

	it('passes body, query, headers and raw body through; static data persists across calls', async () => {
		const staticData: IDataObject = {};
		const raw = JSON.stringify({ id: 'evt_2', status: 'succeeded' });
		const call = async () =>
			await runWebhook({
				nodeType: new DummyTrigger(),
				parameters: {},
				credentials: creds(),
				credentialTypes,
				webhookId: 'abc',
				staticData,
				request: {
					method: 'POST',
					path: '/webhook/abc/webhook?rb_sig=s1&rb_exp=99',
					headers: { 'content-type': 'application/json', 'x-dummy-signature': sign(raw) },
					rawBody: Buffer.from(raw),
				},
			});

		const first = await call();
		expect(first.response.ended).toBe(false);
		expect(first.webhookPath).toBe('abc/webhook');
		expect(first.result.workflowData).toEqual([
			[
				{
					json: {
						body: { id: 'evt_2', status: 'succeeded' },
						query: { rb_sig: 's1', rb_exp: '99' },
						contentType: 'application/json',
						webhookUrl: 'https://n8n.example.test/webhook/abc/webhook',
					},
				},
			],
		]);
		expect(staticData).toEqual({ 'node:Dummy Trigger': { seen: ['evt_2'] } });

		const second = await call();
		expect(second.result).toEqual({ webhookResponse: 'duplicate' });
		expect(staticData).toEqual({ 'node:Dummy Trigger': { seen: ['evt_2'] } });
	});

	it('stores request bytes as binary data from a live webhook (no execution id yet → "temp")', async () => {
		class UploadTrigger extends DummyTrigger {
			async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
				this.logger.warn('upload received', { size: (this.getRequestObject().rawBody as Buffer).length });
				const binary = await this.helpers.prepareBinaryData(this.getRequestObject(), 'upload.bin');
				return { workflowData: [[{ json: {}, binary: { data: binary } }]] };
			}
		}
		const warn = jest.spyOn(n8nLogger(), 'warn');
		const { result, readBinary, binaryPath, request } = await runWebhook({
			nodeType: new UploadTrigger(),
			parameters: {},
			request: {
				method: 'POST',
				headers: { 'content-type': 'application/octet-stream' },
				rawBody: Buffer.from('raw-bytes'),
			},
		});
		expect(request.path).toMatch(/^\/webhook\/[\w-]+\/webhook$/);
		const binary = result.workflowData![0][0].binary!.data;
		expect((await readBinary(binary)).toString()).toBe('raw-bytes');
		expect(binaryPath(binary)).toContain(`${path.sep}executions${path.sep}temp${path.sep}`);
		expect(warn).toHaveBeenCalledWith('upload received', { size: 9 });
		warn.mockRestore();
	});

	it('refuses a method the webhook is not registered for', async () => {
		await expect(
			runWebhook({
				nodeType: new DummyTrigger(),
				parameters: {},
				credentials: creds(),
				credentialTypes,
				request: { method: 'GET' },
			}),
		).rejects.toThrow(/does not accept GET/);
	});
});
