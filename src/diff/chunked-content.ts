/**
 * Streamed content compared as chunks and as a whole: two arrays whose items are all strings, or all byte
 * strings (the canonical `bytes` tag), and whose concatenations are equal hold the same content cut at
 * other places — a dependency that streams in other chunk sizes, a buffer of another size. The differ
 * reports that as one change of the array (not a change of every chunk), and the report says "same
 * content, other chunking".
 */
import { CANONICAL_TAG } from '../recording/canonical-kind.ts'

/** How two chunk arrays cut the same content. */
export interface Rechunking {
  /** Bytes (for byte strings) or UTF-16 units (for strings) of the whole content. */
  size: number
  unit: 'bytes' | 'characters'
  left: number[]
  right: number[]
}

/**
 * True when both arrays are chunks of the same content (and are not equal item by item).
 * @example sameChunkedContent(['ab', 'c'], ['a', 'bc']) // true
 */
export function sameChunkedContent(left: readonly unknown[], right: readonly unknown[]): boolean {
  return rechunking(left, right) !== undefined
}

/**
 * The chunk sizes of two arrays holding the same content cut differently; undefined otherwise.
 * @example rechunking(['ab', 'c'], ['a', 'bc']) // { size: 3, unit: 'characters', left: [2, 1], right: [1, 2] }
 */
export function rechunking(left: readonly unknown[], right: readonly unknown[]): Rechunking | undefined {
  if (left.length === 0 || right.length === 0) return undefined
  if (left.every(isString) && right.every(isString)) {
    const sizes = (chunks: readonly string[]) => chunks.map((chunk) => chunk.length)
    if (sameSizes(sizes(left as string[]), sizes(right as string[]))) return undefined
    if ((left as string[]).join('') !== (right as string[]).join('')) return undefined
    const l = sizes(left as string[])
    return { size: sum(l), unit: 'characters', left: l, right: sizes(right as string[]) }
  }
  if (left.every(isBytes) && right.every(isBytes)) {
    const decode = (chunks: readonly unknown[]) =>
      chunks.map((chunk) => Buffer.from((chunk as { base64: string }).base64, 'base64'))
    const l = decode(left)
    const r = decode(right)
    const ls = l.map((chunk) => chunk.byteLength)
    const rs = r.map((chunk) => chunk.byteLength)
    if (sameSizes(ls, rs) || !Buffer.concat(l).equals(Buffer.concat(r))) return undefined
    return { size: sum(ls), unit: 'bytes', left: ls, right: rs }
  }
  return undefined
}

function isString(value: unknown): value is string {
  return typeof value === 'string'
}

/** A canonical Uint8Array or Buffer (typed arrays of other types are numbers, not a stream's bytes). */
function isBytes(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false
  const tagged = value as Record<string, unknown>
  return (
    tagged[CANONICAL_TAG] === 'bytes' && typeof tagged['base64'] === 'string' && tagged['type'] === undefined
  )
}

function sameSizes(left: readonly number[], right: readonly number[]): boolean {
  return left.length === right.length && left.every((size, index) => size === right[index])
}

function sum(sizes: readonly number[]): number {
  return sizes.reduce((total, size) => total + size, 0)
}
