/**
 * Noise rules: what a comparison may ignore because it differs between any two runs (a request id, a
 * timestamp, the order of a set), declared in a scenario or on the command line. Each rule is checked
 * when it is loaded (a bad path or regular expression is rejected with where it was written) and counts
 * the differences it hid, so a rule never hides a bug silently.
 *
 * Masks run in linear time (noise-mask.ts): a pattern proven linear on the usual backtracking engine runs
 * there; one that could take super-linear time on it (nested or ambiguous repetition, or one that rescans
 * the text from every position, like `<[^>]+>`) runs on parallax's own linear-time automaton, and is
 * rejected when that cannot run it either (see docs/decisions/0005-noise-rules.md).
 */
import { z } from 'zod'
import { ParallaxError } from '../recording/errors.ts'
import { compileMask, type MaskEngine, maskLiteral } from './noise-mask.ts'
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
        pattern: z.string().min(1, 'the pattern is empty, so it matches the empty string'),
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
      /** Which engine runs it: `automaton` when the usual one could take super-linear time on some text. */
      engine: MaskEngine
      /** `text` with every match replaced by `replacement`, taken as it is. */
      replace(text: string, replacement: string): string
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

export type { MaskEngine } from './noise-mask.ts'

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
    const emptyMask = issue.path[0] === 'masks' && issue.path[2] === 'pattern' && issue.code === 'too_small'
    throw new ParallaxError('PARALLAX_USAGE', `Invalid noise rules at ${at}: ${issue.message}.`, {
      hint: emptyMask
        ? 'A mask must match at least one character, e.g. [0-9]+ not [0-9]*.'
        : 'Noise rules take ignore, masks, tolerance, unordered, identityKeys and headers (see docs/noise-rules.md).',
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
      label: `mask ${name} ${maskLiteral(mask.pattern, mask.flags ?? '')}`,
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
