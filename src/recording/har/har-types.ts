/**
 * HAR 1.2 (HTTP Archive) as parallax writes it, and the `_parallax` custom fields that make an export of
 * parallax's own recordings lossless. HAR allows custom fields whose names start with an underscore;
 * viewers ignore them.
 * @see http://www.softwareishard.com/blog/har-12-spec/
 */
import type { Checkpoint, Chunk, Nondeterminism, RecordingMeta } from '../types.ts'

/**
 * The version of the `_parallax` entry fields; an import reads only this version.
 * @example entry._parallax?.version === HAR_PARALLAX_VERSION
 */
export const HAR_PARALLAX_VERSION = 1

/**
 * A header, query parameter or cookie as HAR holds it.
 * @example { name: 'content-type', value: 'application/json' }
 */
export interface HarNameValue {
  name: string
  value: string
}

/**
 * A request body. HAR 1.2 has no `encoding` here, so binary bytes go as base64 marked by the custom field
 * `_encoding` (some tools write a non-standard `encoding`, which an import reads too).
 * @example { mimeType: 'application/octet-stream', text: 'AAH+/w==', _encoding: 'base64' }
 */
export interface HarPostData {
  mimeType: string
  text: string
  _encoding?: 'base64'
  comment?: string
}

/**
 * A response body: `text` holds the decoded bytes (after Content-Encoding), base64 when `encoding` says so.
 * @example { size: 4, mimeType: 'image/png', text: 'iVBORw==', encoding: 'base64' }
 */
export interface HarContent {
  size: number
  mimeType: string
  text?: string
  encoding?: 'base64'
  comment?: string
}

/**
 * An entry's request.
 * @example entry.request.headers.find((header) => header.name === 'accept')
 */
export interface HarRequest {
  method: string
  url: string
  httpVersion: string
  cookies: HarNameValue[]
  headers: HarNameValue[]
  queryString: HarNameValue[]
  postData?: HarPostData
  headersSize: number
  bodySize: number
}

/**
 * An entry's response.
 * @example entry.response.status // 200
 */
export interface HarResponse {
  status: number
  statusText: string
  httpVersion: string
  cookies: HarNameValue[]
  headers: HarNameValue[]
  content: HarContent
  redirectURL: string
  headersSize: number
  bodySize: number
  /** Why the exchange did not finish (Chrome's field; parallax writes a recording's `incomplete` here). */
  _error?: string
}

/**
 * An entry's timings; parallax knows only the total, written as `wait`, the unknown phases as -1.
 * @example { blocked: -1, dns: -1, connect: -1, send: 0, wait: 12.5, receive: 0, ssl: -1 }
 */
export interface HarTimings {
  blocked: number
  dns: number
  connect: number
  send: number
  wait: number
  receive: number
  ssl: number
}

/**
 * What a body's HAR text cannot say: its full size and hash when only a prefix was kept, and the
 * Content-Encoding it travelled with.
 * @example { size: 5, sha256: '…', truncated: true, contentEncoding: 'gzip' }
 */
export interface HarBodyFacts {
  size: number
  sha256: string
  truncated?: true
  contentEncoding?: string
}

/**
 * The `_parallax` field of an entry parallax exported: which recording the exchange belongs to, and
 * what HAR cannot hold exactly. The inbound entry also carries the rest of the recording.
 * @example { version: 1, recording: 'greet-ada', role: 'outbound', index: 0, startedAtMs: 1.5, durationMs: 2 }
 */
export interface HarExchangeFacts {
  version: typeof HAR_PARALLAX_VERSION
  /** The id of the recording this exchange belongs to. */
  recording: string
  role: 'inbound' | 'outbound'
  /** The exchange's position among the recording's outbound calls; 0 for the inbound one. */
  index: number
  startedAtMs: number
  durationMs: number
  /** Present exactly when the request had a body. */
  requestBody?: HarBodyFacts
  /** Present exactly when the response had a body. */
  responseBody?: HarBodyFacts
  /** Set when the status text was recorded as the empty string (HAR writes `''` for none too). */
  emptyStatusText?: true
  chunks?: Chunk[]
  /** Inbound entry only: the recording's fields that are not an exchange. */
  recordedAt?: string
  meta?: RecordingMeta
  nondeterminism?: Nondeterminism
  checkpoints?: Checkpoint[]
  /** Inbound entry only: how many outbound entries belong to the recording. */
  outbound?: number
}

/**
 * One exchange as a HAR entry; `_parallax` is present on entries parallax exported.
 * @example har.log.entries.filter((entry) => entry._parallax?.role === 'outbound')
 */
export interface HarEntry {
  pageref?: string
  startedDateTime: string
  time: number
  request: HarRequest
  response: HarResponse
  cache: Record<string, never>
  timings: HarTimings
  comment?: string
  _parallax?: HarExchangeFacts
}

/**
 * A HAR page: parallax writes one per recording, with the recording's id.
 * @example { startedDateTime: '2026-11-24T08:00:00.000Z', id: 'greet-ada', title: 'POST http://greeter.invalid/greet', pageTimings: {} }
 */
export interface HarPage {
  startedDateTime: string
  id: string
  title: string
  pageTimings: { onContentLoad?: number; onLoad?: number }
}

/**
 * A HAR 1.2 document as parallax writes it.
 * @example const har: Har = harFromRecordings(recordings)
 */
export interface Har {
  log: {
    version: '1.2'
    creator: { name: string; version: string }
    pages?: HarPage[]
    entries: HarEntry[]
    comment?: string
  }
}
