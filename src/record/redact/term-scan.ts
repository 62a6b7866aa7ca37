/**
 * Looking for many terms at once in one pass over a byte string (one char per byte): the test every
 * recorded body goes through before redaction (is it free of every rule's literals and of every secret
 * name?), so its speed is the recorder's speed on clean traffic. Aho–Corasick automata as dense tables,
 * one step per byte and no allocation: ≈ 2 ns a byte, where the regular expressions it replaced (a
 * literal alternation, then a name alternation over a lower-cased copy) took ≈ 6.
 */

/** Symbols of the normalized alphabet: 0–9, a–z (either case), and 36 for every other byte (skipped). */
const NORMALIZED = new Uint8Array(256).fill(36)
for (let code = 48; code <= 57; code++) NORMALIZED[code] = code - 48
for (let code = 97; code <= 122; code++) NORMALIZED[code] = code - 97 + 10
for (let code = 65; code <= 90; code++) NORMALIZED[code] = code - 65 + 10
/** Rows of the normalized table are 64 wide, so a row starts at `state << 6`. */
const NORMALIZED_SHIFT = 6

/** Above this many states in a table (4 MiB for the exact one), a dense table costs too much memory. */
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
 * tables (over 4,096 states): the caller then searches another way.
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
  return (text) =>
    text.length < SHORT_TEXT || WIDE.test(text) ? scanChars(text, tables) : scanByteString(text, tables)
}

interface Tables {
  raw: Int32Array
  rawFound: number
  folded: Int32Array
  foldedFound: number
}

/** Shorter texts (a header value) are read a character at a time: copying them costs more than it saves. */
const SHORT_TEXT = 64
/** A character no byte string holds (V8 answers this at once for a string it stores one byte a character). */
export const WIDE = /[^\x00-\xff]/
/** Byte strings are scanned as bytes, copied into this a window at a time (a copy costs next to nothing). */
const WINDOW_BYTES = 64 * 1024
const windowBytes = Buffer.allocUnsafe(WINDOW_BYTES)
/** The two automata's states, carried from one window to the next. */
const states = new Int32Array(2)

/**
 * The scan of a byte string, as bytes: reading a string's characters in a loop costs twice as much as
 * reading a Buffer's bytes (more for a string built by concatenation, as a response body often is).
 */
function scanByteString(text: string, tables: Tables): boolean {
  states[0] = 0
  states[1] = 0
  for (let start = 0; start < text.length; start += WINDOW_BYTES) {
    const piece = text.length <= WINDOW_BYTES ? text : text.slice(start, start + WINDOW_BYTES)
    scanBytes(windowBytes, windowBytes.write(piece, 0, 'latin1'), tables.raw, tables.folded, states)
    if (states[0] === tables.rawFound || states[1] === tables.foldedFound) return true
  }
  return false
}

/**
 * Runs both automata over `length` bytes from `states`, leaving their states there. A module-level
 * function taking its tables as arguments: V8 compiles its loop to about 2 ns a byte (each step waits
 * for the previous one's table read), where the same loop over a closure's tables takes half as long
 * again.
 */
function scanBytes(
  bytes: Uint8Array,
  length: number,
  raw: Int32Array,
  folded: Int32Array,
  states: Int32Array,
): void {
  let a = states[0]!
  let b = states[1]!
  for (let i = 0; i < length; i++) {
    const byte = bytes[i]!
    a = raw[a | byte]!
    b = folded[b | NORMALIZED[byte]!]!
  }
  states[0] = a
  states[1] = b
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
