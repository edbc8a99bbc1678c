// The example workflows in examples/, prepared for one n8n instance: used by the playground (`npm start`) and by the
// delivery e2e tests, so both run exactly the files users import.
//
// The files reference credentials by type only (placeholder ids) and give the RunBlob Trigger's Production URL on a
// placeholder host (https://your-n8n.example.com/): wiring them to an instance means pointing every credential at one
// that exists there and every trigger URL at that instance's public webhook base.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const EXAMPLES_DIR = path.resolve(__dirname, '..', 'examples');

/** Example file names, sorted. */
function exampleFiles(dir = EXAMPLES_DIR) {
	return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
}

/**
 * Reads examples/<file> and wires it to an instance.
 * @param {string} file e.g. 'deliver-by-email.json'
 * @param {{ credentials?: Record<string, { id: string, name: string }>, webhookBase?: string }} wiring
 *   credentials by credential type; webhookBase: the instance's public webhook base URL (trailing slash optional)
 */
function loadExample(file, { credentials = {}, webhookBase } = {}) {
	const wf = JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, file), 'utf8'));
	for (const node of wf.nodes || []) {
		for (const type of Object.keys(node.credentials || {})) {
			if (credentials[type]) node.credentials[type] = { ...credentials[type] };
		}
		if (webhookBase && typeof node.parameters?.triggerUrl === 'string') {
			node.parameters.triggerUrl = rebaseWebhookUrl(node.parameters.triggerUrl, webhookBase);
		}
	}
	return wf;
}

/** `https://your-n8n.example.com/webhook/<id>/webhook` → `<webhookBase>/webhook/<id>/webhook`. */
function rebaseWebhookUrl(url, webhookBase) {
	const at = url.indexOf('/webhook/');
	if (at < 0) return url;
	return webhookBase.replace(/\/+$/, '') + url.slice(at);
}

module.exports = { EXAMPLES_DIR, exampleFiles, loadExample, rebaseWebhookUrl };
