import { describe, expect, it } from 'vitest'
import { formatChange } from './format-change.ts'

describe('formatChange', () => {
  it('formatChange: shows short values whole, strings quoted', () => {
    expect(formatChange({ op: 'replace', path: '$.a', before: 'x', after: 2 })).toEqual({
      op: 'replace',
      path: '$.a',
      before: '"x"',
      after: '2',
    })
  })

  it('formatChange: shows a window around the first difference of two long strings', () => {
    const prefix = 'Voici le texte de la documentation qui décrit '
    const change = formatChange(
      {
        op: 'replace',
        path: '$.documents[1].text',
        before: `${prefix}une requête HTTP.`,
        after: `${prefix}une requ\ufffd\ufffdte HTTP.`,
      },
      30,
    )
    expect(change.before).toBe('"…t une requête HTTP."')
    expect(change.after).toBe('"…t une requ\\ufffd\\ufffdte HTTP."')
  })

  it('formatChange: starts at the beginning when the difference is near it', () => {
    const change = formatChange(
      { op: 'replace', path: '$', before: `ab${'x'.repeat(80)}`, after: `ac${'x'.repeat(80)}` },
      10,
    )
    expect(change).toMatchObject({ before: '"abxxxxxxxx…"', after: '"acxxxxxxxx…"' })
  })

  it('formatChange: clips large objects with clipValue and omits the missing side of add and remove', () => {
    const big = Array.from({ length: 100 }, (_, i) => i)
    expect(formatChange({ op: 'add', path: '$.items', after: big }, 12)).toEqual({
      op: 'add',
      path: '$.items',
      after: '[0,1,2,3,4,5…(array of 100 items)',
    })
    expect(formatChange({ op: 'remove', path: '$.k', before: null })).toEqual({
      op: 'remove',
      path: '$.k',
      before: 'null',
    })
  })

  it('formatChange: escapes control characters in paths and values', () => {
    expect(
      formatChange({ op: 'replace', path: '$["\x1b[2J"]', before: 'a\rb', after: { k: '\u202e' } }),
    ).toEqual({
      op: 'replace',
      path: '$["\\x1b[2J"]',
      before: '"a\\rb"',
      after: '{"k":"\\u202e"}',
    })
  })
})
