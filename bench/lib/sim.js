'use strict';
// Creating generations in the RunBlob simulator through its public API, as a RunBlob client would.
const { httpRequest } = require('../../test/e2e/harness.js');
const { API_KEY } = require('./workflows');

/** POST /v1/sora/generate; resolves with the generation id. */
async function createGeneration(sim, prompt) {
	const res = await httpRequest('POST', `${sim.url}/v1/sora/generate`, {
		headers: { authorization: `Bearer ${API_KEY}` },
		body: { prompt, orientation: '16:9', duration: 10 },
	});
	if (res.status !== 201)
		throw new Error(`simulator answered ${res.status} to generate: ${res.text}`);
	return res.json.generation_id;
}

/** Creates generations and waits until all are completed; resolves with their snapshots (in the order of prompts). */
async function completedGenerations(sim, prompts, { concurrency = 8, timeoutMs = 60_000 } = {}) {
	const ids = new Array(prompts.length);
	let next = 0;
	await Promise.all(
		Array.from({ length: Math.min(concurrency, prompts.length) }, async () => {
			while (next < prompts.length) {
				const i = next++;
				ids[i] = await createGeneration(sim, prompts[i]);
			}
		}),
	);
	await sim.waitFor(() => ids.every((id) => sim.get(id)?.status === 'completed'), timeoutMs);
	return ids.map((id) => sim.get(id));
}

module.exports = { createGeneration, completedGenerations };
