/**
 * A mask's global search in time linear in the text, whatever the text, with the matches a backtracking
 * engine finds (leftmost, then the first way in the pattern's order of preference: greedy before lazy,
 * left alternative before right). For masks that V8's usual engine could run in super-linear time (see
 * noise-mask.ts and docs/decisions/0005-noise-rules.md).
 *
 * How. The pattern becomes a Thompson automaton: states that read one character, that split two ways in
 * order of preference, that assert `^ $ \b \B`, and one that accepts. A search makes one pass from the
 * end of the text to its start, finding at every position the set of states from which the rest of the
 * text can reach acceptance; those sets are the rows of a deterministic table built when the mask is
 * compiled (every set any text can meet, so a position costs one lookup; a pattern whose table would pass
 * {@link MAX_ROWS} rows is refused). Then each match is a walk forward: from the first position whose set
 * holds the start state, take at every split the preferred way that can still reach acceptance — the
 * path a backtracking engine settles on, found without backtracking. The pass reads each position once and
 * the walks at most once more (matches do not overlap). V8's own linear-time engine (`l` flag) takes
 * ≈ 100–140 ns a character, and quadratic time over a global search (`a+b|a` on 10 KB of `a`: 2.6 s, as
 * each match rescans the text to its end); this takes ≈ 10–25 ns.
 */
import type { AST } from '@eslint-community/regexpp'

/** Why a pattern cannot run on the automaton (the caller words the message). */
export interface AutomatonBlocker {
  kind: 'backreference' | 'lookaround' | 'unicode' | 'modifiers' | 'empty-repeat' | 'size' | 'other'
  /** The piece of the pattern at fault, as written. */
  raw: string
}

/** A pattern compiled for {@link automatonReplace}; `blocker` when it cannot be. */
export type AutomatonResult =
  | { automaton: MaskAutomaton; blocker?: undefined }
  | { automaton?: undefined; blocker: AutomatonBlocker }

/**
 * The most states an automaton may have: a mask's counts are copied (`x{16}` is 16 states), and each set
 * of its table is computed over them when the mask is compiled. `[0-9a-f]{8}-…{12}` needs 37.
 */
const MAX_STATES = 2_000

/**
 * The most rows of a table (sets of states a text can meet). Patterns that count over a piece that can
 * also be what follows it (`x[ab]{15}a[ab]*`, `(?:\w+\s){16}z`) meet up to 2^16 sets and are refused:
 * computed a position at a time instead, those took 30–40 ms per 100 KB.
 */
const MAX_ROWS = 4_096

/** The most cells of a table (rows × classes × what lies left), 16 MiB: the work of building it too. */
const MAX_CELLS = 1 << 22

// State kinds.
const CHAR = 0
const SPLIT = 1
const ASSERT = 2
const ACCEPT = 3

// Assertions.
const LINE_START = 0
const LINE_END = 1
const WORD_BOUNDARY = 2
const NOT_WORD_BOUNDARY = 3

// What lies beside a position, as assertions see it.
const EDGE = 0
const WORD = 1
const LINE = 2
const OTHER = 3

/** A pattern's automaton, with the alphabet cut into the classes its character sets tell apart. */
interface Nfa {
  readonly size: number
  readonly start: number
  readonly accept: number
  readonly kind: Uint8Array
  /** CHAR: the next state; SPLIT: the preferred way; ASSERT: the next state. */
  readonly out1: Int32Array
  /** SPLIT: the other way; ASSERT: which assertion; CHAR: its set's row in `accepts`. */
  readonly out2: Int32Array
  readonly multiline: boolean
  /** Each UTF-16 code unit's class. */
  readonly classOf: Uint16Array
  readonly classes: number
  /** Each class's kind for assertions (WORD, LINE or OTHER). */
  readonly classKind: Uint8Array
  /** `accepts[set * classes + class]`: whether a CHAR state's set holds the class. */
  readonly accepts: Uint8Array
  /**
   * The CHAR states leading to each state `s`: `readers[readersFrom[s]]` to `readers[readersFrom[s + 1] - 1]`;
   * the SPLIT and ASSERT states likewise in `leaders`.
   */
  readonly readersFrom: Int32Array
  readonly readers: Int32Array
  readonly leadersFrom: Int32Array
  readonly leaders: Int32Array
}

/** A compiled mask: its automaton and the table of the sets of states a text can meet. */
export interface MaskAutomaton {
  readonly nfa: Nfa
  /** Words of `bits` per row. */
  readonly words: number
  /** The rows, `words` each: bit `s` says state `s` can reach acceptance from the row's positions. */
  readonly bits: Uint32Array
  /** 4 when assertions look at what lies left of a position, 1 when nothing does. */
  readonly sides: number
  /** `steps[(row * classes + class) * sides + left]`: the row one position before. */
  readonly steps: Int32Array
  /** The row at the end of a text, by what lies left of the end. */
  readonly ends: Int32Array
  readonly rows: number
}

type Ranges = Array<[number, number]>

const WORD_RANGES: Ranges = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a],
]
const LINE_RANGES: Ranges = [
  [0x0a, 0x0a],
  [0x0d, 0x0d],
  [0x2028, 0x2029],
]
const DIGIT_RANGES: Ranges = [[0x30, 0x39]]
// What `\s` matches (ECMAScript WhiteSpace and LineTerminator).
const SPACE_RANGES: Ranges = [
  [0x09, 0x0d],
  [0x20, 0x20],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
]

class Blocked extends Error {
  readonly blocker: AutomatonBlocker
  constructor(blocker: AutomatonBlocker) {
    super(blocker.kind)
    this.blocker = blocker
  }
}

/**
 * Compiles a parsed pattern (no `i`: the caller spells both cases; `m` and `s` as `flags` say) into an
 * automaton, or says what keeps it off one: backreferences, lookarounds, the `u` flag, modifiers,
 * an optional repetition of a piece that can match the empty string (a backtracking engine refuses such a
 * turn when it reads nothing, and then tries the piece's other ways: `(?:a|b??)?` matches `b`), or
 * more than {@link MAX_STATES} states or {@link MAX_ROWS} sets of them in its table.
 * @example compileAutomaton(new RegExpParser().parsePattern('<[^>]+>'), '').automaton?.rows // 4
 */
export function compileAutomaton(pattern: AST.Pattern, flags: string): AutomatonResult {
  if (flags.includes('u')) return { blocker: { kind: 'unicode', raw: 'u' } }
  const kinds: number[] = []
  const out1: number[] = []
  const out2: number[] = []
  const sets: Ranges[] = []
  const add = (kind: number, first: number, second: number): number => {
    if (kinds.length >= MAX_STATES) throw new Blocked({ kind: 'size', raw: pattern.raw })
    kinds.push(kind)
    out1.push(first)
    out2.push(second)
    return kinds.length - 1
  }
  const read = (ranges: Ranges, next: number) => {
    sets.push(ranges)
    return add(CHAR, next, sets.length - 1)
  }
  const dotAll = flags.includes('s')
  // Each node is compiled in front of what follows it (`next`), so no state is patched later but loops.
  const compile = (node: AST.Node, next: number): number => {
    switch (node.type) {
      case 'Character':
        return read(normalize([[node.value, node.value]]), next)
      case 'CharacterSet':
      case 'CharacterClass':
        return read(characterRanges(node, dotAll), next)
      case 'Alternative': {
        let at = next
        for (let index = node.elements.length - 1; index >= 0; index--)
          at = compile(node.elements[index]!, at)
        return at
      }
      case 'Group':
      case 'CapturingGroup':
      case 'Pattern': {
        if (node.type === 'Group' && node.modifiers !== null) {
          throw new Blocked({ kind: 'modifiers', raw: node.raw })
        }
        let at = compile(node.alternatives.at(-1)!, next)
        for (let index = node.alternatives.length - 2; index >= 0; index--) {
          at = add(SPLIT, compile(node.alternatives[index]!, next), at)
        }
        return at
      }
      case 'Quantifier': {
        if (node.max > node.min && matchesEmpty(node.element))
          throw new Blocked({ kind: 'empty-repeat', raw: node.raw })
        const ways = (body: number, skip: number) =>
          node.greedy ? add(SPLIT, body, skip) : add(SPLIT, skip, body)
        let at = next
        if (node.max === Number.POSITIVE_INFINITY) {
          const loop = add(SPLIT, -1, -1)
          const body = compile(node.element, loop)
          out1[loop] = node.greedy ? body : next
          out2[loop] = node.greedy ? next : body
          at = loop
        } else {
          for (let optional = node.max - node.min; optional > 0; optional--)
            at = ways(compile(node.element, at), next)
        }
        for (let copy = 0; copy < node.min; copy++) at = compile(node.element, at)
        return at
      }
      case 'Assertion':
        if (node.kind === 'lookahead' || node.kind === 'lookbehind') {
          throw new Blocked({ kind: 'lookaround', raw: node.raw })
        }
        if (node.kind === 'word') return add(ASSERT, next, node.negate ? NOT_WORD_BOUNDARY : WORD_BOUNDARY)
        return add(ASSERT, next, node.kind === 'start' ? LINE_START : LINE_END)
      case 'Backreference':
        throw new Blocked({ kind: 'backreference', raw: node.raw })
      default:
        throw new Blocked({ kind: 'other', raw: node.raw })
    }
  }
  let start: number
  let accept: number
  try {
    accept = add(ACCEPT, -1, -1)
    start = compile(pattern, accept)
  } catch (error) {
    if (error instanceof Blocked) return { blocker: error.blocker }
    throw error
  }
  const { classOf, classes, classKind } = alphabet(sets)
  const accepts = new Uint8Array(sets.length * classes)
  sets.forEach((ranges, set) => {
    // Every range starts and ends at a cut of the alphabet: it covers whole classes, in order.
    for (const [low, high] of ranges) {
      for (let cls = classOf[low]!; cls <= classOf[high]!; cls++) accepts[set * classes + cls] = 1
    }
  })
  const size = kinds.length
  const charPredecessors: number[][] = Array.from({ length: size }, () => [])
  const emptyPredecessors: number[][] = Array.from({ length: size }, () => [])
  for (let state = 0; state < size; state++) {
    if (kinds[state] === CHAR) charPredecessors[out1[state]!]!.push(state)
    else if (kinds[state] === SPLIT) {
      emptyPredecessors[out1[state]!]!.push(state)
      if (out2[state] !== out1[state]) emptyPredecessors[out2[state]!]!.push(state)
    } else if (kinds[state] === ASSERT) emptyPredecessors[out1[state]!]!.push(state)
  }
  const nfa: Nfa = {
    size,
    start,
    accept,
    kind: Uint8Array.from(kinds),
    out1: Int32Array.from(out1),
    out2: Int32Array.from(out2),
    multiline: flags.includes('m'),
    classOf,
    classes,
    classKind,
    accepts,
    ...flatten('readers', charPredecessors),
    ...flatten('leaders', emptyPredecessors),
  }
  const automaton = tabulate(nfa, kinds.includes(ASSERT) ? 4 : 1)
  return automaton === undefined ? { blocker: { kind: 'size', raw: pattern.raw } } : { automaton }
}

/** Lists of states by state, as one array and where each state's list starts (`<name>From`). */
function flatten<Name extends string>(
  name: Name,
  lists: number[][],
): Record<Name, Int32Array> & Record<`${Name}From`, Int32Array> {
  const from = new Int32Array(lists.length + 1)
  lists.forEach((list, state) => {
    from[state + 1] = from[state]! + list.length
  })
  return { [name]: Int32Array.from(lists.flat()), [`${name}From`]: from } as Record<Name, Int32Array> &
    Record<`${Name}From`, Int32Array>
}

/** Whether a node can match without reading a character. */
export function matchesEmpty(node: AST.Node): boolean {
  switch (node.type) {
    case 'Character':
    case 'CharacterSet':
    case 'CharacterClass':
    case 'ExpressionCharacterClass':
      return false
    case 'Quantifier':
      return node.min === 0 || matchesEmpty(node.element)
    case 'Alternative':
      return node.elements.every(matchesEmpty)
    case 'Group':
    case 'CapturingGroup':
    case 'Pattern':
      return node.alternatives.some(matchesEmpty)
    default:
      // Assertions, lookarounds, backreferences (which can match '' when their group did).
      return true
  }
}

/** The code units a character set or class matches, as sorted ranges (non-`u`: units, not code points). */
function characterRanges(node: AST.CharacterSet | AST.CharacterClass, dotAll: boolean): Ranges {
  if (node.type === 'CharacterSet') {
    switch (node.kind) {
      case 'any':
        return dotAll ? [[0, 0xffff]] : complement(LINE_RANGES)
      case 'digit':
        return node.negate ? complement(DIGIT_RANGES) : DIGIT_RANGES
      case 'space':
        return node.negate ? complement(SPACE_RANGES) : SPACE_RANGES
      case 'word':
        return node.negate ? complement(WORD_RANGES) : WORD_RANGES
      default:
        throw new Blocked({ kind: 'other', raw: node.raw })
    }
  }
  const ranges: Ranges = []
  for (const element of node.elements) {
    if (element.type === 'Character') ranges.push([element.value, element.value])
    else if (element.type === 'CharacterClassRange') ranges.push([element.min.value, element.max.value])
    else if (element.type === 'CharacterSet') ranges.push(...characterRanges(element, dotAll))
    else throw new Blocked({ kind: 'other', raw: element.raw })
  }
  const merged = normalize(ranges)
  return node.negate ? complement(merged) : merged
}

function normalize(ranges: Ranges): Ranges {
  const sorted = ranges
    .map(([low, high]): [number, number] => [low, Math.min(high, 0xffff)])
    .filter(([low, high]) => low <= high)
    .sort((a, b) => a[0] - b[0])
  const merged: Ranges = []
  for (const [low, high] of sorted) {
    const last = merged.at(-1)
    if (last !== undefined && low <= last[1] + 1) last[1] = Math.max(last[1], high)
    else merged.push([low, high])
  }
  return merged
}

function complement(ranges: Ranges): Ranges {
  const out: Ranges = []
  let from = 0
  for (const [low, high] of normalize(ranges)) {
    if (low > from) out.push([from, low - 1])
    from = high + 1
  }
  if (from <= 0xffff) out.push([from, 0xffff])
  return out
}

/**
 * The alphabet cut at every boundary of the pattern's sets and of the word and line-terminator
 * characters, so that every unit of a class is read alike by every state and assertion.
 */
function alphabet(sets: Ranges[]): { classOf: Uint16Array; classes: number; classKind: Uint8Array } {
  const cuts = new Set<number>([0, 0x10000])
  for (const ranges of [...sets, WORD_RANGES, LINE_RANGES]) {
    for (const [low, high] of ranges) {
      cuts.add(low)
      cuts.add(high + 1)
    }
  }
  const bounds = [...cuts].sort((a, b) => a - b)
  const classOf = new Uint16Array(0x10000)
  const classKind = new Uint8Array(bounds.length - 1)
  const isIn = (ranges: Ranges, unit: number) => ranges.some(([low, high]) => unit >= low && unit <= high)
  for (let cls = 0; cls + 1 < bounds.length; cls++) {
    classOf.fill(cls, bounds[cls], bounds[cls + 1])
    const first = bounds[cls]!
    classKind[cls] = isIn(WORD_RANGES, first) ? WORD : isIn(LINE_RANGES, first) ? LINE : OTHER
  }
  return { classOf, classes: bounds.length - 1, classKind }
}

function holds(assertion: number, left: number, right: number, multiline: boolean): boolean {
  switch (assertion) {
    case LINE_START:
      return left === EDGE || (multiline && left === LINE)
    case LINE_END:
      return right === EDGE || (multiline && right === LINE)
    case WORD_BOUNDARY:
      return (left === WORD) !== (right === WORD)
    default:
      return (left === WORD) === (right === WORD)
  }
}

/**
 * The table of every set of states a text can meet: from the sets at the end of a text (one for each
 * kind of character left of it), each set's set one position before, for every class read there and
 * every kind left of that. Undefined past {@link MAX_ROWS} rows or {@link MAX_CELLS} cells.
 */
function tabulate(nfa: Nfa, sides: number): MaskAutomaton | undefined {
  const {
    size,
    accept,
    kind,
    out2,
    classes,
    classKind,
    accepts,
    readersFrom,
    readers,
    leadersFrom,
    leaders,
  } = nfa
  const words = (size + 31) >>> 5
  let bits = new Uint32Array(words * 16)
  let rows = 0
  const interned = new Map<string, number>()
  const marked = new Uint8Array(size)
  // The states found, in the order found; each is then searched for the states leading to it.
  const found = new Int32Array(size)
  /**
   * The row of a position: acceptance; the states reading the class there into a state of the next
   * position's row (`next`, -1 at the end of the text); and, through splits and assertions (which hold or
   * not by `left` and the class), every state leading to those without reading. -1 past the bounds.
   */
  const rowBefore = (next: number, cls: number, left: number): number => {
    marked.fill(0)
    marked[accept] = 1
    found[0] = accept
    let count = 1
    for (let word = 0; next >= 0 && word < words; word++) {
      let set = bits[next * words + word]!
      while (set !== 0) {
        const low = set & -set
        set ^= low
        const state = (word << 5) + 31 - Math.clz32(low)
        for (let index = readersFrom[state]!, end = readersFrom[state + 1]!; index < end; index++) {
          const reader = readers[index]!
          if (marked[reader] === 1 || accepts[out2[reader]! * classes + cls] === 0) continue
          marked[reader] = 1
          found[count++] = reader
        }
      }
    }
    const right = cls < 0 ? EDGE : classKind[cls]!
    for (let searched = 0; searched < count; searched++) {
      const state = found[searched]!
      for (let index = leadersFrom[state]!, end = leadersFrom[state + 1]!; index < end; index++) {
        const before = leaders[index]!
        if (marked[before] === 1) continue
        if (kind[before] === ASSERT && !holds(out2[before]!, left, right, nfa.multiline)) continue
        marked[before] = 1
        found[count++] = before
      }
    }
    const members = found.subarray(0, count)
    const key = members.slice().sort().join(',')
    const known = interned.get(key)
    if (known !== undefined) return known
    if (rows === MAX_ROWS || (rows + 1) * classes * sides > MAX_CELLS) return -1
    const row = rows++
    if (rows * words > bits.length) {
      const grown = new Uint32Array(bits.length * 2)
      grown.set(bits)
      bits = grown
    }
    for (const state of members) bits[row * words + (state >>> 5)]! |= 1 << (state & 31)
    interned.set(key, row)
    return row
  }
  const ends = new Int32Array(sides)
  for (let left = 0; left < sides; left++) {
    ends[left] = rowBefore(-1, -1, left)
    if (ends[left]! < 0) return undefined
  }
  let steps = new Int32Array(16 * classes * sides)
  for (let row = 0; row < rows; row++) {
    if (rows * classes * sides > steps.length) {
      const grown = new Int32Array(Math.min(steps.length * 2, MAX_CELLS))
      grown.set(steps)
      steps = grown
    }
    for (let cls = 0; cls < classes; cls++) {
      for (let left = 0; left < sides; left++) {
        const before = rowBefore(row, cls, left)
        if (before < 0) return undefined
        steps[(row * classes + cls) * sides + left] = before
      }
    }
  }
  return { nfa, words, bits, sides, steps, ends, rows }
}

/**
 * `text` with every match of the automaton's pattern replaced by `replacement` (taken as it is: no `$`
 * patterns), as `text.replace(/pattern/g, () => replacement)` on a backtracking engine.
 * @example automatonReplace(compiled.automaton, 'a<b>c', '<tag>') // 'a<tag>c' (compiled from /<[^>]+>/)
 */
export function automatonReplace(automaton: MaskAutomaton, text: string, replacement: string): string {
  const { nfa, words, bits, sides, steps, ends } = automaton
  const { classOf, classes, classKind, start, kind, out1, out2 } = nfa
  // The pass: each position's row, from the end.
  const length = text.length
  // Rows number at most MAX_ROWS (4,096): two bytes a position.
  const rowAt = new Uint16Array(length + 1)
  let cls = length === 0 ? -1 : classOf[text.charCodeAt(length - 1)]!
  let row = ends[sides === 1 || cls < 0 ? EDGE : classKind[cls]!]!
  rowAt[length] = row
  for (let at = length - 1; at >= 0; at--) {
    const before = at === 0 ? -1 : classOf[text.charCodeAt(at - 1)]!
    const left = sides === 1 || before < 0 ? EDGE : classKind[before]!
    row = steps[(row * classes + cls) * sides + left]!
    rowAt[at] = row
    cls = before
  }
  const viable = (at: number, state: number) =>
    (bits[rowAt[at]! * words + (state >>> 5)]! & (1 << (state & 31))) !== 0
  let out = ''
  let copied = 0
  let matched = false
  for (let at = 0; at <= length; ) {
    if (!viable(at, start)) {
      at++
      continue
    }
    // The walk: every state on it can reach acceptance from where it is, so the preferred such way is
    // the one a backtracking engine keeps.
    const from = at
    let state = start
    while (kind[state] !== ACCEPT) {
      if (kind[state] === SPLIT) state = viable(at, out1[state]!) ? out1[state]! : out2[state]!
      else if (kind[state] === ASSERT) state = out1[state]!
      else {
        state = out1[state]!
        at++
      }
    }
    out += text.slice(copied, from) + replacement
    copied = at
    matched = true
    // After an empty match the search goes on from the next position, as a global search does.
    if (at === from) at++
  }
  return matched ? out + text.slice(copied) : text
}
