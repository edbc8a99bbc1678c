'use strict';
/**
 * A small declarative body checker that answers like pydantic v2 behind FastAPI: each family file declares its fields
 * once; `checkFields` returns every field error of one request together (as FastAPI does) plus the decoded values with
 * defaults applied. Family-specific rules (mutually exclusive inputs, per-model limits) live in the family files.
 *
 * Field spec:
 *   {type: 'string', min?, max?}          str with length bounds (code points, like Python's len)
 *   {type: 'enum', values}                 one of the values (strings or numbers; strict, no coercion)
 *   {type: 'int', min?, max?}              JSON integer (a bool is not an int)
 *   {type: 'number', min?, max?}           JSON number
 *   {type: 'bool'}                         JSON boolean
 *   {type: 'array', maxItems?, minItems?}  list of strings
 *   {type: 'url'}                          callback_url (HTTPS unless the simulator allows http)
 *   {type: 'any'}                          anything (checked by the family)
 * plus `required: true` or `default: value`. Optional fields accept null (= absent), like `Optional[...] = None`.
 */
const { pyd } = require('./errors');
const { codePointLength } = require('./util');
const { checkCallbackUrl } = require('./validation');

/**
 * pydantic's rendering of the allowed values of an enum/literal: `'a', 'b' or 'c'` (numbers unquoted).
 * @param {(string|number)[]} values
 */
function expectedList(values) {
	const r = values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v)));
	return r.length <= 1 ? r.join('') : `${r.slice(0, -1).join(', ')} or ${r[r.length - 1]}`;
}

/**
 * @param {Record<string, any>} body a JSON object
 * @param {Record<string, any>} fields field specs
 * @param {{allowHttp: boolean|'loopback'}} ctx
 * @returns {{errors: import('./errors').PydanticError[], value: Record<string, any>}}
 */
function checkFields(body, fields, ctx) {
	/** @type {import('./errors').PydanticError[]} */
	const errors = [];
	/** @type {Record<string, any>} */
	const value = {};
	for (const [name, spec] of Object.entries(fields)) {
		const loc = ['body', name];
		const present = name in body && body[name] !== undefined;
		if (!present || (body[name] === null && !spec.required)) {
			if (spec.required && !present) errors.push(pyd.missing(loc, body));
			else if (spec.required) errors.push(typeError(spec, loc, null));
			else value[name] = spec.default === undefined ? null : spec.default;
			continue;
		}
		const err = checkOne(body[name], spec, loc, ctx);
		if (err) errors.push(err);
		else value[name] = body[name];
	}
	return { errors, value };
}

/**
 * @param {any} spec
 * @param {(string|number)[]} loc
 * @param {unknown} v
 */
function typeError(spec, loc, v) {
	switch (spec.type) {
		case 'int':
			return { type: 'int_type', loc, msg: 'Input should be a valid integer', input: v };
		case 'number':
			return { type: 'float_type', loc, msg: 'Input should be a valid number', input: v };
		case 'bool':
			return { type: 'bool_type', loc, msg: 'Input should be a valid boolean', input: v };
		case 'array':
			return { type: 'list_type', loc, msg: 'Input should be a valid list', input: v };
		case 'enum':
			return pyd.enum(loc, v, expectedList(spec.values));
		case 'url':
			return pyd.urlType(loc, v);
		default:
			return pyd.stringType(loc, v);
	}
}

/**
 * @param {unknown} v
 * @param {any} spec
 * @param {(string|number)[]} loc
 * @param {{allowHttp: boolean|'loopback'}} ctx
 * @returns {import('./errors').PydanticError | null}
 */
function checkOne(v, spec, loc, ctx) {
	switch (spec.type) {
		case 'any':
			return null;
		case 'url':
			return checkCallbackUrl(v, ctx.allowHttp);
		case 'enum':
			return spec.values.includes(v) ? null : typeError(spec, loc, v);
		case 'bool':
			return typeof v === 'boolean' ? null : typeError(spec, loc, v);
		case 'int':
		case 'number': {
			if (typeof v !== 'number' || !Number.isFinite(v) || (spec.type === 'int' && !Number.isInteger(v))) return typeError(spec, loc, v);
			return bounds(v, spec, loc);
		}
		case 'array': {
			if (!Array.isArray(v)) return typeError(spec, loc, v);
			const bad = v.findIndex((x) => typeof x !== 'string');
			if (bad !== -1) return pyd.stringType([...loc, bad], v[bad]);
			if (spec.maxItems !== undefined && v.length > spec.maxItems) {
				return {
					type: 'too_long',
					loc,
					msg: `List should have at most ${spec.maxItems} item${spec.maxItems === 1 ? '' : 's'} after validation, not ${v.length}`,
					input: v,
					ctx: { field_type: 'List', max_length: spec.maxItems, actual_length: v.length },
				};
			}
			if (spec.minItems !== undefined && v.length < spec.minItems) {
				return {
					type: 'too_short',
					loc,
					msg: `List should have at least ${spec.minItems} item${spec.minItems === 1 ? '' : 's'} after validation, not ${v.length}`,
					input: v,
					ctx: { field_type: 'List', min_length: spec.minItems, actual_length: v.length },
				};
			}
			return null;
		}
		default: {
			if (typeof v !== 'string') return typeError(spec, loc, v);
			const len = codePointLength(v);
			if (spec.min !== undefined && len < spec.min) return pyd.stringTooShort(loc, v, spec.min);
			if (spec.max !== undefined && len > spec.max) return pyd.stringTooLong(loc, v, spec.max);
			return null;
		}
	}
}

/** @param {number} v @param {any} spec @param {(string|number)[]} loc */
function bounds(v, spec, loc) {
	if (spec.min !== undefined && v < spec.min) return pyd.greaterThanEqual(loc, v, spec.min);
	if (spec.max !== undefined && v > spec.max) return pyd.lessThanEqual(loc, v, spec.max);
	return null;
}

module.exports = { checkFields, expectedList };
