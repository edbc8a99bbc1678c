import { fromBothEnds } from '../../nodes/RunBlob/actions/generation/wait/readOrder';

describe('fromBothEnds: the order in which a waiting run reads its unknown generations', () => {
	it('alternates from the newest to the oldest, meeting in the middle', () => {
		expect(fromBothEnds([0, 1, 2, 3, 4])).toEqual([4, 0, 3, 1, 2]);
		expect(fromBothEnds([0, 1, 2, 3])).toEqual([3, 0, 2, 1]);
		expect(fromBothEnds([0])).toEqual([0]);
		expect(fromBothEnds([])).toEqual([]);
	});
});
