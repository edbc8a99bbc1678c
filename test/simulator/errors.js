'use strict';
/**
 * Error bodies in the shapes RunBlob (a FastAPI + pydantic v2 service) returns.
 *
 * - Plain errors: `{"detail": "<message>"}` (HTTPException).
 * - Validation errors (422): `{"detail": [{type, loc, msg, input, ctx?}, ...]}`; FastAPI reports every field error of
 *   one request together and drops pydantic's `url` key.
 */

/** @typedef {{type: string, loc: (string|number)[], msg: string, input?: unknown, ctx?: Record<string, unknown>}} PydanticError */

/** Messages used for the `{"detail": "..."}` responses. */
const DETAIL = Object.freeze({
	missingCredentials: 'Missing credentials',
	invalidKey: 'Invalid API key',
	notFound: 'Not Found',
	methodNotAllowed: 'Method Not Allowed',
	generationNotFound: 'Generation not found',
	insufficientCredits: 'INSUFFICIENT_CREDITS',
	bothImages: 'Cannot provide both image_base64 and image_url',
	invalidImage: 'Invalid image format',
	imageTooLarge: 'Image too large. Maximum size is 10MB',
	tooManyRequests: 'Too Many Requests',
	internal: 'Internal Server Error',
	unavailable: 'Service temporarily unavailable',
	tooLarge: 'Request Entity Too Large',
});

/** Default bodies for injected faults, by status. */
const FAULT_BODIES = Object.freeze({
	400: { detail: 'Bad Request' },
	401: { detail: DETAIL.missingCredentials },
	402: { detail: DETAIL.insufficientCredits },
	404: { detail: DETAIL.notFound },
	408: { detail: 'Request Timeout' },
	429: { detail: DETAIL.tooManyRequests },
	500: { detail: DETAIL.internal },
	502: { detail: 'Bad Gateway' },
	503: { detail: DETAIL.unavailable },
	504: { detail: 'Gateway Timeout' },
});

/** pydantic v2 error constructors (type/msg/ctx exactly as pydantic-core renders them). */
const pyd = {
	/** @param {(string|number)[]} loc @param {unknown} input */
	missing: (loc, input) => ({ type: 'missing', loc, msg: 'Field required', input }),
	/** @param {(string|number)[]} loc @param {unknown} input */
	stringType: (loc, input) => ({ type: 'string_type', loc, msg: 'Input should be a valid string', input }),
	/** @param {(string|number)[]} loc @param {unknown} input @param {number} min */
	stringTooShort: (loc, input, min) => ({
		type: 'string_too_short',
		loc,
		msg: `String should have at least ${min} character${min === 1 ? '' : 's'}`,
		input,
		ctx: { min_length: min },
	}),
	/** @param {(string|number)[]} loc @param {unknown} input @param {number} max */
	stringTooLong: (loc, input, max) => ({
		type: 'string_too_long',
		loc,
		msg: `String should have at most ${max} character${max === 1 ? '' : 's'}`,
		input,
		ctx: { max_length: max },
	}),
	/** @param {(string|number)[]} loc @param {unknown} input @param {string} expected e.g. `'9:16' or '16:9'` */
	enum: (loc, input, expected) => ({ type: 'enum', loc, msg: `Input should be ${expected}`, input, ctx: { expected } }),
	/** @param {(string|number)[]} loc @param {unknown} input @param {string} detail */
	urlParsing: (loc, input, detail) => ({
		type: 'url_parsing',
		loc,
		msg: `Input should be a valid URL, ${detail}`,
		input,
		ctx: { error: detail },
	}),
	/** @param {(string|number)[]} loc @param {unknown} input */
	urlType: (loc, input) => ({ type: 'url_type', loc, msg: 'URL input should be a string or URL', input }),
	/** @param {(string|number)[]} loc @param {unknown} input @param {string[]} schemes */
	urlScheme: (loc, input, schemes) => {
		const expected = schemes.map((s) => `'${s}'`).join(' or ');
		return { type: 'url_scheme', loc, msg: `URL scheme should be ${expected}`, input, ctx: { expected_schemes: expected } };
	},
	/** @param {(string|number)[]} loc @param {unknown} input */
	intParsing: (loc, input) => ({
		type: 'int_parsing',
		loc,
		msg: 'Input should be a valid integer, unable to parse string as an integer',
		input,
	}),
	/** @param {(string|number)[]} loc @param {unknown} input @param {number} le */
	lessThanEqual: (loc, input, le) => ({
		type: 'less_than_equal',
		loc,
		msg: `Input should be less than or equal to ${le}`,
		input,
		ctx: { le },
	}),
	/** @param {(string|number)[]} loc @param {unknown} input @param {number} ge */
	greaterThanEqual: (loc, input, ge) => ({
		type: 'greater_than_equal',
		loc,
		msg: `Input should be greater than or equal to ${ge}`,
		input,
		ctx: { ge },
	}),
	/** @param {number} pos @param {string} error */
	jsonInvalid: (pos, error) => ({ type: 'json_invalid', loc: ['body', pos], msg: 'JSON decode error', input: {}, ctx: { error } }),
	/** @param {unknown} input */
	modelAttributesType: (input) => ({
		type: 'model_attributes_type',
		loc: ['body'],
		msg: 'Input should be a valid dictionary or object to extract fields from',
		input,
	}),
};

module.exports = { DETAIL, FAULT_BODIES, pyd };
