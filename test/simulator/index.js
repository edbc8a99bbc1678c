'use strict';
/**
 * RunBlob simulator: a local stand-in for RunBlob's Sora 2 HTTP API (see README.md in this folder).
 *
 *   const { createSimulator, videoBytes, videoSha256 } = require('./test/simulator');
 *   const sim = await createSimulator({ timing: { queueMs: 50, processingMs: 100 } });
 *   // credential Base URL = sim.url; videos are served from sim.cdnUrl
 *   await sim.close();
 */
const { createSimulator, Simulator } = require('./server');
const { videoBytes, videoSha256, mp4Header } = require('./video');
const { DEFAULTS, DEFAULT_ERROR_MESSAGE } = require('./options');
const { USER_AGENT } = require('./callbacks');

module.exports = {
	createSimulator,
	Simulator,
	videoBytes,
	videoSha256,
	mp4Header,
	DEFAULTS,
	DEFAULT_ERROR_MESSAGE,
	CALLBACK_USER_AGENT: USER_AGENT,
	DEFAULT_API_KEY: DEFAULTS.apiKeys[0],
};
