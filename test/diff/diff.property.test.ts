import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { computeDelta } from '../../src/diff/compute-delta.ts'
import { compareTraces, diffJson } from '../../src/diff/index.ts'
import { createJsonDiffPatcher } from '../../src/diff/json-diffpatcher.ts'
import { propertySeed } from '../support/property-seed.ts'
import { buildTrace, linearStages, sortedJson } from './build-trace.ts'

const seed = propertySeed('diff')
const json = fc.jsonValue({ maxDepth: 3 })

/** Arrays where items line up by id, by position, or not at all: what array alignment has to get right. */
const item = fc.oneof(
  fc.record({ id: fc.nat(6), v: fc.nat(2) }),
  fc.record({ name: fc.constantFrom('a', 'b', 'c'), v: fc.nat(2) }),
  fc.record({ v: fc.nat(2) }),
  fc.nat(3),
  fc.array(fc.nat(2), { maxLength: 2 }),
)
const items = fc.array(item, { maxLength: 8 })

/** jsondiffpatch mishandles keys named like Object.prototype members (`__proto__`, `toString`…); computeDelta does not. */
function hasPrototypeKey(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false
  return Object.keys(value).some(
    (key) => key in Object.prototype || hasPrototypeKey((value as Record<string, unknown>)[key]),
  )
}

describe('diff properties', () => {
  it('diffJson: finds no change between a JSON value and itself or a copy of it', () => {
    fc.assert(
      fc.property(json, (value) => {
        expect(diffJson(value, value)).toEqual([])
        expect(diffJson(value, structuredClone(value))).toEqual([])
      }),
      { seed },
    )
  })

  it('diffJson: finds a change exactly when the canonical JSON texts differ', () => {
    fc.assert(
      fc.property(fc.oneof(fc.tuple(json, json), fc.tuple(items, items)), ([left, right]) => {
        expect(diffJson(left, right).length === 0).toBe(sortedJson(left) === sortedJson(right))
      }),
      { seed },
    )
  })

  it('computeDelta: returns the delta jsondiffpatch itself returns with the parallax objectHash', () => {
    const patcher = createJsonDiffPatcher()
    fc.assert(
      fc.property(
        fc.oneof(
          fc.tuple(json, json),
          fc.tuple(items, items),
          fc.tuple(fc.dictionary(fc.string(), items), fc.dictionary(fc.string(), items)),
        ),
        ([left, right]) => {
          fc.pre(!hasPrototypeKey(left) && !hasPrototypeKey(right))
          // jsondiffpatch has no notion of chunks: compare with that rule off.
          expect(computeDelta(left, right, { chunks: false })).toEqual(patcher.diff(left, right))
        },
      ),
      { seed },
    )
  })

  it('computeDelta: gives a delta that jsondiffpatch patches left into right', () => {
    const patcher = createJsonDiffPatcher()
    fc.assert(
      fc.property(fc.oneof(fc.tuple(json, json), fc.tuple(items, items)), ([left, right]) => {
        fc.pre(!hasPrototypeKey(left) && !hasPrototypeKey(right))
        const delta = computeDelta(left, right)
        expect(delta === undefined ? left : patcher.patch(structuredClone(left), delta)).toEqual(right)
      }),
      { seed },
    )
  })

  it('compareTraces: on a linear pipeline picks the first differing stage as culprit and marks later differing inputs propagated', () => {
    const pipeline = fc.integer({ min: 1, max: 8 }).chain((length) =>
      fc.record({
        request: json,
        left: fc.array(json, { minLength: length, maxLength: length }),
        first: fc.nat(length - 1),
        changes: fc.array(fc.option(json, { freq: 2 }), { minLength: length, maxLength: length }),
      }),
    )
    fc.assert(
      fc.property(pipeline, ({ request, left, first, changes }) => {
        const right = left.map((output, index) => {
          if (index < first) return output
          const change = changes[index]
          if (index === first) {
            return change !== null && sortedJson(change) !== sortedJson(output) ? change : { not: output }
          }
          return change ?? output
        })
        const same = left.map((output, index) => sortedJson(output) === sortedJson(right[index]))
        const comparison = compareTraces(
          buildTrace('local', linearStages(request, left)),
          buildTrace('production', linearStages(request, right)),
        )
        const propagated = left.flatMap((_, index) =>
          index > first && !same[index - 1] ? [`s${index}`] : [],
        )
        // Traces hold JSON text: compare with what parsing it gives (-0 reads back as 0).
        const pathsAt = (index: number) =>
          diffJson(JSON.parse(sortedJson(left[index])), JSON.parse(sortedJson(right[index])))
        // A later stage whose input agrees and whose output does not introduces a divergence of its own.
        const others = left.flatMap((_, index) =>
          index > first && same[index - 1] && !same[index]
            ? [{ kind: 'stage', culprit: `s${index}`, paths: pathsAt(index) }]
            : [],
        )
        expect(comparison.divergence).toEqual({
          kind: 'stage',
          culprit: `s${first}`,
          paths: pathsAt(first),
          propagatedTo: propagated,
          ...(others.length > 0 && { others }),
        })
        const verdicts = comparison.stages.map((stage) => stage.verdict)
        const expected = left.map((_, index) => {
          if (index < first) return 'equal'
          if (index > first && !same[index - 1]) return 'propagated'
          return same[index] ? 'equal' : 'culprit'
        })
        expect(verdicts).toEqual(expected)
      }),
      { seed },
    )
  })
})
