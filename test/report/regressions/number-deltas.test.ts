/**
 * Regression: number deltas were rounded to 6 significant digits, so 25596456 → 23309288 read
 * `Δ -2287170` where the difference is -2287168. Integers are now exact, and so is any delta of the
 * numbers as printed (0.42 → 0.4 is -0.02, not -0.019999999999999962); other floats keep full precision.
 */
import { describe, expect, it } from 'vitest'
import { describeChange } from '../../../src/diff/change-detail.ts'
import { plainChange } from '../../../src/report/index.ts'

const delta = (before: number, after: number) =>
  plainChange({ op: 'replace', path: '$.n', before, after }, 40)[1]

describe('number deltas', () => {
  it('describeChange: the delta is the difference of the numbers as printed, exact when that is exact', () => {
    expect(describeChange({ op: 'replace', path: '$.n', before: 25596456, after: 23309288 })).toEqual({
      kind: 'number',
      delta: -2287168,
      relative: -2287168 / 25596456,
    })
    // 0.42 - 0.4 in floating point is 0.019999999999999962.
    expect(describeChange({ op: 'replace', path: '$.n', before: 0.4, after: 0.42 })).toEqual({
      kind: 'number',
      delta: 0.02,
      relative: 0.02 / 0.4,
    })
  })

  it('formatDetail: integers and deltas of the printed numbers are shown exactly, floats with full precision', () => {
    expect(delta(25596456, 23309288)).toBe('Δ -2287168 (-8.94%)')
    expect(delta(2 ** 53, 2 ** 53 + 2)).toBe('Δ +2 (+2.22e-14%)')
    expect(delta(0.42, 0.4)).toBe('Δ -0.02 (-4.76%)')
    expect(delta(0.1, 0.30000000000000004)).toBe('Δ +0.20000000000000004 (+200%)')
    expect(delta(1 / 3, 2 / 3)).toBe('Δ +0.3333333333333333 (+100%)')
    expect(delta(1e21, 1.5e21)).toBe('Δ +500000000000000000000 (+50%)')
    expect(delta(1e300, 3e300)).toBe('Δ +2e+300 (+200%)')
    expect(delta(0, 1e-7)).toBe('Δ +1e-7')
  })
})
