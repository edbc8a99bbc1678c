/**
 * Runs a node's `execute()` / `webhook()` inside n8n-core's REAL execution contexts.
 *
 * What is real: n8n-workflow's `Workflow` (parameter defaults, expressions, static data), n8n-core's
 * `ExecuteContext` / `WebhookContext` and all their helpers — `httpRequest`,
 * `httpRequestWithAuthentication` (through `Container.get(OutboundHttp)` from @n8n/backend-network,
 * i.e. real HTTP), `prepareBinaryData` (through n8n-core's `BinaryDataService` in `filesystem` mode,
 * streaming to a temp directory), `putExecutionToWait`, `getCredentials`, `evaluateExpression`,
 * `$execution.resumeUrl`, `customData`, `getContext`, `logger`, `getExecutionCancelSignal`, etc.
 *
 * What is stand-in (there is no n8n server / database here):
 * - the credentials store (`TestCredentialsHelper`): credentials come from `opts.credentials`; the
 *   credential type's `authenticate` / `preAuthentication` are applied the way n8n's
 *   `CredentialsHelper` does (generic `{{$credentials.x}}` templates resolved by the real
 *   expression engine);
 * - the incoming express request / response objects for webhooks (`TestWebhookRequest`,
 *   `TestWebhookResponse`): the response only records what the node wrote.
 * - the engine loop around the node (`WorkflowExecute`): only the bookkeeping a single node run
 *   needs is mirrored (stack pop/push on wait, runData, lastNodeExecuted, close functions).
 *
 * The n8n-core runtime (DI container, InstanceSettings, BinaryDataService) is initialised lazily
 * once per jest module registry (= once per test file) in a fresh temp directory, which is
 * removed in an `afterAll` registered when this module is imported.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseQueryString } from 'node:querystring';
import { Readable, Writable } from 'node:stream';

import {
	BinaryDataService,
	Credentials,
	ExecuteContext,
	ExecutionLifecycleHooks,
	InstanceSettings,
	WebhookContext,
} from 'n8n-core';
import type {
	CloseFunction,
	IBinaryData,
	ICredentialDataDecryptedObject,
	ICredentialType,
	ICredentialsExpressionResolveValues,
	IDataObject,
	IExecuteData,
	IHttpRequestHelper,
	IHttpRequestMethods,
	IHttpRequestOptions,
	INode,
	INodeCredentials,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypes,
	IRequestOptionsSimplified,
	IRun,
	IRunExecutionData,
	ITaskData,
	IVersionedNodeType,
	IWebhookData,
	IWebhookDescription,
	IWebhookResponseData,
	IWorkflowBase,
	IWorkflowDataProxyAdditionalKeys,
	IWorkflowExecuteAdditionalData,
	WebhookType,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import {
	ICredentialsHelper,
	NodeHelpers,
	UnexpectedError,
	Workflow,
	createRunExecutionData,
	deepCopy,
	isNodeClassInstance,
} from 'n8n-workflow';

// ---------------------------------------------------------------------------------------------
// n8n-core's own copies of its @n8n/* dependencies.
//
// n8n-core 2.41 ships nested copies of @n8n/di, @n8n/config, @n8n/backend-common, … that differ
// from the hoisted ones in node_modules/@n8n. The DI container is a module-level singleton keyed by
// class, so we MUST talk to the copies n8n-core itself resolves, never `import '@n8n/di'` here.
// ---------------------------------------------------------------------------------------------

const coreDir = path.dirname(require.resolve('n8n-core/package.json'));
function requireFromCore<T>(id: string): T {
	return require(require.resolve(id, { paths: [coreDir] })) as T;
}

type Constructor<T> = abstract new (...args: never[]) => T;
interface DiContainer {
	get<T>(type: Constructor<T>): T;
	set<T>(type: Constructor<T>, instance: T): void;
}
interface LoggerLike {
	error(message: string, meta?: object): void;
	warn(message: string, meta?: object): void;
	info(message: string, meta?: object): void;
	debug(message: string, meta?: object): void;
}

const { Container } = requireFromCore<{ Container: DiContainer }>('@n8n/di');
const n8nConfig = requireFromCore<{
	GlobalConfig: Constructor<{ logging: { level: string } }>;
	InstanceSettingsConfig: Constructor<{
		n8nFolder: string;
		userHome: string;
		encryptionKey: string;
		enforceSettingsFilePermissions: boolean;
	}>;
}>('@n8n/config');
const { Logger } = requireFromCore<{ Logger: Constructor<LoggerLike> }>('@n8n/backend-common');
// BinaryDataConfig is not exported from n8n-core's index.
const { BinaryDataConfig } = requireFromCore<{
	BinaryDataConfig: Constructor<{ mode: string; localStoragePath: string }>;
}>('n8n-core/dist/binary-data/binary-data.config');

// ---------------------------------------------------------------------------------------------
// One-time runtime setup
// ---------------------------------------------------------------------------------------------

export interface N8nRuntime {
	/** Temp root: `<root>/.n8n` is the n8n user folder, `<root>/binary-data` the binary store. */
	rootDir: string;
	binaryDataDir: string;
	binaryDataService: BinaryDataService;
	instanceSettings: InstanceSettings;
}

let runtimePromise: Promise<N8nRuntime> | undefined;
let runtimeRoot: string | undefined;
let configured: Omit<N8nRuntime, 'binaryDataService'> | undefined;

/** Synchronous part of the setup: must run before anything resolves these services from the container. */
function configureContainer(): Omit<N8nRuntime, 'binaryDataService'> {
	if (configured) return configured;
	const rootDir = mkdtempSync(path.join(tmpdir(), 'n8n-node-test-'));
	runtimeRoot = rootDir;

	// InstanceSettings (encryption key, hmac secret, instance id) normally lives in ~/.n8n/config.
	// Point it at the temp dir *before* anything resolves InstanceSettings from the container.
	const instanceConfig = Container.get(n8nConfig.InstanceSettingsConfig);
	instanceConfig.userHome = rootDir;
	instanceConfig.n8nFolder = path.join(rootDir, '.n8n');
	instanceConfig.encryptionKey = 'n8n-node-test-encryption-key';
	instanceConfig.enforceSettingsFilePermissions = false;

	// n8n's Logger (what `this.logger` is in a node) logs at N8N_LOG_LEVEL, default `info`.
	// Keep test output quiet unless N8N_LOG_LEVEL is set explicitly.
	const globalConfig = Container.get(n8nConfig.GlobalConfig);
	globalConfig.logging.level = process.env.N8N_LOG_LEVEL ?? 'silent';
	Container.get(Logger); // constructs it and wires n8n-workflow's LoggerProxy to it

	const instanceSettings = Container.get(InstanceSettings);

	const binaryDataDir = path.join(rootDir, 'binary-data');
	const binaryDataConfig = Container.get(BinaryDataConfig);
	binaryDataConfig.mode = 'filesystem';
	binaryDataConfig.localStoragePath = binaryDataDir;

	configured = { rootDir, binaryDataDir, instanceSettings };
	return configured;
}

async function initRuntime(): Promise<N8nRuntime> {
	const base = configureContainer();
	const binaryDataService = Container.get(BinaryDataService);
	await binaryDataService.init(); // creates the filesystem byte store under binaryDataDir
	return { ...base, binaryDataService };
}

/** Initialises (once per test file) and returns the n8n-core runtime used by the helpers. */
export async function getN8nRuntime(): Promise<N8nRuntime> {
	runtimePromise ??= initRuntime();
	return await runtimePromise;
}

/** Removes the temp directory (binary data, n8n user folder). Registered as `afterAll` on import. */
export async function cleanupN8nRuntime(): Promise<void> {
	if (runtimePromise) await runtimePromise.catch(() => undefined);
	if (runtimeRoot) rmSync(runtimeRoot, { recursive: true, force: true });
	runtimePromise = undefined;
	runtimeRoot = undefined;
	configured = undefined;
}

if (typeof afterAll === 'function') {
	afterAll(cleanupN8nRuntime);
}

/** The n8n Logger instance nodes see as `this.logger` (e.g. for `jest.spyOn(n8nLogger(), 'warn')`). */
export function n8nLogger(): LoggerLike {
	configureContainer();
	return Container.get(Logger);
}

// ---------------------------------------------------------------------------------------------
// Node types
// ---------------------------------------------------------------------------------------------

const packageName = (() => {
	try {
		return (require(path.resolve(__dirname, '../../package.json')) as { name: string }).name;
	} catch {
		return 'n8n-nodes-test';
	}
})();

function describeNodeType(nodeType: INodeType | IVersionedNodeType) {
	const description = nodeType.description;
	let version: number;
	if ('nodeVersions' in nodeType) {
		version = nodeType.description.defaultVersion ?? Math.max(...Object.keys(nodeType.nodeVersions).map(Number));
	} else {
		const v = nodeType.description.version;
		version = Array.isArray(v) ? Math.max(...v) : v;
	}
	return { name: description.name, version };
}

class TestNodeTypes implements INodeTypes {
	private readonly types = new Map<string, INodeType | IVersionedNodeType>();

	add(typeName: string, nodeType: INodeType | IVersionedNodeType) {
		this.types.set(typeName, nodeType);
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types.get(nodeType);
		if (!type) throw new UnexpectedError(`Unknown node type "${nodeType}"`);
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}

// ---------------------------------------------------------------------------------------------
// Credentials helper — mirrors packages/cli/src/credentials-helper.ts without the database
// ---------------------------------------------------------------------------------------------

const mockNode: INode = {
	id: 'credentials-mock-node',
	name: '',
	typeVersion: 1,
	type: 'mock',
	position: [0, 0],
	parameters: {},
};

const mockNodeTypes: INodeTypes = {
	getByName: () => ({ description: { properties: [] } }) as unknown as INodeType,
	getByNameAndVersion: () => ({ description: { properties: [] } }) as unknown as INodeType,
	getKnownTypes: () => ({}),
};

function isExpression(value: unknown): value is string {
	return typeof value === 'string' && value.charAt(0) === '=';
}

export class TestCredentialsHelper extends ICredentialsHelper {
	/** Stored credential data per type (updated by preAuthentication / OAuth token updates). */
	readonly store: Map<string, ICredentialDataDecryptedObject>;

	constructor(
		credentials: Record<string, ICredentialDataDecryptedObject>,
		private readonly credentialTypes: Record<string, ICredentialType>,
	) {
		super();
		this.store = new Map(Object.entries(credentials).map(([k, v]) => [k, structuredClone(v)]));
	}

	private getType(typeName: string): ICredentialType | undefined {
		return this.credentialTypes[typeName];
	}

	getParentTypes(typeName: string): string[] {
		const type = this.getType(typeName);
		if (!type?.extends) return [];
		return type.extends.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incomingRequestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incomingRequestOptions as IHttpRequestOptions;
		const credentialType = this.getType(typeName);
		if (!credentialType) {
			throw new UnexpectedError(
				`executeNode(): credential type "${typeName}" was used for authentication but not passed in opts.credentialTypes`,
			);
		}
		const { authenticate } = credentialType;
		if (!authenticate) return requestOptions;
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions);
		}
		if (!workflow || !node) {
			throw new UnexpectedError('Workflow and node are required for declarative credential authentication');
		}
		requestOptions.headers ??= {};
		if (authenticate.type === 'generic') {
			const target = requestOptions as unknown as Record<string, Record<string, unknown>>;
			for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
				for (const [key, value] of Object.entries(outerValue as Record<string, unknown>)) {
					const keyResolved = this.resolveValue(key, credentials, workflow, node);
					const valueResolved = this.resolveValue(value as string, credentials, workflow, node);
					target[outerKey] ??= {};
					target[outerKey][keyResolved] = valueResolved;
				}
			}
		}
		return requestOptions;
	}

	private resolveValue(
		parameterValue: string,
		credentials: ICredentialDataDecryptedObject,
		workflow: Workflow,
		node: INode,
	): string {
		if (!isExpression(parameterValue)) return parameterValue;
		const returnValue = workflow.expression.getSimpleParameterValue(
			node,
			parameterValue,
			'internal',
			{ $credentials: credentials },
			undefined,
			'',
		);
		if (!returnValue) return '';
		return returnValue.toString();
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.getType(typeName);
		if (!credentialType) return undefined;
		const expirableProperty = credentialType.properties.find(
			(property) => property.type === 'hidden' && property?.typeOptions?.expirable === true,
		);
		if (expirableProperty?.name === undefined) return undefined;
		if (typeof credentialType.preAuthentication !== 'function') return undefined;
		if (credentials[expirableProperty.name] === '' || credentialsExpired) {
			const output = await credentialType.preAuthentication.call(helpers, credentials);
			if (output[expirableProperty.name] === undefined) return undefined;
			if (node.credentials) {
				// n8n persists the refreshed token to the DB; we persist it in memory.
				const refreshed = output as ICredentialDataDecryptedObject;
				this.store.set(typeName, { ...(this.store.get(typeName) ?? {}), ...refreshed });
				return Object.assign(credentials, refreshed);
			}
		}
		return undefined;
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.getType(typeName);
		if (typeof credentialType?.preAuthentication !== 'function') return undefined;
		const output = await credentialType.preAuthentication.call(helpers, credentials);
		return (output as ICredentialDataDecryptedObject | undefined) ?? undefined;
	}

	private getStored(type: string): ICredentialDataDecryptedObject {
		const data = this.store.get(type);
		if (!data) throw new UnexpectedError(`Test credentials for type "${type}" were not provided`);
		return data;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails, type: string): Promise<Credentials> {
		const credentials = new Credentials({ id: nodeCredentials.id, name: nodeCredentials.name }, type);
		await credentials.setData(structuredClone(this.getStored(type)));
		return credentials;
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		// A copy, like decrypting from the DB: mutations by the node do not leak into the store.
		const decryptedDataOriginal = structuredClone(this.getStored(type));
		if (raw === true) return decryptedDataOriginal;
		return await this.applyDefaults(
			additionalData,
			decryptedDataOriginal,
			type,
			mode,
			executeData,
			expressionResolveValues,
		);
	}

	/** Same as n8n's CredentialsHelper.applyDefaultsAndOverwrites, minus overwrites/secrets. */
	private async applyDefaults(
		additionalData: IWorkflowExecuteAdditionalData,
		decryptedDataOriginal: ICredentialDataDecryptedObject,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		if (!this.getType(type)) {
			// Unknown type: no defaults to apply, return as given.
			return decryptedDataOriginal;
		}
		const credentialsProperties = this.getCredentialsProperties(type);
		let decryptedData = NodeHelpers.getNodeParameters(
			credentialsProperties,
			decryptedDataOriginal as INodeParameters,
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject;
		if (decryptedDataOriginal.oauthTokenData !== undefined) {
			decryptedData.oauthTokenData = decryptedDataOriginal.oauthTokenData;
		}
		const { getAdditionalKeys } = requireFromCore<{
			getAdditionalKeys: (
				additionalData: IWorkflowExecuteAdditionalData,
				mode: WorkflowExecuteMode,
				runExecutionData: IRunExecutionData | null,
				options?: { isCredential?: boolean },
			) => IWorkflowDataProxyAdditionalKeys;
		}>('n8n-core/dist/execution-engine/node-execution-context/utils/get-additional-keys');
		const additionalKeys = getAdditionalKeys(additionalData, mode, null, { isCredential: true });

		if (expressionResolveValues) {
			try {
				decryptedData = expressionResolveValues.workflow.expression.getParameterValue(
					decryptedData as INodeParameters,
					expressionResolveValues.runExecutionData,
					expressionResolveValues.runIndex,
					expressionResolveValues.itemIndex,
					expressionResolveValues.node.name,
					expressionResolveValues.connectionInputData,
					mode,
					additionalKeys,
					executeData,
					false,
					decryptedData,
				) as ICredentialDataDecryptedObject;
			} catch (e) {
				(e as Error).message += ' [Error resolving credentials]';
				throw e;
			}
		} else {
			const workflow = new Workflow({
				nodes: [mockNode],
				connections: {},
				active: false,
				nodeTypes: mockNodeTypes,
			});
			decryptedData = (await workflow.expression.withIsolate(async () =>
				workflow.expression.getComplexParameterValue(
					mockNode,
					decryptedData as INodeParameters,
					mode,
					additionalKeys,
					undefined,
					undefined,
					decryptedData,
				),
			)) as ICredentialDataDecryptedObject;
		}
		return decryptedData;
	}

	async updateCredentials(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.store.set(type, structuredClone(data));
	}

	async updateCredentialsOauthTokenData(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.store.set(type, { ...this.getStored(type), oauthTokenData: data.oauthTokenData });
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.getType(type);
		if (!credentialType) return [];
		if (credentialType.extends === undefined) return credentialType.properties;
		const combined: INodeProperties[] = [];
		for (const parent of credentialType.extends) {
			NodeHelpers.mergeNodeProperties(combined, this.getCredentialsProperties(parent));
		}
		NodeHelpers.mergeNodeProperties(combined, credentialType.properties);
		return combined;
	}
}

// ---------------------------------------------------------------------------------------------
// Shared building blocks
// ---------------------------------------------------------------------------------------------

export const DEFAULT_WEBHOOK_BASE_URL = 'https://n8n.example.test/';

interface CommonOptions {
	nodeType: INodeType | IVersionedNodeType;
	parameters: INodeParameters;
	/** Decrypted credential data by credential type name, e.g. `{ runBlobApi: { apiKey, baseUrl } }`. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Credential type definitions by name; needed for `authenticate`, defaults and `extends`. */
	credentialTypes?: Record<string, ICredentialType>;
	mode?: WorkflowExecuteMode;
	executionId?: string;
	/** n8n instance base URL (WEBHOOK_URL), default `https://n8n.example.test/`. */
	webhookBaseUrl?: string;
	nodeName?: string;
	nodeId?: string;
	webhookId?: string;
	/** Defaults to the node type's (default / highest) version. */
	typeVersion?: number;
	workflowId?: string;
	workflowName?: string;
	/** Workflow static data. Pass the same object again to persist across calls. */
	staticData?: IDataObject;
}

function randomId(length = 16): string {
	const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
	const bytes = randomBytes(length);
	return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

function urlsFor(webhookBaseUrl = DEFAULT_WEBHOOK_BASE_URL) {
	// Same composition as n8n's WorkflowExecuteAdditionalData.getBase() with default endpoints.
	const base = webhookBaseUrl.endsWith('/') ? webhookBaseUrl : `${webhookBaseUrl}/`;
	return {
		instanceBaseUrl: base,
		restApiUrl: `${base}rest`,
		formBaseUrl: `${base}form`,
		formTestBaseUrl: `${base}form-test`,
		formWaitingBaseUrl: `${base}form-waiting`,
		webhookBaseUrl: `${base}webhook`,
		webhookTestBaseUrl: `${base}webhook-test`,
		webhookWaitingBaseUrl: `${base}webhook-waiting`,
		mcpBaseUrl: `${base}mcp`,
		mcpTestBaseUrl: `${base}mcp-test`,
	};
}

function notAvailable(what: string) {
	return async () => {
		throw new UnexpectedError(`${what} is not available in the node test harness`);
	};
}

function buildAdditionalData(
	credentialsHelper: TestCredentialsHelper,
	webhookBaseUrl: string | undefined,
	executionId: string | undefined,
	workflowId: string,
): IWorkflowExecuteAdditionalData {
	const additionalData = {
		credentialsHelper,
		executionId,
		workflowId,
		currentNodeExecutionIndex: 0,
		variables: {},
		...urlsFor(webhookBaseUrl),
		executeWorkflow: notAvailable('executeWorkflow (sub-workflows)'),
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: notAvailable('startRunnerTask (task runners)'),
		externalSecretsProxy: {
			hasProvider: () => false,
			hasSecret: () => false,
			getSecret: () => undefined,
			listProviders: () => [],
			listSecrets: () => [],
		},
	};
	return additionalData as unknown as IWorkflowExecuteAdditionalData;
}

function buildWorkflow(opts: CommonOptions, staticData: IDataObject) {
	const nodeTypes = new TestNodeTypes();
	const { name: descriptionName, version: defaultVersion } = describeNodeType(opts.nodeType);
	const typeName = `${packageName}.${descriptionName}`;
	nodeTypes.add(typeName, opts.nodeType);

	const nodeCredentials: INodeCredentials = {};
	for (const type of Object.keys(opts.credentials ?? {})) {
		nodeCredentials[type] = { id: `${type}-test-id`, name: `${type} (test)` };
	}

	const typeVersion = opts.typeVersion ?? defaultVersion;
	const description = NodeHelpers.getVersionedNodeType(opts.nodeType, typeVersion).description;
	const node: INode = {
		id: opts.nodeId ?? randomUUID(),
		name: opts.nodeName ?? description.defaults?.name ?? description.displayName,
		type: typeName,
		typeVersion,
		position: [0, 0],
		// Workflow's constructor applies the node type's parameter defaults (and drops parameters
		// hidden by displayOptions), exactly as when n8n loads a saved workflow.
		parameters: structuredClone(opts.parameters),
		...(Object.keys(nodeCredentials).length ? { credentials: nodeCredentials } : {}),
		...(opts.webhookId !== undefined || description.webhooks
			? { webhookId: opts.webhookId ?? randomUUID() }
			: {}),
	};

	const workflowId = opts.workflowId ?? randomId();
	const workflow = new Workflow({
		id: workflowId,
		name: opts.workflowName ?? 'Node test workflow',
		nodes: [node],
		connections: {},
		active: opts.mode !== undefined && opts.mode !== 'manual',
		nodeTypes,
		staticData,
		settings: { executionOrder: 'v1' },
	});
	const workflowNode = workflow.getNode(node.name);
	if (!workflowNode) throw new UnexpectedError('node missing from test workflow');
	return { workflow, node: workflowNode, nodeTypes, workflowId };
}

/** Copies static data in as plain JSON (as if loaded from the DB) … */
function loadStaticData(staticData: IDataObject | undefined): IDataObject {
	return staticData ? (JSON.parse(JSON.stringify(staticData)) as IDataObject) : {};
}

/** … and writes the workflow's (proxied) static data back into the caller's object as plain JSON. */
function saveStaticData(target: IDataObject, workflow: Workflow): IDataObject {
	const saved = JSON.parse(JSON.stringify(workflow.staticData ?? {})) as IDataObject;
	delete saved.__dataChanged;
	for (const key of Object.keys(target)) delete target[key];
	Object.assign(target, saved);
	return target;
}

export interface BinaryAccess {
	/** Reads stored binary data into memory (use for small files). */
	readBinary(binary: IBinaryData): Promise<Buffer>;
	/** Streams stored binary data (use for large files). */
	binaryStream(binary: IBinaryData): Promise<Readable>;
	/** Absolute path of the stored file (filesystem mode). */
	binaryPath(binary: IBinaryData): string;
}

function binaryAccess(service: BinaryDataService): BinaryAccess {
	return {
		readBinary: async (binary) => await service.getAsBuffer(binary),
		binaryStream: async (binary) =>
			binary.id
				? await service.getAsStream(binary.id)
				: Readable.from([Buffer.from(binary.data, 'base64')]),
		binaryPath: (binary) => {
			if (!binary.id) throw new UnexpectedError('Binary data is held in memory, it has no file path');
			return service.getPath(binary.id);
		},
	};
}

/**
 * What executeNode remembers about a run, so that runWebhook({ runExecutionData }) resumes it as the
 * same workflow/node/execution (n8n's WaitingWebhooks rebuilds the workflow from the stored execution).
 */
type RunIdentity = Omit<CommonOptions, 'nodeType'> & {
	executionId: string;
	mode: WorkflowExecuteMode;
	workflowId: string;
	staticData: IDataObject;
};
const runIdentities = new WeakMap<IRunExecutionData, RunIdentity>();

function withoutUndefined<T extends object>(obj: T): Partial<T> {
	return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}

// ---------------------------------------------------------------------------------------------
// executeNode
// ---------------------------------------------------------------------------------------------

export interface ExecuteNodeOptions extends CommonOptions {
	inputItems?: INodeExecutionData[];
	/** Sets the node's "On Error" to "Continue" (`onError: 'continueRegularOutput'`). */
	continueOnFail?: boolean;
	/** Abort this to simulate the user cancelling the execution (`getExecutionCancelSignal()`). */
	abortSignal?: AbortSignal;
}

export interface ExecuteNodeResult extends BinaryAccess {
	/** What `execute()` returned. */
	output: INodeExecutionData[][] | null;
	/** Set if the node called `putExecutionToWait()`. */
	waitTill?: Date;
	runExecutionData: IRunExecutionData;
	/** The stack entry the node ran with. */
	executeData: IExecuteData;
	executionId: string;
	workflowId: string;
	/** The node as it ran (parameters with defaults applied). */
	node: INode;
	/** `$execution.resumeUrl` as n8n computes it (includes the `signature` resume token). */
	resumeUrl: string;
	/** Execution hints the node added (`addExecutionHints`). */
	hints: ExecuteContext['hints'];
	/** Responses sent via `this.sendResponse()`. */
	sentResponses: unknown[];
	/** Workflow static data after the run (same object as opts.staticData if given). */
	staticData: IDataObject;
}

export async function executeNode(opts: ExecuteNodeOptions): Promise<ExecuteNodeResult> {
	const runtime = await getN8nRuntime();
	const mode = opts.mode ?? 'manual';
	const executionId = opts.executionId ?? String(Math.floor(Math.random() * 1e9));
	const staticDataTarget = opts.staticData ?? {};
	const { workflow, node, workflowId } = buildWorkflow({ ...opts, mode }, loadStaticData(staticDataTarget));
	if (opts.continueOnFail) node.onError = 'continueRegularOutput';

	const credentialsHelper = new TestCredentialsHelper(opts.credentials ?? {}, opts.credentialTypes ?? {});
	const additionalData = buildAdditionalData(credentialsHelper, opts.webhookBaseUrl, executionId, workflowId);

	const workflowData: IWorkflowBase = {
		id: workflowId,
		name: workflow.name ?? '',
		active: workflow.active,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes: [node],
		connections: {},
		settings: workflow.settings,
		staticData: workflow.staticData,
		activeVersionId: null,
	} as unknown as IWorkflowBase;
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);
	const sentResponses: unknown[] = [];
	hooks.addHandler('sendResponse', (response) => {
		sentResponses.push(response);
	});
	additionalData.hooks = hooks;

	const inputItems = opts.inputItems ?? [{ json: {} }];
	const executeData: IExecuteData = { node, data: { main: [inputItems] }, source: null };
	const runExecutionData = createRunExecutionData({
		executionData: { nodeExecutionStack: [executeData] },
	});
	runIdentities.set(runExecutionData, {
		parameters: opts.parameters,
		credentials: opts.credentials,
		credentialTypes: opts.credentialTypes,
		webhookBaseUrl: opts.webhookBaseUrl,
		typeVersion: node.typeVersion,
		workflowName: opts.workflowName,
		executionId,
		mode,
		workflowId,
		nodeId: node.id,
		nodeName: node.name,
		webhookId: node.webhookId,
		staticData: staticDataTarget,
	});

	// WorkflowExecute: pop the stack entry, run the node, record its task data.
	runExecutionData.executionData!.nodeExecutionStack.shift();
	const startTime = Date.now();
	const inputData = executeData.data;
	const connectionInputData = inputData.main[0] ?? [];
	const closeFunctions: CloseFunction[] = [];
	const abortController = new AbortController();
	if (opts.abortSignal) {
		if (opts.abortSignal.aborted) abortController.abort();
		opts.abortSignal.addEventListener('abort', () => abortController.abort(), { once: true });
	}
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		mode,
		runExecutionData,
		0,
		connectionInputData,
		inputData,
		executeData,
		closeFunctions,
		abortController.signal,
	);

	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	if (!nodeType.execute) throw new UnexpectedError(`Node type "${node.type}" has no execute() method`);
	const execute = nodeType.execute;
	const run = async () =>
		isNodeClassInstance(nodeType) ? await nodeType.execute!(context) : await execute.call(context);

	let output: INodeExecutionData[][] | null;
	let executionError: Error | undefined;
	try {
		output = (await workflow.expression.withIsolate(run)) as INodeExecutionData[][] | null;
	} catch (error) {
		executionError = error as Error;
		output = null;
	} finally {
		if (closeFunctions.length > 0) {
			const results = await Promise.allSettled(closeFunctions.map(async (fn) => await fn()));
			const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
			if (rejected && !executionError) executionError = rejected.reason as Error;
		}
	}

	const taskData: ITaskData = {
		startTime,
		executionIndex: 0,
		executionTime: Date.now() - startTime,
		executionStatus: executionError ? 'error' : runExecutionData.waitTill ? 'waiting' : 'success',
		source: [],
		hints: context.hints,
		...(output ? { data: { main: output } } : {}),
	};
	runExecutionData.resultData.runData[node.name] = [taskData];
	runExecutionData.resultData.lastNodeExecuted = node.name;
	saveStaticData(staticDataTarget, workflow);

	if (executionError) {
		throw executionError;
	}

	const waitTill = runExecutionData.waitTill;
	if (waitTill) {
		// WorkflowExecute puts the waiting node back on the stack so the resume webhook / wait
		// tracker can pick it up (and WebhookContext reads its input from nodeExecutionStack[0]).
		runExecutionData.executionData!.nodeExecutionStack.unshift(executeData);
	} else {
		const run: IRun = {
			data: runExecutionData,
			mode,
			startedAt: new Date(startTime),
			stoppedAt: new Date(),
			status: 'success',
			finished: true,
			storedAt: 'db',
		};
		await hooks.runHook('workflowExecuteAfter', [run, workflow.staticData]);
	}

	const { webhookWaitingBaseUrl } = additionalData;
	const resumeUrl = new URL(`${webhookWaitingBaseUrl}/${executionId}`);
	if (runExecutionData.resumeToken) resumeUrl.searchParams.set('signature', runExecutionData.resumeToken);

	return {
		output,
		...(waitTill ? { waitTill } : {}),
		runExecutionData,
		executeData,
		executionId,
		workflowId,
		node,
		resumeUrl: resumeUrl.toString(),
		hints: context.hints,
		sentResponses,
		staticData: staticDataTarget,
		...binaryAccess(runtime.binaryDataService),
	};
}

// ---------------------------------------------------------------------------------------------
// Webhook request / response stand-ins
// ---------------------------------------------------------------------------------------------

export interface WebhookRequestInit {
	method?: string;
	/** Full path incl. query, e.g. `/webhook/abc/webhook?rb_sig=…`. Defaults to the node's webhook path. */
	path?: string;
	headers?: Record<string, string>;
	/** Parsed body (what n8n's body parser produces). Derived from rawBody if omitted. */
	body?: unknown;
	/** Raw bytes as received. Derived from body (JSON / string / Buffer) if omitted. */
	rawBody?: Buffer;
	ip?: string;
	ips?: string[];
	/** Route params (for webhook paths with `:param` segments). */
	params?: Record<string, string>;
}

function parseBody(rawBody: Buffer, contentType: string | undefined): unknown {
	// Mirrors n8n's body parser: json → object, urlencoded → object, text-ish → string.
	if (rawBody.length === 0) return {};
	const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
	const text = () => rawBody.toString('utf8');
	if (type === 'application/json' || type.endsWith('+json')) return JSON.parse(text()) as unknown;
	if (type === 'application/x-www-form-urlencoded') return { ...parseQueryString(text()) };
	if (type.startsWith('text/') || type.endsWith('/xml') || type.endsWith('+xml')) return text();
	return {};
}

/** Minimal express-like Request over a readable stream of the raw body. */
export class TestWebhookRequest extends Readable {
	readonly method: string;
	readonly url: string;
	readonly originalUrl: string;
	readonly path: string;
	readonly query: Record<string, unknown>;
	readonly headers: Record<string, string>;
	body: unknown;
	rawBody: Buffer;
	readonly ip: string;
	readonly ips: string[];
	params: Record<string, string>;
	readonly protocol = 'https';
	readonly secure = true;
	readonly hostname: string;
	readonly host: string;
	readonly contentType: string | undefined;
	private pushed = false;

	constructor(init: Required<Pick<WebhookRequestInit, 'path'>> & WebhookRequestInit, host: string) {
		super();
		this.method = (init.method ?? 'POST').toUpperCase();
		this.url = init.path;
		this.originalUrl = init.path;
		const parsed = new URL(init.path, `https://${host}`);
		this.path = parsed.pathname;
		this.query = { ...parseQueryString(parsed.search.replace(/^\?/, '')) };
		this.headers = {};
		for (const [k, v] of Object.entries(init.headers ?? {})) this.headers[k.toLowerCase()] = v;
		this.host = host;
		this.hostname = host.replace(/:\d+$/, '');
		this.headers.host ??= host;

		if (init.rawBody !== undefined) {
			this.rawBody = init.rawBody;
		} else if (init.body === undefined) {
			this.rawBody = Buffer.alloc(0);
		} else if (Buffer.isBuffer(init.body)) {
			this.rawBody = init.body;
		} else if (typeof init.body === 'string') {
			this.rawBody = Buffer.from(init.body);
			this.headers['content-type'] ??= 'text/plain';
		} else {
			this.rawBody = Buffer.from(JSON.stringify(init.body));
			this.headers['content-type'] ??= 'application/json';
		}
		if (this.rawBody.length > 0) this.headers['content-length'] ??= String(this.rawBody.length);
		this.contentType = this.headers['content-type']?.split(';')[0].trim();
		this.body =
			init.body !== undefined && !Buffer.isBuffer(init.body)
				? init.body
				: parseBody(this.rawBody, this.headers['content-type']);
		this.ip = init.ip ?? '127.0.0.1';
		this.ips = init.ips ?? [];
		this.params = init.params ?? {};
	}

	_read() {
		if (this.pushed) return;
		this.pushed = true;
		if (this.rawBody.length) this.push(this.rawBody);
		this.push(null);
	}

	/** n8n's rawBodyReader adds this; the body has already been read here. */
	async readRawBody(): Promise<void> {}

	get(name: string): string | undefined {
		return this.headers[name.toLowerCase()];
	}

	header(name: string): string | undefined {
		return this.get(name);
	}
}

export interface RecordedResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	/** `json(x)` / `send(object)` → x; `send(string)` / `end(string)` / writes → string; Buffer sends → Buffer. */
	body: unknown;
	/** All bytes written via write()/end()/send(Buffer|string) (undefined for json/object sends). */
	rawBody?: Buffer;
	ended: boolean;
}

/** Express-like Response that records what the node wrote. It is a Writable, so streams can be piped to it. */
export class TestWebhookResponse extends Writable {
	statusCode = 200;
	statusMessage = '';
	private readonly headerMap: Record<string, unknown> = {};
	private readonly chunks: Buffer[] = [];
	private explicitBody: { value: unknown } | undefined;
	private ended = false;
	headersSent = false;

	_write(chunk: Buffer | string, encoding: BufferEncoding, callback: (error?: Error | null) => void) {
		this.headersSent = true;
		this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, encoding));
		callback();
	}

	_final(callback: (error?: Error | null) => void) {
		this.ended = true;
		this.headersSent = true;
		callback();
	}

	status(code: number): this {
		this.statusCode = code;
		return this;
	}

	sendStatus(code: number): this {
		this.statusCode = code;
		return this.send(String(code));
	}

	setHeader(name: string, value: unknown): this {
		this.headerMap[name.toLowerCase()] = value;
		return this;
	}

	getHeader(name: string): unknown {
		return this.headerMap[name.toLowerCase()];
	}

	getHeaders(): Record<string, unknown> {
		return { ...this.headerMap };
	}

	removeHeader(name: string): void {
		delete this.headerMap[name.toLowerCase()];
	}

	set(field: string | Record<string, unknown>, value?: unknown): this {
		if (typeof field === 'string') return this.setHeader(field, value);
		for (const [k, v] of Object.entries(field)) this.setHeader(k, v);
		return this;
	}

	header(field: string | Record<string, unknown>, value?: unknown): this {
		return this.set(field, value);
	}

	type(contentType: string): this {
		return this.setHeader('content-type', contentType.includes('/') ? contentType : `application/${contentType}`);
	}

	contentType(contentType: string): this {
		return this.type(contentType);
	}

	writeHead(statusCode: number, ...rest: unknown[]): this {
		this.statusCode = statusCode;
		const headers = rest.find((r) => typeof r === 'object' && r !== null);
		if (typeof rest[0] === 'string') this.statusMessage = rest[0];
		if (headers) this.set(headers as Record<string, unknown>);
		this.headersSent = true;
		return this;
	}

	json(body: unknown): this {
		if (this.getHeader('content-type') === undefined) this.setHeader('content-type', 'application/json; charset=utf-8');
		this.explicitBody = { value: body };
		this.finish();
		return this;
	}

	send(body?: unknown): this {
		if (typeof body === 'string' || Buffer.isBuffer(body)) {
			if (this.getHeader('content-type') === undefined) {
				this.setHeader('content-type', typeof body === 'string' ? 'text/html; charset=utf-8' : 'application/octet-stream');
			}
			this.chunks.push(Buffer.isBuffer(body) ? body : Buffer.from(body));
			if (Buffer.isBuffer(body)) this.explicitBody = { value: body };
			this.finish();
			return this;
		}
		if (body === undefined) {
			this.finish();
			return this;
		}
		return this.json(body);
	}

	redirect(statusOrUrl: number | string, maybeUrl?: string): this {
		const [status, url] = typeof statusOrUrl === 'number' ? [statusOrUrl, maybeUrl] : [302, statusOrUrl];
		this.statusCode = status;
		this.setHeader('location', url);
		this.finish();
		return this;
	}

	render(view: string, locals?: unknown): this {
		this.explicitBody = { value: { view, locals } };
		this.finish();
		return this;
	}

	private finish() {
		if (!this.writableEnded) this.end();
		this.headersSent = true;
	}

	get recorded(): RecordedResponse {
		const rawBody = this.chunks.length ? Buffer.concat(this.chunks) : undefined;
		let body: unknown;
		if (this.explicitBody) body = this.explicitBody.value;
		else if (rawBody) body = rawBody.toString('utf8');
		return {
			statusCode: this.statusCode,
			headers: { ...this.headerMap },
			body,
			...(rawBody ? { rawBody } : {}),
			ended: this.ended || this.writableEnded,
		};
	}
}

// ---------------------------------------------------------------------------------------------
// runWebhook
// ---------------------------------------------------------------------------------------------

export interface RunWebhookOptions extends Omit<CommonOptions, 'parameters'> {
	/** Node parameters. For a resume (runExecutionData from executeNode) defaults to the waiting run's. */
	parameters?: INodeParameters;
	request: WebhookRequestInit;
	/** Which `description.webhooks[].name` to run, default `'default'`. */
	webhookName?: WebhookType;
	/** For resume webhooks: the waiting execution's data (`executeNode(...).runExecutionData`). */
	runExecutionData?: IRunExecutionData;
}

export interface RunWebhookResult extends BinaryAccess {
	/** What `webhook()` returned. */
	result: IWebhookResponseData;
	/** What the node wrote directly to the response object. */
	response: RecordedResponse;
	/** The request object the node saw. */
	request: TestWebhookRequest;
	/** For resumes: the prepared copy of the waiting execution's data the node ran with. */
	runExecutionData: IRunExecutionData | null;
	staticData: IDataObject;
	/** The webhook's path as n8n registers it (without the `/webhook/` prefix). */
	webhookPath: string;
	/** `getNodeWebhookUrl(webhookName)` as seen from the node. */
	webhookUrl: string | undefined;
}

export async function runWebhook(options: RunWebhookOptions): Promise<RunWebhookResult> {
	const runtime = await getN8nRuntime();
	const identity = options.runExecutionData ? runIdentities.get(options.runExecutionData) : undefined;
	// For a resume, anything not given explicitly defaults to what the waiting run used.
	const opts = { ...identity, ...withoutUndefined(options), nodeType: options.nodeType, request: options.request };
	const parameters = opts.parameters ?? {};
	const mode = opts.mode ?? 'webhook';
	// Live webhooks run before an execution exists (no executionId); a resume webhook runs with the
	// waiting execution's id, as n8n's WaitingWebhooks does.
	const executionId = opts.executionId;
	const isResume = opts.runExecutionData !== undefined;

	// WaitingWebhooks loads the execution fresh from the DB for every call, disables the waiting
	// node and clears waitTill before running webhook(); the caller's object stays untouched.
	let resumeData: IRunExecutionData | null = null;
	if (opts.runExecutionData) {
		resumeData = deepCopy(opts.runExecutionData);
		const entry = resumeData.executionData?.nodeExecutionStack[0];
		if (entry) entry.node.disabled = true;
		resumeData.waitTill = undefined;
	}

	const staticDataTarget = opts.staticData ?? {};
	const { workflow, node, workflowId } = buildWorkflow({ ...opts, parameters, mode }, loadStaticData(staticDataTarget));
	const credentialsHelper = new TestCredentialsHelper(opts.credentials ?? {}, opts.credentialTypes ?? {});
	const additionalData = buildAdditionalData(credentialsHelper, opts.webhookBaseUrl, executionId, workflowId);

	// WebhookService.getNodeWebhooks(): resolve the webhook descriptions of the node.
	const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	if (!nodeType.webhook) throw new UnexpectedError(`Node type "${node.type}" has no webhook() method`);
	const webhookName = opts.webhookName ?? 'default';
	const requestMethod = (opts.request.method ?? 'POST').toUpperCase();
	// Live webhooks ignore `restartWebhook` descriptions; resume (waiting) webhooks only use those.
	const named = (nodeType.description.webhooks ?? []).filter((d) => d.name === webhookName);
	const byKind = named.filter((d) => Boolean(d.restartWebhook) === isResume);
	const candidates: Array<{ description: IWebhookDescription; path: string; methods: string[] }> = [];
	for (const description of byKind.length ? byKind : named) {
		let nodeWebhookPath = String(
			workflow.expression.getSimpleParameterValue(node, description.path, 'internal', {}) ?? '',
		);
		nodeWebhookPath = nodeWebhookPath.replace(/^\//, '').replace(/\/$/, '');
		const isFullPath = workflow.expression.getSimpleParameterValue(
			node,
			description.isFullPath,
			'internal',
			{},
			undefined,
			false,
		) as boolean;
		const restartWebhook = workflow.expression.getSimpleParameterValue(
			node,
			description.restartWebhook,
			'internal',
			{},
			undefined,
			false,
		) as boolean;
		const webhookPath = NodeHelpers.getNodeWebhookPath(workflowId, node, nodeWebhookPath, isFullPath, restartWebhook);
		const methods = String(
			workflow.expression.getSimpleParameterValue(node, description.httpMethod, 'internal', {}, undefined, 'GET'),
		)
			.split(',')
			.map((m) => m.trim().toUpperCase())
			.filter(Boolean);
		candidates.push({ description, path: webhookPath, methods });
	}
	if (candidates.length === 0) {
		throw new UnexpectedError(`Node type "${node.type}" has no webhook named "${webhookName}"`);
	}
	const match = candidates.find((c) => c.methods.includes(requestMethod));
	if (!match) {
		throw new UnexpectedError(
			`Webhook "${webhookName}" of "${node.type}" does not accept ${requestMethod} (accepts ${candidates
				.flatMap((c) => c.methods)
				.join(', ')}) — n8n would answer 404`,
		);
	}

	const urls = urlsFor(opts.webhookBaseUrl);
	const isTest = mode === 'manual' && !isResume;
	let defaultPath: string;
	if (isResume) {
		defaultPath = `/webhook-waiting/${executionId ?? ''}${match.path ? `/${match.path}` : ''}`;
	} else {
		defaultPath = `/${isTest ? 'webhook-test' : 'webhook'}/${match.path}`;
	}
	const host = new URL(urls.instanceBaseUrl).host;
	const request = new TestWebhookRequest({ ...opts.request, method: requestMethod, path: opts.request.path ?? defaultPath }, host);
	const response = new TestWebhookResponse();
	additionalData.httpRequest = request as unknown as IWorkflowExecuteAdditionalData['httpRequest'];
	additionalData.httpResponse = response as unknown as IWorkflowExecuteAdditionalData['httpResponse'];

	const webhookData: IWebhookData = {
		httpMethod: requestMethod as IHttpRequestMethods,
		node: node.name,
		path: match.path,
		webhookDescription: match.description,
		workflowId,
		workflowExecuteAdditionalData: additionalData,
		webhookId: node.webhookId,
		...(isTest ? { isTest: true } : {}),
	};

	const context = new WebhookContext(workflow, node, additionalData, mode, webhookData, [], resumeData);
	const webhookFn = nodeType.webhook;
	let result: IWebhookResponseData;
	try {
		result = await workflow.expression.withIsolate(async () =>
			isNodeClassInstance(nodeType) ? await nodeType.webhook!(context) : await webhookFn.call(context),
		);
	} finally {
		saveStaticData(staticDataTarget, workflow);
	}

	return {
		result,
		response: response.recorded,
		request,
		runExecutionData: resumeData,
		staticData: staticDataTarget,
		webhookPath: match.path,
		webhookUrl: context.getNodeWebhookUrl(webhookName),
		...binaryAccess(runtime.binaryDataService),
	};
}
