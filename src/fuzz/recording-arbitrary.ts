/**
 * Recordings that production has not sent yet, derived from one it has: the inbound JSON body and every
 * outbound response body varied by their shape (shape-arbitrary.ts), streamed responses cut at other
 * byte offsets, and a response reset partway. Each case says what it changed, in paths a person reads.
 *
 * The changed inbound request makes the pipeline call its dependencies with other queries, so fuzzed
 * recordings are replayed with `route` matching (method, origin and path, in recorded order).
 * Delays are not varied: replay serves chunks in order and never waits, so a delay changes nothing.
 */
import fc from 'fast-check'
import { bodyBytes, bodyFromBytes } from '../recording/body.ts'
import type { Body, Chunk, Exchange, Recording } from '../recording/types.ts'
import { CROSS, shapeArbitrary, stringAround } from './shape-arbitrary.ts'

/** One generated recording and what it changes from the one it came from. */
export interface FuzzCase {
  recording: Recording
  /** The recording it was derived from. */
  from: string
  /** What changed, e.g. `outbound #0 response $[1].text: "Retry…" → "Rétry…"`, `outbound #0 cut at bytes 1, 40`. */
  changes: string[]
  /** Body bytes of the case (inbound request plus outbound responses). */
  bytes: number
}

/** The reason a fuzzed stream ends early, as the recorder notes an aborted one. */
export const FUZZ_RESET = 'reset by parallax fuzz'

/** Characters of a value shown in a change before it is clipped. */
const SHOWN = 48

/** A body's varied bytes, or undefined to keep the recorded bytes. */
type BodyVariant = { bytes: Buffer; changes: string[] } | undefined

/**
 * Varied recordings around `seed`.
 * @example fc.sample(recordingArbitrary(recording), 1)[0].changes // ['outbound #0 response $[0].text: …']
 */
export function recordingArbitrary(seed: Recording): fc.Arbitrary<FuzzCase> {
  const inbound = bodyArbitrary(seed.inbound.request.body, 'inbound body')
  const outbound = seed.outbound.map((exchange, index) => exchangeArbitrary(exchange, index))
  return fc.tuple(inbound, fc.tuple(...outbound)).map(([inboundBody, exchanges]) => {
    const changes = [...(inboundBody?.changes ?? [])]
    const recording: Recording = {
      ...seed,
      inbound: inboundBody
        ? {
            ...seed.inbound,
            request: {
              ...seed.inbound.request,
              headers: withLength(seed.inbound.request.headers, inboundBody.bytes.byteLength),
              body: rebuilt(seed.inbound.request.body, inboundBody.bytes),
            },
          }
        : seed.inbound,
      outbound: exchanges.map((e) => e.exchange),
    }
    for (const e of exchanges) changes.push(...e.changes)
    const bytes =
      bodyBytes(recording.inbound.request.body).byteLength +
      recording.outbound.reduce((sum, e) => sum + (e.response.body?.size ?? 0), 0)
    return { recording, from: seed.id, changes, bytes }
  })
}

/** An outbound exchange with its response body varied, cut otherwise, or reset. */
function exchangeArbitrary(exchange: Exchange, index: number) {
  const label = `outbound #${index} response`
  const body = exchange.response.body
  const canCut = body !== undefined && !body.truncated && body.contentEncoding === undefined
  // Cut points as raw numbers, mapped onto the body's length once it is known: they shrink toward byte 1.
  const cuts = canCut
    ? fc.oneof(
        CROSS,
        { weight: 3, arbitrary: fc.constant(undefined) },
        { weight: 2, arbitrary: fc.uniqueArray(fc.nat({ max: 1 << 20 }), { minLength: 1, maxLength: 6 }) },
      )
    : fc.constant(undefined)
  const reset = canCut
    ? fc.oneof(CROSS, { weight: 12, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.nat() })
    : fc.constant(undefined)
  return fc
    .tuple(bodyArbitrary(body, label), cuts, reset)
    .map(([varied, cutAt, resetAt]): { exchange: Exchange; changes: string[] } => {
      const changes = [...(varied?.changes ?? [])]
      if (!varied && cutAt === undefined && resetAt === undefined) return { exchange, changes }
      let bytes = varied ? varied.bytes : bodyBytes(body)
      const response = { ...exchange.response }
      let incomplete = response.incomplete
      if (resetAt !== undefined && bytes.byteLength > 0) {
        bytes = bytes.subarray(0, resetAt % bytes.byteLength)
        incomplete = FUZZ_RESET
        changes.push(`outbound #${index} reset after ${bytes.byteLength} bytes`)
      }
      let chunks = restride(exchange.response.chunks, bytes.byteLength)
      if (cutAt !== undefined && bytes.byteLength >= 2) {
        const offsets = [...new Set(cutAt.map((n) => 1 + (n % (bytes.byteLength - 1))))].sort((a, b) => a - b)
        chunks = chunksAt(offsets, bytes.byteLength)
        changes.push(`outbound #${index} cut at byte${offsets.length === 1 ? '' : 's'} ${offsets.join(', ')}`)
      }
      response.body = rebuilt(body, bytes)
      response.headers = withLength(response.headers, bytes.byteLength)
      if (chunks === undefined) delete response.chunks
      else response.chunks = chunks
      if (incomplete === undefined) delete response.incomplete
      else response.incomplete = incomplete
      return { exchange: { ...exchange, response }, changes }
    })
}

/** A body varied by its shape: JSON by its keys and types, other text as a string, bytes kept. */
function bodyArbitrary(body: Body | undefined, label: string): fc.Arbitrary<BodyVariant> {
  if (body === undefined || body.encoding !== 'utf8' || body.truncated) return fc.constant(undefined)
  const text = body.text
  const json = parseJson(text)
  if (json.ok) {
    return shapeArbitrary(json.value).map((value) => {
      const changes = changedLeaves(json.value, value, '$').map((change) => `${label} ${change}`)
      return changes.length === 0 ? undefined : { bytes: Buffer.from(JSON.stringify(value)), changes }
    })
  }
  return stringAround(text).map((value) =>
    value === text
      ? undefined
      : { bytes: Buffer.from(value), changes: [`${label}: ${show(text)} → ${show(value)}`] },
  )
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false }
  }
}

/**
 * The leaves that differ between a recorded JSON value and a varied one, as `path: before → after`.
 * @example changedLeaves({ a: 'x' }, { a: 'é' }, '$') // ['$.a: "x" → "é"']
 */
export function changedLeaves(before: unknown, after: unknown, path: string): string[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return []
  const container = (v: unknown) => typeof v === 'object' && v !== null
  if (!container(before) || !container(after) || Array.isArray(before) !== Array.isArray(after)) {
    return [`${path}: ${show(before)} → ${show(after)}`]
  }
  if (Array.isArray(before) && Array.isArray(after) && after.length < before.length) {
    return [`${path}: ${before.length} items → ${after.length}`]
  }
  const out: string[] = []
  const b = before as Record<string, unknown>
  const a = after as Record<string, unknown>
  for (const key of Object.keys(b)) {
    const child = Array.isArray(before) ? `${path}[${key}]` : `${path}.${key}`
    if (!(key in a)) out.push(`${child}: missing`)
    else out.push(...changedLeaves(b[key], a[key], child))
  }
  return out
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined'
  return text.length <= SHOWN ? text : `${text.slice(0, SHOWN)}… (${text.length} chars)`
}

/** The body rebuilt around new bytes, keeping how it travelled. */
function rebuilt(body: Body | undefined, bytes: Buffer): Body {
  const fresh = bodyFromBytes(bytes)
  return body?.contentEncoding === undefined ? fresh : { ...fresh, contentEncoding: body.contentEncoding }
}

/** Headers with content-length set to `size` when they have one. */
function withLength(headers: Exchange['response']['headers'], size: number): Exchange['response']['headers'] {
  return headers.map(([name, value]) =>
    name.toLowerCase() === 'content-length' ? [name, String(size)] : [name, value],
  )
}

/** The recorded chunking applied to a new length: the same stride (first chunk's size), or none. */
function restride(recorded: readonly Chunk[] | undefined, size: number): Chunk[] | undefined {
  const stride = recorded?.[0]?.size
  if (stride === undefined || stride <= 0 || size === 0) return undefined
  const offsets: number[] = []
  for (let at = stride; at < size; at += stride) offsets.push(at)
  return chunksAt(offsets, size)
}

/** Chunks ending at each offset and at `size`, one millisecond apart. */
function chunksAt(offsets: readonly number[], size: number): Chunk[] {
  const chunks: Chunk[] = []
  let start = 0
  for (const end of [...offsets, size]) {
    if (end <= start) continue
    chunks.push({ offsetMs: chunks.length, size: end - start })
    start = end
  }
  return chunks
}
