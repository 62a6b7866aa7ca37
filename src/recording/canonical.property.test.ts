import { isDeepStrictEqual } from 'node:util'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { propertySeed } from '../../test/support/property-seed.ts'
import { canonicalJson, captureValue } from './canonical.ts'
import { decodeCanonical } from './decode-canonical.ts'

const seed = propertySeed('canonical')

const error = fc
  .record({
    type: fc.constantFrom(Error, TypeError, RangeError, SyntaxError),
    message: fc.string(),
    code: fc.option(fc.oneof(fc.string(), fc.integer()), { nil: undefined }),
    cause: fc.option(fc.oneof(fc.string(), fc.constant(null)), { nil: undefined }),
  })
  .map(({ type, message, code, cause }) => {
    const made = cause === undefined ? new type(message) : new type(message, { cause })
    return code === undefined ? made : Object.assign(made, { code })
  })

/** fc.anything with every value kind the canonical encoding tags, as leaves and containers. */
const anyValue = fc.anything({
  maxDepth: 4,
  withBigInt: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withTypedArray: true,
  withSparseArray: true,
  withUnicodeString: true,
  values: [
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.string(),
    fc.constantFrom(null, undefined, Number.NaN, -0, Infinity, -Infinity),
    fc.bigInt(),
    fc.date(),
    fc.uint8Array({ maxLength: 8 }),
    error,
    fc.constant({ $parallax: 'bytes', base64: 'AA==' }),
  ],
})

function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys)
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype)
    return value
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value).reverse()) {
    Object.defineProperty(out, key, {
      value: reverseKeys((value as Record<string, unknown>)[key]),
      enumerable: true,
      writable: true,
      configurable: true,
    })
  }
  return out
}

/** Small values from a small domain, so equal pairs come up often. */
const smallValue = fc.letrec((tie) => ({
  leaf: fc.constantFrom<unknown>(0, -0, 1, Number.NaN, '', 'a', null, undefined, true),
  node: fc.oneof(
    { depthSize: 'small' },
    tie('leaf'),
    fc.array(tie('node'), { maxLength: 2 }),
    fc.dictionary(fc.constantFrom('a', 'b'), tie('node'), { maxKeys: 2, noNullPrototype: true }),
  ),
})).node

describe('canonical properties', () => {
  it('decodeCanonical(JSON.parse(canonicalJson(v))) deep-equals v', () => {
    fc.assert(
      fc.property(anyValue, (value) => {
        expect(decodeCanonical(JSON.parse(canonicalJson(value)))).toStrictEqual(value)
      }),
      { seed },
    )
  })

  it('canonicalJson is independent of key insertion order', () => {
    fc.assert(
      fc.property(fc.object({ maxDepth: 3, withBigInt: true, withDate: true }), (value) => {
        expect(canonicalJson(reverseKeys(value))).toBe(canonicalJson(value))
      }),
      { seed },
    )
  })

  it('canonicalJson is stable: encoding the decoded value gives the same bytes', () => {
    fc.assert(
      fc.property(anyValue, (value) => {
        const json = canonicalJson(value)
        expect(canonicalJson(decodeCanonical(JSON.parse(json)))).toBe(json)
      }),
      { seed },
    )
  })

  it('equal digests ⇔ equal canonical JSON ⇔ strictly deep-equal values', () => {
    fc.assert(
      fc.property(smallValue, smallValue, (left, right) => {
        const a = captureValue(left)
        const b = captureValue(right)
        expect(a.digest === b.digest).toBe(a.json === b.json)
        expect(a.json === b.json).toBe(isDeepStrictEqual(left, right))
      }),
      { seed, numRuns: 500 },
    )
  })
})
