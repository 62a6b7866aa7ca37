/**
 * jsondiffpatch's visual diff of a divergence's values, as markup for the HTML report. The delta comes from
 * parallax's own diff (`computeDelta`); the markup from jsondiffpatch's HTML formatter, with four changes:
 * keys and values are also cleared of control and bidi characters (the formatter only escapes `&<>"'`),
 * moves are drawn without the inline `<script>` and SVG arrows the formatter emits (the page's
 * Content-Security-Policy would refuse the script), and a long changed string is shown as one text with
 * only what changed marked (diff-match-patch, as in the terminal report). The formatter's stylesheet is read from the installed package and inlined.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Delta, ModifiedDelta, MovedDelta } from 'jsondiffpatch'
import type { DeltaType, NodeType } from 'jsondiffpatch/formatters/base'
import HtmlFormatter from 'jsondiffpatch/formatters/html'
import { diffText } from '../../diff/change-detail.ts'
import { computeDelta } from '../../diff/compute-delta.ts'
import { endBefore, safeBlock, safeText } from './escape-html.ts'

type Context = Parameters<HtmlFormatter['formatValue']>[0]

/** Strings at least this long are shown as one text with what changed marked, when both sides are strings. */
const WORD_DIFF_MIN_CHARS = 40
/** Unchanged text kept on each side of a change inside a long string; the rest is elided. */
const CONTEXT_CHARS = 120

class ReportFormatter extends HtmlFormatter {
  override formatValue(context: Context, value: unknown): void {
    // JSON.stringify escapes C0 controls inside strings; safeBlock escapes the rest (C1, bidi, U+2028…)
    // while keeping the line breaks of the indentation.
    const json = value === undefined ? 'undefined' : (JSON.stringify(value, null, 2) ?? String(value))
    context.out(`<pre>${safeBlock(json)}</pre>`)
  }

  override nodeBegin(
    context: Context,
    key: string,
    leftKey: string | number | undefined,
    type: DeltaType,
    nodeType: NodeType,
  ): void {
    const label = typeof leftKey === 'number' && key.startsWith('_') ? key.slice(1) : key
    const nodeClass = `jsondiffpatch-${type}${nodeType ? ` jsondiffpatch-child-node-type-${nodeType}` : ''}`
    context.out(
      `<li class="${nodeClass}" data-key="${safeText(key)}">` +
        `<div class="jsondiffpatch-property-name">${safeText(label)}</div>`,
    )
  }

  override rootEnd(context: Context): void {
    context.out('</div>')
  }

  override format_moved(context: Context, delta: MovedDelta): void {
    context.out('<div class="jsondiffpatch-value">')
    this.formatValue(context, delta[0])
    context.out(`</div><div class="jsondiffpatch-moved-destination">${safeText(String(delta[1]))}</div>`)
  }

  override format_modified(context: Context, delta: ModifiedDelta): void {
    const [left, right] = delta
    if (
      typeof left === 'string' &&
      typeof right === 'string' &&
      Math.max(left.length, right.length) >= WORD_DIFF_MIN_CHARS
    ) {
      context.out(`<div class="jsondiffpatch-value px-words"><pre>${textDiff(left, right)}</pre></div>`)
      return
    }
    super.format_modified(context, delta)
  }
}

/** A string diff as one JSON string literal, changes marked, long unchanged stretches elided. */
function textDiff(left: string, right: string): string {
  const pieces = diffText(left, right)
  const parts = pieces.map((piece, index) => {
    if (piece.op !== 'equal') {
      const tag = piece.op === 'delete' ? 'del' : 'ins'
      const style = piece.op === 'delete' ? 'deleted' : 'added'
      return `<${tag} class="jsondiffpatch-textdiff-${style}">${literal(piece.text)}</${tag}>`
    }
    return elideSame(piece.text, index > 0, index < pieces.length - 1)
  })
  return `"${parts.join('')}"`
}

/** Unchanged text: only the context next to a change is kept. */
function elideSame(text: string, changeBefore: boolean, changeAfter: boolean): string {
  const keepHead = changeBefore ? CONTEXT_CHARS : 0
  const keepTail = changeAfter ? CONTEXT_CHARS : 0
  if (text.length <= keepHead + keepTail + 40) return literal(text)
  const headEnd = endBefore(text, keepHead)
  const tailStart = endBefore(text, text.length - keepTail)
  const elided = tailStart - headEnd
  return `${literal(text.slice(0, headEnd))}<span class="px-elided">…${elided} unchanged chars…</span>${literal(text.slice(tailStart))}`
}

/** Text as it reads inside a JSON string literal, safe for HTML. */
function literal(text: string): string {
  return safeText(JSON.stringify(text).slice(1, -1))
}

let formatter: ReportFormatter | undefined
let stylesheet: string | undefined

/**
 * jsondiffpatch's HTML formatter stylesheet, read once from the installed package.
 * @example `<style>${visualDiffCss()}</style>`
 */
export function visualDiffCss(): string {
  stylesheet ??= readFileSync(
    createRequire(import.meta.url).resolve('jsondiffpatch/formatters/styles/html.css'),
    'utf8',
  )
  return stylesheet
}

/** The markup of one visual diff, and whether it had to leave the unchanged values out to stay small. */
export interface VisualDiff {
  html: string
  /** Unchanged values were left out: with them the markup exceeded the size limit. */
  unchangedOmitted: boolean
}

/**
 * Renders the delta from `left` to `right` as jsondiffpatch markup (unchanged values included, hidden by
 * the `jsondiffpatch-unchanged-hidden` class on a parent). When that exceeds `maxChars`, renders only the
 * changes; when even that exceeds it, returns undefined. Equal values give an empty string.
 * @example renderVisualDiff({ a: 1, b: 2 }, { a: 1, b: 3 }, 100_000)?.html // '<div class="jsondiffpatch-delta …'
 */
export function renderVisualDiff(left: unknown, right: unknown, maxChars: number): VisualDiff | undefined {
  const delta: Delta = computeDelta(left, right)
  if (delta === undefined) return { html: '', unchangedOmitted: false }
  formatter ??= new ReportFormatter()
  const full = formatter.format(delta, left) ?? ''
  if (full.length <= maxChars) return { html: full, unchangedOmitted: false }
  const changes = formatter.format(delta) ?? ''
  return changes.length <= maxChars ? { html: changes, unchangedOmitted: true } : undefined
}
