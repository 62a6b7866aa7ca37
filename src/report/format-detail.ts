/**
 * The detail line under a changed path in the terminal report (see diff/change-detail.ts): the delta of
 * two numbers, the characters that differ in two texts (`[-removed-]{+added+}`, readable without colour),
 * the first differing byte of two byte strings with a hex view, two errors by type and message, the same
 * streamed content cut into other chunks.
 */
import { type ChangeDetail, describeChange } from '../diff/change-detail.ts'
import type { ChangedPath } from '../diff/index.ts'
import { formatChange } from './format-change.ts'
import { quoteText, sanitizeText } from './sanitize-text.ts'
import { type Span, span } from './styled-line.ts'

/**
 * The spans of a detail, at most about `budget` characters of recorded text; undefined when the change
 * line says it all (a type change, a number without a useful delta).
 * @example formatDetail({ kind: 'number', delta: 0.5, relative: 0.25 }, 60) // [span('Δ +0.5 (+25%)', 'dim')]
 */
export function formatDetail(detail: ChangeDetail, budget: number): Span[] | undefined {
  switch (detail.kind) {
    case 'number': {
      const delta = `Δ ${signed(detail.delta)}`
      const relative =
        detail.relative === undefined || !Number.isFinite(detail.relative)
          ? ''
          : ` (${signed(Number((detail.relative * 100).toPrecision(3)))}%)`
      return [span(`${delta}${relative}`, 'dim')]
    }
    case 'text':
      return textSpans(detail, budget)
    case 'bytes':
      return [
        span(
          `bytes differ first at offset ${detail.offset} (${detail.leftLength} vs ${detail.rightLength} bytes), from ${detail.windowStart}: `,
          'dim',
        ),
        span(detail.left, 'red'),
        span('  →  ', 'dim'),
        span(detail.right, 'green'),
      ]
    case 'error': {
      const error = (side?: { name: string; message: string; code?: string }) =>
        side === undefined
          ? 'no error'
          : sanitizeText(`${side.name}${side.code ? ` [${side.code}]` : ''}: ${clip(side.message, budget)}`)
      return [span(error(detail.left), 'red'), span('  →  ', 'dim'), span(error(detail.right), 'green')]
    }
    case 'type':
      return [span(`${detail.left} → ${detail.right}`, 'dim')]
    case 'chunks': {
      const sizes = (chunks: readonly number[]) =>
        `${chunks.length} chunk${chunks.length === 1 ? '' : 's'} (${clip(chunks.join(', '), budget)})`
      return [
        span(`same ${detail.size} ${detail.unit}, other chunking: `, 'yellow'),
        span(sizes(detail.left), 'red'),
        span('  →  ', 'dim'),
        span(sizes(detail.right), 'green'),
      ]
    }
  }
}

function textSpans(detail: ChangeDetail & { kind: 'text' }, budget: number): Span[] | undefined {
  // A short replace whose texts have nothing in common says nothing more than the line above.
  if (!detail.segments.some((segment) => segment.op === 'equal')) return undefined
  const spans: Span[] = [span('diff ', 'dim')]
  let left = budget * 2
  for (const segment of detail.segments) {
    if (left <= 0) {
      spans.push(span('…', 'dim'))
      break
    }
    const text = clip(inner(segment.text), left)
    left -= text.length
    if (segment.op === 'equal') spans.push(span(text))
    else if (segment.op === 'delete') spans.push(span(`[-${text}-]`, 'red'))
    else spans.push(span(`{+${text}+}`, 'green'))
  }
  if (detail.truncated) spans.push(span(' (around the first difference)', 'dim'))
  return spans
}

/** A text escaped like a quoted string (control characters, replacement characters visible), without quotes. */
function inner(text: string): string {
  return quoteText(text).slice(1, -1)
}

function clip(text: string, max: number): string {
  const chars = Array.from(text)
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`
}

/**
 * A number with its sign, as JavaScript prints it: every digit an integer has, and as many as a float needs
 * to be read back exactly (the delta is taken on the printed numbers, so 0.42 → 0.4 reads -0.02).
 */
function signed(value: number): string {
  return value > 0 ? `+${value}` : String(value)
}

/**
 * A changed path as plain lines: `path  before → after`, then the detail (text diff, number delta) when
 * there is one — for one-off listings outside the terminal report (explain, fuzz).
 * @example plainChange({ op: 'replace', path: '$.n', before: 1, after: 2 }, 40) // ['$.n  1 → 2', 'Δ +1 (+100%)']
 */
export function plainChange(change: ChangedPath, budget: number): string[] {
  const text = formatChange(change, budget)
  if (change.op === 'move') return [`${text.path}  ${text.before ?? ''}  moved ${text.move ?? ''}`]
  const lines = [`${text.path}  ${text.before ?? '(absent)'} → ${text.after ?? '(absent)'}`]
  const detail = change.op === 'replace' ? describeChange(change) : undefined
  const spans = detail && formatDetail(detail, budget)
  if (spans) lines.push(spans.map((s) => s.text).join(''))
  return lines
}
