/**
 * Building blocks the family declarations share: which models show a parameter (display.ts), request validation
 * (validation.ts), input images (images.ts), callback and record fields (callbackFields.ts).
 */

export { forModels } from './display';
export type { ImageFormat, ImageLimits } from './images';
export {
	MiB,
	checkImageUrls,
	formatList,
	readBinaryImage,
	readBinaryImages,
	sniffImageType,
	splitList,
} from './images';
export {
	NOTHING_SENT,
	codePoints,
	compact,
	fail,
	intIn,
	oneOf,
	promptSchema,
	validateBody,
} from './validation';
export {
	TOKEN_ID,
	UUID_ID,
	byStatus,
	isoTime,
	mediaUrl,
	text,
	tokenId,
	uuid,
} from './callbackFields';
