'use strict';
// The compiled package (dist/), loaded on first use: the harness builds dist/ when it is missing or stale, and that
// happens when n8n starts, after this file is required.
const path = require('node:path');

const DIST = path.join(__dirname, '..', '..', 'dist');

/** signCallbackUrl(url, secret, nowMs) of dist/nodes/shared/callbackContract/index.js: the trigger URL the RunBlob node issues. */
function signCallbackUrl(url, secret, nowMs) {
	return require(path.join(DIST, 'nodes', 'shared', 'callbackContract', 'index.js')).signCallbackUrl(
		url,
		secret,
		nowMs,
	);
}

module.exports = { signCallbackUrl };
