import { describe, expect, it } from 'vitest'
import { describeChange } from '../diff/change-detail.ts'
import { formatDetail } from './format-detail.ts'
import { paintLines } from './styled-line.ts'

const plain = (change: Parameters<typeof describeChange>[0]) => {
  const spans = formatDetail(describeChange(change)!, 40)
  return spans === undefined ? undefined : paintLines([spans], { color: false, width: 200 })
}

describe('formatDetail', () => {
  it('shows text changes with [-removed-]{+added+} markers, readable without colour, control characters escaped', () => {
    expect(
      plain({ op: 'replace', path: '$.t', before: 'une réponse', after: 'une r\ufffdponse\u001b[2J' }),
    ).toBe('diff une r[-é-]{+\\ufffd+}ponse{+\\x1b[2J+}\n')
  })

  it('shows number deltas rounded, and nothing more for texts with nothing in common', () => {
    expect(plain({ op: 'replace', path: '$.n', before: 0.42, after: 0.4 })).toBe('Δ -0.02 (-4.76%)\n')
    expect(plain({ op: 'replace', path: '$.t', before: 'abc', after: 'xyz' })).toBeUndefined()
  })
})
