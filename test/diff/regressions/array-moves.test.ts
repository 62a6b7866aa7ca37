/**
 * Regression: a moved array item was reported as `{ op: 'move', before: <old index>, after: <new index> }`,
 * so reversing ['a', 'b', 'c'] read `$.tags[1]  1 ↷ 1`, while docs/json-output.md says `before` and `after`
 * are values. A move now names where the item was (`path`) and where it is (`to`), and carries the item.
 */
import { describe, expect, it } from 'vitest'
import { diffJson } from '../../../src/diff/index.ts'
import { parsePath } from '../../../src/diff/path-pattern.ts'

/** The value at a printed path such as `$.tags[2]` (index and plain-key segments only). */
function at(value: unknown, path: string): unknown {
  let node = value
  for (const segment of parsePath(path)) node = (node as Record<string | number, unknown>)[segment as never]
  return node
}

describe('array moves', () => {
  it('diffJson: a reversed array names each moved item, its original index and its new index', () => {
    expect(diffJson({ tags: ['a', 'b', 'c'] }, { tags: ['c', 'b', 'a'] })).toEqual([
      { op: 'move', path: '$.tags[1]', to: '$.tags[1]', before: 'b', after: 'b' },
      { op: 'move', path: '$.tags[2]', to: '$.tags[0]', before: 'c', after: 'c' },
    ])
  })

  it('diffJson: a moved item that also changed has the item before and after, its change at the new index', () => {
    const left = [{ id: 'a' }, { id: 'b' }, { id: 'c', v: 1 }]
    const right = [{ id: 'c', v: 2 }, { id: 'a' }, { id: 'b' }]
    expect(diffJson(left, right)).toEqual([
      { op: 'replace', path: '$[0].v', before: 1, after: 2 },
      { op: 'move', path: '$[2]', to: '$[0]', before: { id: 'c', v: 1 }, after: { id: 'c', v: 2 } },
    ])
  })

  it('diffJson: every move is the left item at `path` and the right item at `to` (jsondiffpatch gives destination indexes)', () => {
    let seed = 11
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed / 2147483648
    }
    let moves = 0
    for (let run = 0; run < 300; run++) {
      const left = Array.from({ length: 2 + Math.floor(random() * 8) }, (_, i) => ({ id: `k${i}`, n: i }))
      const right = left
        .filter(() => random() > 0.2)
        .map((item) => (random() < 0.2 ? { ...item, n: -1 } : item))
      for (let i = right.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1))
        ;[right[i], right[j]] = [right[j]!, right[i]!]
      }
      for (const change of diffJson({ items: left }, { items: right })) {
        if (change.op !== 'move') continue
        moves++
        expect(at({ items: left }, change.path)).toEqual(change.before)
        expect(at({ items: right }, change.to!)).toEqual(change.after)
      }
    }
    expect(moves).toBeGreaterThan(100)
  })
})
