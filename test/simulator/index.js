'use strict';
/**
 * RunBlob simulator: a local stand-in for RunBlob's HTTP API, every family (see README.md in this folder).
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
const { imageBytes, imageFileSize } = require('./images');
const { FAMILIES, registerFamily } = require('./families');

module.exports = {
	createSimulator,
	Simulator,
	videoBytes,
	videoSha256,
	mp4Header,
	imageBytes,
	imageFileSize,
	FAMILIES,
	registerFamily,
	DEFAULTS,
	DEFAULT_ERROR_MESSAGE,
	CALLBACK_USER_AGENT: USER_AGENT,
	DEFAULT_API_KEY: DEFAULTS.apiKeys[0],
};
