/**
 * The markup of one recording in the HTML report: a `<details>` whose summary line says what happened
 * (status, id, route, where it diverges) and whose body holds the stage timeline, the changed paths, the
 * visual diff of the values at the divergence (when the run kept them) and the command that replays it.
 * The `data-*` attributes are what the page's filters read. Agreeing recordings stay lean: a summary line
 * and a collapsed timeline.
 */
import type { ChangedPath, Comparison, Divergence } from '../../diff/types.ts'
import type { SerializedError } from '../../recording/errors.ts'
import { formatChange } from '../format-change.ts'
import { type RecordingStatus, statusOf } from '../outcome-status.ts'
import type { RecordingOutcome, RecordingResult } from '../types.ts'
import { clipBlock, safeBlock, safeText } from './escape-html.ts'
import { timelineHtml } from './timeline-html.ts'
import { renderVisualDiff } from './visual-diff.ts'

/** How one recording is drawn. */
export interface RecordingHtmlOptions {
  variants: readonly [string, string]
  /** Start expanded. */
  open: boolean
  /** Characters of visual-diff markup the report may still spend; decreased as diffs are drawn. */
  budget: { remaining: number }
}

/** Changed paths shown before the "more" fold, and at most in all. */
const PATHS_SHOWN = 10
const PATHS_MAX = 200
/** Characters kept of one value in the changed-paths table (before escaping). */
const VALUE_CHARS = 120
/** The largest markup of one visual diff, and of one shared input. */
const DIFF_MAX_CHARS = 1_000_000
const INPUT_MAX_CHARS = 20_000

const BADGES: Record<RecordingStatus, string> = {
  agree: '✓ agree',
  diverge: '✗ diverge',
  failed: '! failed',
}

/**
 * The filter key of where a result diverges: `stage:<culprit>`, or `<outbound|input>:<stage>` for an
 * external difference; empty when it agrees or failed. Matches `countCulprits` entries as `source:stage`.
 * @example culpritKey(result) // 'stage:decode'
 */
export function culpritKey(result: RecordingResult): string {
  if (result.kind === 'failed') return ''
  const divergence = result.comparison.divergence
  if (divergence.kind === 'none') return ''
  return divergence.kind === 'stage'
    ? `stage:${divergence.culprit}`
    : `${divergence.source}:${divergence.stage}`
}

/**
 * One recording's `<details>` element.
 * @example recordingHtml(outcome, { variants: run.variants, open: true, budget: { remaining: 32e6 } })
 */
export function recordingHtml(outcome: RecordingOutcome, options: RecordingHtmlOptions): string {
  const result = outcome.result
  const status = statusOf(result)
  const culprit = culpritKey(result)
  const attributes = [
    `class="rec s-${status}"`,
    `data-status="${status}"`,
    `data-route="${safeText(outcome.route)}"`,
    `data-id="${safeText(outcome.recordingId)}"`,
  ]
  if (culprit !== '') attributes.push(`data-culprit="${safeText(culprit)}"`)
  if (options.open) attributes.push('open')
  const summary =
    `<summary><span class="badge ${status}">${BADGES[status]}</span>` +
    `<span class="id">${safeText(outcome.recordingId)}</span>` +
    `<span class="route">${safeText(outcome.route)}</span>` +
    `<span class="where">${whereText(result)}</span></summary>`
  const source = `<p class="source">${safeText(outcome.source.file)}:${outcome.source.line}</p>`
  const body = [source, ...bodyParts(result, options), replayHtml(outcome.replayKey)]
  return `<details ${attributes.join(' ')}>${summary}<div class="rec-body">${body.join('')}</div></details>`
}

function whereText(result: RecordingResult): string {
  if (result.kind === 'failed') return `replay failed under <b>${safeText(result.variant)}</b>`
  const divergence = result.comparison.divergence
  if (divergence.kind === 'none') {
    const count = result.comparison.stages.length
    return `agree (${count} stage${count === 1 ? '' : 's'})`
  }
  if (divergence.kind === 'stage') {
    const probe = divergence.checkpoint?.slice(divergence.culprit.length + 1)
    const at = probe ? ` (first at probe ${safeText(probe)})` : ''
    return `diverges at <b class="culprit-name">${safeText(divergence.culprit)}</b>${at}`
  }
  const where = divergence.source === 'outbound' ? 'outbound requests of' : 'input of'
  return `diverges outside the pipeline (${where} <b class="external-name">${safeText(divergence.stage)}</b>)`
}

function bodyParts(result: RecordingResult, options: RecordingHtmlOptions): string[] {
  if (result.kind === 'failed') {
    const parts = [errorHtml(result.error)]
    if (result.runs.length > 0) parts.push(timelineHtml(options.variants, result.runs))
    return parts
  }
  const { comparison } = result
  const divergence = comparison.divergence
  const parts = [timelineHtml(options.variants, result.runs, comparison)]
  if (divergence.kind === 'none') return parts
  if (divergence.kind === 'external') parts.push(`<p class="detail">! ${safeText(divergence.detail)}</p>`)
  parts.push(pathsHtml(comparison, divergence, options.variants))
  if (divergence.values) parts.push(visualDiffHtml(divergence, options))
  return parts
}

function errorHtml(error: SerializedError): string {
  const hint = error.hint ? `<p class="hint">hint: ${safeText(error.hint)}</p>` : ''
  return `<div class="error"><p><b>${safeText(error.code ?? error.name)}</b>: ${safeText(error.message)}</p>${hint}</div>`
}

/** What the changed paths (and the visual diff) are of: a probe, a stage output or input, outbound calls. */
function subject(comparison: Comparison, divergence: Exclude<Divergence, { kind: 'none' }>): string {
  if (divergence.kind === 'external') {
    const what = divergence.source === 'input' ? 'input' : 'outbound requests'
    return `${what} of ${divergence.stage}`
  }
  const probeOnly =
    divergence.checkpoint !== undefined &&
    comparison.stages.some((row) => row.name === divergence.culprit && row.outputEqual)
  return probeOnly ? `probe ${divergence.checkpoint}` : `output of ${divergence.culprit}`
}

function pathsHtml(
  comparison: Comparison,
  divergence: Exclude<Divergence, { kind: 'none' }>,
  variants: readonly [string, string],
): string {
  const paths = divergence.paths
  if (paths.length === 0) return ''
  const [left, right] = variants.map(safeText)
  const count = `${paths.length} changed path${paths.length === 1 ? '' : 's'}`
  const caption = `<p class="caption">${count} in the ${safeText(subject(comparison, divergence))}, ${left} → ${right}:</p>`
  const shown = pathTable(paths.slice(0, PATHS_SHOWN))
  const folded = paths.slice(PATHS_SHOWN, PATHS_MAX)
  const more =
    folded.length > 0
      ? `<details class="more"><summary>${folded.length} more</summary>${pathTable(folded)}</details>`
      : ''
  const leftOut = paths.length - PATHS_SHOWN - folded.length
  const rest = leftOut > 0 ? `<p class="dim">+${leftOut} more, listed by the JSON report.</p>` : ''
  return `<div class="paths">${caption}${shown}${more}${rest}</div>`
}

function pathTable(paths: readonly ChangedPath[]): string {
  const rows = paths.map((change) => {
    const text = formatChange(change, VALUE_CHARS)
    const before = text.before === undefined ? '' : safeText(text.before)
    const after = text.after === undefined ? '' : safeText(text.after)
    const op =
      change.op === 'add'
        ? '+ added'
        : change.op === 'remove'
          ? '− removed'
          : change.op === 'move'
            ? `moved ${safeText(text.move ?? '')}`
            : '→'
    return `<span class="path">${safeText(text.path)}</span><span class="before">${before}</span><span class="op">${op}</span><span class="after">${after}</span>`
  })
  return `<div class="changes">${rows.join('')}</div>`
}

function visualDiffHtml(
  divergence: Exclude<Divergence, { kind: 'none' }>,
  options: RecordingHtmlOptions,
): string {
  const values = divergence.values!
  const [left, right] = options.variants.map(safeText)
  const what =
    divergence.kind === 'stage'
      ? divergence.checkpoint
        ? `probe ${divergence.checkpoint}`
        : `output of ${divergence.culprit}`
      : `${divergence.source === 'input' ? 'input' : 'outbound requests'} of ${divergence.stage}`
  const title = `<summary>Visual diff of the ${safeText(what)}: <del>${left}</del> → <ins>${right}</ins></summary>`
  const notes: string[] = []
  if (values.clipped)
    notes.push('The values exceed 256 KB: each is shown as the start of its JSON text, compared as text.')
  const diff = renderVisualDiff(values.left, values.right, Math.min(DIFF_MAX_CHARS, options.budget.remaining))
  let body = ''
  if (!diff) {
    notes.push(
      'Visual diff left out: it would exceed the size budget of this report. The JSON report has the paths.',
    )
  } else if (diff.html === '') {
    notes.push('The kept values are equal as JSON.')
  } else {
    options.budget.remaining -= diff.html.length
    if (diff.unchangedOmitted) notes.push('Unchanged values are left out: with them the diff was too large.')
    const toggle = diff.html.includes('jsondiffpatch-unchanged')
      ? '<label class="toggle"><input type="checkbox" data-show-unchanged> show unchanged values</label>'
      : ''
    body = `${toggle}<div class="vdiff-body jsondiffpatch-unchanged-hidden">${diff.html}</div>`
  }
  let input = ''
  if (divergence.kind === 'stage' && values.input !== undefined && options.budget.remaining > 0) {
    const json = clipBlock(JSON.stringify(values.input, null, 2) ?? 'undefined', INPUT_MAX_CHARS)
    options.budget.remaining -= json.length
    input = `<details class="input"><summary>Input of ${safeText(divergence.culprit)} (the same under both variants)</summary><pre>${safeBlock(json)}</pre></details>`
  }
  const noteHtml = notes.map((note) => `<p class="note">${note}</p>`).join('')
  return `<details class="vdiff" open>${title}${noteHtml}${body}${input}</details>`
}

function replayHtml(replayKey: string): string {
  return `<div class="replay"><span class="label">replay</span><code>${safeText(replayKey)}</code><button type="button" class="copy" data-copy>copy</button></div>`
}
