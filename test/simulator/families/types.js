'use strict';
/**
 * The shape of a family declaration (JSDoc only). One file per RunBlob family exports one of these; the server,
 * the generation store and the callback dispatcher read nothing else about a family.
 *
 * @typedef {object} Family
 * @property {string} name family key used in options, counters, snapshots and logs (e.g. 'veo', 'kling-o3-video')
 * @property {'video'|'image'} kind
 * @property {string} base path prefix, e.g. '/v1/veo'; routes are `${base}/generate`, `${base}/generations/{id}`
 * @property {'generation_id'|'task_uuid'} idField
 * @property {boolean} statusSlash whether the documented status path ends in '/' (the other form answers 307)
 * @property {{defaultLimit: number, maxLimit: number} | null} list documented list endpoint, or null
 * @property {() => string} newId
 * @property {(id: string) => boolean} isId
 * @property {(body: Record<string, any>, ctx: {allowHttp: boolean|'loopback', variants: Record<string, string>}) =>
 *   {ok: true, value: Record<string, any>, prompt: string, inputs: object[], extra?: Record<string, any>}
 *   | {ok: false, status: number, body: unknown}} validate decoded JSON object → validated request or an error reply
 * @property {(value: Record<string, any>, opts: any) => {units: number, text?: string}} price
 * @property {number} [priceDecimals] decimals of the printed price (default 4)
 * @property {(rec: any, ctx: {priceText: string, variants: Record<string, string>}) => Record<string, unknown>} createResponse
 * @property {(rec: any, ctx: {progress: {pct: number|null, pos: number|null}, variants: Record<string, string>}) => Record<string, unknown>} statusObject
 * @property {(rec: any, ctx: {variants: Record<string, string>}) => Record<string, unknown>} callbackPayload
 * @property {(outcome: any) => string} failureText failure reason stored on the record (text or CODE)
 * @property {{retryDelaysMs?: number[], timeoutMs?: number, connectTimeoutMs?: number}} callbacks documented schedule
 * @property {boolean} refundFailed documented refund of failed jobs
 * @property {number} [jobTimeoutMs] documented hard timeout: a job not finished by then fails with TIMEOUT
 * @property {{status: number, body: unknown}} notFound
 * @property {{status: number, body: unknown}} [invalidId] answer for an id of the wrong shape (default: notFound)
 * @property {unknown} insufficientCredits 402 body
 * @property {{ext: 'mp4'|'png'|'jpg'|'webp', dir?: string}} media result file type and CDN folder
 * @property {(rec: any) => Record<string, unknown>} [snapshotExtra]
 */
module.exports = {};
