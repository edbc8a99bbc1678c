// Finds the system programs the e2e tests run: the Redis and PostgreSQL servers of the queue-mode tests, and Chromium for
// the editor test. `npm test` installs them first where it can (scripts/system-deps.js); when they are still missing the
// tests fail with the command that installs them (a silent skip would hide that a scenario is untested here).
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const INSTALL_HINT =
	'install them with `sudo apt-get install -y redis-server postgresql` (Debian/Ubuntu; `npm test` does this itself ' +
	'when it runs as root or with passwordless sudo: scripts/system-deps.js)';

function onPath(name, env = process.env) {
	for (const dir of (env.PATH || '').split(path.delimiter)) {
		const file = path.join(dir, name);
		if (dir && fs.existsSync(file)) return file;
	}
	return null;
}

/**
 * Absolute path of redis-server ($RUNBLOB_REDIS_SERVER, else PATH); throws naming the install command when missing.
 * @param {{ env?: NodeJS.ProcessEnv }} [o]
 */
function redisServerBin({ env = process.env } = {}) {
	const bin = env.RUNBLOB_REDIS_SERVER || onPath('redis-server', env);
	if (!bin) throw new Error(`Queue-mode e2e tests need redis-server, which is not installed: ${INSTALL_HINT}.`);
	return bin;
}

/**
 * Directory holding initdb, postgres and createdb: $RUNBLOB_PG_BIN, the newest /usr/lib/postgresql/<v>/bin (Debian
 * keeps the server binaries off PATH), or PATH. Throws naming the install command when none is found.
 * @param {{ env?: NodeJS.ProcessEnv, debian?: string }} [o]
 */
function postgresBinDir({ env = process.env, debian = '/usr/lib/postgresql' } = {}) {
	const candidates = [];
	if (env.RUNBLOB_PG_BIN) candidates.push(env.RUNBLOB_PG_BIN);
	if (fs.existsSync(debian)) {
		const versions = fs.readdirSync(debian).filter((v) => /^\d+/.test(v)).sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
		for (const v of versions) candidates.push(path.join(debian, v, 'bin'));
	}
	const initdb = onPath('initdb', env);
	if (initdb) candidates.push(path.dirname(initdb));
	const dir = candidates.find((d) => ['initdb', 'postgres', 'createdb'].every((b) => fs.existsSync(path.join(d, b))));
	if (!dir) throw new Error(`Queue-mode e2e tests need the PostgreSQL server (initdb, postgres), which is not installed: ${INSTALL_HINT}.`);
	return dir;
}

/**
 * Chromium, for the test that opens n8n's editor: $CHROMIUM, else `chromium` on PATH (Debian's package installs
 * /usr/bin/chromium). Throws naming the install command when missing.
 * @param {{ env?: NodeJS.ProcessEnv }} [o]
 */
function chromiumBin({ env = process.env } = {}) {
	const bin = env.CHROMIUM || onPath('chromium', env);
	if (!bin || !fs.existsSync(bin)) {
		throw new Error(
			'The editor e2e test needs Chromium, which is not installed: install it with `sudo apt-get install -y chromium` ' +
				'(Debian/Ubuntu; `npm test` does this itself when it runs as root or with passwordless sudo: ' +
				'scripts/system-deps.js), or set CHROMIUM to a Chromium binary.',
		);
	}
	return bin;
}

module.exports = { redisServerBin, postgresBinDir, chromiumBin, INSTALL_HINT };
