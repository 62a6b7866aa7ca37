/**
 * Shrinking (DESIGN.md, "Explaining a divergence"): a diverging recording reduced to a small one that
 * still diverges, by greedy passes repeated until none removes anything — drop outbound exchanges
 * (delta debugging), merge the chunks of streamed responses, drop what production answered, drop
 * headers, cut JSON bodies (array elements and object members, then runs of characters of strings;
 * runs of the longest power of two first, down to single ones). Every candidate is checked with the
 * caller's predicate, within a budget of checks; the result is the smallest one that held.
 *
 * Bodies are cut as text (json-text.ts), so every byte not removed stays where it was relative to its
 * neighbours: a bug that hangs on byte offsets (a character cut at a buffer boundary) is not lost to a
 * reformatting.
 */
import { bodyBytes, bodyFromBytes } from '../recording/body.ts'
import type { Body, Chunk, Exchange, HeaderList, Recording } from '../recording/types.ts'
import { ddmin } from './ddmin.ts'
import {
  type JsonNode,
  type JsonPath,
  jsonPaths,
  nodeAt,
  parseJsonText,
  stringPieces,
  withoutEntries,
  withoutPieces,
} from './json-text.ts'
import { createSearch, type Pass, removeRuns, type Search } from './shrink-search.ts'

/** How big a recording is, as shrinking counts it. */
export interface RecordingSize {
  outbound: number
  /** The inbound request body and every outbound response body, in bytes. */
  bodyBytes: number
  /** The pieces the outbound response bodies arrive in (a body without a chunk timeline is one). */
  chunks: number
}

export interface ShrinkOptions {
  /** The most candidates checked (default 300); past it, the smallest recording found so far is returned. */
  maxTests?: number
  onProgress?: (text: string) => void
}

export interface ShrinkResult {
  recording: Recording
  /** Candidates checked with the predicate. */
  tests: number
  before: RecordingSize
  after: RecordingSize
}

/** Whether a candidate still shows the divergence; the input recording must. */
export type StillDiverges = (candidate: Recording) => Promise<boolean>

/** Candidates checked at most, unless told otherwise. */
export const SHRINK_MAX_TESTS = 300

/**
 * Shrinks `recording` to a small recording for which `stillDiverges` holds. Deterministic: the same
 * recording and answers give the same result. Never returns a bigger recording than it was given.
 * @example
 * const { recording: minimal, tests } = await shrinkRecording(recording, async (candidate) =>
 *   placeOf((await replayer.compare(candidate)).result) === 'decode',
 * )
 */
export async function shrinkRecording(
  recording: Recording,
  stillDiverges: StillDiverges,
  options: ShrinkOptions = {},
): Promise<ShrinkResult> {
  const search = createSearch(recording, stillDiverges, {
    maxTests: options.maxTests ?? SHRINK_MAX_TESTS,
    onTested: (current, tests) => {
      const size = recordingSize(current)
      options.onProgress?.(
        `${tests} replays: ${size.outbound} outbound, ${size.bodyBytes} body bytes, ${size.chunks} chunks`,
      )
    },
  })
  for (;;) {
    let progress = false
    for (const pass of PASSES) progress = (await pass(search)) || progress
    if (!progress || search.exhausted()) break
  }
  return {
    recording: search.current,
    tests: search.tests,
    before: recordingSize(recording),
    after: recordingSize(search.current),
  }
}

/**
 * The size of a recording as shrinking counts it.
 * @example recordingSize(recording) // { outbound: 1, bodyBytes: 1893, chunks: 49 }
 */
export function recordingSize(recording: Recording): RecordingSize {
  let bodyBytes = recording.inbound.request.body?.size ?? 0
  let chunks = 0
  for (const { response } of recording.outbound) {
    const size = response.body?.size ?? 0
    bodyBytes += size
    chunks += response.chunks?.length || (size > 0 ? 1 : 0)
  }
  return { outbound: recording.outbound.length, bodyBytes, chunks }
}

/** Drops outbound exchanges: all of them, else a 1-minimal subset by delta debugging. */
const dropOutbound: Pass = async (search) => {
  const base = search.current
  const keep = (indexes: readonly number[]): Recording => ({
    ...base,
    outbound: indexes.map((index) => base.outbound[index]!),
  })
  if (base.outbound.length === 0) return false
  if (await search.attempt(keep([]))) return true
  if (base.outbound.length < 2) return false
  const all = base.outbound.map((_, index) => index)
  // Each subset that still diverges becomes the current recording as ddmin narrows down to it.
  const { minimal } = await ddmin(all, (subset) => search.attempt(keep(subset)))
  return minimal.length < all.length
}

/** Streamed responses in fewer pieces: one (no chunk timeline), else neighbours merged. */
const rechunk: Pass = async (search) => {
  let progress = false
  for (let index = 0; index < search.current.outbound.length && !search.exhausted(); index++) {
    const chunks = () => search.current.outbound[index]!.response.chunks ?? []
    if (chunks().length < 2 || !chunksFit(search.current.outbound[index]!)) continue
    const withChunks = (next: Chunk[] | undefined) =>
      updateOutbound(search.current, index, (exchange) => {
        const { chunks: _chunks, ...response } = exchange.response
        return { ...exchange, response: next === undefined ? response : { ...response, chunks: next } }
      })
    if (await search.attempt(withChunks(undefined))) {
      progress = true
      continue
    }
    // Removing the boundaries after chunks start … start+count-1 merges those chunks with the next one.
    const merged = await removeRuns(
      search,
      () => chunks().length - 1,
      (start, count) => {
        const list = chunks()
        const group = list.slice(start, start + count + 1)
        const piece = { offsetMs: group.at(-1)!.offsetMs, size: group.reduce((sum, c) => sum + c.size, 0) }
        return search.attempt(withChunks([...list.slice(0, start), piece, ...list.slice(start + count + 1)]))
      },
    )
    progress ||= merged
  }
  return progress
}

/** Where a shrinkable body sits in a recording, and how to put a new one there. */
interface BodySlot {
  body(recording: Recording): Body | undefined
  /** The recording with `bytes` as this body (chunks refitted, content-length restated). */
  with(recording: Recording, bytes: Buffer): Recording
}

/** The outbound response bodies (as they were recorded), then the inbound request body. */
function bodySlots(recording: Recording): BodySlot[] {
  const slots: BodySlot[] = recording.outbound.map((_, index) => ({
    body: (r) => (chunksFit(r.outbound[index]!) ? r.outbound[index]!.response.body : undefined),
    with: (r, bytes) =>
      updateOutbound(r, index, (exchange) => {
        const { response } = exchange
        const before = bodyBytes(response.body)
        const { chunks: oldChunks, ...rest } = response
        const chunks = oldChunks && refitChunks(oldChunks, before, bytes)
        return {
          ...exchange,
          response: {
            ...rest,
            headers: restateLength(response.headers, bytes.byteLength),
            body: rebuilt(response.body, bytes),
            ...(chunks && { chunks }),
          },
        }
      }),
  }))
  slots.push({
    body: (r) => r.inbound.request.body,
    with: (r, bytes) => ({
      ...r,
      inbound: {
        ...r.inbound,
        request: {
          ...r.inbound.request,
          headers: restateLength(r.inbound.request.headers, bytes.byteLength),
          body: rebuilt(r.inbound.request.body, bytes),
        },
      },
    }),
  })
  return slots
}

/** The JSON text of a slot's body, when it is whole UTF-8 JSON. */
function jsonOf(slot: BodySlot, recording: Recording): { text: string; root: JsonNode } | undefined {
  const body = slot.body(recording)
  if (body?.encoding !== 'utf8' || body.truncated || body.text === '') return undefined
  const root = parseJsonText(body.text)
  return root && { text: body.text, root }
}

/** Cuts JSON bodies: array elements and object members, outermost containers first. */
const cutContainers: Pass = async (search) => {
  let progress = false
  for (const slot of bodySlots(search.current)) {
    const start = jsonOf(slot, search.current)
    if (!start) continue
    for (const path of jsonPaths(start.root).containers) {
      if (search.exhausted()) return progress
      const entries = () => {
        const json = jsonOf(slot, search.current)
        const node = json && nodeAt(json.root, path)
        return node?.kind === 'array' || node?.kind === 'object' ? node.entries.length : 0
      }
      const removed = await removeRuns(search, entries, (from, count) =>
        attemptText(search, slot, path, (text, node) => withoutEntries(text, node, from, count)),
      )
      progress ||= removed
    }
  }
  return progress
}

/**
 * Cuts runs of characters out of JSON strings: every string of every body at one run length before the
 * next shorter one (powers of two), so long strings lose their halves before any string is combed a
 * character at a time.
 */
const cutStrings: Pass = async (search) => {
  let progress = false
  const strings = bodySlots(search.current).flatMap((slot) => {
    const json = jsonOf(slot, search.current)
    return json ? jsonPaths(json.root).strings.map((path) => ({ slot, path })) : []
  })
  const pieces = ({ slot, path }: (typeof strings)[number]) => {
    const json = jsonOf(slot, search.current)
    const node = json && nodeAt(json.root, path)
    return node?.kind === 'string' ? stringPieces(json!.text, node).length : 0
  }
  const combed = new Set<(typeof strings)[number]>()
  for (let level = 1; combed.size < strings.length && !search.exhausted(); level++) {
    for (const string of strings) {
      if (combed.has(string)) continue
      // Powers of two (see removeRuns): the longest up to half the string at level 1, halved at each level.
      const top = 2 ** Math.floor(Math.log2(Math.max(1, pieces(string) / 2)))
      const size = Math.max(1, Math.floor(top / 2 ** (level - 1)))
      if (size === 1) combed.add(string)
      for (let from = 0; from < pieces(string) && !search.exhausted(); ) {
        const cut = await attemptText(search, string.slot, string.path, (text, node) =>
          withoutPieces(text, node, from, size),
        )
        if (cut) progress = true
        else from += size
      }
    }
  }
  return progress
}

/** Drops headers, halves first then single ones: the inbound request's, then each outbound exchange's. */
const dropHeaders: Pass = async (search) => {
  type Lists = { get: (r: Recording) => HeaderList; set: (r: Recording, headers: HeaderList) => Recording }
  const lists: Lists[] = [
    {
      get: (r) => r.inbound.request.headers,
      set: (r, headers) => ({ ...r, inbound: { ...r.inbound, request: { ...r.inbound.request, headers } } }),
    },
  ]
  for (const [index] of search.current.outbound.entries()) {
    for (const side of ['request', 'response'] as const) {
      lists.push({
        get: (r) => r.outbound[index]![side].headers,
        set: (r, headers) =>
          updateOutbound(r, index, (exchange) => ({ ...exchange, [side]: { ...exchange[side], headers } })),
      })
    }
  }
  let progress = false
  for (const list of lists) {
    const dropped = await removeRuns(
      search,
      () => list.get(search.current).length,
      (start, count) =>
        search.attempt(
          list.set(
            search.current,
            list.get(search.current).filter((_, i) => i < start || i >= start + count),
          ),
        ),
    )
    progress ||= dropped
  }
  return progress
}

/**
 * Drops what production observed beyond the requests — its answer to the inbound request and the
 * recorded checkpoints — which no longer describe a shrunk recording; kept when the divergence reads them.
 */
const dropObserved: Pass = async (search) => {
  const { checkpoints: _checkpoints, ...r } = search.current
  const { body: _body, ...response } = r.inbound.response
  if (r.inbound.response.body === undefined && search.current.checkpoints === undefined) return false
  return search.attempt({ ...r, inbound: { ...r.inbound, response: { ...response, headers: [] } } })
}

const PASSES: readonly Pass[] = [dropOutbound, rechunk, dropObserved, dropHeaders, cutContainers, cutStrings]

/** Checks the slot's body with the node at `path` edited by `edit`, when it is smaller. */
async function attemptText(
  search: Search,
  slot: BodySlot,
  path: JsonPath,
  edit: (text: string, node: JsonNode) => string,
): Promise<boolean> {
  const json = jsonOf(slot, search.current)
  const node = json && nodeAt(json.root, path)
  if (!json || !node) return false
  const text = edit(json.text, node)
  if (text.length >= json.text.length) return false
  return search.attempt(slot.with(search.current, Buffer.from(text, 'utf8')))
}

function updateOutbound(
  recording: Recording,
  index: number,
  update: (exchange: Exchange) => Exchange,
): Recording {
  return {
    ...recording,
    outbound: recording.outbound.map((exchange, i) => (i === index ? update(exchange) : exchange)),
  }
}

/** True when the response's chunk sizes (if any) add up to its whole body: only then is it reshaped. */
function chunksFit(exchange: Exchange): boolean {
  const { body, chunks, incomplete } = exchange.response
  if (body?.truncated || incomplete !== undefined) return false
  return chunks === undefined || chunks.reduce((sum, c) => sum + c.size, 0) === (body?.size ?? 0)
}

/** New bytes for a body, keeping how it travelled (its Content-Encoding). */
function rebuilt(body: Body | undefined, bytes: Buffer): Body | undefined {
  if (bytes.byteLength === 0 && body === undefined) return undefined
  const next = bodyFromBytes(bytes)
  return body?.contentEncoding === undefined ? next : { ...next, contentEncoding: body.contentEncoding }
}

/** A content-length header, when there is one, stating the new length. */
function restateLength(headers: HeaderList, length: number): HeaderList {
  return headers.map(([name, value]) =>
    name.toLowerCase() === 'content-length' ? [name, String(length)] : [name, value],
  )
}

/**
 * The chunk timeline of `before` moved onto `after`, a copy of it with bytes removed in between: a
 * boundary in the unchanged beginning stays, one in the unchanged end moves with it, one inside the
 * cut goes to where the cut was. Never more chunks than before, sizes adding up to `after`.
 * @example refitChunks([{ offsetMs: 0, size: 3 }, { offsetMs: 1, size: 3 }], Buffer.from('abcdef'), Buffer.from('abef'))
 * // [{ offsetMs: 0, size: 2 }, { offsetMs: 1, size: 2 }]
 */
export function refitChunks(chunks: readonly Chunk[], before: Buffer, after: Buffer): Chunk[] | undefined {
  if (after.byteLength === 0) return undefined
  const common = Math.min(before.byteLength, after.byteLength)
  let prefix = 0
  while (prefix < common && before[prefix] === after[prefix]) prefix++
  let suffix = 0
  while (
    suffix < common - prefix &&
    before[before.byteLength - 1 - suffix] === after[after.byteLength - 1 - suffix]
  ) {
    suffix++
  }
  const removed = before.byteLength - after.byteLength
  const out: Chunk[] = []
  let end = 0
  let placed = 0
  for (const chunk of chunks) {
    end += chunk.size
    const moved = end <= prefix ? end : end >= before.byteLength - suffix ? end - removed : prefix
    const boundary = Math.min(after.byteLength, moved)
    if (boundary > placed) {
      out.push({ offsetMs: chunk.offsetMs, size: boundary - placed })
      placed = boundary
    }
  }
  const last = out.at(-1)
  if (placed < after.byteLength) {
    if (last) last.size += after.byteLength - placed
    else out.push({ offsetMs: chunks.at(-1)?.offsetMs ?? 0, size: after.byteLength })
  }
  return out
}
