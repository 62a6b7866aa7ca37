/**
 * Noise masks: a mask's regular expression compiled onto an engine that runs it in linear time whatever a
 * recording holds. A pattern proven linear on V8's usual backtracking engine runs there, whatever its
 * counts; any other runs on parallax's own automaton (mask-automaton.ts: the same matches, a few
 * nanoseconds a character); one neither can run is rejected with both reasons and how to rewrite it (see
 * docs/decisions/0005-noise-rules.md).
 */
import { createRequire } from 'node:module'
import { type AST, RegExpParser } from '@eslint-community/regexpp'
import { ParallaxError } from '../recording/errors.ts'
import { type AutomatonBlocker, automatonReplace, compileAutomaton, matchesEmpty } from './mask-automaton.ts'

/** The engine of a mask: V8's usual one, or parallax's automaton for masks that one could run slowly. */
export type MaskEngine = 'backtracking' | 'automaton'

/** A mask ready to run. */
export interface CompiledMask {
  engine: MaskEngine
  /** `text` with every match replaced by `replacement`, taken as it is (no `$` patterns). */
  replace(text: string, replacement: string): string
}

/** The flags a mask may use (`g` is always on; `y`, `d` and `v` make no sense for a mask). */
const MASK_FLAGS = /^[imsu]*$/

let scslre: typeof import('scslre') | undefined

/**
 * The most steps a match attempt may take, from one position of the text, in the counted repetitions of
 * a mask run on the usual engine (see {@link backtrackingRisk}): a few nanoseconds each, so a few
 * milliseconds per 100 KB of the worst text at this bound (the UUID mask, 32 steps: 3.3 ms); 64 steps took
 * 10–13 ms (`[0-9a-f]{64}` over runs of 63 hex digits), which the automaton runs in 1 ms. Past the bound a
 * mask runs on the automaton: `[0-9a-f-]{36}`, `[0-9a-f]{64}`, `\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}` (120).
 */
const MAX_STEPS_PER_POSITION = 32

/**
 * Compiles a mask (flags `imsu`) for a global search on an engine that runs it in linear time, or throws
 * PARALLAX_USAGE naming `where`, the reason and a rewrite.
 * @example compileMask('[0-9a-f]{8}-[0-9a-f]{4}', 'i', 'scenarios/api.ts noise.masks[0]').engine // 'backtracking'
 * @example compileMask('<[^>]+>', '', '--mask').engine // 'automaton': `<<<<…` rescans from every `<`
 */
export function compileMask(pattern: string, flags: string, where: string): CompiledMask {
  const invalid = (reason: string, hint: string) =>
    new ParallaxError(
      'PARALLAX_USAGE',
      `Invalid mask ${maskLiteral(pattern, flags)} at ${where}: ${reason}.`,
      {
        hint,
      },
    )
  if (!MASK_FLAGS.test(flags)) {
    throw invalid(`flags ${JSON.stringify(flags)} are not allowed`, 'Masks take the flags i, m, s and u.')
  }
  try {
    // Compiled only: running it (even on '') could backtrack exponentially before it is proven safe.
    new RegExp(pattern, flags)
  } catch (error) {
    throw invalid(
      (error as Error).message.replace(/^Invalid regular expression: (\/.*\/[a-z]*: )?/s, ''),
      'Fix the regular expression.',
    )
  }
  // The automaton has no `i`: spell each ASCII letter in both cases instead, on both engines alike, so a
  // mask hides the same text whichever engine runs it.
  const source = flags.includes('i') ? bothCases(pattern) : pattern
  const others = flags.replace('i', '')
  let parsed: AST.Pattern | undefined
  try {
    parsed = parsePattern(source, others)
  } catch {
    // Syntax V8 accepts and the parser does not: it cannot be proven linear, and is refused below.
  }
  if (pattern === '' || (parsed !== undefined && matchesEmpty(parsed))) {
    throw invalid(
      pattern === '' ? 'it is empty, so it matches the empty string' : 'it can match the empty string',
      'A mask must match at least one character, e.g. [0-9]+ not [0-9]*.',
    )
  }
  const risk = backtrackingRisk(pattern, flags)
  if (risk === undefined) {
    const regex = new RegExp(source, `${others}g`)
    return {
      engine: 'backtracking',
      replace: (text, replacement) => {
        regex.lastIndex = 0
        return text.replace(regex, replacement.replaceAll('$', '$$$$'))
      },
    }
  }
  const compiled = parsed === undefined ? undefined : compileAutomaton(parsed, others)
  if (compiled?.automaton !== undefined) {
    const { automaton } = compiled
    return {
      engine: 'automaton',
      replace: (text, replacement) => automatonReplace(automaton, text, replacement),
    }
  }
  const blocker = compiled?.blocker
  if (risk.kind === 'backreference' && blocker?.kind === 'backreference') {
    throw invalid(
      `its backreference (${risk.raw}) is not proven to run in linear time on V8's usual engine, and parallax's linear-time engine cannot run backreferences`,
      `${capitalize(risk.hint)}.`,
    )
  }
  const cannot = blocker === undefined ? OTHER : blockerText(blocker)
  // A rewrite the risk's hint already gives (drop the lookaround, smaller counts) is not said twice.
  const hints =
    blocker !== undefined && COVERED[risk.kind] === blocker.kind ? [risk.hint] : [risk.hint, cannot.hint]
  throw invalid(
    `it may backtrack on hostile text with V8's usual engine (${risk.reason}), and parallax's linear-time engine cannot run ${cannot.what}`,
    `${capitalize(hints.join('; or '))}.`,
  )
}

/** The blocker whose rewrite a risk's hint already gives. */
const COVERED: Partial<Record<BacktrackingRisk['kind'], AutomatonBlocker['kind']>> = {
  backreference: 'backreference',
  lookaround: 'lookaround',
  steps: 'size',
}

/** What the automaton cannot run, said for a message, with how to do without it. */
function blockerText(blocker: AutomatonBlocker): { what: string; hint: string } {
  switch (blocker.kind) {
    case 'backreference':
      return { what: `backreferences (${blocker.raw})`, hint: 'drop the backreference' }
    case 'lookaround':
      return {
        what: `lookaheads or lookbehinds (${blocker.raw})`,
        hint: 'drop the lookaround (the mask may match the text it looks for)',
      }
    case 'unicode':
      return { what: 'the u flag', hint: 'drop the u flag' }
    case 'modifiers':
      return {
        what: `modifiers (${blocker.raw})`,
        hint: 'drop the modifiers (flags apply to the whole mask)',
      }
    case 'empty-repeat':
      return {
        what: `an optional repetition of a piece that can match the empty string (${blocker.raw})`,
        hint: 'make each repeated piece match at least one character ((?:a|b)+ rather than (?:a|b?)+)',
      }
    case 'size':
      return {
        what: 'patterns this large or this ambiguous (too many states, or sets of states a text can meet)',
        hint: 'use smaller counts, or keep a repeated piece from matching what follows it ([^,]+, rather than .+,)',
      }
    default:
      return OTHER
  }
}

const OTHER = { what: 'it', hint: 'use plainer features (classes, counts, alternatives; no lookarounds)' }

/**
 * The pattern as a regular expression literal, `/` escaped (`a/b` → `/a\/b/`), for labels and messages.
 * @example maskLiteral('[0-9a-f-]{36}', 'i') // '/[0-9a-f-]{36}/i'
 */
export function maskLiteral(pattern: string, flags: string): string {
  let body = ''
  for (let at = 0; at < pattern.length; at++) {
    const char = pattern[at]!
    if (char === '\\') {
      body += pattern.slice(at, at + 2)
      at++
    } else body += char === '/' ? '\\/' : char
  }
  return `/${body}/${flags}`
}

/** Why a pattern is not proven to run in linear time on the usual engine, and how to rewrite it. */
export interface BacktrackingRisk {
  kind: 'backreference' | 'lookaround' | 'nested' | 'ambiguous' | 'rescan' | 'piece' | 'steps' | 'unanalysed'
  /** The piece of the pattern at fault, as written. */
  raw: string
  /** Says what that piece can do, e.g. `[0-9]+ is rescanned from every position of a run it matches`. */
  reason: string
  /** How to rewrite it, in lower case to follow a semicolon. */
  hint: string
}

/**
 * Whether a global search with the pattern takes linear time on V8's backtracking engine, whatever the
 * text (see {@link backtrackingRisk}).
 * @example backtracksInLinearTime('[0-9a-f]{8}-[0-9a-f]{4}', '') // true
 * @example backtracksInLinearTime('<[^>]+>', '') // false: each `<` starts a scan to the end
 */
export function backtracksInLinearTime(pattern: string, flags: string): boolean {
  return backtrackingRisk(pattern, flags) === undefined
}

/**
 * What could make a global search with the pattern take more than linear time on V8's backtracking
 * engine, or undefined when nothing can: it has no backreference; every repetition (`*`, `+`, `{n,m}`)
 * repeats a single character or class; none that is unbounded sits in a lookaround (which runs from every
 * position; scslre does not look there); its counted repetitions take at most
 * {@link MAX_STEPS_PER_POSITION} steps from one position, the ways to split a match between them
 * included; and scslre finds no unbounded quantifier that an attack string could make backtrack (nested
 * or ambiguous repetition) or rescan from every start (`<[^>]+>` on `<<<<…`). scslre only tries attack
 * strings that repeat one character and only unbounded quantifiers: repetitions of longer pieces
 * (`(?:ab)+c` on `abab…`, `(a|a){1,16}b`) are caught by the second condition, stacked counts
 * (`a{0,12}a{0,12}a{0,12}b`) by the fourth.
 * @example backtrackingRisk('[0-9a-f]{8}-[0-9a-f]{4}', 'i') // undefined: 13 steps from each position at most
 * @example backtrackingRisk('(a+)+$', '')?.reason // 'a+ is nested in (a+)+'
 */
export function backtrackingRisk(pattern: string, flags: string): BacktrackingRisk | undefined {
  const unanalysed: BacktrackingRisk = {
    kind: 'unanalysed',
    raw: pattern,
    reason: 'it could not be analysed',
    hint: 'write it with plainer syntax',
  }
  let parsed: AST.Pattern
  try {
    parsed = parsePattern(pattern, flags)
  } catch {
    // Syntax V8 accepts and the parser does not: nothing proven.
    return unanalysed
  }
  const facts: PatternFacts = { steps: 0 }
  walk(parsed, 1, undefined, facts)
  // Before scslre: its analysis grows with the counts (nested ones multiply), so a pattern such as
  // (\w{5,19}){30,}(…){29} would keep it busy for minutes; the step bound rejects those at once.
  if (facts.steps > MAX_STEPS_PER_POSITION) {
    return {
      kind: 'steps',
      raw: pattern,
      reason: `its counted repetitions take up to ${facts.steps.toLocaleString('en-US')} steps from every position of the text, more than ${MAX_STEPS_PER_POSITION}`,
      hint: 'use smaller counts: a mask only needs enough of the text to tell it apart',
    }
  }
  // Loaded on the first mask (30 ms), not by every command that imports the diff layer.
  scslre ??= createRequire(import.meta.url)('scslre') as typeof import('scslre')
  let reports: ReturnType<typeof scslre.analyse>['reports']
  try {
    reports = scslre.analyse({ source: pattern, flags }, { maxReports: 1 }).reports
  } catch {
    return unanalysed
  }
  if (facts.backreference !== undefined) {
    return {
      kind: 'backreference',
      raw: facts.backreference,
      reason: `its backreference (${facts.backreference}) is not proven to run in linear time`,
      hint: `drop the backreference: a mask only needs to find the text to replace (["'][^"']*["'] rather than (["'])[^"']*\\1)`,
    }
  }
  if (facts.lookaround !== undefined) {
    const { raw, kind } = facts.lookaround
    return {
      kind: 'lookaround',
      raw,
      reason: `${raw} repeats inside a ${kind}, which runs from every position`,
      hint:
        kind === 'lookbehind'
          ? 'drop the lookbehind (the mask may match the text it looks for), or bound its repetition ((?<=id=\\w{0,16}) rather than (?<=id=\\w*))'
          : 'drop the lookahead (the mask may match the text it looks for), or bound its repetition ((?=\\d{1,16}ms) rather than (?=\\d+ms))',
    }
  }
  const report = reports[0]
  if (report?.type === 'Self') {
    return {
      kind: 'nested',
      raw: report.parentQuant.raw,
      reason: `${report.quant.raw} is nested in ${report.parentQuant.raw}`,
      hint: 'drop the nested repetition (a+ rather than (a+)+)',
    }
  }
  if (report?.type === 'Trade') {
    return {
      kind: 'ambiguous',
      raw: `${report.startQuant.raw} … ${report.endQuant.raw}`,
      reason: `${report.startQuant.raw} and ${report.endQuant.raw} can share the same characters in many ways`,
      hint: 'keep neighbouring repetitions from matching the same characters (\\d+\\.\\d+ rather than \\d+\\d*)',
    }
  }
  if (report?.type === 'Move') {
    return {
      kind: 'rescan',
      raw: report.quant.raw,
      reason: `${report.quant.raw} is rescanned from every position of a run it matches`,
      hint: `bound ${report.quant.raw} (\\d{1,20}ms rather than \\d+ms), or keep the character after it out of it (<[^<>]+> rather than <[^>]+>)`,
    }
  }
  if (facts.piece !== undefined) {
    return {
      kind: 'piece',
      raw: facts.piece,
      reason: `${facts.piece} repeats a piece longer than one character`,
      hint: 'repeat single characters or classes ([ab]+ rather than (?:ab)+)',
    }
  }
  return undefined
}

/** What {@link walk} finds in a pattern: the first piece of each kind at fault, and the steps it counts. */
interface PatternFacts {
  backreference?: string
  lookaround?: { raw: string; kind: 'lookahead' | 'lookbehind' }
  piece?: string
  /** An upper bound of the steps the counted repetitions take from one position of the text. */
  steps: number
}

/**
 * Walks `node`, reached in `ways` ways from one position of the text (the splits of a match between the
 * counted repetitions before it, the alternatives taken), and returns the ways past it. A counted
 * repetition reads up to `max` characters on each of those ways; an unbounded one, which scslre checks,
 * reads its `min` and adds no ways of its own (its backtracking is linear or reported). A lookaround
 * adds none either: it is atomic.
 */
function walk(
  node: AST.Node,
  ways: number,
  lookaround: 'lookahead' | 'lookbehind' | undefined,
  facts: PatternFacts,
): number {
  switch (node.type) {
    case 'Quantifier': {
      const unbounded = node.max === Number.POSITIVE_INFINITY
      if (unbounded && lookaround !== undefined) facts.lookaround ??= { raw: node.raw, kind: lookaround }
      if (node.max <= 1) return walk(node.element, ways, lookaround, facts) + (node.min === 0 ? ways : 0)
      if (!matchesOneCharacter(node.element)) facts.piece ??= node.raw
      walk(node.element, ways, lookaround, facts)
      facts.steps += ways * (unbounded ? node.min : node.max)
      return unbounded ? ways : ways * (node.max - node.min + 1)
    }
    case 'Assertion':
      if ('alternatives' in node) {
        for (const alternative of node.alternatives) walk(alternative, ways, node.kind, facts)
      }
      return ways
    case 'Backreference':
      facts.backreference ??= node.raw
      return ways
    case 'Pattern':
    case 'Group':
    case 'CapturingGroup':
      return node.alternatives.reduce(
        (sum, alternative) => sum + walk(alternative, ways, lookaround, facts),
        0,
      )
    case 'Alternative':
      return node.elements.reduce((reached, element) => walk(element, reached, lookaround, facts), ways)
    default:
      return ways
  }
}

/** Whether the element always matches exactly one character. */
function matchesOneCharacter(node: AST.Node): boolean {
  switch (node.type) {
    case 'Character':
    case 'CharacterSet':
    case 'CharacterClass':
    case 'ExpressionCharacterClass':
      return true
    case 'Group':
    case 'CapturingGroup':
      return node.alternatives.length === 1 && node.alternatives[0]!.elements.length === 1
        ? matchesOneCharacter(node.alternatives[0]!.elements[0]!)
        : false
    default:
      return false
  }
}

/** The pattern's syntax tree (regexpp, the parser scslre uses), for the walks that need no analysis. */
function parsePattern(pattern: string, flags: string): AST.Pattern {
  return new RegExpParser().parsePattern(pattern, 0, pattern.length, { unicode: flags.includes('u') })
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/**
 * The pattern with every ASCII letter matching both cases (`a` → `[aA]`, `[a-f]` → `[a-fA-F]`), for
 * engines without the `i` flag. Escapes (`\u00e9`, `\p{L}`, `\d`) and group names are left as written.
 * @example bothCases('id-[a-f]+') // '[iI][dD]-[a-fA-F]+'
 */
export function bothCases(pattern: string): string {
  let out = ''
  let at = 0
  while (at < pattern.length) {
    const char = pattern[at]!
    if (char === '\\') {
      const end = escapeEnd(pattern, at)
      out += pattern.slice(at, end)
      at = end
    } else if (char === '[') {
      const { text, end } = classBothCases(pattern, at)
      out += text
      at = end
    } else if (pattern.startsWith('(?<', at) && pattern[at + 3] !== '=' && pattern[at + 3] !== '!') {
      const end = pattern.indexOf('>', at)
      out += pattern.slice(at, end === -1 ? pattern.length : end + 1)
      at = end === -1 ? pattern.length : end + 1
    } else {
      const other = otherCase(char)
      out += other === undefined ? char : `[${char}${other}]`
      at++
    }
  }
  return out
}

/** Where the escape starting at `at` (a backslash) ends. */
function escapeEnd(pattern: string, at: number): number {
  const kind = pattern[at + 1]
  if ((kind === 'u' || kind === 'p' || kind === 'P') && pattern[at + 2] === '{') {
    const close = pattern.indexOf('}', at)
    return close === -1 ? pattern.length : close + 1
  }
  if (kind === 'u') return Math.min(pattern.length, at + 6)
  if (kind === 'x') return Math.min(pattern.length, at + 4)
  if (kind === 'c') return Math.min(pattern.length, at + 3)
  if (kind === 'k' && pattern[at + 2] === '<') {
    const close = pattern.indexOf('>', at)
    return close === -1 ? pattern.length : close + 1
  }
  return Math.min(pattern.length, at + 2)
}

/** A character class starting at `at`, with the other case of its ASCII letters and letter ranges added. */
function classBothCases(pattern: string, at: number): { text: string; end: number } {
  let i = at + 1
  if (pattern[i] === '^') i++
  if (pattern[i] === ']') i++
  const extra: string[] = []
  while (i < pattern.length && pattern[i] !== ']') {
    if (pattern[i] === '\\') {
      i = escapeEnd(pattern, i)
      continue
    }
    const from = pattern[i]!
    if (
      pattern[i + 1] === '-' &&
      pattern[i + 2] !== undefined &&
      pattern[i + 2] !== ']' &&
      pattern[i + 2] !== '\\'
    ) {
      extra.push(...otherCaseRanges(from, pattern[i + 2]!))
      i += 3
      continue
    }
    const other = otherCase(from)
    if (other !== undefined) extra.push(other)
    i++
  }
  const end = Math.min(pattern.length, i + 1)
  const body = pattern.slice(at, i)
  return { text: `${body}${extra.join('')}${pattern.slice(i, end)}`, end }
}

function otherCase(char: string): string | undefined {
  if (char >= 'a' && char <= 'z') return char.toUpperCase()
  if (char >= 'A' && char <= 'Z') return char.toLowerCase()
  return undefined
}

/** The ranges of the other case covering the letters of `from-to`. */
function otherCaseRanges(from: string, to: string): string[] {
  const ranges: string[] = []
  for (const [low, high, shift] of [
    ['a', 'z', -32],
    ['A', 'Z', 32],
  ] as const) {
    const start = Math.max(from.charCodeAt(0), low.charCodeAt(0))
    const end = Math.min(to.charCodeAt(0), high.charCodeAt(0))
    if (start <= end) ranges.push(`${String.fromCharCode(start + shift)}-${String.fromCharCode(end + shift)}`)
  }
  return ranges
}
