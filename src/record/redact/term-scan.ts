/**
 * Looking for many terms at once in one pass over a byte string (one char per byte): the test every
 * recorded body goes through before redaction (is it free of every rule's literals and of every secret
 * name?), so its speed is the recorder's speed on clean traffic. Two Aho–Corasick automata (exact terms
 * over bytes, normalized terms over letters and digits) as dense tables, merged into one automaton over
 * bytes: a step is one table read. Each step waits for the one before, so a long text is cut in four
 * lanes walked side by side (each lane starting far enough back to be in the state one pass would
 * be in), reading four bytes at a time: ≈ 0.6 ns a byte, where one lane takes ≈ 2 and the regular
 * expressions this replaced ≈ 6.
 */

/** Symbols of the normalized alphabet: 0–9, a–z (either case), and 36 for every other byte (skipped). */
const NORMALIZED = new Uint8Array(256).fill(36)
for (let code = 48; code <= 57; code++) NORMALIZED[code] = code - 48
for (let code = 97; code <= 122; code++) NORMALIZED[code] = code - 97 + 10
for (let code = 65; code <= 90; code++) NORMALIZED[code] = code - 65 + 10
/** Rows of the normalized table are 64 wide, so a row starts at `state << 6`. */
const NORMALIZED_SHIFT = 6

/**
 * Above this many states in a table (4 MiB for the exact one, 2 MiB for the merged one), a dense table
 * costs too much memory.
 */
const MAX_STATES = 4096

/**
 * The terms to look for: `exact` as they are (case-sensitive), `normalized` in the text's letters and
 * digits, lower-cased, with everything else dropped (`API-Key` holds `apikey`). Normalized terms must be
 * lower-case letters and digits only.
 * @example { exact: ['eyJ', '%'], normalized: ['password', 'token'] }
 */
export interface ScanTerms {
  exact: readonly string[]
  normalized: readonly string[]
}

/**
 * Builds the scan of a term list: a function true when `text` holds a term. A term with a character
 * above 255 can never occur in a byte string and is left out; a character above 255 in the text breaks
 * an exact term and is skipped by the normalized ones. Undefined for a term list too large for dense
 * tables (over 4,096 states in either automaton or in the two merged): the caller then searches another way.
 * @example termScan({ exact: ['eyJ'], normalized: ['apikey'] })?.('{"API_Key":1}') // true
 */
export function termScan(terms: ScanTerms): ((text: string) => boolean) | undefined {
  const exact = terms.exact.filter((term) => term !== '' && ![...term].some((ch) => ch.charCodeAt(0) > 255))
  for (const term of terms.normalized) {
    if (!/^[a-z0-9]+$/.test(term)) {
      throw new Error(
        `Failed to build a term scan: normalized term ${JSON.stringify(term)} holds more than a-z and 0-9.`,
      )
    }
  }
  if (exact.length === 0 && terms.normalized.length === 0) return () => false
  const raw = automaton(
    exact.map((term) => Array.from(term, (ch) => ch.charCodeAt(0))),
    8,
  )
  const folded = automaton(
    terms.normalized.map((term) => Array.from(term, (ch) => NORMALIZED[ch.charCodeAt(0)]!)),
    NORMALIZED_SHIFT,
  )
  if (raw === undefined || folded === undefined) return undefined
  // Bytes outside the normalized alphabet leave a normalized state as it is.
  for (let state = 0; state <= folded.found >> NORMALIZED_SHIFT; state++) {
    folded.table[(state << NORMALIZED_SHIFT) | 36] = state << NORMALIZED_SHIFT
  }
  const tables: Tables = {
    raw: raw.table,
    rawFound: raw.found,
    folded: folded.table,
    foldedFound: folded.found,
  }
  const merged = mergedAutomaton(tables)
  if (merged === undefined) return undefined
  // A term is at most this long: an automaton's state depends on no more of the text before it.
  const spans: Spans = {
    bytes: Math.max(0, ...exact.map((term) => term.length - 1)),
    letters: Math.max(0, ...terms.normalized.map((term) => term.length - 1)),
  }
  return (text) =>
    text.length < SHORT_TEXT || WIDE.test(text)
      ? scanChars(text, tables)
      : scanByteString(text, merged, spans)
}

interface Tables {
  raw: Int32Array
  rawFound: number
  folded: Int32Array
  foldedFound: number
}

/**
 * Both automata as one over bytes: `next[(state << 8) | byte]`, state 0 the start; `found` (entered when
 * either automaton finds a term) never left.
 */
interface MergedAutomaton {
  next: Uint16Array
  found: number
}

/**
 * How far back a lane starts: the last `bytes` bytes (for the exact terms) and the last `letters`
 * letters and digits (for the normalized ones) fix both automata's states.
 */
interface Spans {
  bytes: number
  letters: number
}

/** Shorter texts (a header value) are read a character at a time: copying them costs more than it saves. */
const SHORT_TEXT = 64
/** A character no byte string holds (V8 answers this at once for a string it stores one byte a character). */
export const WIDE = /[^\x00-\xff]/
/** Byte strings are scanned as bytes, copied into this a window at a time (a copy costs next to nothing). */
const WINDOW_BYTES = 64 * 1024
const windowBytes = Buffer.from(new ArrayBuffer(WINDOW_BYTES))
/** The same window read four bytes at a time: one load, where four cost four bounds checks. */
const windowWords = new Uint32Array(windowBytes.buffer)
/**
 * Words hold their first byte lowest (x64, arm64): the lanes read them so. Elsewhere (s390x) a window
 * is walked in one lane, a byte at a time.
 */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1
/** Bytes below this are walked in one lane: starting four costs more than it saves. */
const LANES_FROM = 256

/**
 * The scan of a byte string, as bytes: reading a string's characters in a loop costs twice as much as
 * reading a Buffer's bytes (more for a string built by concatenation, as a response body often is).
 */
function scanByteString(text: string, merged: MergedAutomaton, spans: Spans): boolean {
  let state = 0
  for (let start = 0; start < text.length; start += WINDOW_BYTES) {
    const piece = text.length <= WINDOW_BYTES ? text : text.slice(start, start + WINDOW_BYTES)
    const length = windowBytes.write(piece, 0, 'latin1')
    state = LITTLE_ENDIAN
      ? scanWindow(windowBytes, windowWords, length, state, merged, spans)
      : scanOneLane(windowBytes, length, state, merged.next)
    if (state === merged.found) return true
  }
  return false
}

/**
 * Runs the merged automaton over the window's first `length` bytes from `state`; its state after them.
 * A module-level function taking its tables as arguments: V8 compiles its loops tighter than over a
 * closure's tables.
 */
function scanWindow(
  bytes: Uint8Array,
  words: Uint32Array,
  length: number,
  state: number,
  { next, found }: MergedAutomaton,
  spans: Spans,
): number {
  if (length < LANES_FROM) return scanOneLane(bytes, length, state, next)
  // Lane k ends where lane k + 1's own part begins (a whole number of words); lanes 1–3 start from
  // state 0 far enough back, at a word, or from `state` at the window's start when it is not that far in.
  const part = (length >> 4) << 2
  const p1 = laneStart(bytes, part, spans) & ~3
  const p2 = laneStart(bytes, 2 * part, spans) & ~3
  const p3 = laneStart(bytes, 3 * part, spans) & ~3
  let s0 = state
  let s1 = p1 === 0 ? state : 0
  let s2 = p2 === 0 ? state : 0
  let s3 = p3 === 0 ? state : 0
  // Lane 0 is the shortest: the others start back. (Reading any module constant in this function,
  // such as the byte order, made V8 compile the loop a third slower.)
  const steps = part >> 2
  const q1 = p1 >> 2
  const q2 = p2 >> 2
  const q3 = p3 >> 2
  for (let i = 0; i < steps; i++) {
    const w0 = words[i]!
    const w1 = words[q1 + i]!
    const w2 = words[q2 + i]!
    const w3 = words[q3 + i]!
    s0 = next[(s0 << 8) | (w0 & 255)]!
    s1 = next[(s1 << 8) | (w1 & 255)]!
    s2 = next[(s2 << 8) | (w2 & 255)]!
    s3 = next[(s3 << 8) | (w3 & 255)]!
    s0 = next[(s0 << 8) | ((w0 >>> 8) & 255)]!
    s1 = next[(s1 << 8) | ((w1 >>> 8) & 255)]!
    s2 = next[(s2 << 8) | ((w2 >>> 8) & 255)]!
    s3 = next[(s3 << 8) | ((w3 >>> 8) & 255)]!
    s0 = next[(s0 << 8) | ((w0 >>> 16) & 255)]!
    s1 = next[(s1 << 8) | ((w1 >>> 16) & 255)]!
    s2 = next[(s2 << 8) | ((w2 >>> 16) & 255)]!
    s3 = next[(s3 << 8) | ((w3 >>> 16) & 255)]!
    s0 = next[(s0 << 8) | (w0 >>> 24)]!
    s1 = next[(s1 << 8) | (w1 >>> 24)]!
    s2 = next[(s2 << 8) | (w2 >>> 24)]!
    s3 = next[(s3 << 8) | (w3 >>> 24)]!
  }
  for (let i = p1 + part; i < 2 * part; i++) s1 = next[(s1 << 8) | bytes[i]!]!
  for (let i = p2 + part; i < 3 * part; i++) s2 = next[(s2 << 8) | bytes[i]!]!
  for (let i = p3 + part; i < length; i++) s3 = next[(s3 << 8) | bytes[i]!]!
  return s0 === found || s1 === found || s2 === found ? found : s3
}

/** Runs the merged automaton over `length` bytes from `state`, one at a time; its state after them. */
function scanOneLane(bytes: Uint8Array, length: number, state: number, next: Uint16Array): number {
  let s = state
  for (let i = 0; i < length; i++) s = next[(s << 8) | bytes[i]!]!
  return s
}

/** Where a lane whose own part begins at `at` starts: back by the spans, or at 0. */
function laneStart(bytes: Uint8Array, at: number, spans: Spans): number {
  let start = at
  let letters = 0
  while (start > 0 && (at - start < spans.bytes || letters < spans.letters)) {
    start--
    if (NORMALIZED[bytes[start]!] !== 36) letters++
  }
  return start
}

/** The scan of any text: a character above 255 breaks an exact term and is skipped by the normalized ones. */
function scanChars(text: string, tables: Tables): boolean {
  let a = 0
  let b = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code > 255) {
      if (a !== tables.rawFound) a = 0
      continue
    }
    a = tables.raw[a | code]!
    b = tables.folded[b | NORMALIZED[code]!]!
  }
  return a === tables.rawFound || b === tables.foldedFound
}

/**
 * The exact and normalized automata run together as one automaton over bytes, its states the pairs of
 * theirs that a text can reach (a few hundred for the recorder's terms). Undefined past
 * {@link MAX_STATES}.
 */
function mergedAutomaton(tables: Tables): MergedAutomaton | undefined {
  const { raw, rawFound, folded, foldedFound } = tables
  // Pair (raw, folded) → its state; both are row starts, at most 2^20 and 2^18.
  const ids = new Map<number, number>([[0, 0]])
  const pairs = [0, 0]
  const rows: Int32Array[] = []
  for (let head = 0; head < pairs.length; head += 2) {
    const a = pairs[head]!
    const b = pairs[head + 1]!
    // -1: a term found.
    const row = new Int32Array(256)
    for (let byte = 0; byte < 256; byte++) {
      const nextA = raw[a | byte]!
      const nextB = folded[b | NORMALIZED[byte]!]!
      if (nextA === rawFound || nextB === foldedFound) {
        row[byte] = -1
        continue
      }
      const pair = nextA * 2 ** 18 + nextB
      let id = ids.get(pair)
      if (id === undefined) {
        id = ids.size
        if (id >= MAX_STATES) return undefined
        ids.set(pair, id)
        pairs.push(nextA, nextB)
      }
      row[byte] = id
    }
    rows.push(row)
  }
  const found = rows.length
  const next = new Uint16Array((found + 1) << 8).fill(found)
  for (const [state, row] of rows.entries()) {
    for (let byte = 0; byte < 256; byte++) next[(state << 8) | byte] = row[byte] === -1 ? found : row[byte]!
  }
  return { next, found }
}

/**
 * The dense automaton of `terms` (sequences of symbols below `1 << shift`): `table[state | symbol]` is
 * the next state, states stored shifted left by `shift` (a row's start), and `found` the state entered
 * when any term ends, which it never leaves. Undefined past {@link MAX_STATES}.
 */
function automaton(
  terms: readonly (readonly number[])[],
  shift: number,
): { table: Int32Array; found: number } | undefined {
  const width = 1 << shift
  // The trie: children[state][symbol], -1 for none.
  const children: Int32Array[] = [new Int32Array(width).fill(-1)]
  const ends: boolean[] = [false]
  for (const term of terms) {
    let state = 0
    for (const symbol of term) {
      let next = children[state]![symbol]!
      if (next === -1) {
        next = children.length
        if (next >= MAX_STATES) return undefined
        children[state]![symbol] = next
        children.push(new Int32Array(width).fill(-1))
        ends.push(false)
      }
      state = next
    }
    ends[state] = true
  }
  // Breadth first, each state's moves are its children's, or else its longest proper suffix's moves.
  const states = children.length
  const next = new Int32Array(states * width)
  const suffix = new Int32Array(states)
  const queue: number[] = []
  for (let symbol = 0; symbol < width; symbol++) {
    const child = children[0]![symbol]!
    next[symbol] = child === -1 ? 0 : child
    if (child !== -1) queue.push(child)
  }
  for (let head = 0; head < queue.length; head++) {
    const state = queue[head]!
    if (ends[suffix[state]!]) ends[state] = true
    for (let symbol = 0; symbol < width; symbol++) {
      const child = children[state]![symbol]!
      const fallback = next[suffix[state]! * width + symbol]!
      if (child === -1) {
        next[state * width + symbol] = fallback
      } else {
        suffix[child] = fallback
        next[state * width + symbol] = child
        queue.push(child)
      }
    }
  }
  // Entering a state where a term ends goes to `found` instead, which loops on itself.
  const found = states
  const table = new Int32Array((states + 1) * width)
  for (let index = 0; index < states * width; index++) {
    const target = next[index]!
    table[index] = (ends[target] ? found : target) << shift
  }
  table.fill(found << shift, states * width)
  return { table, found: found << shift }
}
