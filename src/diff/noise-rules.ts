/**
 * Noise rules: what a comparison may ignore because it differs between any two runs (a request id, a
 * timestamp, the order of a set), declared in a scenario or on the command line. Each rule is checked
 * when it is loaded (a bad path or regular expression is rejected with where it was written) and counts
 * the differences it hid, so a rule never hides a bug silently.
 *
 * Masks run in linear time: a pattern V8's linear-time engine cannot run (backreferences, lookaheads)
 * is rejected; a pattern that could take super-linear time on the usual backtracking engine (nested or
 * ambiguous repetition, or one that rescans the text from every position, like `<[^>]+>`) runs on the
 * linear engine; only the others, proven safe, run on the faster usual engine (see
 * docs/decisions/0005-noise-rules.md).
 */
import { createRequire } from 'node:module'
import { setFlagsFromString } from 'node:v8'
import type { AST } from '@eslint-community/regexpp'
import { z } from 'zod'
import { ParallaxError } from '../recording/errors.ts'
import { compilePathPattern, type PathPattern } from './path-pattern.ts'

/**
 * Noise rules as written in a scenario's `noise` (or built from CLI flags).
 * @example
 * const noise: NoiseRules = {
 *   ignore: ['$.meta.requestId', '**.timestamp'],
 *   masks: [{ name: 'uuid', pattern: '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', flags: 'i' }],
 *   tolerance: [{ path: '**.score', absolute: 0.001 }],
 *   unordered: ['$.tags'],
 *   identityKeys: ['docId'],
 *   headers: { deny: ['date', 'x-request-id'] },
 * }
 */
export interface NoiseRules {
  /** Paths whose differences are ignored, with everything under them (`$.meta.requestId`, `**.timestamp`). */
  ignore?: string[] | undefined
  /** Each match of `pattern` in a string (under `paths`, default everywhere) reads as `<name>` on both sides. */
  masks?: Array<{
    name?: string | undefined
    pattern: string
    flags?: string | undefined
    paths?: string[] | undefined
  }>
  /** Numbers at `path` (default everywhere) are equal within `absolute` or within `relative` (0.01 = 1%). */
  tolerance?: Array<{
    path?: string | undefined
    absolute?: number | undefined
    relative?: number | undefined
  }>
  /** Arrays compared as multisets: order ignored, repeats counted. Changed paths then index their sorted items. */
  unordered?: string[] | undefined
  /** Fields that identify an item of any array (jsondiffpatch's objectHash), tried before `id`, `key`, `name`, `uuid`. */
  identityKeys?: string[] | undefined
  /** Header names (any case) under a `headers` key, as HTTP outputs hold them: only `allow`ed ones, never `deny`ed ones. */
  headers?: { allow?: string[] | undefined; deny?: string[] | undefined } | undefined
}

/** The schema of {@link NoiseRules}: unknown keys are mistakes (a misspelt `ignor` would hide nothing). */
export const noiseRulesSchema = z.strictObject({
  ignore: z.array(z.string()).optional(),
  masks: z
    .array(
      z.strictObject({
        name: z.string().min(1).optional(),
        pattern: z.string().min(1),
        flags: z.string().optional(),
        paths: z.array(z.string()).optional(),
      }),
    )
    .optional(),
  tolerance: z
    .array(
      z
        .strictObject({
          path: z.string().optional(),
          absolute: z.number().nonnegative().optional(),
          relative: z.number().nonnegative().optional(),
        })
        .refine((rule) => rule.absolute !== undefined || rule.relative !== undefined, {
          message: 'set absolute or relative (or both)',
        }),
    )
    .optional(),
  unordered: z.array(z.string()).optional(),
  identityKeys: z.array(z.string().min(1)).optional(),
  headers: z
    .strictObject({ allow: z.array(z.string()).optional(), deny: z.array(z.string()).optional() })
    .optional(),
})

/** What one compiled rule does; `label` names it in reports, e.g. `ignore **.timestamp`. */
export type NoiseRule =
  | { kind: 'ignore'; label: string; path: PathPattern }
  | {
      kind: 'mask'
      label: string
      name: string
      regex: RegExp
      /** Which engine runs it: `linear` when the usual one could take super-linear time on some text. */
      engine: MaskEngine
      paths: PathPattern[]
    }
  | { kind: 'tolerance'; label: string; path: PathPattern; absolute: number; relative: number }
  | { kind: 'unordered'; label: string; path: PathPattern }
  | { kind: 'headers'; label: string; allow?: ReadonlySet<string>; deny: ReadonlySet<string> }

/**
 * Rules ready to apply, in the order they are tried. Empty rules compare exactly.
 * @example const noise = compileNoiseRules({ ignore: ['**.timestamp'] }, 'scenarios/copilot.ts noise')
 */
export interface CompiledNoise {
  rules: NoiseRule[]
  /** From `identityKeys`, then the defaults: passed to the diff. */
  identityKeys?: readonly string[]
}

/** The regular expression engine of a mask. */
export type MaskEngine = 'backtracking' | 'linear'

/** The flags a mask may use (`g` is always on; `y`, `d` and `v` make no sense for a mask). */
const MASK_FLAGS = /^[imsu]*$/

let linearEngine: boolean | undefined
let scslre: typeof import('scslre') | undefined
/** V8's flag for the linear-time engine. */
const LINEAR_FLAG = 'l'

/**
 * Names the place of a rule for error messages, from its path in the rules (`['masks', 1, 'pattern']`).
 * A string `where` names it `<where>.masks[1].pattern`.
 */
export type NoiseLocator = (path: ReadonlyArray<string | number>) => string

/**
 * Checks and compiles noise rules; throws PARALLAX_USAGE naming where the bad rule was written.
 * @example compileNoiseRules({ masks: [{ pattern: '(a+)+$' }] }, 'scenarios/api.ts noise') // fine: runs in linear time
 */
export function compileNoiseRules(rules: unknown, location: string | NoiseLocator): CompiledNoise {
  const locate: NoiseLocator =
    typeof location === 'string'
      ? (path) =>
          `${location}${path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${key}`)).join('')}`
      : location
  const where = (...path: Array<string | number>) => locate(path)
  const parsed = noiseRulesSchema.safeParse(rules ?? {})
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const at = locate(issue.path.map((key) => (typeof key === 'number' ? key : String(key))))
    throw new ParallaxError('PARALLAX_USAGE', `Invalid noise rules at ${at}: ${issue.message}.`, {
      hint: 'Noise rules take ignore, masks, tolerance, unordered, identityKeys and headers (see docs/noise-rules.md).',
    })
  }
  const input = parsed.data
  const compiled: NoiseRule[] = []
  for (const [index, unordered] of (input.unordered ?? []).entries()) {
    compiled.push({
      kind: 'unordered',
      label: `unordered ${unordered}`,
      path: compilePathPattern(unordered, where('unordered', index)),
    })
  }
  for (const [index, mask] of (input.masks ?? []).entries()) {
    const at = where('masks', index)
    const name = mask.name ?? `mask${index + 1}`
    compiled.push({
      kind: 'mask',
      label: `mask ${name} /${mask.pattern}/${mask.flags ?? ''}`,
      name,
      ...compileMask(mask.pattern, mask.flags ?? '', at),
      paths: (mask.paths ?? ['$']).map((path, p) =>
        compilePathPattern(path, where('masks', index, 'paths', p)),
      ),
    })
  }
  for (const [index, ignore] of (input.ignore ?? []).entries()) {
    compiled.push({
      kind: 'ignore',
      label: `ignore ${ignore}`,
      path: compilePathPattern(ignore, where('ignore', index)),
    })
  }
  for (const [index, tolerance] of (input.tolerance ?? []).entries()) {
    const path = tolerance.path ?? '**'
    const bounds = [
      tolerance.absolute === undefined ? '' : `±${tolerance.absolute}`,
      tolerance.relative === undefined ? '' : `±${tolerance.relative * 100}%`,
    ].filter(Boolean)
    compiled.push({
      kind: 'tolerance',
      label: `tolerance ${path} ${bounds.join(' or ')}`,
      path: compilePathPattern(path, where('tolerance', index, 'path')),
      absolute: tolerance.absolute ?? 0,
      relative: tolerance.relative ?? 0,
    })
  }
  if (input.headers !== undefined) {
    const lower = (names: string[] | undefined) => new Set((names ?? []).map((name) => name.toLowerCase()))
    const label = [
      input.headers.allow ? `allow ${input.headers.allow.join(', ')}` : '',
      input.headers.deny ? `deny ${input.headers.deny.join(', ')}` : '',
    ].filter(Boolean)
    compiled.push({
      kind: 'headers',
      label: `headers ${label.join('; ')}`,
      ...(input.headers.allow && { allow: lower(input.headers.allow) }),
      deny: lower(input.headers.deny),
    })
  }
  const noise: CompiledNoise = { rules: compiled }
  if (input.identityKeys !== undefined)
    noise.identityKeys = [...input.identityKeys, 'id', 'key', 'name', 'uuid']
  return noise
}

/**
 * Merges rule sets (a scenario's and the command line's), in order.
 * @example mergeNoise(scenarioNoise, cliNoise)
 */
export function mergeNoise(...sets: ReadonlyArray<CompiledNoise | undefined>): CompiledNoise {
  const rules = sets.flatMap((set) => set?.rules ?? [])
  const keys = sets.flatMap((set) => set?.identityKeys ?? [])
  const merged: CompiledNoise = { rules }
  if (keys.length > 0) merged.identityKeys = [...new Set(keys)]
  return merged
}

function compileMask(pattern: string, flags: string, where: string): { regex: RegExp; engine: MaskEngine } {
  const invalid = (reason: string, hint: string) =>
    new ParallaxError('PARALLAX_USAGE', `Invalid mask /${pattern}/${flags} at ${where}: ${reason}.`, { hint })
  if (!MASK_FLAGS.test(flags)) {
    throw invalid(`flags ${JSON.stringify(flags)} are not allowed`, 'Masks take the flags i, m, s and u.')
  }
  enableLinearEngine()
  try {
    new RegExp(pattern, flags)
  } catch (error) {
    throw invalid(
      (error as Error).message.replace(/^Invalid regular expression: /, ''),
      'Fix the regular expression.',
    )
  }
  // The linear-time engine has no `i`: spell each ASCII letter in both cases instead.
  const source = flags.includes('i') ? bothCases(pattern) : pattern
  const others = flags.replace('i', '')
  const linear = (global: string) => {
    try {
      return new RegExp(source, `${others}${global}${LINEAR_FLAG}`)
    } catch {
      return undefined
    }
  }
  if (linear('') === undefined) {
    throw invalid(
      'it cannot run in linear time (backreferences, lookaheads and large counted repetitions such as a{1000} are not supported: they can take exponential time on hostile text)',
      'Rewrite it without backreferences (\\1) and lookaheads ((?=…), (?!…)), with small counts: a mask only needs to find the text to replace.',
    )
  }
  if (new RegExp(source, others).test('')) {
    throw invalid(
      'it matches the empty string',
      'A mask must match at least one character, e.g. [0-9]+ not [0-9]*.',
    )
  }
  if (backtracksInLinearTime(pattern, flags))
    return { regex: new RegExp(source, `${others}g`), engine: 'backtracking' }
  // V8's linear engine runs lookbehinds in a single match only, not in a global search.
  const global = linear('g')
  if (global !== undefined) return { regex: global, engine: 'linear' }
  throw invalid(
    'it could take super-linear time on hostile text, and its lookbehind keeps it off the linear-time engine',
    'Drop the lookbehind, or its repetition (write (?<=id=) rather than (?<=id=\\w*)).',
  )
}

/**
 * Whether a global search with the pattern takes linear time on V8's backtracking engine, whatever the
 * text: every repetition (`*`, `+`, `{n,m}`) repeats a single character or class; the counted ones give
 * at most {@link MAX_COUNTED_CHOICES} ways to split a match between them; and scslre finds no unbounded
 * quantifier that an attack string could make backtrack (nested or ambiguous repetition) or rescan from
 * every start (`<[^>]+>` on `<<<<…`). scslre only tries attack strings that repeat one character and
 * only unbounded quantifiers; repetitions of longer pieces (`(?:ab)+c` on `abab…`, `(a|a){1,16}b`) are
 * sent to the linear engine by the first condition, stacked counts (`a{0,12}a{0,12}a{0,12}b`) by the
 * second.
 * @example backtracksInLinearTime('[0-9a-f]{8}-[0-9a-f]{4}', '') // true
 * @example backtracksInLinearTime('<[^>]+>', '') // false: each `<` starts a scan to the end
 */
export function backtracksInLinearTime(pattern: string, flags: string): boolean {
  // Loaded on the first mask (30 ms), not by every command that imports the diff layer.
  scslre ??= createRequire(import.meta.url)('scslre') as typeof import('scslre')
  const { parsed, reports } = scslre.analyse({ source: pattern, flags }, { maxReports: 1 })
  if (reports.length > 0) return false
  const counted = { choices: 1 }
  return repeatsSingleCharacters(parsed.pattern, false, counted) && counted.choices <= MAX_COUNTED_CHOICES
}

/**
 * The most ways a match may be split between the counted repetitions of a mask on the usual engine: each
 * start position may try them all. `\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}` has 81.
 */
const MAX_COUNTED_CHOICES = 1024

/**
 * Whether every quantifier under `node` that repeats (more than once) repeats one character (a
 * character, class or escape), and none that is unbounded is inside a lookbehind (which V8 runs
 * backwards from every position: `(?<=a+)a{5}b` on `aaaa…` is quadratic, and scslre does not look
 * there). Multiplies `counted.choices` by the span of each counted repetition.
 */
function repeatsSingleCharacters(
  node: AST.Node,
  inLookaround: boolean,
  counted: { choices: number },
): boolean {
  switch (node.type) {
    case 'Quantifier': {
      const unbounded = node.max === Number.POSITIVE_INFINITY
      if (node.max > 1 && !matchesOneCharacter(node.element)) return false
      if (unbounded && inLookaround) return false
      if (!unbounded) counted.choices *= node.max - node.min + 1
      return repeatsSingleCharacters(node.element, inLookaround, counted)
    }
    case 'Assertion':
      return 'alternatives' in node
        ? node.alternatives.every((alternative) => repeatsSingleCharacters(alternative, true, counted))
        : true
    case 'Pattern':
    case 'Group':
    case 'CapturingGroup':
      return node.alternatives.every((alternative) =>
        repeatsSingleCharacters(alternative, inLookaround, counted),
      )
    case 'Alternative':
      return node.elements.every((element) => repeatsSingleCharacters(element, inLookaround, counted))
    default:
      return true
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

/**
 * Turns on V8's linear-time regular expression engine once per process: the `l` flag, which runs a
 * pattern on it (and tells whether it can). Only that flag: every other regular expression of the
 * process (the pipeline's own) keeps V8's usual engine and its timing, as in production.
 */
function enableLinearEngine(): void {
  if (linearEngine) return
  setFlagsFromString('--enable-experimental-regexp-engine')
  try {
    // Through a variable: a literal /a/l would be a syntax error of the whole module where `l` is unknown.
    new RegExp('a', LINEAR_FLAG)
    linearEngine = true
  } catch {
    throw new ParallaxError(
      'PARALLAX_USAGE',
      'Failed to compile a mask: this Node.js has no linear-time regular expressions.',
      {
        hint: 'Run parallax on Node.js 22 or later (npm run and npx use the project’s pinned Node 24).',
      },
    )
  }
}
