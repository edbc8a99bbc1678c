/** Generate's Completion choices, the same for both resources ("Wait for Video" and "Wait for Image" park alike). */
export type Completion =
	| 'waitForVideo'
	| 'waitForImage'
	| 'notifyTrigger'
	| 'customCallbackUrl'
	| 'dontWait';

export const isWaiting = (completion: Completion) =>
	completion === 'waitForVideo' || completion === 'waitForImage';

/** The name the user saw for a waiting completion. */
export const waitNameOf = (completion: Completion) =>
	completion === 'waitForImage' ? 'Wait for Image' : 'Wait for Video';
