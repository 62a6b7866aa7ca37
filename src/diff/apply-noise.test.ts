import { RegExpParser } from '@eslint-community/regexpp'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { buildTrace, linearStages } from '../../test/diff/build-trace.ts'
import { propertySeed } from '../../test/support/property-seed.ts'
import { isParallaxError } from '../recording/errors.ts'
import { diffUnderNoise } from './apply-noise.ts'
import { compareTraces } from './compare-traces.ts'
import { automatonReplace, compileAutomaton } from './mask-automaton.ts'
import { backtracksInLinearTime, bothCases } from './noise-mask.ts'
import { compileNoiseRules, type NoiseRule } from './noise-rules.ts'

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'

function usageError(run: () => unknown): Error {
  try {
    run()
  } catch (error) {
    expect(isParallaxError(error, 'PARALLAX_USAGE')).toBe(true)
    return error as Error
  }
  throw new Error('expected a usage error')
}

describe('noise rules', () => {
  it('ignore hides a path and everything under it, and counts what it hid', () => {
    const noise = compileNoiseRules({ ignore: ['$.meta', '**.timestamp'] }, 'test')
    const result = diffUnderNoise(
      { meta: { id: 1, host: 'a' }, at: { timestamp: 1 }, text: 'x' },
      { meta: { id: 2, host: 'b' }, at: { timestamp: 2 }, text: 'y' },
      noise,
    )
    expect(result.paths).toEqual([{ op: 'replace', path: '$.text', before: 'x', after: 'y' }])
    expect(result.hidden).toEqual([2, 1])
  })

  it('masks make equal what differs only in what they match, anywhere or under their paths', () => {
    const noise = compileNoiseRules(
      {
        masks: [
          { name: 'uuid', pattern: UUID, flags: 'i' },
          { name: 'n', pattern: '[0-9]+', paths: ['$.count'] },
        ],
      },
      'test',
    )
    const left = {
      id: '3F2A1B2C-1234-4ABC-8DEF-0123456789AB',
      note: 'req 3f2a1b2c-1234-4abc-8def-0123456789ab done',
      count: '12',
      other: '1',
    }
    const right = {
      id: '00000000-1111-4222-8333-444444444444',
      note: 'req 00000000-1111-4222-8333-444444444444 done',
      count: '13',
      other: '2',
    }
    const result = diffUnderNoise(left, right, noise)
    expect(result.paths).toEqual([{ op: 'replace', path: '$.other', before: '1', after: '2' }])
    expect(result.hidden).toEqual([2, 1])
  })

  it('tolerance: absolute and relative, only at its path', () => {
    const noise = compileNoiseRules(
      {
        tolerance: [
          { path: '**.score', absolute: 0.01 },
          { path: '$.total', relative: 0.05 },
        ],
      },
      'test',
    )
    const result = diffUnderNoise(
      { a: { score: 0.5 }, b: { score: 0.5 }, total: 100, other: 1 },
      { a: { score: 0.505 }, b: { score: 0.6 }, total: 104, other: 1.001 },
      noise,
    )
    expect(result.paths.map((p) => p.path)).toEqual(['$.b.score', '$.other'])
    expect(result.hidden).toEqual([1, 1])
  })

  it('unordered compares arrays as multisets: a reordering is no change, a different count still is', () => {
    const noise = compileNoiseRules({ unordered: ['$.tags'] }, 'test')
    expect(diffUnderNoise({ tags: ['a', 'b', 'c'] }, { tags: ['c', 'a', 'b'] }, noise)).toMatchObject({
      paths: [],
    })
    const repeated = diffUnderNoise({ tags: ['a', 'a', 'b'] }, { tags: ['a', 'b', 'b'] }, noise)
    expect(repeated.paths.length).toBeGreaterThan(0)
    expect(diffUnderNoise({ tags: [{ k: 1, v: 2 }, 3] }, { tags: [3, { v: 2, k: 1 }] }, noise).paths).toEqual(
      [],
    )
  })

  it('identityKeys match array items by a field: one insertion near the front is one change', () => {
    const items = Array.from({ length: 50 }, (_, i) => ({ docId: `d${i}`, text: `t${i}` }))
    const inserted = [items[0], { docId: 'new', text: 'n' }, ...items.slice(1)]
    const keyed = diffUnderNoise(
      { items },
      { items: inserted },
      compileNoiseRules({ identityKeys: ['docId'] }, 'test'),
    )
    expect(keyed.paths).toEqual([{ op: 'add', path: '$.items[1]', after: { docId: 'new', text: 'n' } }])
  })

  it('headers: deny and allow lists by name, any case', () => {
    const deny = compileNoiseRules({ headers: { deny: ['Date', 'x-request-id'] } }, 'test')
    const left = { status: 200, headers: { date: 'Mon', 'X-Request-Id': 'a', etag: '1' } }
    const right = { status: 200, headers: { date: 'Tue', 'X-Request-Id': 'b', etag: '2' } }
    expect(diffUnderNoise(left, right, deny).paths.map((p) => p.path)).toEqual(['$.headers.etag'])
    const allow = compileNoiseRules({ headers: { allow: ['content-type'] } }, 'test')
    expect(diffUnderNoise(left, right, allow)).toMatchObject({ paths: [], hidden: [3] })
  })

  it('compareTraces under noise: a request id flowing through every stage is no divergence, a real change still is', () => {
    const request = { q: 'x' }
    const stagesWith = (id: string, text: string) =>
      linearStages(request, [
        { requestId: id, q: 'x' },
        { requestId: id, hits: [1] },
        { requestId: id, text },
      ])
    const noise = compileNoiseRules({ ignore: ['**.requestId'] }, 'test')
    const agree = compareTraces(
      buildTrace('local', stagesWith('a', 'ok')),
      buildTrace('production', stagesWith('b', 'ok')),
      { noise },
    )
    expect(agree.divergence).toEqual({ kind: 'none', stagesCompared: 3 })
    // Three distinct pairs of values differ (each stage's output is the next one's input): each counted once.
    expect(agree.noise).toEqual([{ rule: 'ignore **.requestId', hidden: 3 }])
    const diverge = compareTraces(
      buildTrace('local', stagesWith('a', 'ok')),
      buildTrace('production', stagesWith('b', 'ko')),
      { noise },
    )
    expect(diverge.divergence).toMatchObject({
      kind: 'stage',
      culprit: 's2',
      paths: [{ op: 'replace', path: '$.text', before: 'ok', after: 'ko' }],
    })
    const exact = compareTraces(
      buildTrace('local', stagesWith('a', 'ok')),
      buildTrace('production', stagesWith('b', 'ok')),
    )
    expect(exact.divergence).toMatchObject({ kind: 'stage', culprit: 's0' })
    expect(exact).not.toHaveProperty('noise')
  })

  it('rejects bad rules with where they were written', () => {
    expect(usageError(() => compileNoiseRules({ ignor: ['x'] }, 'scenarios/a.ts noise')).message).toContain(
      'scenarios/a.ts noise',
    )
    expect(usageError(() => compileNoiseRules({ masks: [{ pattern: '(' }] }, 'n')).message).toContain(
      'n.masks[0]',
    )
    expect(
      usageError(() => compileNoiseRules({ masks: [{ pattern: 'a', flags: 'g' }] }, 'n')).message,
    ).toContain('flags')
    expect(usageError(() => compileNoiseRules({ masks: [{ pattern: 'a*' }] }, 'n')).message).toContain(
      'empty string',
    )
    expect(usageError(() => compileNoiseRules({ tolerance: [{ path: '$.a' }] }, 'n')).message).toContain(
      'n.tolerance[0]',
    )
    expect(usageError(() => compileNoiseRules({ tolerance: [{ absolute: -1 }] }, 'n')).message).toContain(
      'n.tolerance[0].absolute',
    )
    expect(usageError(() => compileNoiseRules({ ignore: ['$.a['] }, 'n')).message).toContain('n.ignore[0]')
  })

  it('bothCases spells ASCII letters in both cases for the linear engine, escapes and names untouched', () => {
    expect(bothCases('id-[a-f0-9]+')).toBe('[iI][dD]-[a-f0-9A-F]+')
    expect(bothCases('\\u00e9\\d\\p{L}x')).toBe('\\u00e9\\d\\p{L}[xX]')
    expect(bothCases('(?<name>ab)[^X-c]')).toBe('(?<name>[aA][bB])[^X-cA-Cx-z]')
    const noise = compileNoiseRules({ masks: [{ pattern: 'token-[a-z]+', flags: 'i' }] }, 'test')
    expect(diffUnderNoise({ t: 'TOKEN-AbC x' }, { t: 'token-zzz x' }, noise).paths).toEqual([])
  })

  it('masks neither proven linear nor runnable on the linear-time automaton are rejected; nested quantifiers finish on hostile text', () => {
    for (const pattern of ['(a)\\1', 'a(?=b+c)', '(?<n>a)\\k<n>', '(?:\\w+\\s){16}z']) {
      expect(usageError(() => compileNoiseRules({ masks: [{ pattern }] }, 'n')).message).toContain(
        "parallax's linear-time engine cannot run",
      )
    }
    const noise = compileNoiseRules(
      { masks: [{ pattern: '(a+)+$' }, { pattern: '(x|x)*y' }, { pattern: '(?<!x)y' }] },
      'n',
    )
    const hostile = `${'a'.repeat(100_000)}!`
    const result = diffUnderNoise({ s: hostile }, { s: `${'x'.repeat(100_000)}!` }, noise)
    expect(result.paths).toHaveLength(1)
  })

  it('a mask that could take super-linear time on the backtracking engine runs on the automaton', () => {
    const engineOf = (pattern: string, flags?: string) =>
      (compileNoiseRules({ masks: [{ pattern, flags }] }, 'n').rules[0] as NoiseRule & { kind: 'mask' })
        .engine
    // Nested or ambiguous repetition (exponential), a scan restarted at every position (quadratic: each
    // `<` of `<<<<…` reads to the end), and repeated pieces longer than one character (`abab…`).
    for (const pattern of [
      '(a+)+$',
      '(x|x)*y',
      '<[^>]+>',
      '[0-9]+x',
      '\\d+ms',
      '(?:ab)+c',
      '(?:foo|bar)+!',
      '(a|a){1,16}b', // 2^16 ways per start when backtracking
      'a{0,12}a{0,12}a{0,12}b', // 2,197 ways per start
      '\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}', // up to 120 steps per start counted, above the bound of 64
      'a{1000}',
      '[0-9a-f]{128}',
      '(?:ab){17}c',
    ])
      expect({ pattern, engine: engineOf(pattern) }).toEqual({ pattern, engine: 'automaton' })
    for (const pattern of [UUID, '"[^"]*"', 'req-[0-9]{6}', '\\d{4}-\\d{2}-\\d{2}T[0-9:.]+Z'])
      expect({ pattern, engine: engineOf(pattern) }).toEqual({ pattern, engine: 'backtracking' })
    expect(engineOf('ID-[0-9]{3}', 'i')).toBe('backtracking')
    expect(backtracksInLinearTime('(?:a)+b', '')).toBe(false) // `a+b` in a group: scslre sees it
    // A lookbehind runs backwards from every position: fine when bounded, rejected when it repeats.
    expect(engineOf('(?<=id=)[0-9]{4}')).toBe('backtracking')
    expect(usageError(() => engineOf('(?<=a+)a{5}b')).message).toContain('lookbehind')
  })

  it('both engines mask alike: the same text is replaced whichever engine runs a pattern, `i` included', () => {
    const patterns = ['a+b', '(?:ab)+', '[ab]c|b{2}', 'b[^c]*c', '^a|c$', '(?:a|ab)(?:c|bcd)', '[a-c]{2,}d?']
    const text = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd', 'A', 'B', 'C', '\n'), maxLength: 40 })
    fc.assert(
      fc.property(
        fc.constantFrom(...patterns),
        fc.constantFrom('', 'm', 'i', 'im'),
        text,
        (pattern, flags, input) => {
          // The automaton as compileMask builds it: no `i`, the letters spelled in both cases.
          const source = flags.includes('i') ? bothCases(pattern) : pattern
          const others = flags.replace('i', '')
          const { automaton } = compileAutomaton(new RegExpParser().parsePattern(source), others)
          expect(automatonReplace(automaton!, input, '<m>')).toBe(
            input.replace(new RegExp(pattern, `${flags}g`), '<m>'),
          )
        },
      ),
      { numRuns: 500, seed: propertySeed('mask engines alike') },
    )
  })
})
