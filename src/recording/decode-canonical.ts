/**
 * Decoding the canonical encoding (see canonical.ts) back into values. The input is untrusted (it comes
 * from recording files), so every tag is checked, depth is bounded before recursing, and objects are
 * built with own properties only: a `__proto__` key stays data and never reaches a prototype.
 */

import { CANONICAL_LIMITS, tooDeepError } from './canonical.ts'
import { BYTES_TYPES, CANONICAL_TAG, formatPath, type PathStep, setOwn } from './canonical-kind.ts'
import { ParallaxError } from './errors.ts'

interface Walk {
  readonly ancestors: unknown[]
  readonly steps: PathStep[]
}

const ERROR_TYPES: Record<string, new (message: string) => Error> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
}

const SPECIAL_NUMBERS: Record<string, number> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
  '-0': -0,
}

/**
 * Rebuilds a value from its canonical encoding (bytes come back as Uint8Array unless a `type` names another
 * view; errors as built-in Error classes chosen by name; symbols and functions as stand-ins with their name).
 * @example decodeCanonical(JSON.parse(canonicalJson(new Map([[1, 2n]])))) // Map { 1 => 2n }
 */
export function decodeCanonical(encoded: unknown): unknown {
  return decode(encoded, 0, { ancestors: [], steps: [] })
}

function invalid(walk: Walk, depth: number, reason: string): ParallaxError {
  const path = formatPath(walk.steps.slice(0, depth))
  return new ParallaxError(
    'PARALLAX_RECORDING_INVALID',
    `Failed to decode canonical value: ${path} ${reason}.`,
    {
      hint: 'Write canonical values with encodeCanonical or canonicalJson; do not edit their $parallax tags by hand.',
      details: { path },
    },
  )
}

function enter(walk: Walk, value: unknown, depth: number): void {
  if (depth >= CANONICAL_LIMITS.maxDepth)
    throw tooDeepError('decode canonical value', walk.steps.slice(0, depth))
  walk.ancestors[depth] = value
}

function field(walk: Walk, depth: number, tag: Record<string, unknown>, name: string, type: 'string'): string
function field(
  walk: Walk,
  depth: number,
  tag: Record<string, unknown>,
  name: string,
  type: 'array',
): unknown[]
function field(walk: Walk, depth: number, tag: Record<string, unknown>, name: string, type: 'number'): number
function field(walk: Walk, depth: number, tag: Record<string, unknown>, name: string, type: string): unknown {
  const value = tag[name]
  const ok = type === 'array' ? Array.isArray(value) : typeof value === type
  if (!ok || !Object.hasOwn(tag, name)) {
    throw invalid(walk, depth, `is a ${String(tag[CANONICAL_TAG])} tag whose "${name}" is not a ${type}`)
  }
  return value
}

function decode(value: unknown, depth: number, walk: Walk): unknown {
  if (typeof value !== 'object' || value === null) {
    if (typeof value === 'number' && !Number.isFinite(value))
      throw invalid(walk, depth, 'is not a finite number')
    if (
      value === undefined ||
      typeof value === 'bigint' ||
      typeof value === 'symbol' ||
      typeof value === 'function'
    ) {
      throw invalid(walk, depth, `is a raw ${typeof value}, which the canonical encoding never holds`)
    }
    return value
  }
  const inner = depth + 1
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length)
    enter(walk, out, depth)
    for (let i = 0; i < value.length; i++) {
      walk.steps[depth] = i
      const item: unknown = value[i]
      if (isTag(item, 'hole')) continue
      out[i] = decode(item, inner, walk)
    }
    return out
  }
  const source = value as Record<string, unknown>
  if (!Object.hasOwn(source, CANONICAL_TAG)) return decodeMembers(source, depth, walk)
  return decodeTag(source, depth, walk)
}

function isTag(value: unknown, tag: string): boolean {
  return (
    typeof value === 'object' && value !== null && (value as Record<string, unknown>)[CANONICAL_TAG] === tag
  )
}

function decodeMembers(source: Record<string, unknown>, depth: number, walk: Walk): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  enter(walk, out, depth)
  for (const key of Object.keys(source)) {
    walk.steps[depth] = key
    setOwn(out, key, decode(source[key], depth + 1, walk))
  }
  return out
}

function decodeTag(tag: Record<string, unknown>, depth: number, walk: Walk): unknown {
  const name = tag[CANONICAL_TAG]
  const inner = depth + 1
  switch (name) {
    case 'undefined':
      return undefined
    case 'number': {
      const text = field(walk, depth, tag, 'value', 'string')
      if (!Object.hasOwn(SPECIAL_NUMBERS, text))
        throw invalid(walk, depth, `is a number tag with value "${text}"`)
      return SPECIAL_NUMBERS[text]
    }
    case 'bigint': {
      const text = field(walk, depth, tag, 'value', 'string')
      if (!/^-?\d+$/.test(text))
        throw invalid(walk, depth, `is a bigint tag with value "${text.slice(0, 40)}"`)
      return BigInt(text)
    }
    case 'date':
      return new Date(field(walk, depth, tag, 'value', 'string'))
    case 'regexp':
      return decodeRegExp(tag, depth, walk)
    case 'bytes':
      return decodeBytes(tag, depth, walk)
    case 'symbol':
      return typeof tag['description'] === 'string' ? Symbol(tag['description']) : Symbol()
    case 'function':
      return standInFunction(field(walk, depth, tag, 'name', 'string'))
    case 'circular': {
      const index = field(walk, depth, tag, 'depth', 'number')
      if (!Number.isInteger(index) || index < 0 || index >= depth) {
        throw invalid(walk, depth, `is a circular tag pointing to depth ${index}, which is not an ancestor`)
      }
      return walk.ancestors[index]
    }
    case 'object': {
      const members = tag['value']
      if (typeof members !== 'object' || members === null || Array.isArray(members)) {
        throw invalid(walk, depth, 'is an object tag whose "value" is not an object')
      }
      return decodeMembers(members as Record<string, unknown>, depth, walk)
    }
    case 'map': {
      const entries = field(walk, depth, tag, 'entries', 'array')
      const out = new Map<unknown, unknown>()
      enter(walk, out, depth)
      for (const [index, entry] of entries.entries()) {
        if (!Array.isArray(entry) || entry.length !== 2) {
          throw invalid(walk, depth, `is a map tag whose entry ${index} is not a [key, value] pair`)
        }
        walk.steps[depth] = { printed: `[map key ${index}]` }
        const key = decode(entry[0], inner, walk)
        walk.steps[depth] = { printed: `[map value ${index}]` }
        out.set(key, decode(entry[1], inner, walk))
      }
      return out
    }
    case 'set': {
      const values = field(walk, depth, tag, 'values', 'array')
      const out = new Set<unknown>()
      enter(walk, out, depth)
      for (const [index, item] of values.entries()) {
        walk.steps[depth] = { printed: `[set value ${index}]` }
        out.add(decode(item, inner, walk))
      }
      return out
    }
    case 'error':
      return decodeError(tag, depth, walk)
    default:
      throw invalid(walk, depth, `has an unknown ${CANONICAL_TAG} tag ${JSON.stringify(name)?.slice(0, 40)}`)
  }
}

function decodeRegExp(tag: Record<string, unknown>, depth: number, walk: Walk): RegExp {
  const source = field(walk, depth, tag, 'source', 'string')
  const flags = field(walk, depth, tag, 'flags', 'string')
  try {
    return new RegExp(source, flags)
  } catch (error) {
    throw invalid(walk, depth, `is a regexp tag that does not compile (${(error as Error).message})`)
  }
}

function decodeBytes(tag: Record<string, unknown>, depth: number, walk: Walk): unknown {
  const base64 = field(walk, depth, tag, 'base64', 'string')
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 !== 0) {
    throw invalid(walk, depth, 'is a bytes tag whose "base64" is not base64')
  }
  const bytes = Buffer.from(base64, 'base64')
  const type = tag['type']
  if (type === undefined) return new Uint8Array(bytes)
  // A fresh, aligned buffer: Buffer.from may hand out a slice of its pool at any offset.
  const buffer = new ArrayBuffer(bytes.byteLength)
  new Uint8Array(buffer).set(bytes)
  if (type === 'ArrayBuffer') return buffer
  if (type === 'SharedArrayBuffer') {
    const shared = new SharedArrayBuffer(bytes.byteLength)
    new Uint8Array(shared).set(bytes)
    return shared
  }
  if (type === 'DataView') return new DataView(buffer)
  if (typeof type !== 'string' || !Object.hasOwn(BYTES_TYPES, type)) {
    throw invalid(walk, depth, `is a bytes tag of unknown type ${JSON.stringify(type)?.slice(0, 40)}`)
  }
  const View = BYTES_TYPES[type as keyof typeof BYTES_TYPES]
  if (bytes.byteLength % View.BYTES_PER_ELEMENT !== 0) {
    throw invalid(walk, depth, `is a ${type} of ${bytes.byteLength} bytes, not a whole number of items`)
  }
  return new View(buffer)
}

function decodeError(tag: Record<string, unknown>, depth: number, walk: Walk): Error {
  const name = field(walk, depth, tag, 'name', 'string')
  const message = field(walk, depth, tag, 'message', 'string')
  const ErrorType = Object.hasOwn(ERROR_TYPES, name) ? ERROR_TYPES[name]! : Error
  const error = new ErrorType(message)
  // The stack describes where decoding ran, not where the error happened: drop it, as encoding did.
  Object.defineProperty(error, 'stack', {
    value: undefined,
    writable: true,
    configurable: true,
    enumerable: false,
  })
  if (ErrorType === Error && name !== 'Error') {
    Object.defineProperty(error, 'name', {
      value: name,
      writable: true,
      configurable: true,
      enumerable: false,
    })
  }
  enter(walk, error, depth)
  if (Object.hasOwn(tag, 'code')) {
    walk.steps[depth] = { printed: '.code' }
    Object.defineProperty(error, 'code', {
      value: decode(tag['code'], depth + 1, walk),
      writable: true,
      enumerable: true,
      configurable: true,
    })
  }
  if (Object.hasOwn(tag, 'cause')) {
    walk.steps[depth] = { printed: '.cause' }
    const cause = decode(tag['cause'], depth + 1, walk)
    Object.defineProperty(error, 'cause', {
      value: cause,
      writable: true,
      enumerable: false,
      configurable: true,
    })
  }
  return error
}

function standInFunction(name: string): () => never {
  const standIn = (): never => {
    throw new ParallaxError(
      'PARALLAX_USAGE',
      `Failed to call recorded function ${name}: functions are not recorded.`,
      {
        hint: 'A canonical value keeps only the name of a function; probe the data it returns instead.',
      },
    )
  }
  Object.defineProperty(standIn, 'name', { value: name, configurable: true })
  return standIn
}
