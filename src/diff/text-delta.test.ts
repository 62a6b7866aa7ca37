import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { sortedJson } from '../../test/diff/build-trace.ts'
import { propertySeed } from '../../test/support/property-seed.ts'
import { computeDelta } from './compute-delta.ts'
import { flattenDelta } from './flatten-delta.ts'
import { computeTextDelta } from './text-delta.ts'

const json = fc.jsonValue({ maxDepth: 2 })
const item = fc.oneof(
  fc.record({ id: fc.nat(3), v: fc.nat(2) }),
  fc.record({ name: fc.constantFrom('a', 'b'), v: json }),
  fc.record({ v: fc.nat(2) }),
  fc.nat(2),
  json,
)
const doc = fc.record({
  items: fc.array(item, { maxLength: 8 }),
  meta: json,
  nested: fc.record({ list: fc.array(item, { maxLength: 4 }) }),
})

/** A document and a variation of it: some items replaced, maybe one inserted, maybe meta changed. */
const pair = fc
  .tuple(doc, fc.array(fc.tuple(fc.nat(9), item), { maxLength: 3 }), fc.option(item), fc.option(json))
  .map(([left, replacements, inserted, meta]) => {
    const right = structuredClone(left)
    for (const [index, replacement] of replacements)
      if (index < right.items.length) right.items[index] = replacement
    if (inserted !== null) right.nested.list.unshift(inserted)
    if (meta !== null) right.meta = meta
    return [left, right] as const
  })

describe('computeTextDelta', () => {
  it('computeTextDelta: gives the delta of the parsed values, whatever the layout of the text', () => {
    const seed = propertySeed('computeTextDelta')
    // Canonical, indented, and keys in the order written (HTTP answers): each side in any of them.
    const layouts = [
      sortedJson,
      (value: unknown) => JSON.stringify(value, null, 2),
      (value: unknown) => JSON.stringify(value),
    ]
    const layout = fc.constantFrom(0, 1, 2)
    fc.assert(
      fc.property(fc.oneof(pair, fc.tuple(json, json)), layout, layout, ([left, right], l, r) => {
        const leftText = layouts[l]!(left)
        const rightText = layouts[r]!(right)
        const expected = computeDelta(JSON.parse(leftText), JSON.parse(rightText))
        expect(computeTextDelta(leftText, rightText, {}, 0)).toEqual(expected)
      }),
      { seed },
    )
  })

  it('computeTextDelta: localizes changes in a large array of objects by id without parsing equal items', () => {
    const items = Array.from({ length: 2000 }, (_, index) => ({
      id: `i${index}`,
      text: `item "${index}"\\`,
      n: index,
    }))
    const changed = structuredClone(items)
    changed[3]!.n = -3
    changed[1500]!.text = 'changed'
    const delta = computeTextDelta(sortedJson({ items }), sortedJson({ items: changed }))
    expect(flattenDelta(delta)).toEqual([
      { op: 'replace', path: '$.items[3].n', before: 3, after: -3 },
      { op: 'replace', path: '$.items[1500].text', before: 'item "1500"\\', after: 'changed' },
    ])
  })

  it('computeTextDelta: falls back to aligning parsed items when an item is inserted', () => {
    const items = Array.from({ length: 2000 }, (_, index) => ({ id: `i${index}`, n: index }))
    const delta = computeTextDelta(
      sortedJson({ items }),
      sortedJson({ items: [{ id: 'new', n: 0 }, ...items] }),
    )
    expect(flattenDelta(delta)).toEqual([{ op: 'add', path: '$.items[0]', after: { id: 'new', n: 0 } }])
  })

  it('computeTextDelta: rejects text that is not JSON with a SyntaxError', () => {
    expect(() => computeTextDelta('{"a":[1,2}', '{"a":[1]}', {}, 0)).toThrow(SyntaxError)
    expect(() => computeTextDelta('{"a":1} x', '{"a":2}', {}, 0)).toThrow(SyntaxError)
    expect(() => computeTextDelta('{"a":"1}', '{"a":2}', {}, 0)).toThrow(SyntaxError)
  })
})
