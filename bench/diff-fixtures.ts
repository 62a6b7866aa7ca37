/**
 * The documents the diff benches compare: a ranked completion output like the copilot demo's `retrieve`
 * stage (≈ 370 bytes per item, deterministic), the same with planted changes, and their capture as the
 * tracer captures values (canonical-like JSON and its SHA-256).
 */
import { createHash } from 'node:crypto'
import type { CapturedValue } from '../src/pipeline/types.ts'

/** Items that make about 10 MB of canonical JSON (≈ 370 bytes each). */
export const ITEMS_10MB = 28_000
export const ITEMS_1MB = 2_800
export const CHANGES = 5
const HASH_SLICE = 1 << 20

const WORDS = ['parse', 'render', 'fetch', 'score', 'decode', 'retrieve', 'rank', 'stream', 'token', 'cache']
const KINDS = ['function', 'method', 'snippet', 'keyword', 'module', 'variable']

/** A deterministic generator (a linear congruential one), so every run benches the same bytes. */
function generator(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0
    return state / 2 ** 32
  }
}

/** A ranked completion output like the copilot demo's `retrieve` stage: suggestions with nested fields. */
export function makeOutput(count: number) {
  const random = generator(count)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!
  const items = Array.from({ length: count }, (_, index) => {
    const word = pick(WORDS)
    const line = Math.floor(random() * 2000)
    return {
      id: `sug-${index.toString(36).padStart(5, '0')}`,
      label: `${word}${pick(WORDS)}(${pick(WORDS)}: string)`,
      kind: pick(KINDS),
      score: Math.round(random() * 1e6) / 1e6,
      range: { start: { line, character: 4 }, end: { line, character: 4 + Math.floor(random() * 40) } },
      source: {
        file: `src/${pick(WORDS)}/${pick(WORDS)}-${index % 97}.ts`,
        line,
        commit: index.toString(16),
      },
      documentation: `Calls ${word} on the ${pick(WORDS)} result, returns its ${pick(WORDS)}.`,
      meta: { model: 'ranker-v3', tokens: Math.floor(random() * 900), cached: random() < 0.5 },
    }
  })
  return { items, model: 'ranker-v3', requestId: 'req-0001' }
}

export type Output = ReturnType<typeof makeOutput>

/** The same output with `CHANGES` leaf changes spread over the items (and one item inserted first). */
export function withChanges(output: Output, insert = false): unknown {
  const copy = structuredClone(output)
  if (insert) copy.items.unshift({ ...structuredClone(copy.items[0]!), id: 'sug-new', label: 'new()' })
  const step = Math.floor(copy.items.length / CHANGES)
  for (let change = 0; change < CHANGES; change++) {
    const item = copy.items[change * step + 7]!
    if (change === 0) item.score = -1
    if (change === 1) item.source.line += 1
    if (change === 2) item.documentation = `${item.documentation} (deprecated)`
    if (change === 3) item.meta.cached = !item.meta.cached
    if (change === 4) item.range.end.character += 2
  }
  return copy
}

/** Canonical-like JSON (sorted keys, code-unit order) and its SHA-256, as the tracer captures values. */
export function capture(value: unknown): CapturedValue {
  const json = JSON.stringify(value, (_key, node: unknown) => {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return node
    const record = node as Record<string, unknown>
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((key) => [key, record[key]]),
    )
  })
  return { json, digest: sha256(json) }
}

/**
 * SHA-256 of a text's UTF-8 bytes, fed in 1 MB slices (never splitting a surrogate pair). Node encodes a
 * string passed to `update` into one native buffer as big as the text; when that buffer comes fresh from
 * the OS each time, its page faults dominate: on the bench VM a 14 MB text hashed in 62 ms whole and in
 * 10 ms sliced (at 10 MB both were 14 ms in most runs, hence the two rows in the table).
 */
export function sha256(text: string): string {
  const hash = createHash('sha256')
  for (let start = 0; start < text.length; ) {
    let end = Math.min(text.length, start + HASH_SLICE)
    const last = text.charCodeAt(end - 1)
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--
    hash.update(text.slice(start, end))
    start = end
  }
  return hash.digest('hex')
}
