#!/usr/bin/env node
'use strict';
/**
 * Start the RunBlob simulator from the command line.
 *
 *   node test/simulator/cli.js [options]
 *
 * Prints one JSON line on stdout once both listeners are up:
 *   {"url":"http://127.0.0.1:PORT","cdnUrl":"http://127.0.0.1:PORT","controlUrl":"http://127.0.0.1:PORT/_sim","apiKeys":1}
 * then runs until SIGINT/SIGTERM, when it closes both servers and exits 0. Debug logs (--verbose) go to stderr.
 * Run with --help for the option list.
 */
const fs = require('node:fs');
const { parseArgs } = require('node:util');
const { createSimulator } = require('./server');
const { DEFAULTS, parseAllowHttp } = require('./options');

const HELP = `Usage: node test/simulator/cli.js [options]

  --host <addr>              listen address (default ${DEFAULTS.host})
  --port <n>                 API port (default 0 = random)
  --cdn-port <n>             CDN port (default 0 = random)
  --api-key <key>            valid API key; repeat for several (default ${DEFAULTS.apiKeys[0]})
  --balance <usd>            starting balance (default ${DEFAULTS.balance})
  --queue-ms <n>             time a generation stays pending (default ${DEFAULTS.timing.queueMs})
  --processing-ms <n>        time a generation stays processing (default ${DEFAULTS.timing.processingMs})
  --video-size <bytes>       size of each generated MP4 (default ${DEFAULTS.videoSize})
  --image-size <bytes>       size of each generated PNG/JPEG/WEBP (default ${DEFAULTS.imageSize})
  --job-timeout-scale <f>    multiply the documented hard timeouts (Veo 10 min, Kling 15 min); 0 = off (default 1)
  --allow-http <v>           callback_url over plain http: false | loopback | true (default false)
  --time-scale <f>           multiply callback retry delays and timeouts (e.g. 0.01)
  --retry-delays <list>      comma-separated Sora callback retry delays in ms (default 30000,...,480000); the other
                             families keep their documented schedules (override with callbacks.families in --config)
  --fail-prompts <regex>     generations whose prompt matches fail
  --error-message <text>     error_message for those failures (Sora text)
  --error-code <CODE>        failure code for those failures (the other families; default: each family's usual code)
  --variant <name=value>     where RunBlob's pages disagree, answer with this variant; repeatable
                             (authError=detail|error, veoFailure=both|error|message|errorObject, veoCreate=B|A,
                             klingFailure=default|error|message|none)
  --refund-failed            refund the price of failed generations
  --public-cdn-base <url>    base URL used in video_url (default: the CDN listener)
  --config <file.json>       options as JSON (same keys as createSimulator(); flags win)
  --config-json <json>       options as an inline JSON string
  --verbose                  debug logs on stderr (API keys are never logged)
  -h, --help                 this help

The control API (GET /_sim/state, POST /_sim/config, /_sim/faults, /_sim/generations/:id/finish, /_sim/reset) has no
authentication: it is for local use only. Keep the simulator on a loopback address.`;

/** @param {string[]} argv */
function parse(argv) {
	const { values } = parseArgs({
		args: argv,
		options: {
			host: { type: 'string' },
			port: { type: 'string' },
			'cdn-port': { type: 'string' },
			'api-key': { type: 'string', multiple: true },
			balance: { type: 'string' },
			'queue-ms': { type: 'string' },
			'processing-ms': { type: 'string' },
			'video-size': { type: 'string' },
			'image-size': { type: 'string' },
			'job-timeout-scale': { type: 'string' },
			'error-code': { type: 'string' },
			variant: { type: 'string', multiple: true },
			'allow-http': { type: 'string' },
			'time-scale': { type: 'string' },
			'retry-delays': { type: 'string' },
			'fail-prompts': { type: 'string' },
			'error-message': { type: 'string' },
			'refund-failed': { type: 'boolean' },
			'public-cdn-base': { type: 'string' },
			config: { type: 'string' },
			'config-json': { type: 'string' },
			verbose: { type: 'boolean' },
			help: { type: 'boolean', short: 'h' },
		},
		strict: true,
	});
	return values;
}

/** @param {string|undefined} v @param {string} name */
function num(v, name) {
	if (v === undefined) return undefined;
	const n = Number(v);
	if (!Number.isFinite(n)) throw new Error(`--${name} must be a number`);
	return n;
}

/**
 * Build simulator options from flags (exported for tests).
 * @param {string[]} argv
 * @returns {{help: true} | {help: false, options: import('./options').SimulatorOptions, verbose: boolean}}
 */
function optionsFromArgs(argv) {
	const a = parse(argv);
	if (a.help) return { help: true };
	/** @type {any} */
	let opts = {};
	if (a.config) opts = { ...opts, ...JSON.parse(fs.readFileSync(a.config, 'utf8')) };
	if (a['config-json']) opts = { ...opts, ...JSON.parse(a['config-json']) };
	if (a.host) opts.host = a.host;
	if (a.port !== undefined) opts.port = num(a.port, 'port');
	if (a['cdn-port'] !== undefined) opts.cdnPort = num(a['cdn-port'], 'cdn-port');
	if (a['api-key']) opts.apiKeys = a['api-key'];
	if (a.balance !== undefined) opts.balance = num(a.balance, 'balance');
	if (a['queue-ms'] !== undefined || a['processing-ms'] !== undefined) {
		opts.timing = { ...(opts.timing || {}) };
		if (a['queue-ms'] !== undefined) opts.timing.queueMs = num(a['queue-ms'], 'queue-ms');
		if (a['processing-ms'] !== undefined) opts.timing.processingMs = num(a['processing-ms'], 'processing-ms');
	}
	if (a['video-size'] !== undefined) opts.videoSize = num(a['video-size'], 'video-size');
	if (a['image-size'] !== undefined) opts.imageSize = num(a['image-size'], 'image-size');
	if (a['job-timeout-scale'] !== undefined) opts.jobTimeoutScale = num(a['job-timeout-scale'], 'job-timeout-scale');
	for (const v of a.variant || []) {
		const m = /^([A-Za-z]+)=(\S+)$/.exec(v);
		if (!m) throw new Error(`--variant must look like name=value (got ${v})`);
		opts.variants = { ...(opts.variants || {}), [m[1]]: m[2] };
	}
	const cb = { ...(opts.callbacks || {}) };
	if (a['allow-http'] !== undefined) cb.allowHttp = parseAllowHttp(a['allow-http']);
	if (a['time-scale'] !== undefined) cb.timeScale = num(a['time-scale'], 'time-scale');
	if (a['retry-delays'] !== undefined) cb.retryDelaysMs = a['retry-delays'].split(',').filter(Boolean).map((s) => num(s.trim(), 'retry-delays'));
	if (Object.keys(cb).length) opts.callbacks = cb;
	if (a['fail-prompts'] !== undefined || a['error-message'] !== undefined || a['error-code'] !== undefined) {
		opts.outcome = { ...(opts.outcome || {}) };
		if (a['error-code'] !== undefined) opts.outcome.errorCode = a['error-code'];
		if (a['fail-prompts'] !== undefined) opts.outcome.failPromptsMatching = a['fail-prompts'];
		if (a['error-message'] !== undefined) opts.outcome.errorMessage = a['error-message'];
	}
	if (a['refund-failed']) opts.refundFailed = true;
	if (a['public-cdn-base']) opts.publicCdnBase = a['public-cdn-base'];
	return { help: false, options: opts, verbose: Boolean(a.verbose) };
}

async function main() {
	let parsed;
	try {
		parsed = optionsFromArgs(process.argv.slice(2));
	} catch (e) {
		process.stderr.write(`runblob-sim: ${e && e.message}\n\n${HELP}\n`);
		process.exit(2);
	}
	if (parsed.help) {
		process.stdout.write(HELP + '\n');
		return;
	}
	const options = { ...parsed.options };
	if (parsed.verbose) options.log = (/** @type {string} */ msg) => process.stderr.write(msg + '\n');
	const sim = await createSimulator(options);
	process.stdout.write(
		JSON.stringify({
			url: sim.url,
			cdnUrl: sim.cdnUrl,
			controlUrl: `${sim.url}/_sim`,
			apiKeys: (options.apiKeys || DEFAULTS.apiKeys).length,
		}) + '\n',
	);
	let stopping = false;
	const stop = (/** @type {string} */ signal) => {
		if (stopping) return;
		stopping = true;
		if (parsed.verbose) process.stderr.write(`[runblob-sim] ${signal}: closing\n`);
		sim.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) {
	main().catch((e) => {
		process.stderr.write(`runblob-sim: ${e && e.stack ? e.stack : e}\n`);
		process.exit(1);
	});
}

module.exports = { optionsFromArgs, HELP };
