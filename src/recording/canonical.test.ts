import { describe, expect, it } from 'vitest'
import { CANONICAL_LIMITS, canonicalJson, captureValue, encodeCanonical } from './canonical.ts'
import { decodeCanonical } from './decode-canonical.ts'
import { isParallaxError } from './errors.ts'

const roundTrip = (value: unknown) => decodeCanonical(JSON.parse(canonicalJson(value)))

function nested(levels: number): unknown {
  let value: unknown = 'leaf'
  for (let i = 0; i < levels; i++) value = { a: value }
  return value
}

describe('canonicalJson', () => {
  it('canonicalJson: leaves plain JSON data as JSON, with keys sorted and no whitespace', () => {
    expect(canonicalJson({ b: [1, 'x', null, true], a: { d: 2.5, c: false } })).toBe(
      '{"a":{"c":false,"d":2.5},"b":[1,"x",null,true]}',
    )
  })

  it('canonicalJson: sorts keys by code unit, digits and symbols included', () => {
    expect(canonicalJson({ b: 1, 10: 2, 2: 3, $x: 4, B: 5, é: 6 })).toBe(
      '{"$x":4,"10":2,"2":3,"B":5,"b":1,"é":6}',
    )
  })

  it('canonicalJson: gives the same bytes whatever the insertion order', () => {
    expect(canonicalJson({ z: 1, a: { y: 2, b: 3 } })).toBe(canonicalJson({ a: { b: 3, y: 2 }, z: 1 }))
  })

  it('canonicalJson: writes each tag with its keys in sorted order', () => {
    expect(canonicalJson(Buffer.from('hi'))).toBe('{"$parallax":"bytes","base64":"aGk="}')
    expect(canonicalJson(new Uint16Array([1]))).toBe(
      '{"$parallax":"bytes","base64":"AQA=","type":"Uint16Array"}',
    )
    expect(canonicalJson(new DataView(new ArrayBuffer(1)))).toBe(
      '{"$parallax":"bytes","base64":"AA==","type":"DataView"}',
    )
    expect(canonicalJson(12345678901234567890n)).toBe('{"$parallax":"bigint","value":"12345678901234567890"}')
    expect(canonicalJson(new Date(Date.UTC(2026, 10, 24)))).toBe(
      '{"$parallax":"date","value":"2026-11-24T00:00:00.000Z"}',
    )
    expect(canonicalJson(new Date(Number.NaN))).toBe('{"$parallax":"date","value":"Invalid Date"}')
    expect(canonicalJson(/a+b/giu)).toBe('{"$parallax":"regexp","flags":"giu","source":"a+b"}')
    expect(canonicalJson(Symbol('token'))).toBe('{"$parallax":"symbol","description":"token"}')
    expect(canonicalJson(function namedThing() {})).toBe('{"$parallax":"function","name":"namedThing"}')
  })

  it('canonicalJson: keeps undefined as a value, so {a: undefined} differs from {}', () => {
    expect(canonicalJson({ a: undefined })).toBe('{"a":{"$parallax":"undefined"}}')
    expect(canonicalJson({ a: undefined })).not.toBe(canonicalJson({}))
    expect(canonicalJson(undefined)).toBe('{"$parallax":"undefined"}')
  })

  it('canonicalJson: tells a hole in a sparse array from an undefined item', () => {
    // biome-ignore lint/suspicious/noSparseArray: the hole is what is under test
    expect(canonicalJson([, undefined])).toBe('[{"$parallax":"hole"},{"$parallax":"undefined"}]')
  })

  it('canonicalJson: tags NaN, the infinities and -0, which JSON would turn into null or 0', () => {
    expect(canonicalJson([Number.NaN, Infinity, -Infinity, -0, 0])).toBe(
      '[{"$parallax":"number","value":"NaN"},{"$parallax":"number","value":"Infinity"},' +
        '{"$parallax":"number","value":"-Infinity"},{"$parallax":"number","value":"-0"},0]',
    )
  })

  it('canonicalJson: keeps map and set entries in insertion order, their keys encoded', () => {
    expect(
      canonicalJson(
        new Map<unknown, unknown>([
          [{ b: 1, a: 2 }, 1n],
          ['k', undefined],
        ]),
      ),
    ).toBe(
      '{"$parallax":"map","entries":[[{"a":2,"b":1},{"$parallax":"bigint","value":"1"}],["k",{"$parallax":"undefined"}]]}',
    )
    expect(canonicalJson(new Set(['b', 'a']))).toBe('{"$parallax":"set","values":["b","a"]}')
  })

  it('canonicalJson: encodes an error by name, message, code and cause, never its stack', () => {
    const error = Object.assign(new RangeError('too far', { cause: new Error('root') }), { code: 'E_FAR' })
    expect(canonicalJson(error)).toBe(
      '{"$parallax":"error","cause":{"$parallax":"error","message":"root","name":"Error"},' +
        '"code":"E_FAR","message":"too far","name":"RangeError"}',
    )
  })

  it('canonicalJson: escapes a plain object that has a $parallax key of its own', () => {
    expect(canonicalJson({ $parallax: 'bytes', base64: 'AA==' })).toBe(
      '{"$parallax":"object","value":{"$parallax":"bytes","base64":"AA=="}}',
    )
  })

  it('canonicalJson: encodes a class instance by its own enumerable properties, as JSON does', () => {
    class Point {
      x = 1
      y = 2
      get sum() {
        return this.x + this.y
      }
    }
    expect(canonicalJson(new Point())).toBe('{"x":1,"y":2}')
  })

  it('canonicalJson: writes a cycle as a reference to the ancestor it points back to', () => {
    const root: Record<string, unknown> = { name: 'root' }
    root['child'] = { parent: root, list: [] as unknown[] }
    ;(root['child'] as { list: unknown[] }).list.push(root['child'])
    expect(canonicalJson(root)).toBe(
      '{"child":{"list":[{"$parallax":"circular","depth":1}],"parent":{"$parallax":"circular","depth":0}},"name":"root"}',
    )
  })

  it('canonicalJson: a shared but not circular reference is written in full at each place', () => {
    const shared = { v: 1 }
    expect(canonicalJson([shared, shared])).toBe('[{"v":1},{"v":1}]')
  })

  it('canonicalJson: equals the sorted JSON of encodeCanonical', () => {
    const value = {
      m: new Map([[1, [2n, new Date(0)]]]),
      s: new Set([Number.NaN]),
      3: 'three',
      a: { $parallax: 1 },
    }
    expect(canonicalJson(value)).toBe(sortedStringify(encodeCanonical(value)))
  })

  it('canonicalJson: accepts exactly maxDepth nested containers and refuses one more, naming the path', () => {
    expect(() => canonicalJson(nested(CANONICAL_LIMITS.maxDepth))).not.toThrow()
    let thrown: unknown
    try {
      canonicalJson(nested(CANONICAL_LIMITS.maxDepth + 1))
    } catch (error) {
      thrown = error
    }
    expect(isParallaxError(thrown, 'PARALLAX_RECORDING_INVALID')).toBe(true)
    expect((thrown as Error).message).toMatch(
      /^Failed to encode value: it nests deeper than 512 levels at \$\.a\.a\.a\.a\.a\.a\.a\.a….a\.a\.a\.a\.a\.a\.$/,
    )
  })

  it('canonicalJson: 100 000 nested arrays raise a typed error instead of overflowing the stack', () => {
    let value: unknown = []
    for (let i = 0; i < 100_000; i++) value = [value]
    expect(() => canonicalJson(value)).toThrow(
      expect.objectContaining({ code: 'PARALLAX_RECORDING_INVALID' }),
    )
    expect(() => encodeCanonical(value)).toThrow(
      expect.objectContaining({ code: 'PARALLAX_RECORDING_INVALID' }),
    )
  })
})

describe('encodeCanonical', () => {
  it('encodeCanonical: keeps a __proto__ key as an own property of the encoded tree', () => {
    const value = JSON.parse('{"__proto__":{"polluted":true}}')
    const encoded = encodeCanonical(value) as Record<string, unknown>
    expect(Object.hasOwn(encoded, '__proto__')).toBe(true)
    expect(Object.getPrototypeOf(encoded)).toBe(Object.prototype)
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
  })
})

describe('captureValue', () => {
  it('captureValue: digests the canonical JSON with SHA-256', () => {
    expect(captureValue({ a: 1 })).toEqual({
      json: '{"a":1}',
      digest: '015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862',
    })
  })

  it('captureValue: equal values with different key order share a digest', () => {
    expect(captureValue({ a: 1, b: [2] }).digest).toBe(captureValue({ b: [2], a: 1 }).digest)
  })
})

describe('decodeCanonical', () => {
  it('decodeCanonical: brings every tag back to its value', () => {
    const error = Object.assign(new TypeError('bad', { cause: 'why' }), { code: 42 })
    const value = {
      bytes: new Uint8Array([1, 2, 3]),
      floats: new Float64Array([1.5, -0]),
      buffer: new Uint8Array([9]).buffer,
      big: -5n,
      when: new Date(86_400_000),
      nothing: undefined,
      numbers: [Number.NaN, Infinity, -Infinity, -0],
      map: new Map<unknown, unknown>([[new Date(0), new Set([1])]]),
      error,
      pattern: /x/g,
      escaped: { $parallax: 'date', value: 'not a date' },
    }
    const decoded = roundTrip(value) as typeof value
    expect(decoded).toStrictEqual(value)
    expect(decoded.error).toBeInstanceOf(TypeError)
    expect(decoded.error.cause).toBe('why')
    expect(Object.is(decoded.numbers[3], -0)).toBe(true)
  })

  it('decodeCanonical: gives Buffers back as Uint8Array', () => {
    const decoded = roundTrip(Buffer.from('abc'))
    expect(decoded).toBeInstanceOf(Uint8Array)
    expect(Buffer.isBuffer(decoded)).toBe(false)
    expect(Buffer.from(decoded as Uint8Array).toString()).toBe('abc')
  })

  it('decodeCanonical: rebuilds cycles as references to the decoded ancestor', () => {
    const root: Record<string, unknown> = { list: [] }
    ;(root['list'] as unknown[]).push(root, new Map([['self', root]]))
    const decoded = roundTrip(root) as { list: [unknown, Map<string, unknown>] }
    expect(decoded.list[0]).toBe(decoded)
    expect(decoded.list[1].get('self')).toBe(decoded)
  })

  it('decodeCanonical: keeps a sparse array sparse', () => {
    // biome-ignore lint/suspicious/noSparseArray: the hole is what is under test
    const decoded = roundTrip([1, , 3]) as unknown[]
    expect(decoded).toHaveLength(3)
    expect(1 in decoded).toBe(false)
  })

  it('decodeCanonical: symbols and functions come back as stand-ins with their name', () => {
    const decoded = roundTrip({ s: Symbol('id'), f: function handler() {} }) as {
      s: symbol
      f: () => unknown
    }
    expect(decoded.s.description).toBe('id')
    expect(decoded.f.name).toBe('handler')
    expect(() => decoded.f()).toThrow(expect.objectContaining({ code: 'PARALLAX_USAGE' }))
  })

  it('decodeCanonical: __proto__, constructor and prototype keys stay plain data', () => {
    const hostile = JSON.parse(
      '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"nested":[{"__proto__":{"polluted":true}}]}',
    )
    const decoded = decodeCanonical(hostile) as Record<string, unknown>
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype)
    expect(Object.hasOwn(decoded, '__proto__')).toBe(true)
    expect(Object.getOwnPropertyDescriptor(decoded, '__proto__')?.value).toEqual({ polluted: true })
    expect((decoded['nested'] as object[])[0]).not.toHaveProperty('polluted')
  })

  it('decodeCanonical: rejects malformed tags with a typed error naming the path', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ x: { $parallax: 'nope' } }, /\$\.x has an unknown \$parallax tag "nope"/],
      [{ $parallax: 'bytes', base64: '%%%' }, /\$ is a bytes tag whose "base64" is not base64/],
      [{ $parallax: 'bytes', base64: 'AAA=', type: 'Float64Array' }, /Float64Array of 2 bytes/],
      [{ $parallax: 'bytes', base64: '', type: 'Proxy' }, /unknown type "Proxy"/],
      [{ $parallax: 'bigint', value: '1e3' }, /bigint tag with value "1e3"/],
      [{ $parallax: 'number', value: '42' }, /number tag with value "42"/],
      [[{ $parallax: 'circular', depth: 3 }], /\$\[0\] is a circular tag pointing to depth 3/],
      [{ $parallax: 'map', entries: [[1]] }, /entry 0 is not a \[key, value\] pair/],
      [{ $parallax: 'regexp', source: '(', flags: '' }, /regexp tag that does not compile/],
      [{ $parallax: 'error', message: 1, name: 'Error' }, /"message" is not a string/],
    ]
    for (const [encoded, message] of cases) {
      expect(() => decodeCanonical(encoded)).toThrow(message)
      expect(() => decodeCanonical(encoded)).toThrow(
        expect.objectContaining({ code: 'PARALLAX_RECORDING_INVALID' }),
      )
    }
  })

  it('decodeCanonical: 100 000 nested arrays from JSON.parse raise a typed error, not a stack overflow', () => {
    const text = '['.repeat(100_000) + ']'.repeat(100_000)
    expect(() => decodeCanonical(JSON.parse(text))).toThrow(
      expect.objectContaining({ code: 'PARALLAX_RECORDING_INVALID' }),
    )
  })
})

/** Reference implementation for the test: JSON with keys sorted by code unit, written naively. */
function sortedStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedStringify).join(',')}]`
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).sort()
    return `{${keys.map((key) => `${JSON.stringify(key)}:${sortedStringify((value as Record<string, unknown>)[key])}`).join(',')}}`
  }
  return JSON.stringify(value)
}
