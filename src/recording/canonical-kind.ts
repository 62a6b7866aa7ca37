/**
 * What kind of object a value is, as the canonical encoding sees it. Shared by the encoder, the JSON
 * writer and the decoder so the three always agree on which values are special.
 */
import { types } from 'node:util'

/**
 * The key that marks a tagged object in the canonical encoding; a plain object holding it is escaped.
 * @example encoded[CANONICAL_TAG] === 'bytes'
 */
export const CANONICAL_TAG = '$parallax'

/** The kinds of object the canonical encoding distinguishes. */
export type ObjectKind = 'array' | 'plain' | 'bytes' | 'date' | 'regexp' | 'map' | 'set' | 'error'

/**
 * Classifies an object: arrays and plain objects first (the hot path), then the special built-ins,
 * recognised across realms by `util.types` rather than `instanceof`; any other class instance is `plain`
 * (its own enumerable properties are encoded, as `JSON.stringify` does).
 * @example objectKind(new Map()) // 'map'
 */
export function objectKind(value: object): ObjectKind {
  if (Array.isArray(value)) return 'array'
  const proto = Object.getPrototypeOf(value)
  if (proto === Object.prototype || proto === null) return 'plain'
  if (ArrayBuffer.isView(value) || types.isAnyArrayBuffer(value)) return 'bytes'
  if (types.isDate(value)) return 'date'
  if (types.isRegExp(value)) return 'regexp'
  if (types.isMap(value)) return 'map'
  if (types.isSet(value)) return 'set'
  if (types.isNativeError(value) || value instanceof Error) return 'error'
  return 'plain'
}

type BytesSource = ArrayBufferView | ArrayBufferLike

/**
 * Typed-array constructors a `bytes` tag may name; Uint8Array (and Buffer) is the default and is not named.
 * @example new BYTES_TYPES.Float64Array(buffer)
 */
export const BYTES_TYPES = {
  Int8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float16Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
} as const

/**
 * The type a `bytes` tag records: undefined for Uint8Array and Buffer, else the view or buffer's name.
 * @example bytesType(new Int16Array(1)) // 'Int16Array'
 */
export function bytesType(value: BytesSource): string | undefined {
  if (types.isUint8Array(value)) return undefined
  if (types.isDataView(value)) return 'DataView'
  if (types.isSharedArrayBuffer(value)) return 'SharedArrayBuffer'
  if (types.isArrayBuffer(value)) return 'ArrayBuffer'
  // %TypedArray%.prototype[Symbol.toStringTag] is a getter on the intrinsic, so it names the real type.
  return (value as unknown as { [Symbol.toStringTag]: string })[Symbol.toStringTag]
}

/**
 * The raw bytes of a view or buffer as base64, in memory order (platform endianness for multi-byte types).
 * @example bytesBase64(Buffer.from('hi')) // 'aGk='
 */
export function bytesBase64(value: BytesSource): string {
  if (ArrayBuffer.isView(value))
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')
  return Buffer.from(value as ArrayBuffer).toString('base64')
}

/**
 * Sets an own, enumerable data property, even for `__proto__`: a decoded recording must never reach a prototype.
 * @example setOwn(out, '__proto__', { polluted: true }) // out has an own "__proto__" key; Object.prototype is untouched
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true })
  } else {
    target[key] = value
  }
}

/**
 * One step of the path to a value, kept raw while walking (printing costs only when an error is raised):
 * an object key, an array index, or an already printed step for map entries, set members and causes.
 */
export type PathStep = string | number | { printed: string }

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

function printStep(step: PathStep): string {
  if (typeof step === 'number') return `[${step}]`
  if (typeof step === 'object') return step.printed
  return IDENTIFIER.test(step) ? `.${step}` : `[${JSON.stringify(step)}]`
}

/**
 * The path to a value for a message, `$.a[3]["odd key"]`, its middle elided when very long.
 * @example formatPath(['a', 3]) // '$.a[3]'
 */
export function formatPath(steps: readonly PathStep[]): string {
  const printed = steps.map(printStep)
  if (printed.length <= 16) return '$' + printed.join('')
  return '$' + printed.slice(0, 8).join('') + '…' + printed.slice(-6).join('')
}
