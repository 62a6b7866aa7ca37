/**
 * Canonical values (checkpoints): strings go through the text pipeline, values under secret-named keys
 * (plain object keys and string map keys) become placeholders, and `bytes` are redacted as a body.
 * Unchanged parts keep their identity, so redacting a clean value allocates nothing.
 */
import { isUtf8 } from 'node:buffer'
import { CANONICAL_TAG } from '../../recording/canonical-kind.ts'
import { isPlaceholder } from './placeholder.ts'
import { redactByteString } from './redact-bytes.ts'
import { type RedactContext, replacementFor } from './redact-context.ts'

/** How a value sits: free, directly under a secret key, or somewhere inside a secret key's value. */
type Mode = 'free' | 'secret' | 'inside-secret'

/**
 * Redacts a canonically encoded value (see src/recording/canonical.ts).
 * @example redactCanonicalValue({ user: 'ada', apiKey: 'k-123' }, ctx) // { user: 'ada', apiKey: '[redacted:…]' }
 */
export function redactCanonicalValue(value: unknown, ctx: RedactContext): unknown {
  return redactValue(value, ctx, 'free')
}

function redactValue(value: unknown, ctx: RedactContext, mode: Mode): unknown {
  if (typeof value === 'string') {
    if (mode === 'free') return redactString(value, ctx)
    return value === '' || isPlaceholder(value) ? value : placeholderOf(value, ctx)
  }
  if (typeof value === 'number') return mode === 'secret' ? placeholderOf(String(value), ctx) : value
  if (typeof value !== 'object' || value === null) return value
  const inner: Mode = mode === 'free' ? 'free' : 'inside-secret'
  if (Array.isArray(value))
    return sameOrCopy(
      value,
      value.map((item) => redactValue(item, ctx, inner)),
    )
  const object = value as Record<string, unknown>
  const tag = object[CANONICAL_TAG]
  if (tag === 'bytes' && typeof object['base64'] === 'string') return redactBytesValue(object, ctx, mode)
  if (tag === 'map' && Array.isArray(object['entries'])) {
    const entries = object['entries'].map((entry: unknown) => {
      if (!Array.isArray(entry) || entry.length !== 2) return entry
      const [key, item] = entry as [unknown, unknown]
      const itemMode = typeof key === 'string' && ctx.names.bodyKey(key) ? 'secret' : inner
      return sameOrCopy(entry, [redactValue(key, ctx, inner), redactValue(item, ctx, itemMode)])
    })
    return sameOrCopy(object['entries'], entries) === object['entries'] ? object : { ...object, entries }
  }
  if (typeof tag === 'string' && tag !== 'object' && tag !== 'error' && mode === 'secret') {
    return placeholderOf(JSON.stringify(object), ctx)
  }
  let changed = false
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(object)) {
    const newKey = key === CANONICAL_TAG ? key : redactString(key, ctx)
    const itemMode = key !== CANONICAL_TAG && tag === undefined && ctx.names.bodyKey(key) ? 'secret' : inner
    const newItem = key === CANONICAL_TAG ? item : redactValue(item, ctx, itemMode)
    if (newKey !== key || newItem !== item) changed = true
    Object.defineProperty(out, newKey, {
      value: newItem,
      writable: true,
      enumerable: true,
      configurable: true,
    })
  }
  return changed ? out : object
}

function redactBytesValue(object: Record<string, unknown>, ctx: RedactContext, mode: Mode): unknown {
  const bytes = Buffer.from(object['base64'] as string, 'base64')
  const text = bytes.toString('latin1')
  if (mode !== 'free') return bytes.byteLength === 0 ? object : placeholderOf(text, ctx, false)
  const result = redactByteString(text, ctx, { textual: isUtf8(bytes) })
  if (result.passes.length === 0) return object
  return { ...object, base64: Buffer.from(result.text, 'latin1').toString('base64') }
}

function redactString(value: string, ctx: RedactContext): string {
  const ascii = !/[^\x00-\x7f]/.test(value)
  const bytes = ascii ? value : Buffer.from(value, 'utf8').toString('latin1')
  const result = redactByteString(bytes, ctx, { textual: true })
  if (result.passes.length === 0) return value
  return ascii ? result.text : Buffer.from(result.text, 'latin1').toString('utf8')
}

function placeholderOf(value: string, ctx: RedactContext, utf8 = true): string {
  const bytes = utf8 ? Buffer.from(value, 'utf8').toString('latin1') : value
  return replacementFor(ctx, 'checkpoint-key', bytes, false)
}

function sameOrCopy<T>(before: T[], after: T[]): T[] {
  return after.every((item, index) => item === before[index]) ? before : after
}
