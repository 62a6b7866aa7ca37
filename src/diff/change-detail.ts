/**
 * What one change means, for a person: two numbers and their delta, two texts and the characters that
 * differ (a character-level diff with semantic cleanup, from diff-match-patch), two byte strings and the
 * first differing offset with a hex view around it, two errors by type and message, the same streamed
 * content in other chunks, or a change of type.
 * Computed on demand for the changes a report shows, never for every change of a large diff.
 */
import { diff_match_patch } from '@dmsnell/diff-match-patch'
import { CANONICAL_TAG } from '../recording/canonical-kind.ts'
import { type Rechunking, rechunking } from './chunked-content.ts'
import type { ChangedPath } from './types.ts'

/** One run of a text diff: equal on both sides, only before (`delete`), or only after (`insert`). */
export interface TextSegment {
  op: 'equal' | 'delete' | 'insert'
  text: string
}

/** An error as the canonical encoding keeps it. */
export interface ErrorSummary {
  name: string
  message: string
  code?: string
}

/**
 * The detail of a change.
 * @example describeChange({ op: 'replace', path: '$.n', before: 2, after: 2.5 }) // { kind: 'number', delta: 0.5, relative: 0.25 }
 */
export type ChangeDetail =
  | { kind: 'number'; delta: number; relative?: number }
  | { kind: 'text'; segments: TextSegment[]; truncated: boolean }
  | {
      kind: 'bytes'
      /** First differing byte (the shorter length when one is a prefix of the other). */
      offset: number
      leftLength: number
      rightLength: number
      /** Where the hex windows start. */
      windowStart: number
      left: string
      right: string
    }
  | { kind: 'error'; left?: ErrorSummary; right?: ErrorSummary }
  /** The same content in chunks of other sizes (see chunked-content.ts). */
  | ({ kind: 'chunks' } & Rechunking)
  | { kind: 'type'; left: string; right: string }

/** Texts longer than this are diffed around their first difference only. */
const MAX_TEXT_DIFF_CHARS = 10_000
/** Equal runs longer than this are cut to their ends. */
const EQUAL_CONTEXT = 24
const HEX_WINDOW = 16

const dmp = new diff_match_patch()
// A text diff is for reading: a quick approximation beats an exact diff that makes the report wait.
dmp.Diff_Timeout = 0.05

/**
 * The detail of one change; undefined when there is nothing to add to its before and after.
 * @example describeChange({ op: 'replace', path: '$.t', before: 'résumé', after: 'r\ufffd\ufffdsum\ufffd' })?.kind // 'text'
 */
export function describeChange(change: ChangedPath): ChangeDetail | undefined {
  if (change.op !== 'replace' || !('before' in change) || !('after' in change)) return undefined
  const { before, after } = change
  if (Array.isArray(before) && Array.isArray(after)) {
    const chunks = rechunking(before, after)
    if (chunks !== undefined) return { kind: 'chunks', ...chunks }
  }
  const bytes = bytesDetail(change.path, before, after)
  if (bytes !== undefined) return bytes
  if (isError(before) || isError(after)) {
    const detail: ChangeDetail = { kind: 'error' }
    if (isError(before)) detail.left = errorSummary(before)
    if (isError(after)) detail.right = errorSummary(after)
    return detail
  }
  if (typeof before === 'number' && typeof after === 'number') {
    const delta = printedDelta(before, after)
    return before === 0
      ? { kind: 'number', delta }
      : { kind: 'number', delta, relative: delta / Math.abs(before) }
  }
  if (typeof before === 'string' && typeof after === 'string') return textDetail(before, after)
  const left = typeName(before)
  const right = typeName(after)
  return left === right ? undefined : { kind: 'type', left, right }
}

/**
 * `after - before` taken on the numbers as JavaScript prints them, in exact decimal arithmetic, then read
 * back as a number: exact for integers and for any difference a double can hold (0.42 → 0.4 is -0.02, where
 * floating-point subtraction gives -0.019999999999999962), the nearest double otherwise.
 * @example printedDelta(25596456, 23309288) // -2287168
 */
export function printedDelta(before: number, after: number): number {
  if (!Number.isFinite(before) || !Number.isFinite(after)) return after - before
  const left = decimalOf(before)
  const right = decimalOf(after)
  const exponent = Math.min(left.exponent, right.exponent)
  const difference =
    right.digits * 10n ** BigInt(right.exponent - exponent) -
    left.digits * 10n ** BigInt(left.exponent - exponent)
  return Number(`${difference}e${exponent}`)
}

/** A finite number as `digits × 10^exponent`, from its shortest printed form (`1.5e+21`, `-0.02`). */
function decimalOf(value: number): { digits: bigint; exponent: number } {
  const [mantissa = '0', power = '0'] = String(value).split('e')
  const dot = mantissa.indexOf('.')
  const fraction = dot === -1 ? '' : mantissa.slice(dot + 1)
  const whole = dot === -1 ? mantissa : mantissa.slice(0, dot)
  return { digits: BigInt(`${whole}${fraction}`), exponent: Number(power) - fraction.length }
}

/**
 * A character-level diff of two texts, equal runs cut to their ends; a very long text is diffed around
 * its first difference (`truncated`).
 * @example textDetail('abc def', 'abc xyz').segments // [{ op: 'equal', text: 'abc ' }, { op: 'delete', text: 'def' }, { op: 'insert', text: 'xyz' }]
 */
export function textDetail(before: string, after: string): ChangeDetail & { kind: 'text' } {
  let left = before
  let right = after
  let truncated = false
  if (left.length > MAX_TEXT_DIFF_CHARS || right.length > MAX_TEXT_DIFF_CHARS) {
    const prefix = dmp.diff_commonPrefix(left, right)
    const start = Math.max(0, prefix - EQUAL_CONTEXT)
    left = left.slice(start, start + MAX_TEXT_DIFF_CHARS)
    right = right.slice(start, start + MAX_TEXT_DIFF_CHARS)
    truncated = true
  }
  return { kind: 'text', segments: diffText(left, right).map(shortenEqual), truncated }
}

/**
 * The character-level diff of two texts, cleaned up to read well (diff-match-patch's semantic cleanup:
 * `r[-é-]{+\ufffd\ufffd+}ponse`, not a scatter of one-letter edits), whole: every segment kept. A text pair
 * too long to diff within 50 ms gets a coarser diff, never a wrong one.
 * @example diffText('a red car', 'a blue car') // [equal 'a ', delete 'red', insert 'blue', equal ' car']
 */
export function diffText(left: string, right: string): TextSegment[] {
  const diffs = dmp.diff_main(left, right)
  dmp.diff_cleanupSemantic(diffs)
  return diffs.map((diff) => ({
    op: diff[0] === 0 ? 'equal' : diff[0] < 0 ? 'delete' : 'insert',
    text: diff[1],
  }))
}

/** An equal run kept to its first and last characters, the middle replaced by `…`. */
function shortenEqual(segment: TextSegment, index: number, all: readonly TextSegment[]): TextSegment {
  if (segment.op !== 'equal' || segment.text.length <= EQUAL_CONTEXT * 2) return segment
  const first = index === 0
  const last = index === all.length - 1
  const chars = Array.from(segment.text)
  if (first) return { op: 'equal', text: `…${chars.slice(-EQUAL_CONTEXT).join('')}` }
  if (last) return { op: 'equal', text: `${chars.slice(0, EQUAL_CONTEXT).join('')}…` }
  return {
    op: 'equal',
    text: `${chars.slice(0, EQUAL_CONTEXT).join('')}…${chars.slice(-EQUAL_CONTEXT).join('')}`,
  }
}

function bytesDetail(path: string, before: unknown, after: unknown): ChangeDetail | undefined {
  let left: Buffer | undefined
  let right: Buffer | undefined
  if (isBytes(before) && isBytes(after)) {
    left = Buffer.from(before.base64, 'base64')
    right = Buffer.from(after.base64, 'base64')
  } else if (path.endsWith('.base64') && typeof before === 'string' && typeof after === 'string') {
    left = Buffer.from(before, 'base64')
    right = Buffer.from(after, 'base64')
  }
  if (left === undefined || right === undefined) return undefined
  let offset = 0
  const shortest = Math.min(left.length, right.length)
  while (offset < shortest && left[offset] === right[offset]) offset++
  const windowStart = Math.max(0, offset - HEX_WINDOW / 4)
  const hex = (bytes: Buffer) => {
    const window = bytes.subarray(windowStart, windowStart + HEX_WINDOW).toString('hex')
    return window.replace(/(..)(?!$)/g, '$1 ')
  }
  return {
    kind: 'bytes',
    offset,
    leftLength: left.length,
    rightLength: right.length,
    windowStart,
    left: hex(left),
    right: hex(right),
  }
}

type Tagged = Record<string, unknown>

function isTagged(value: unknown, tag: string): value is Tagged {
  return typeof value === 'object' && value !== null && (value as Tagged)[CANONICAL_TAG] === tag
}

function isBytes(value: unknown): value is Tagged & { base64: string } {
  return isTagged(value, 'bytes') && typeof value['base64'] === 'string'
}

function isError(value: unknown): value is Tagged {
  return isTagged(value, 'error')
}

function errorSummary(value: Tagged): ErrorSummary {
  const summary: ErrorSummary = {
    name: String(value['name'] ?? 'Error'),
    message: String(value['message'] ?? ''),
  }
  if (typeof value['code'] === 'string' || typeof value['code'] === 'number')
    summary.code = String(value['code'])
  return summary
}

function typeName(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'object' && typeof (value as Tagged)[CANONICAL_TAG] === 'string')
    return String((value as Tagged)[CANONICAL_TAG])
  return typeof value
}
