import { CLAIM_TTL_MS, claimResume } from '../../nodes/RunBlob/actions/generation/wait/resumeClaims';
import { forgetResumeClaims } from '../helpers/processMemory';

describe('resume claims (Wait for Video)', () => {
	beforeEach(() => forgetResumeClaims());

	it('only the first delivery of a run resumes it; other runs are independent', () => {
		expect(claimResume('exec-1/runblob-callback')).toBe(true);
		expect(claimResume('exec-1/runblob-callback')).toBe(false);
		expect(claimResume('exec-2/runblob-callback')).toBe(true);
	});

	it('a claim lapses, so a resume n8n could not start can be tried again', () => {
		const now = 1_000_000;
		expect(claimResume('e/runblob-callback', now)).toBe(true);
		expect(claimResume('e/runblob-callback', now + CLAIM_TTL_MS - 1)).toBe(false);
		expect(claimResume('e/runblob-callback', now + CLAIM_TTL_MS + 1)).toBe(true);
	});
});
