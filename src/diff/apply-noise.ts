/**
 * Comparing values under noise rules (see noise-rules.ts). Values whose digests agree are equal without
 * a look. Otherwise both are parsed and diffed, then the rules are applied in two steps:
 * - value rules rewrite both sides and the diff is taken again: `unordered` sorts the arrays it names,
 *   `mask` replaces each match of its pattern with `<name>`; a rule hid what its rewrite removed from
 *   the diff;
 * - path rules drop changes one by one: `ignore` (the path or an ancestor matches), `tolerance` (two
 *   numbers close enough), `headers` (a header name under a `headers` key that is not compared).
 * Each change is counted against the first rule that hid it.
 */
import type { CapturedValue } from '../pipeline/types.ts'
import { parseCaptured } from './diff-captured.ts'
import { diffJson } from './diff-values.ts'
import type { CompiledNoise, NoiseRule } from './noise-rules.ts'
import { type PathSegment, parsePath } from './path-pattern.ts'
import type { ChangedPath } from './types.ts'

/**
 * What a comparison under noise rules found.
 * @example const { paths, hidden } = diffUnderNoise(left, right, noise) // hidden[i]: changes rule i hid
 */
export interface NoisyDiff {
  paths: ChangedPath[]
  /** Changes each rule hid, by index into `noise.rules`. */
  hidden: number[]
}

/**
 * Diffs two parsed values under noise rules.
 * @example diffUnderNoise({ at: 1, v: 1 }, { at: 2, v: 1 }, compileNoiseRules({ ignore: ['$.at'] }, 'x')) // { paths: [], hidden: [1] }
 */
export function diffUnderNoise(left: unknown, right: unknown, noise: CompiledNoise): NoisyDiff {
  const hidden = noise.rules.map(() => 0)
  const options = noise.identityKeys ? { identityKeys: noise.identityKeys } : {}
  let paths = diffJson(left, right, options)
  let l = left
  let r = right
  for (const [index, rule] of noise.rules.entries()) {
    if (paths.length === 0) break
    if (rule.kind !== 'unordered' && rule.kind !== 'mask') continue
    const tl = rewrite(l, rule)
    const tr = rewrite(r, rule)
    if (!tl.changed && !tr.changed) continue
    l = tl.value
    r = tr.value
    const next = diffJson(l, r, options)
    hidden[index]! += Math.max(0, paths.length - next.length)
    paths = next
  }
  return hideByPathRules(paths, noise, hidden)
}

/**
 * Whether the rules include value rules (`mask`, `unordered`), which need both values to rewrite; without
 * them, the rules only drop changes, and `hideByPathRules` over any diff's changes gives `diffUnderNoise`.
 * @example hasValueRules(compileNoiseRules({ ignore: ['**.at'] }, 'x')) // false
 */
export function hasValueRules(noise: CompiledNoise): boolean {
  return noise.rules.some((rule) => rule.kind === 'mask' || rule.kind === 'unordered')
}

/**
 * Drops the changes that the path rules (`ignore`, `tolerance`, `headers`) hide, counting each against
 * the first rule that hid it (added to `hidden` when given).
 * @example hideByPathRules(diffJson(left, right), compileNoiseRules({ ignore: ['$.at'] }, 'x'))
 */
export function hideByPathRules(
  paths: readonly ChangedPath[],
  noise: CompiledNoise,
  hidden: number[] = noise.rules.map(() => 0),
): NoisyDiff {
  const kept: ChangedPath[] = []
  for (const change of paths) {
    const segments = parsePath(change.path)
    const index = noise.rules.findIndex((rule) => hides(rule, change, segments))
    if (index === -1) kept.push(change)
    else hidden[index]!++
  }
  return { paths: kept, hidden }
}

/**
 * Compares captured values (stage inputs and outputs, probe values) under one set of noise rules,
 * remembering each pair it looked at, and adds up what every rule hid.
 * @example const compare = createNoisyComparer(noise); if (!compare.same(l.input, r.input)) …
 */
export interface NoisyComparer {
  /** True when the values are equal, or differ only where the rules allow. */
  same(left: CapturedValue, right: CapturedValue, describe: (side: 'left' | 'right') => string): boolean
  /** The changes that remain under the rules (empty when `same`). */
  diff(left: CapturedValue, right: CapturedValue, describe: (side: 'left' | 'right') => string): ChangedPath[]
  /** Changes hidden so far, by rule (each pair counted once). */
  hidden(): Array<{ rule: string; hidden: number }>
}

/**
 * Creates the comparer of one comparison.
 * @example const compare = createNoisyComparer(compileNoiseRules({ ignore: ['**.at'] }, 'test'))
 */
export function createNoisyComparer(noise: CompiledNoise): NoisyComparer {
  const totals = noise.rules.map(() => 0)
  const seen = new Map<string, ChangedPath[]>()
  const diff: NoisyComparer['diff'] = (left, right, describe) => {
    if (left.digest === right.digest) return []
    const key = `${left.digest}:${right.digest}`
    let paths = seen.get(key)
    if (paths === undefined) {
      const result = diffUnderNoise(
        parseCaptured(left, () => describe('left')),
        parseCaptured(right, () => describe('right')),
        noise,
      )
      for (const [index, count] of result.hidden.entries()) totals[index]! += count
      paths = result.paths
      seen.set(key, paths)
    }
    return paths
  }
  return {
    diff,
    same: (left, right, describe) => diff(left, right, describe).length === 0,
    hidden: () => noise.rules.map((rule, index) => ({ rule: rule.label, hidden: totals[index]! })),
  }
}

/** Whether a path rule hides one change. */
function hides(rule: NoiseRule, change: ChangedPath, segments: readonly PathSegment[]): boolean {
  switch (rule.kind) {
    case 'ignore':
      return rule.path.covers(segments)
    case 'tolerance': {
      if (change.op !== 'replace' || typeof change.before !== 'number' || typeof change.after !== 'number')
        return false
      if (!rule.path.matches(segments)) return false
      const delta = Math.abs(change.before - change.after)
      const scale = Math.max(Math.abs(change.before), Math.abs(change.after))
      return delta <= rule.absolute || delta <= rule.relative * scale
    }
    case 'headers': {
      for (let i = 0; i + 1 < segments.length; i++) {
        const name = segments[i + 1]
        if (segments[i] !== 'headers' || typeof name !== 'string') continue
        const lower = name.toLowerCase()
        return rule.deny.has(lower) || (rule.allow !== undefined && !rule.allow.has(lower))
      }
      return false
    }
    default:
      return false
  }
}

/** A value rule applied to a whole value: a copy where something changed, the value itself otherwise. */
function rewrite(
  value: unknown,
  rule: NoiseRule & { kind: 'unordered' | 'mask' },
): { value: unknown; changed: boolean } {
  let changed = false
  const path: PathSegment[] = []
  const visit = (node: unknown): unknown => {
    if (typeof node === 'string') {
      if (rule.kind !== 'mask' || !rule.paths.some((pattern) => pattern.covers(path))) return node
      const masked = rule.replace(node, `<${rule.name}>`)
      if (masked !== node) changed = true
      return masked
    }
    if (typeof node !== 'object' || node === null) return node
    if (Array.isArray(node)) {
      let items = node.map((item, index) => {
        path.push(index)
        const out = visit(item)
        path.pop()
        return out
      })
      if (rule.kind === 'unordered' && rule.path.matches(path) && items.length > 1) {
        const keyed = items.map((item) => ({ item, key: JSON.stringify(sortKeys(item)) }))
        keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
        const sorted = keyed.map((entry) => entry.item)
        if (sorted.some((item, index) => item !== items[index])) changed = true
        items = sorted
      }
      return items
    }
    const out: Record<string, unknown> = {}
    for (const [key, child] of Object.entries(node)) {
      path.push(key)
      setOwn(out, key, visit(child))
      path.pop()
    }
    return out
  }
  const result = visit(value)
  return changed ? { value: result, changed } : { value, changed }
}

/** The value with object keys sorted at every level, so equal items sort next to each other. */
function sortKeys(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value
  if (Array.isArray(value)) return value.map(sortKeys)
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort())
    setOwn(out, key, sortKeys((value as Record<string, unknown>)[key]))
  return out
}

/** `target[key] = value` as an own property, even for `__proto__` (parsed JSON may hold that key). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
}
