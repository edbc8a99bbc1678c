// Jest global teardown of the e2e project: stops the shared n8n instances the global setup started (shared.js). On a
// crash or Ctrl-C the harness's exit hook and watchdog stop them instead.
'use strict';

const { stopSharedN8n } = require('./shared');

module.exports = async function e2eGlobalTeardown() {
	await stopSharedN8n();
};
