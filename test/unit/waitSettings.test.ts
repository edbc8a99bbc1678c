// The wait settings each resource reads: its own download toggle (a Download Video left behind by switching the
// resource to Image is not shown there, so it must not download), a stored Max Wait of 0 as "the model's default",
// and version 1's loose fields.
import type { IExecuteFunctions } from 'n8n-workflow';

import { waitSettingsOf } from '../../nodes/RunBlob/actions/generation/wait/settings';

function ctx(typeVersion: number, parameters: Record<string, unknown>) {
	return {
		getNode: () => ({ typeVersion }),
		getNodeParameter: (name: string, _item: number, fallback: unknown) => (name in parameters ? parameters[name] : fallback),
	} as unknown as IExecuteFunctions;
}

describe('wait settings', () => {
	test.each([
		['video', { downloadVideo: true }, true],
		['image', { downloadImage: true }, true],
		['image', { downloadVideo: true }, false],
		['video', { downloadImage: true }, false],
	])('%s with %j downloads: %s', (resource, waitOptions, downloads) => {
		expect(waitSettingsOf(ctx(2, { resource, waitOptions })).downloadVideo).toBe(downloads);
	});

	test.each([
		[{ maxWaitMinutes: 0 }, null],
		[{}, null],
		[{ maxWaitMinutes: 25 }, 25],
	])('version 2 Max Wait %j: %s minutes (null: the model\'s default)', (waitOptions, minutes) => {
		expect(waitSettingsOf(ctx(2, { resource: 'video', waitOptions })).maxWaitMinutes).toBe(minutes);
	});

	test('version 1 reads its loose fields, with its own 60-minute default', () => {
		expect(waitSettingsOf(ctx(1, { downloadVideo: true }))).toEqual(
			expect.objectContaining({ downloadVideo: true, maxWaitMinutes: 60, limitWaitTime: true, resubmitAttempts: 0 }),
		);
	});
});
