import type { IDataObject } from 'n8n-workflow';

import { balanceOf } from '../../nodes/RunBlob/actions/account/balance';
import {
	STATE_KEY,
	isRoundItem,
	notResubmitted,
	recordOutcome,
	resubmitted,
	shouldResubmit,
	startRecord,
	withoutState,
} from '../../nodes/RunBlob/actions/generation/wait/attempts';
import { FAMILIES, IMAGE_FAMILIES, VIDEO_FAMILIES, familyById, refundSummary } from '../../nodes/shared/families';

const kling = familyById('klingO3')!;
const sora = familyById('sora')!;

function submitted(left = 1, waitUntil: Date | null = new Date(Date.now() + 60_000)): IDataObject {
	const json: IDataObject = {
		generation_id: 'gen-1',
		status: 'pending',
		price: '0.1500',
		prompt: 'a fox',
		[STATE_KEY]: { left, request: { prompt: 'a fox', duration: '5' }, waitUntil: null },
	};
	startRecord(json, waitUntil);
	return json;
}

describe('Resubmit Failed Generations: the attempt record', () => {
	it('records every attempt and resubmits a transient failure once per attempt left', () => {
		const json = submitted(1);
		expect(json.attempts).toEqual([{ generation_id: 'gen-1', status: 'pending', error_message: null, price: '0.1500' }]);
		Object.assign(json, { status: 'failed', error_message: 'TASK_FAILED' });
		recordOutcome(json);
		expect(shouldResubmit(json, kling)).toBe(true);

		const next = resubmitted(json, 'gen-2', { status: 'pending', price: '0.1500' });
		expect(next.generation_id).toBe('gen-2');
		expect(next.attempts).toEqual([
			{ generation_id: 'gen-1', status: 'failed', error_message: 'TASK_FAILED', price: '0.1500' },
			{ generation_id: 'gen-2', status: 'pending', error_message: null, price: '0.1500' },
		]);
		Object.assign(next, { status: 'failed', error_message: 'TASK_FAILED' });
		recordOutcome(next);
		// No attempt left: the second failure is final.
		expect(shouldResubmit(next, kling)).toBe(false);
		expect((next[STATE_KEY] as IDataObject).request).toEqual({ prompt: 'a fox', duration: '5' });
	});

	it('never resubmits a permanent failure, a completed one, or after the wait limit', () => {
		const policy = { ...submitted(3), status: 'failed', error_message: 'CONTENT_POLICY_VIOLATION' };
		expect(shouldResubmit(policy, kling)).toBe(false);
		const soraPeople = {
			...submitted(3),
			status: 'failed',
			error_message: 'Image contains photorealistic people. Please try with a different image.',
		};
		expect(shouldResubmit(soraPeople, sora)).toBe(false);
		expect(shouldResubmit({ ...submitted(3), status: 'completed' }, kling)).toBe(false);
		const late = { ...submitted(3, new Date(Date.now() - 1000)), status: 'failed', error_message: 'TIMEOUT' };
		expect(shouldResubmit(late, kling)).toBe(false);
		const unlimited = { ...submitted(3, null), status: 'failed', error_message: 'TIMEOUT' };
		expect(shouldResubmit(unlimited, kling)).toBe(true);
		// Without the option there is no record: nothing is resubmitted.
		expect(shouldResubmit({ generation_id: 'x', status: 'failed', error_message: 'TIMEOUT' }, kling)).toBe(false);
	});

	it('a round item belongs to one execution; the record never reaches the output', () => {
		const json = submitted(1);
		(json[STATE_KEY] as IDataObject).round = 'exec-7';
		expect(isRoundItem({ json }, 'exec-7')).toBe(true);
		expect(isRoundItem({ json }, 'exec-8')).toBe(false);
		// A tool call (MCP) has no execution id: an unmarked item is never a resubmission round.
		expect(isRoundItem({ json: { prompt: 'a cat' } }, undefined)).toBe(false);
		expect(withoutState({ json }).json[STATE_KEY]).toBeUndefined();
		const failed = notResubmitted({ ...json, status: 'failed', error_message: 'TASK_FAILED' }, 'RunBlob answered HTTP 402');
		expect(failed[STATE_KEY]).toBeUndefined();
		expect(failed.error_message).toMatch(/TASK_FAILED; resubmitting it failed: RunBlob answered HTTP 402/);
		expect((failed.attempts as IDataObject[]).at(-1)).toMatchObject({ status: 'not_submitted', generation_id: null });
	});
});

describe('family failure facts', () => {
	it('every family declares its refund rule; the option text names them from the declarations', () => {
		for (const family of FAMILIES) expect(['failed', 'timedOut', 'none']).toContain(family.failures.refund);
		expect(refundSummary(VIDEO_FAMILIES)).toBe(
			'RunBlob documents refunds of failed jobs for Kling O1 Video, Kling O3 Video; of timed-out jobs only for Kling; and no refund for Sora 2, Veo 3: every attempt there may be charged again.',
		);
		expect(refundSummary(IMAGE_FAMILIES)).toMatch(/failed jobs for ChatGPT Images/);
	});

	it('content and input codes are permanent in every family; upstream errors and timeouts are not', () => {
		for (const family of FAMILIES) {
			expect(family.failures.isPermanent('CONTENT_POLICY_VIOLATION')).toBe(true);
			expect(family.failures.isPermanent('MODERATION_FAILED')).toBe(true);
			expect(family.failures.isPermanent('TIMEOUT')).toBe(false);
			expect(family.failures.isPermanent('TASK_FAILED')).toBe(false);
			expect(family.failures.isPermanent(null)).toBe(false);
		}
	});
});

describe('balance answers', () => {
	it('reads the balance as a number or a numeric string, and nothing else', () => {
		expect(balanceOf({ balance: 12.5 })).toBe(12.5);
		expect(balanceOf({ balance: '99.8800' })).toBe(99.88);
		expect(balanceOf({ balance: '' })).toBeUndefined();
		expect(balanceOf({ balance: 'n/a' })).toBeUndefined();
		expect(balanceOf({ detail: 'Not Found' })).toBeUndefined();
		expect(balanceOf([{ balance: 1 }])).toBeUndefined();
		expect(balanceOf('12')).toBeUndefined();
	});
});
