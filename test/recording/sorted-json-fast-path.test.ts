/**
 * sortedJson writes arrays without objects natively and remembers quoted keys: its output, and the
 * problems it reports with their paths, stay exactly those of the plain recursive writer, for any value.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatPath, type PathStep } from '../../src/recording/canonical-kind.ts'
import { type NotJsonProblem, sortedJson } from '../../src/recording/sorted-json.ts'
import { propertySeed } from '../support/property-seed.ts'

/** sortedJson as it was before the fast paths: every value written by hand. */
function plainSortedJson(value: unknown, maxDepth: number): { text: string } | NotJsonProblem {
  const steps: PathStep[] = []
  const problem = (depth: number, what: string): NotJsonProblem => ({
    path: formatPath(steps.slice(0, depth)),
    problem: what,
  })
  const write = (item: unknown, depth: number): string | NotJsonProblem => {
    if (typeof item === 'string' || typeof item === 'boolean') return JSON.stringify(item)
    if (typeof item === 'number')
      return Number.isFinite(item) ? JSON.stringify(item) : problem(depth, `is ${item}`)
    if (item === null) return 'null'
    if (typeof item !== 'object') return problem(depth, `is a ${typeof item}`)
    if (depth >= maxDepth) return problem(depth, `nests deeper than ${maxDepth} levels`)
    if (Array.isArray(item)) {
      let out = '['
      for (let i = 0; i < item.length; i++) {
        steps[depth] = i
        if (!(i in item) || item[i] === undefined) return problem(depth + 1, 'is a hole or undefined')
        const text = write(item[i], depth + 1)
        if (typeof text !== 'string') return text
        out += (i > 0 ? ',' : '') + text
      }
      return out + ']'
    }
    const proto = Object.getPrototypeOf(item)
    if (proto !== Object.prototype && proto !== null) {
      return problem(depth, `is a ${proto?.constructor?.name ?? 'class instance'}, not plain data`)
    }
    const source = item as Record<string, unknown>
    let out = '{'
    for (const key of Object.keys(source).sort()) {
      if (source[key] === undefined) continue
      steps[depth] = key
      const text = write(source[key], depth + 1)
      if (typeof text !== 'string') return text
      out += (out.length > 1 ? ',' : '') + JSON.stringify(key) + ':' + text
    }
    return out + '}'
  }
  const text = write(value, 0)
  return typeof text === 'string' ? { text } : text
}

const leaf = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.boolean(),
  fc.double(),
  fc.integer(),
  fc.constant(null),
  fc.constantFrom(undefined, Number.NaN, Number.POSITIVE_INFINITY, -0, 1n, new Date(0)),
)

const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.oneof(
    fc.array(tie('value'), { maxLength: 5 }),
    fc.array(fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }), { maxLength: 4 }),
    fc.sparseArray(leaf, { maxLength: 4 }),
  ),
  object: fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 5 }),
}))

describe('sortedJson fast paths', () => {
  it('sortedJson: writes and refuses exactly as the plain recursive writer, for any value and depth', () => {
    fc.assert(
      fc.property(value, fc.integer({ min: 1, max: 6 }), (input, maxDepth) => {
        expect(sortedJson(input, maxDepth)).toEqual(plainSortedJson(input, maxDepth))
      }),
      { seed: propertySeed('sortedJson fast paths'), numRuns: 2000 },
    )
  })

  it('sortedJson: an array with a toJSON of its own is written element by element, as before', () => {
    const pairs = Object.assign([['a', 'b']], { toJSON: () => 'replaced' })
    expect(sortedJson({ pairs }, 5)).toEqual({ text: '{"pairs":[["a","b"]]}' })
  })
})
