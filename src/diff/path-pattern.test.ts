import { describe, expect, it } from 'vitest'
import { isParallaxError } from '../recording/errors.ts'
import { childPath, indexPath } from './json-path.ts'
import { compilePathPattern, parsePath } from './path-pattern.ts'

describe('path patterns', () => {
  it('parsePath reads back every path the differ writes, odd keys included', () => {
    const odd = ['a', 'key with space', '__proto__', 'x-request-id', '"quoted"', 'é', '']
    for (const key of odd) {
      const path = indexPath(childPath(childPath('$', 'items'), key), 3)
      expect(parsePath(path)).toEqual(['items', key, 3])
    }
    expect(parsePath('$')).toEqual([])
  })

  it('compilePathPattern: $-anchored paths, [*], .*, ** and unanchored names', () => {
    const cases: Array<[string, string, boolean]> = [
      ['$.meta.requestId', '$.meta.requestId', true],
      ['$.meta.requestId', '$.other.meta.requestId', false],
      ['**.timestamp', '$.timestamp', true],
      ['**.timestamp', '$.a[2].b.timestamp', true],
      ['**.timestamp', '$.a.timestamps', false],
      ['timestamp', '$.deep.timestamp', true],
      ['$.items[*].id', '$.items[12].id', true],
      ['$.items[*].id', '$.items.id', false],
      ['$.items[2]', '$.items[2]', true],
      ['$.items[2]', '$.items[3]', false],
      ['$.*.id', '$.anything.id', true],
      ['$.*.id', '$[0].id', false],
      ['$.headers["x-request-id"]', '$.headers["x-request-id"]', true],
      ['$.headers.x-request-id', '$.headers["x-request-id"]', true],
      ['$.**.id', '$.id', true],
      ['$.a.**.**.b', '$.a.x.y.b', true],
    ]
    for (const [pattern, path, expected] of cases) {
      expect([pattern, path, compilePathPattern(pattern).matches(parsePath(path))]).toEqual([
        pattern,
        path,
        expected,
      ])
    }
  })

  it('covers: a pattern covers the paths under what it matches', () => {
    const meta = compilePathPattern('$.meta')
    expect(meta.covers(parsePath('$.meta.requestId'))).toBe(true)
    expect(meta.matches(parsePath('$.meta.requestId'))).toBe(false)
    expect(meta.covers(parsePath('$.metadata'))).toBe(false)
  })

  it('rejects malformed patterns with where they were written', () => {
    for (const bad of ['', '$.', '$.a[', '$.a[x]', '$.a["open]', '$!', '$.a b']) {
      let error: unknown
      try {
        compilePathPattern(bad, 'scenarios/x.ts noise.ignore[2]')
      } catch (caught) {
        error = caught
      }
      expect(isParallaxError(error, 'PARALLAX_USAGE'), bad).toBe(true)
      expect((error as Error).message).toContain('noise.ignore[2]')
    }
  })
})
