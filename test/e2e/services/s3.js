// A real S3-compatible server for delivery tests and the playground (the `s3rver` package: S3's REST API with AWS
// Signature V4 checks, objects kept in a folder), on a free loopback port. n8n's S3 node talks to it with a custom
// endpoint and path-style URLs, exactly as to MinIO, Ceph or R2.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const S3rver = require('s3rver');

// s3rver's one account; any S3 client must sign with these.
const ACCESS_KEY_ID = 'S3RVER';
const SECRET_ACCESS_KEY = 'S3RVER';

/**
 * @param {{ port?: number, host?: string, buckets?: string[], directory?: string }} [options]
 *   directory: where objects are kept (default: a fresh temporary folder, removed on close)
 */
async function startS3Server({ port = 0, host = '127.0.0.1', buckets = ['videos'], directory } = {}) {
	const temporary = !directory;
	const dir = directory || fs.mkdtempSync(path.join(os.tmpdir(), 'runblob-s3-'));
	fs.mkdirSync(dir, { recursive: true });
	const server = new S3rver({
		port,
		address: host,
		silent: true,
		directory: dir,
		configureBuckets: buckets.map((name) => ({ name })),
	});
	const address = await server.run();
	const url = `http://${host}:${address.port}`;

	/** The object's bytes, or null when there is none (read through s3rver's own store). */
	async function getObject(bucket, key) {
		const object = await server.store.getObject(bucket, key).catch(() => null);
		if (!object) return null;
		const chunks = [];
		for await (const chunk of object.content) chunks.push(chunk);
		return Buffer.concat(chunks);
	}

	return {
		url,
		port: address.port,
		accessKeyId: ACCESS_KEY_ID,
		secretAccessKey: SECRET_ACCESS_KEY,
		directory: dir,
		getObject,
		/** Keys in a bucket. */
		keys(bucket) {
			const root = path.join(dir, bucket);
			if (!fs.existsSync(root)) return [];
			const found = [];
			const walk = (d) => {
				for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
					const p = path.join(d, entry.name);
					if (entry.isDirectory()) walk(p);
					else if (entry.name.endsWith('._S3rver_object')) {
						found.push(path.relative(root, p).slice(0, -'._S3rver_object'.length).split(path.sep).join('/'));
					}
				}
			};
			walk(root);
			return found.sort();
		},
		/**
		 * The object once its upload is complete. s3rver creates the object's file when the upload starts and writes its
		 * MD5 only after the last byte, so an object is returned only when its bytes match that MD5.
		 */
		async waitForObject(bucket, key, timeoutMs = 60_000) {
			const deadline = Date.now() + timeoutMs;
			const md5File = server.store.getResourcePath(bucket, key, 'object.md5');
			for (;;) {
				const object = await getObject(bucket, key);
				const md5 = fs.existsSync(md5File) ? fs.readFileSync(md5File, 'utf8').trim() : null;
				if (object && md5 && crypto.createHash('md5').update(object).digest('hex') === md5) return object;
				if (Date.now() > deadline) throw new Error(`S3 server: no object ${bucket}/${key} after ${timeoutMs} ms`);
				await new Promise((r) => setTimeout(r, 200));
			}
		},
		async close() {
			await server.close();
			if (temporary) fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

module.exports = { startS3Server };
