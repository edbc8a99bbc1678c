// Jest global setup of the e2e project: installs the missing Debian packages of the servers the tests start
// (scripts/system-deps.js; `npm test` already ran it, this covers direct `npx jest` runs), then installs (or reuses)
// every n8n runtime the run needs, once, before any test file starts, with progress on stderr. A failure stops the run here with one message naming the runtime, the step and
// the log file, instead of every test file trying the multi-minute install again. Then it prepares the shared n8n of
// each runtime (shared.js; only when a selected file uses one): they start when the first e2e file asks.
'use strict';

const fs = require('node:fs');

const runtimes = require('../../scripts/runtimes.js');
const { ensureSystemPackages } = require('../../scripts/system-deps.js');
const { PHASES_FILE } = require('./harness');
const { startSharedN8n, runUsesSharedN8n } = require('./shared');

module.exports = async function e2eGlobalSetup(globalConfig) {
	// This run's n8n phases start here (the shared starts are recorded before the reporter's onRunStart).
	fs.rmSync(PHASES_FILE, { force: true });
	process.env.RUNBLOB_E2E_PHASES_FRESH = '1';
	await ensureSystemPackages();
	const wanted = (process.env.RUNBLOB_E2E_RUNTIMES || 'current,oldest')
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
	const names = [...wanted];
	// The playground test also needs "current"; installing it here keeps its time out of any test's timeout.
	if (!names.includes('current')) names.push('current');
	const t0 = Date.now();
	process.stderr.write(`\n[e2e] n8n runtimes for this run: ${names.join(', ')} (folder ${runtimes.runtimesDir()})\n`);
	try {
		await runtimes.ensureAll(names);
	} finally {
		// Test files (and the harness) never install: they report this run's outcome instead.
		process.env.RUNBLOB_RUNTIMES_CHECKED = '1';
	}
	process.stderr.write(`[e2e] n8n runtimes ready in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
	if (runUsesSharedN8n(globalConfig)) startSharedN8n(wanted);
};
