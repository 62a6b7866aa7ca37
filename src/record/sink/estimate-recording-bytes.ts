/**
 * A cheap estimate of a recording's serialized size, computed on the request path before it is queued:
 * it reads string lengths and array sizes, never string contents, so it costs a few microseconds.
 */
import type { Body, Exchange, HeaderList, Recording } from '../../recording/types.ts'

/** Keys, quotes, braces and the fixed fields of a recording; of an exchange; of a body. */
const RECORDING_OVERHEAD = 512
const EXCHANGE_OVERHEAD = 256
const BODY_OVERHEAD = 160
/** The longest JSON number (`-1.2345678901234567e-308`) plus its comma. */
const NUMBER_BYTES = 25
/** A UUID string with quotes and comma. */
const UUID_BYTES = 40
/** Chunk entries `{"offsetMs":…,"size":…}`. */
const CHUNK_BYTES = 32 + 2 * NUMBER_BYTES
/** Past this depth a checkpoint value is not walked further: sortedJson rejects it anyway. */
const MAX_WALK_DEPTH = 256

/**
 * An upper bound, in practice, of the bytes `sortedJson(recording)` takes: JSON escapes are bounded by
 * assuming every character of a text body may need one more byte, and short strings three bytes per
 * UTF-16 unit. Only control characters (six bytes each) can exceed it; the writer re-measures after
 * serializing and charges the real size. Throws if the recording's own getters throw.
 * @example estimateRecordingBytes(recording) >= Buffer.byteLength(JSON.stringify(recording)) // true in practice
 */
export function estimateRecordingBytes(recording: Recording): number {
  let bytes = RECORDING_OVERHEAD + text(recording.id) + text(recording.recordedAt) + walk(recording.meta, 0)
  bytes += exchange(recording.inbound)
  for (const call of recording.outbound) bytes += exchange(call)
  const { clock, random, uuids } = recording.nondeterminism
  bytes += (clock.length + random.length) * NUMBER_BYTES + uuids.length * UUID_BYTES
  if (recording.checkpoints !== undefined) bytes += walk(recording.checkpoints, 0)
  return bytes
}

function exchange(value: Exchange): number {
  const { request, response } = value
  let bytes = EXCHANGE_OVERHEAD + text(request.method) + ascii(request.url) + 2 * NUMBER_BYTES
  bytes += headers(request.headers) + headers(response.headers) + body(request.body) + body(response.body)
  bytes += text(response.statusText) + text(response.incomplete)
  if (response.chunks !== undefined) bytes += response.chunks.length * CHUNK_BYTES
  return bytes
}

/** Header values arrive as latin1 bytes: at most two UTF-8 or escape bytes each. */
function headers(list: HeaderList): number {
  let bytes = 2
  for (const [name, value] of list) bytes += 8 + ascii(name) + ascii(value)
  return bytes
}

function body(value: Body | undefined): number {
  if (value === undefined) return 0
  const extra = BODY_OVERHEAD + text(value.contentEncoding)
  if (value.encoding === 'base64') return extra + value.data.length
  const length = value.text.length
  // `size` is the UTF-8 byte count of the whole text unless truncated; one escape byte per unit on top.
  const utf8 = !value.truncated && value.size >= length && value.size <= 3 * length ? value.size : 3 * length
  return extra + utf8 + length
}

function ascii(value: string): number {
  return 2 * value.length + 3
}

function text(value: string | undefined): number {
  return value === undefined ? 0 : 3 * value.length + 3
}

/** Any plain value: strings at three bytes a unit, numbers at their longest, keys like strings. */
function walk(value: unknown, depth: number): number {
  if (typeof value === 'string') return text(value)
  if (typeof value !== 'object' || value === null) return NUMBER_BYTES
  if (depth >= MAX_WALK_DEPTH) return 0
  let bytes = 2
  if (Array.isArray(value)) {
    for (const item of value) bytes += 1 + walk(item, depth + 1)
    return bytes
  }
  for (const key of Object.keys(value))
    bytes += 2 + text(key) + walk((value as Record<string, unknown>)[key], depth + 1)
  return bytes
}
