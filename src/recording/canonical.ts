/**
 * The canonical encoding: any value as a JSON-safe tree, and as deterministic JSON text with a digest.
 *
 * Plain objects, arrays, strings, finite numbers, booleans and null stay as they are. Everything JSON
 * would lose becomes an object tagged by one reserved key, `$parallax`:
 * `bytes` (base64, plus `type` unless Uint8Array/Buffer), `bigint`, `date` (ISO, or `Invalid Date`),
 * `undefined`, `hole` (a sparse array's missing item), `number` (NaN, ±Infinity, -0), `map` and `set`
 * (insertion order kept), `error` (name, message, code, cause; never the stack, which differs between
 * machines), `regexp`, `symbol` and `function` (by description or name only: they are not data),
 * `circular` (the index of the ancestor it points back to, 0 being the root). A plain object that holds
 * a `$parallax` key itself is wrapped as `{ $parallax: 'object', value }` so decoding stays exact.
 *
 * Any other class instance (URL, a domain class…) is encoded by its own enumerable string-keyed
 * properties, as `JSON.stringify` does, so its class is not recorded; symbol keys are skipped. A shared
 * (non-ancestor) reference is encoded once per place it appears, as JSON does.
 */
import { hash } from 'node:crypto'
import {
  bytesBase64,
  bytesType,
  CANONICAL_TAG,
  formatPath,
  objectKind,
  type PathStep,
  setOwn,
} from './canonical-kind.ts'
import { ParallaxError } from './errors.ts'

/**
 * Bounds of the canonical encoding, checked before recursing so hashing and diffing never overflow the stack.
 * @example if (depth > CANONICAL_LIMITS.maxDepth) reject()
 */
export const CANONICAL_LIMITS = {
  /** Containers (objects, arrays, maps, sets, errors) nested inside each other, the root included. */
  maxDepth: 512,
} as const

/** A value as captured: its canonical JSON text and the SHA-256 of that text (mirrors the pipeline's CapturedValue). */
export interface CanonicalCapture {
  /** Hex SHA-256 of `json`: two values are equal exactly when their digests are. */
  digest: string
  /** Canonical JSON of the canonically encoded value. */
  json: string
}

/** What a walk over a value keeps: the containers it is inside (to find cycles) and the path (for messages). */
interface Walk {
  readonly ancestors: object[]
  readonly steps: PathStep[]
  /** Set when an object has a key starting with a digit: JS objects list integer-like keys first, out of code-unit order. */
  digitKeys: boolean
}

function newWalk(): Walk {
  return { ancestors: [], steps: [], digitKeys: false }
}

/** Own enumerable keys in code-unit order; most objects are already sorted, so check before sorting. */
function sortedKeys(object: object): string[] {
  return sortKeys(Object.keys(object))
}

function sortKeys(keys: string[]): string[] {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return keys.sort()
  return keys
}

/** The index of `value` among the `depth` enclosing containers, or -1: a hit is a cycle. */
function ancestorIndex(walk: Walk, value: object, depth: number): number {
  for (let i = 0; i < depth; i++) if (walk.ancestors[i] === value) return i
  return -1
}

/**
 * The error raised when a value nests deeper than {@link CANONICAL_LIMITS}.maxDepth.
 * @example throw tooDeepError('encode value', steps)
 */
export function tooDeepError(action: string, steps: readonly PathStep[]): ParallaxError {
  const path = formatPath(steps)
  return new ParallaxError(
    'PARALLAX_RECORDING_INVALID',
    `Failed to ${action}: it nests deeper than ${CANONICAL_LIMITS.maxDepth} levels at ${path}.`,
    {
      hint: 'Flatten the value or probe a smaller part of it: parallax compares values up to that depth.',
      details: { path, maxDepth: CANONICAL_LIMITS.maxDepth },
    },
  )
}

function enter(walk: Walk, value: object, depth: number, action: string): void {
  if (depth >= CANONICAL_LIMITS.maxDepth) throw tooDeepError(action, walk.steps.slice(0, depth))
  walk.ancestors[depth] = value
}

function specialNumber(value: number): string {
  return Number.isNaN(value) ? 'NaN' : value === 0 ? '-0' : value > 0 ? 'Infinity' : '-Infinity'
}

function isPlainNumber(value: number): boolean {
  return Number.isFinite(value) && (value !== 0 || 1 / value > 0)
}

function dateValue(value: Date): string {
  return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString()
}

function hasTagKey(value: object): boolean {
  return (
    Object.hasOwn(value, CANONICAL_TAG) && Object.prototype.propertyIsEnumerable.call(value, CANONICAL_TAG)
  )
}

function errorFields(value: Error): { name: string; message: string; hasCode: boolean; hasCause: boolean } {
  return {
    name: String(value.name),
    message: String(value.message),
    hasCode: 'code' in value && (value as { code?: unknown }).code !== undefined,
    hasCause: Object.hasOwn(value, 'cause'),
  }
}

const MAP_KEY = (index: number): PathStep => ({ printed: `[map key ${index}]` })
const MAP_VALUE = (index: number): PathStep => ({ printed: `[map value ${index}]` })
const SET_VALUE = (index: number): PathStep => ({ printed: `[set value ${index}]` })
const CAUSE: PathStep = { printed: '.cause' }
const CODE: PathStep = { printed: '.code' }

/**
 * The canonical encoding of a value as a JSON-safe tree (see the file comment for the tags).
 * @example encodeCanonical({ at: new Date(0), n: 10n }) // { at: { $parallax: 'date', value: '1970-01-01T00:00:00.000Z' }, n: { $parallax: 'bigint', value: '10' } }
 */
export function encodeCanonical(value: unknown): unknown {
  return encode(value, 0, newWalk())
}

function encode(value: unknown, depth: number, walk: Walk): unknown {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value
    case 'number':
      return isPlainNumber(value) ? value : { [CANONICAL_TAG]: 'number', value: specialNumber(value) }
    case 'undefined':
      return { [CANONICAL_TAG]: 'undefined' }
    case 'bigint':
      return { [CANONICAL_TAG]: 'bigint', value: value.toString() }
    case 'symbol':
      return value.description === undefined
        ? { [CANONICAL_TAG]: 'symbol' }
        : { [CANONICAL_TAG]: 'symbol', description: value.description }
    case 'function':
      return { [CANONICAL_TAG]: 'function', name: String(value.name) }
  }
  if (value === null) return null
  const object = value as object
  const kind = objectKind(object)
  if (kind === 'bytes') return encodeBytes(object as ArrayBufferView)
  if (kind === 'date') return { [CANONICAL_TAG]: 'date', value: dateValue(object as Date) }
  if (kind === 'regexp') {
    const regexp = object as RegExp
    return { [CANONICAL_TAG]: 'regexp', flags: regexp.flags, source: regexp.source }
  }
  const cycle = ancestorIndex(walk, object, depth)
  if (cycle >= 0) return { [CANONICAL_TAG]: 'circular', depth: cycle }
  enter(walk, object, depth, 'encode value')
  const inner = depth + 1
  if (kind === 'array') {
    const array = object as unknown[]
    const out: unknown[] = new Array(array.length)
    for (let i = 0; i < array.length; i++) {
      walk.steps[depth] = i
      const item = array[i]
      out[i] = item === undefined && !(i in array) ? { [CANONICAL_TAG]: 'hole' } : encode(item, inner, walk)
    }
    return out
  }
  if (kind === 'map') {
    const entries: unknown[] = []
    for (const [key, item] of object as Map<unknown, unknown>) {
      walk.steps[depth] = MAP_KEY(entries.length)
      const encodedKey = encode(key, inner, walk)
      walk.steps[depth] = MAP_VALUE(entries.length)
      entries.push([encodedKey, encode(item, inner, walk)])
    }
    return { [CANONICAL_TAG]: 'map', entries }
  }
  if (kind === 'set') {
    const values: unknown[] = []
    for (const item of object as Set<unknown>) {
      walk.steps[depth] = SET_VALUE(values.length)
      values.push(encode(item, inner, walk))
    }
    return { [CANONICAL_TAG]: 'set', values }
  }
  if (kind === 'error') {
    const error = object as Error & { code?: unknown }
    const fields = errorFields(error)
    // Keys inserted in sorted order, so JSON.stringify of the tree is already canonical.
    const out: Record<string, unknown> = { [CANONICAL_TAG]: 'error' }
    if (fields.hasCause) {
      walk.steps[depth] = CAUSE
      out['cause'] = encode(error.cause, inner, walk)
    }
    if (fields.hasCode) {
      walk.steps[depth] = CODE
      out['code'] = encode(error.code, inner, walk)
    }
    out['message'] = fields.message
    out['name'] = fields.name
    return out
  }
  const source = object as Record<string, unknown>
  const out: Record<string, unknown> = {}
  const own = Object.keys(source)
  // Integer-like keys, when present, are listed first: checking the first key before sorting finds them.
  if (own.length > 0 && isDigit(own[0]!.charCodeAt(0))) walk.digitKeys = true
  for (const key of sortKeys(own)) {
    walk.steps[depth] = key
    setOwn(out, key, encode(source[key], inner, walk))
  }
  return hasTagKey(object) ? { [CANONICAL_TAG]: 'object', value: out } : out
}

function encodeBytes(value: ArrayBufferView): Record<string, string> {
  const type = bytesType(value)
  const base64 = bytesBase64(value)
  return type === undefined
    ? { [CANONICAL_TAG]: 'bytes', base64 }
    : { [CANONICAL_TAG]: 'bytes', base64, type }
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39
}

/**
 * Canonical JSON text: `encodeCanonical(value)` with object keys sorted by code unit at every level and
 * no whitespace; the same value always gives the same bytes.
 * @example canonicalJson({ b: 1, a: [undefined] }) // '{"a":[{"$parallax":"undefined"}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  // The encoded tree holds its keys in sorted insertion order, and native JSON.stringify of it measured
  // about twice as fast as writing the text in JS. Objects with digit-first keys break that order (JS lists
  // integer-like keys first), so those values are written by the slower one-pass writer instead.
  const walk = newWalk()
  const tree = encode(value, 0, walk)
  return walk.digitKeys ? write(value, 0, newWalk()) : JSON.stringify(tree)
}

const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/

function quote(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : '"' + text + '"'
}

const TAG_OPEN = `{"${CANONICAL_TAG}":`
const UNDEFINED_JSON = `${TAG_OPEN}"undefined"}`
const HOLE_JSON = `${TAG_OPEN}"hole"}`

function write(value: unknown, depth: number, walk: Walk): string {
  switch (typeof value) {
    case 'string':
      return quote(value)
    case 'number':
      return isPlainNumber(value) ? String(value) : `${TAG_OPEN}"number","value":"${specialNumber(value)}"}`
    case 'boolean':
      return value ? 'true' : 'false'
    case 'undefined':
      return UNDEFINED_JSON
    case 'bigint':
      return `${TAG_OPEN}"bigint","value":"${value.toString()}"}`
    case 'symbol':
      return value.description === undefined
        ? `${TAG_OPEN}"symbol"}`
        : `${TAG_OPEN}"symbol","description":${JSON.stringify(value.description)}}`
    case 'function':
      return `${TAG_OPEN}"function","name":${JSON.stringify(String(value.name))}}`
  }
  if (value === null) return 'null'
  return writeObject(value as object, depth, walk)
}

function writeObject(object: object, depth: number, walk: Walk): string {
  const kind = objectKind(object)
  if (kind === 'bytes') {
    const type = bytesType(object as ArrayBufferView)
    const base64 = `${TAG_OPEN}"bytes","base64":"${bytesBase64(object as ArrayBufferView)}"`
    return type === undefined ? base64 + '}' : `${base64},"type":${JSON.stringify(type)}}`
  }
  if (kind === 'date') return `${TAG_OPEN}"date","value":"${dateValue(object as Date)}"}`
  if (kind === 'regexp') {
    const regexp = object as RegExp
    return `${TAG_OPEN}"regexp","flags":${JSON.stringify(regexp.flags)},"source":${JSON.stringify(regexp.source)}}`
  }
  const cycle = ancestorIndex(walk, object, depth)
  if (cycle >= 0) return `${TAG_OPEN}"circular","depth":${cycle}}`
  enter(walk, object, depth, 'encode value')
  const inner = depth + 1
  if (kind === 'array') {
    const array = object as unknown[]
    let out = '['
    for (let i = 0; i < array.length; i++) {
      if (i > 0) out += ','
      walk.steps[depth] = i
      const item = array[i]
      out += item === undefined && !(i in array) ? HOLE_JSON : write(item, inner, walk)
    }
    return out + ']'
  }
  if (kind === 'map') {
    let out = `${TAG_OPEN}"map","entries":[`
    let index = 0
    for (const [key, item] of object as Map<unknown, unknown>) {
      if (index > 0) out += ','
      walk.steps[depth] = MAP_KEY(index)
      out += '[' + write(key, inner, walk) + ','
      walk.steps[depth] = MAP_VALUE(index)
      out += write(item, inner, walk) + ']'
      index++
    }
    return out + ']}'
  }
  if (kind === 'set') {
    let out = `${TAG_OPEN}"set","values":[`
    let index = 0
    for (const item of object as Set<unknown>) {
      if (index > 0) out += ','
      walk.steps[depth] = SET_VALUE(index)
      out += write(item, inner, walk)
      index++
    }
    return out + ']}'
  }
  if (kind === 'error') {
    const error = object as Error & { code?: unknown }
    const fields = errorFields(error)
    let out = `${TAG_OPEN}"error"`
    if (fields.hasCause) {
      walk.steps[depth] = CAUSE
      out += ',"cause":' + write(error.cause, inner, walk)
    }
    if (fields.hasCode) {
      walk.steps[depth] = CODE
      out += ',"code":' + write(error.code, inner, walk)
    }
    return `${out},"message":${JSON.stringify(fields.message)},"name":${JSON.stringify(fields.name)}}`
  }
  const source = object as Record<string, unknown>
  const keys = sortedKeys(source)
  let out = '{'
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!
    if (i > 0) out += ','
    walk.steps[depth] = key
    out += quote(key) + ':' + write(source[key], inner, walk)
  }
  out += '}'
  return hasTagKey(object) ? `${TAG_OPEN}"object","value":${out}}` : out
}

/**
 * Captures a value for a trace: its canonical JSON and that text's SHA-256, so equal values compare by digest.
 * @example captureValue({ a: 1 }) // { json: '{"a":1}', digest: '015abd7f…' }
 */
export function captureValue(value: unknown): CanonicalCapture {
  const json = canonicalJson(value)
  // The one-shot hash: the same digest as createHash('sha256').update(json).digest('hex'), without the Hash object.
  return { json, digest: hash('sha256', json, 'hex') }
}
