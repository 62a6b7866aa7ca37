import { RegExpParser } from '@eslint-community/regexpp'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { propertySeed } from '../../test/support/property-seed.ts'
import { automatonReplace, compileAutomaton, type MaskAutomaton } from './mask-automaton.ts'

function automaton(pattern: string, flags = ''): MaskAutomaton {
  const compiled = compileAutomaton(new RegExpParser().parsePattern(pattern), flags)
  if (compiled.blocker !== undefined) throw new Error(`${pattern}: ${compiled.blocker.kind}`)
  return compiled.automaton
}

/** What V8's backtracking engine makes of the same global replace (the replacement taken literally). */
function backtracking(pattern: string, flags: string, text: string): string {
  return text.replace(new RegExp(pattern, `${flags}g`), () => '<m>')
}

describe('mask automaton', () => {
  it('automatonReplace: finds the matches a backtracking engine finds: leftmost, preferred way first', () => {
    const cases: Array<[string, string, string]> = [
      ['<[^>]+>', '', 'a<b>c<<d>'],
      ['a+b|a', '', 'aaab aa'],
      ['(a+)+$', '', 'aaa!aaa'],
      ['\\bfoo\\b', '', 'foo xfoo foo_ foo'],
      ['\\Boo', '', 'oo foo'],
      ['^a', 'm', 'a\nab\r\na'],
      ['^a', '', 'a\nab\na'],
      ['a$', 'm', 'a\nba\u2028a'],
      ['a*?b', '', 'aaab'],
      ['x{2,4}?y?', '', 'xxxxxy'],
      ['(?:ab|a)(?:bc|c)', '', 'abc abcc'],
      ['.+', '', 'ab\ncd\u2029e'],
      ['.+', 's', 'ab\ncd'],
      ['[^\\d\\s]+', '', 'ab 12\tcd\u00a0e'],
      ['\\W+', '', 'a-+b _c'],
      ['[\\w-]{2,}', '', 'a-b c d-'],
      ['😀+', '', 'x😀😀y'],
      ['[\\ud800-\\udbff]', '', 'x😀y'],
    ]
    for (const [pattern, flags, text] of cases) {
      expect({ pattern, out: automatonReplace(automaton(pattern, flags), text, '<m>') }).toEqual({
        pattern,
        out: backtracking(pattern, flags, text),
      })
    }
  })

  it('automatonReplace: the replacement is taken as it is, `$` included', () => {
    expect(automatonReplace(automaton('b+'), 'abbc', '$&$1')).toBe('a$&$1c')
  })

  it('compileAutomaton: names what it cannot run', () => {
    const blocker = (pattern: string, flags = '') =>
      compileAutomaton(
        new RegExpParser().parsePattern(pattern, 0, pattern.length, { unicode: flags.includes('u') }),
        flags,
      ).blocker
    expect(blocker('(a)\\1')).toEqual({ kind: 'backreference', raw: '\\1' })
    expect(blocker('a(?=b)')).toEqual({ kind: 'lookaround', raw: '(?=b)' })
    expect(blocker('(?<=a)b')).toEqual({ kind: 'lookaround', raw: '(?<=a)' })
    expect(blocker('a+', 'u')).toEqual({ kind: 'unicode', raw: 'u' })
    expect(blocker('(?:a|b?)+c')).toEqual({ kind: 'empty-repeat', raw: '(?:a|b?)+' })
    expect(blocker('(?:\\b)*a')).toEqual({ kind: 'empty-repeat', raw: '(?:\\b)*' })
    expect(blocker('a{3000}')?.kind).toBe('size')
    expect(blocker('(?:a{50}){50}')?.kind).toBe('size')
    expect(blocker('(?:a|b??)?')).toEqual({ kind: 'empty-repeat', raw: '(?:a|b??)?' })
    expect(blocker('(?:a|b?){2}c')).toBeUndefined()
  })

  it('property: the same replace as V8’s backtracking engine on random patterns and texts', () => {
    const atom = fc.constantFrom(
      'a',
      'b',
      '1',
      '_',
      '\\n',
      '[ab]',
      '[^a]',
      '[^\\n]',
      '\\d',
      '\\w',
      '\\W',
      '\\s',
      '.',
      '^',
      '$',
      '\\b',
      '\\B',
    )
    const quantifier = fc.constantFrom(
      '',
      '',
      '',
      '*',
      '+',
      '?',
      '*?',
      '+?',
      '??',
      '{2}',
      '{0,2}',
      '{1,3}?',
      '{2,}',
    )
    const pattern: fc.Arbitrary<string> = fc.letrec<{ piece: string; seq: string }>((tie) => ({
      piece: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.tuple(atom, quantifier).map(([a, q]) => a + q),
        fc.tuple(tie('seq'), tie('seq'), quantifier).map(([a, b, q]) => `(?:${a}|${b})${q}`),
        fc.tuple(tie('seq'), quantifier).map(([a, q]) => `(${a})${q}`),
      ),
      seq: fc.array(tie('piece'), { minLength: 1, maxLength: 3 }).map((pieces) => pieces.join('')),
    })).seq
    const text = fc
      .array(fc.constantFrom('a', 'b', '1', '_', '\n', ' ', '-', 'é'), { maxLength: 14 })
      .map((units) => units.join(''))
    let compared = 0
    fc.assert(
      fc.property(
        pattern,
        fc.constantFrom('', 'm', 's', 'ms'),
        fc.array(text, { minLength: 1, maxLength: 4 }),
        (source, flags, texts) => {
          let compiled: ReturnType<typeof compileAutomaton>
          try {
            new RegExp(source, flags)
            compiled = compileAutomaton(new RegExpParser().parsePattern(source), flags)
          } catch {
            return // Not a regular expression (`^*`): nothing to compare.
          }
          if (compiled.blocker !== undefined) return
          compared++
          for (const sample of texts) {
            expect({
              source,
              flags,
              sample,
              out: automatonReplace(compiled.automaton, sample, '<m>'),
            }).toEqual({
              source,
              flags,
              sample,
              out: backtracking(source, flags, sample),
            })
          }
        },
      ),
      { numRuns: 4_000, seed: propertySeed('mask automaton') },
    )
    expect(compared).toBeGreaterThan(500)
  })
})
