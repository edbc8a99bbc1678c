// Projects: fast unit tests, node-operation tests against the RunBlob simulator over real HTTP, and end-to-end
// tests inside a real n8n. `npm run test:unit` stays a fast loop; `npm test` runs all three.
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.test.json' }];

const base = {
	testEnvironment: 'node',
	transform: { '^.+\\.ts$': tsJest },
	moduleFileExtensions: ['ts', 'js', 'json'],
	modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/test/e2e/.work/', '<rootDir>/.runtimes/', '<rootDir>/.playground/'],
};

module.exports = {
	// Real HTTP to the simulator: on a loaded 2-core machine a test can take longer than jest's 5 s default without
	// being wrong (seen at load 10–24), so the limit is generous (jest takes it for the whole run, not per project);
	// speed targets live in bench/, not here. e2e tests set their own.
	testTimeout: 30_000,
	// Fast layers first (unit, simulator, support, then e2e with the smoke test first); each file's duration at the end.
	testSequencer: '<rootDir>/test/jest/sequencer.js',
	reporters: ['default', '<rootDir>/test/jest/durationReporter.js'],
	projects: [
		{ ...base, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
		{ ...base, displayName: 'simulator', testMatch: ['<rootDir>/test/sim/**/*.test.ts'] },
		// The test infrastructure proves itself: the simulator against RunBlob's reference, the n8n-core contexts.
		{
			...base,
			displayName: 'support',
			testMatch: ['<rootDir>/test/sim-self/**/*.test.js', '<rootDir>/test/helpers-self/**/*.test.ts'],
		},
		// The global setup installs (or reuses) the n8n runtimes once per run, before any e2e file starts, and prepares the
		// shared n8n per runtime (test/e2e/shared.js; started when the first e2e file asks); the teardown stops them.
		{
			...base,
			displayName: 'e2e',
			testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
			globalSetup: '<rootDir>/test/e2e/globalSetup.js',
			globalTeardown: '<rootDir>/test/e2e/globalTeardown.js',
		},
	],
};
