'use strict';
// Read-only SQL on an n8n instance's SQLite database, through the sqlite3 module of that n8n runtime (run by the
// runtime's own Node, so its native build matches). Used to count rows and bytes of waiting executions.
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { runtimeInfo } = require('../../scripts/runtimes.js');

const SCRIPT = `
const sqlite3 = require(process.argv[1]);
const db = new sqlite3.Database(process.argv[2], sqlite3.OPEN_READONLY);
db.all(process.argv[3], (err, rows) => {
	if (err) { console.error(err.message); process.exit(1); }
	process.stdout.write(JSON.stringify(rows));
	db.close();
});`;

/** Runs one SELECT on the instance's database; resolves with its rows. */
function query(n8n, sql) {
	const info = runtimeInfo(n8n.runtime.name);
	const node = info.nodeBin ? path.join(info.nodeBin, 'node') : process.execPath;
	const out = execFileSync(
		node,
		[
			'-e',
			SCRIPT,
			path.join(info.dir, 'node_modules', 'sqlite3'),
			path.join(n8n.userFolder, '.n8n', 'database.sqlite'),
			sql,
		],
		{ encoding: 'utf8', timeout: 60_000 },
	);
	return JSON.parse(out);
}

module.exports = { query };
