import { describe, expect, it } from 'vitest'
import { scanContainer, skipValue } from './scan-json.ts'

describe('scanContainer', () => {
  it('skipValue: skips strings with escaped quotes and brackets inside them', () => {
    const text = '["a\\"]", {"b": "\\\\"}, 12] tail'
    expect(skipValue(text, 0)).toBe(text.indexOf(' tail'))
    expect(skipValue('-1.5e3,', 0)).toBe(6)
    expect(skipValue('"x\\\\"y', 0)).toBe(5)
  })

  it('scanContainer: lists the members of an object with their keys, escaped keys decoded', () => {
    const text = '{ "a" : 1 , "b\\u0020c": [2, 3], "__proto__": {} }'
    const span = scanContainer(text, 0)
    expect(span.end).toBe(text.length)
    expect(
      span.members?.map((member) => [member.key, text.slice(member.value.start, member.value.end)]),
    ).toEqual([
      ['a', '1'],
      ['b c', '[2, 3]'],
      ['__proto__', '{}'],
    ])
  })

  it('scanContainer: records the members of nested containers when asked for two levels', () => {
    const text = '{"items":[{"id":1},{"id":2}],"n":null}'
    const span = scanContainer(text, 0, 2)
    const items = span.members?.[0]?.value
    expect(items?.members?.map((item) => text.slice(item.value.start, item.value.end))).toEqual([
      '{"id":1}',
      '{"id":2}',
    ])
    expect(items?.members?.[0]?.value.members).toBeUndefined()
    expect(scanContainer('[]', 0).members).toEqual([])
  })

  it('scanContainer: throws a SyntaxError naming the position when the structure is broken', () => {
    expect(() => scanContainer('{"a" 1}', 0)).toThrowErrorMatchingInlineSnapshot(
      `[SyntaxError: Expected ':' at position 5 near "{\\"a\\" 1}"]`,
    )
    expect(() => scanContainer('[1,2', 0)).toThrow(SyntaxError)
    expect(() => scanContainer('{"a":"1}', 0)).toThrow(SyntaxError)
  })
})
