/**
 * Recording format v1: the types. `schema.ts` holds the zod schema that validates untrusted files
 * against exactly these shapes (a type-level test keeps the two equal).
 *
 * A segment is an NDJSON file: line 1 is a {@link SegmentHeader}, every further line one {@link Recording}.
 * Keys are written in canonical (sorted) order so a recording diff in review shows only real change.
 */

export const RECORDING_FORMAT = 'parallax-recording'
export const RECORDING_VERSION = 1

/** Headers as an ordered list of [name, value] pairs: repeated headers and their order are kept. */
export type HeaderList = Array<[name: string, value: string]>

/**
 * A body as bytes. Text that is valid UTF-8 is stored as `utf8` so it stays readable in review;
 * anything else as `base64` (never hex). `size` and `sha256` describe the full body even when `truncated`.
 * A compressed body is kept decoded, with `contentEncoding` naming how it travelled.
 */
export type Body = (
  | { encoding: 'utf8'; text: string; size: number; sha256: string; truncated?: true }
  | { encoding: 'base64'; data: string; size: number; sha256: string; truncated?: true }
) & {
  /**
   * The Content-Encoding the body travelled with (`gzip`, `br`, `deflate`, `zstd`). The bytes are stored
   * decoded, and `size` and `sha256` describe the decoded bytes; replay encodes them again.
   */
  contentEncoding?: string
}

/** One piece of a streamed body as it arrived: `size` bytes at `offsetMs` after the response started. */
export interface Chunk {
  offsetMs: number
  size: number
}

export interface RecordedRequest {
  method: string
  /** Absolute URL, e.g. `http://127.0.0.1:4100/docs?q=x`. */
  url: string
  headers: HeaderList
  body?: Body
}

export interface RecordedResponse {
  status: number
  statusText?: string
  headers: HeaderList
  body?: Body
  /** Present when the body arrived in several pieces: the chunk timeline. Sizes add up to `body.size`. */
  chunks?: Chunk[]
  /** Set when the stream did not finish (aborted, errored); the reason is kept. */
  incomplete?: string
}

/** One HTTP request and its response, with timing relative to the start of the recording. */
export interface Exchange {
  request: RecordedRequest
  response: RecordedResponse
  /** Milliseconds from the start of the recording (the inbound request's arrival). */
  startedAtMs: number
  durationMs: number
}

/** The nondeterministic values the code read, in the order it read them. */
export interface Nondeterminism {
  /** Every clock read (`Date.now()`, `new Date()`), as epoch milliseconds. */
  clock: number[]
  /** Every `Math.random()` result. */
  random: number[]
  /** Every `crypto.randomUUID()` result. */
  uuids: string[]
}

/** A value observed at a named point in production (a stage output or a `probe`), canonically encoded. */
export interface Checkpoint {
  name: string
  /** The canonical encoding (see canonical.ts) of the observed value. */
  value: unknown
}

export interface RecordingMeta {
  service: string
  environment: string
  version?: string
  /** A digest of the configuration the service ran with. */
  configFingerprint?: string
  /** The pipeline that served the request, when known. */
  pipeline?: string
}

/** One unit of production work: the inbound exchange and everything it caused and observed. */
export interface Recording {
  /** Stable id, unique within a recordings folder. */
  id: string
  /** ISO-8601 time the inbound request arrived. */
  recordedAt: string
  meta: RecordingMeta
  inbound: Exchange
  /** Outbound calls to dependencies, in the order they were made. */
  outbound: Exchange[]
  nondeterminism: Nondeterminism
  checkpoints?: Checkpoint[]
}

/** Line 1 of every segment: self-describing format, version and creator. */
export interface SegmentHeader {
  format: typeof RECORDING_FORMAT
  version: typeof RECORDING_VERSION
  creator: { name: string; version: string }
  createdAt: string
}
