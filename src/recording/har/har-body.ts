/**
 * Bodies between HAR and recordings. HAR keeps a body as text, or base64 when `encoding` says so, and
 * always decoded (after Content-Encoding); a recording keeps bytes decoded too, with the Content-Encoding
 * they travelled with noted, so the two map onto each other byte for byte.
 */
import { createHash } from 'node:crypto'
import { bodyFromBytes } from '../body.ts'
import { decodableEncoding, recordedBody } from '../content-encoding.ts'
import { jsonNestsDeeperThan } from '../segment-lines.ts'
import type { Body } from '../types.ts'
import type { HarBodyFacts, HarContent, HarPostData } from './har-types.ts'

/**
 * The bytes a HAR body holds, whether they came from base64 (so may still be the wire's), or why they are unreadable.
 * @example if (found.kind === 'bytes' && found.binary) tryDecoding(found.bytes)
 */
export type HarBytes =
  | { kind: 'none' }
  | { kind: 'bytes'; bytes: Buffer; text: string; binary: false }
  | { kind: 'bytes'; bytes: Buffer; binary: true; base64?: string }
  | { kind: 'problem'; problem: string }

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/
const HEX = /^(?:[0-9a-fA-F]{2})*$/

function compactBase64(text: string): string | undefined {
  const compact = /\s/.test(text) ? text.replace(/\s+/g, '') : text
  return BASE64.test(compact) || BASE64URL.test(compact) ? compact : undefined
}

function base64Bytes(text: string): Buffer | undefined {
  const compact = compactBase64(text)
  return compact === undefined
    ? undefined
    : Buffer.from(compact, BASE64.test(compact) ? 'base64' : 'base64url')
}

/**
 * Polly.JS persists a content-encoded body as a JSON array of its raw chunks: base64 since 2.0
 * (`encoding: 'base64'`), hex before (`_isBinary: true`). Neither form can be mistaken for plain base64.
 */
function pollyChunks(text: string, hex: boolean): Buffer | undefined {
  if (!text.startsWith('[') || jsonNestsDeeperThan(text, 1)) return undefined
  let chunks: unknown
  try {
    chunks = JSON.parse(text)
  } catch {
    return undefined
  }
  if (!Array.isArray(chunks)) return undefined
  const parts: Buffer[] = []
  for (const chunk of chunks) {
    if (typeof chunk !== 'string') return undefined
    const part = hex ? (HEX.test(chunk) ? Buffer.from(chunk, 'hex') : undefined) : base64Bytes(chunk)
    if (part === undefined) return undefined
    parts.push(part)
  }
  return Buffer.concat(parts)
}

/**
 * The bytes of a HAR body given as `text` and `encoding` (content or postData).
 * @example harBytes({ text: 'aGk=', encoding: 'base64' }, 'response.content') // { kind: 'bytes', bytes: <68 69>, … }
 */
export function harBytes(
  body: {
    text?: string | null
    encoding?: string | null
    _encoding?: string | null
    _isBinary?: boolean | null
  },
  field: string,
): HarBytes {
  const text = body.text
  if (text === undefined || text === null || text === '') return { kind: 'none' }
  if (body._isBinary === true) {
    const bytes = pollyChunks(text, true)
    if (bytes !== undefined) return { kind: 'bytes', bytes, binary: true }
  }
  if ((body.encoding ?? body._encoding)?.toLowerCase() === 'base64') {
    const chunks = pollyChunks(text, false)
    if (chunks !== undefined) return { kind: 'bytes', bytes: chunks, binary: true }
    const compact = compactBase64(text)
    if (compact === undefined) return { kind: 'problem', problem: `${field}.text is not base64` }
    const bytes = Buffer.from(compact, BASE64.test(compact) ? 'base64' : 'base64url')
    return { kind: 'bytes', bytes, binary: true, base64: compact }
  }
  return { kind: 'bytes', bytes: Buffer.from(text, 'utf8'), text, binary: false }
}

/**
 * The Body of a HAR body from another producer. HAR text is already decoded, so it is kept as given with
 * the Content-Encoding noted; but when a named Content-Encoding decodes binary bytes, or a JSON array of
 * hex chunks (Polly.JS 1.x), they were still the wire's and are kept decoded.
 * @example foreignBody({ kind: 'bytes', bytes: Buffer.from('{"a":1}'), text: '{"a":1}', binary: false }, 'gzip') // { encoding: 'utf8', text: '{"a":1}', contentEncoding: 'gzip', … }
 */
export function foreignBody(
  found: Extract<HarBytes, { kind: 'bytes' }>,
  contentEncoding: string | undefined,
): Body {
  const coding = decodableEncoding(contentEncoding)
  if (coding === undefined) return bodyFromBytes(found.bytes)
  const wire = found.binary ? found.bytes : pollyChunks(found.text, true)
  if (wire !== undefined) {
    // recordedBody marks a body it could not decode as truncated: then these bytes were not encoded.
    const decoded = recordedBody(wire, { contentEncoding: coding })
    if (decoded.truncated !== true) return decoded
  }
  return { ...bodyFromBytes(found.bytes), contentEncoding: coding }
}

/**
 * The Body of a HAR body parallax exported: bytes and encoding from HAR, size and hash recomputed unless
 * only a prefix was kept, the Content-Encoding from the facts.
 * @example bodyWithFacts({ kind: 'bytes', bytes, text: 'hi', binary: false }, { size: 2, sha256 })
 */
export function bodyWithFacts(found: Exclude<HarBytes, { kind: 'problem' }>, facts: HarBodyFacts): Body {
  const bytes = found.kind === 'bytes' ? found.bytes : Buffer.alloc(0)
  const whole = facts.truncated
    ? { size: facts.size, sha256: facts.sha256, truncated: true as const }
    : { size: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') }
  const coding = facts.contentEncoding === undefined ? {} : { contentEncoding: facts.contentEncoding }
  if (found.kind !== 'bytes') return { encoding: 'utf8', text: '', ...whole, ...coding }
  if (!found.binary) return { encoding: 'utf8', text: found.text, ...whole, ...coding }
  const data =
    found.base64 !== undefined && BASE64.test(found.base64) ? found.base64 : bytes.toString('base64')
  return { encoding: 'base64', data, ...whole, ...coding }
}

/**
 * What HAR cannot say about a body (see {@link HarBodyFacts}).
 * @example bodyFacts(bodyFromBytes(Buffer.from('hi'))) // { size: 2, sha256: '8f43…' }
 */
export function bodyFacts(body: Body): HarBodyFacts {
  const facts: HarBodyFacts = { size: body.size, sha256: body.sha256 }
  if (body.truncated) facts.truncated = true
  if (body.contentEncoding !== undefined) facts.contentEncoding = body.contentEncoding
  return facts
}

function truncatedComment(body: Body): string | undefined {
  if (!body.truncated) return undefined
  const kept =
    body.encoding === 'utf8' ? Buffer.byteLength(body.text) : Buffer.from(body.data, 'base64').length
  return `truncated by parallax: ${kept} of ${body.size} bytes kept`
}

/**
 * A request body as HAR postData: text, or base64 marked `_encoding: 'base64'` for binary bytes.
 * @example harPostData(bodyFromBytes(Buffer.from('{"a":1}')), 'application/json') // { mimeType: 'application/json', text: '{"a":1}' }
 */
export function harPostData(body: Body, mimeType: string): HarPostData {
  const comment = truncatedComment(body)
  const postData: HarPostData =
    body.encoding === 'utf8'
      ? { mimeType, text: body.text }
      : { mimeType, text: body.data, _encoding: 'base64' }
  if (comment !== undefined) postData.comment = comment
  return postData
}

/**
 * A response body as HAR content: `size` is the decoded size, binary bytes are base64.
 * @example harContent(undefined, '') // { size: 0, mimeType: '' }
 */
export function harContent(body: Body | undefined, mimeType: string): HarContent {
  if (body === undefined) return { size: 0, mimeType }
  const content: HarContent =
    body.encoding === 'utf8'
      ? { size: body.size, mimeType, text: body.text }
      : { size: body.size, mimeType, text: body.data, encoding: 'base64' }
  const comment = truncatedComment(body)
  if (comment !== undefined) content.comment = comment
  return content
}
