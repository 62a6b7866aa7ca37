/**
 * The terminal report: one line per agreeing recording, and for each diverging or failed one its stage
 * timeline under both variants, the culprit, the changed paths and the command that replays it; then the
 * invalid recording lines, the culprit histogram and the summary. Readable without colour: every state has
 * a symbol (✓ agree, ✗ diverge, ! failed or external), colour only reinforces it.
 */

import { describeChange } from '../diff/change-detail.ts'
import type { ChangedPath, Comparison, Divergence } from '../diff/types.ts'
import type { SerializedError } from '../recording/errors.ts'
import { formatChange } from './format-change.ts'
import { formatDetail } from './format-detail.ts'
import { groupDivergences, groupPlace } from './group-divergences.ts'
import { countCulprits, statusOf } from './outcome-status.ts'
import { plural } from './plural.ts'
import { formatMs, renderTimeline } from './render-timeline.ts'
import { sanitizeText } from './sanitize-text.ts'
import { type Line, padEnd, paintLines, span, textWidth, type UncutLine, wrapText } from './styled-line.ts'
import type { RecordingOutcome, ReplayRun } from './types.ts'

/** How the terminal report is drawn. */
export interface TerminalOptions {
  /** ANSI colours (picocolors); false gives plain text. */
  color: boolean
  /**
   * Terminal columns: longer lines are cut with `…`; prose and hints are wrapped, and replay commands and
   * noise-rule counts are never cut (the terminal soft-wraps them).
   */
  width: number
  /** Every changed path instead of the first few. */
  verbose: boolean
}

/** Changed paths shown per recording unless verbose. */
const PATHS_SHOWN = 5
const INDENT = '      '

/**
 * Renders a replay run for a person reading a terminal.
 * @example process.stdout.write(renderTerminal(run, { color: true, width: 100, verbose: false }))
 */
export function renderTerminal(run: ReplayRun, options: TerminalOptions): string {
  const width = Math.max(40, options.width)
  const lines: Array<Line | UncutLine> = [header(run), []]
  const idWidth = Math.max(0, ...run.recordings.map((o) => textWidth(sanitizeText(o.recordingId))))
  const routeWidth = Math.max(0, ...run.recordings.map((o) => textWidth(sanitizeText(o.route))))
  const columns = { id: Math.min(idWidth, 32), route: Math.min(routeWidth, 32) }
  if (run.recordings.length > GROUP_ABOVE && !options.verbose) lines.push(...groupLines(run, width))
  else
    for (const outcome of run.recordings)
      lines.push(...recordingLines(outcome, run, columns, { ...options, width }))
  if (run.loadErrors.length > 0) lines.push([], ...loadErrorLines(run.loadErrors, width))
  lines.push([], ...culpritLines(run), ...noiseLines(run), summaryLine(run))
  return paintLines(lines, { color: options.color, width })
}

function header(run: ReplayRun): Line {
  const [left, right] = run.variants.map(sanitizeText)
  return [
    span('parallax replay', 'bold'),
    span(` · scenario ${sanitizeText(run.scenario)} · pipeline ${sanitizeText(run.pipeline)} · `, 'dim'),
    span(`${left} vs ${right}`, 'bold'),
    span(` · ${plural(run.recordings.length, 'recording')}`, 'dim'),
  ]
}

function recordingLines(
  outcome: RecordingOutcome,
  run: ReplayRun,
  columns: { id: number; route: number },
  options: TerminalOptions,
): Array<Line | UncutLine> {
  const id = padEnd(sanitizeText(outcome.recordingId), columns.id)
  const route = span(padEnd(sanitizeText(outcome.route), columns.route), 'dim')
  const result = outcome.result
  const status = statusOf(result)
  const replay: UncutLine = { uncut: [INDENT, span('replay: ', 'dim'), sanitizeText(outcome.replayKey)] }

  if (result.kind === 'failed') {
    const variant = sanitizeText(result.variant)
    return [
      [
        '  ',
        span('!', 'yellow', 'bold'),
        ' ',
        span(id, 'bold'),
        '  ',
        route,
        '  ',
        span(`replay failed under ${variant}`, 'yellow', 'bold'),
      ],
      ...errorLines(result.error, options.width),
      ...(result.runs.length > 0
        ? renderTimeline({ indent: INDENT, variants: run.variants, runs: result.runs })
        : []),
      replay,
    ]
  }
  const comparison = result.comparison
  const divergence = comparison.divergence
  if (status === 'agree') {
    return [
      [
        '  ',
        span('✓', 'green'),
        ' ',
        id,
        '  ',
        route,
        '  ',
        span(`agree (${plural(comparison.stages.length, 'stage')})`, 'green'),
      ],
    ]
  }
  return [
    [
      '  ',
      span('✗', 'red', 'bold'),
      ' ',
      span(id, 'bold'),
      '  ',
      route,
      '  ',
      span(divergesAt(divergence), 'red', 'bold'),
    ],
    ...renderTimeline({ indent: INDENT, variants: run.variants, runs: result.runs, comparison }),
    ...(divergence.kind === 'external'
      ? wrapText(sanitizeText(divergence.detail), {
          indent: INDENT,
          width: options.width,
          first: [span('! ', 'magenta', 'bold')],
          hang: true,
        })
      : []),
    ...pathLines(comparison, run.variants, options),
    replay,
  ]
}

function divergesAt(divergence: Divergence): string {
  if (divergence.kind === 'none') return divergesAtOne(divergence)
  const others = divergence.others ?? []
  const also = others.length === 0 ? '' : `; also introduced at ${others.map(introducedAt).join(', ')}`
  return `${divergesAtOne(divergence)}${also}`
}

/** Where a further, independent divergence is introduced: `stock`, `flags (input)`. */
function introducedAt(other: NonNullable<Extract<Divergence, { kind: 'stage' }>['others']>[number]): string {
  if (other.kind === 'stage') return sanitizeText(other.culprit)
  return `${sanitizeText(other.stage)} (${other.source === 'outbound' ? 'outbound requests' : 'input'})`
}

function divergesAtOne(divergence: Divergence): string {
  if (divergence.kind === 'stage') {
    const probe = divergence.checkpoint?.slice(divergence.culprit.length + 1)
    const at = probe ? ` (first at probe ${sanitizeText(probe)})` : ''
    return `diverges at ${sanitizeText(divergence.culprit)}${at}`
  }
  if (divergence.kind === 'external') {
    const where = divergence.source === 'outbound' ? 'outbound requests of' : 'input of'
    return `diverges outside the pipeline (${where} ${sanitizeText(divergence.stage)})`
  }
  return 'agree'
}

function pathLines(
  comparison: Comparison,
  variants: readonly [string, string],
  options: TerminalOptions,
): Line[] {
  const divergence = comparison.divergence
  if (divergence.kind === 'none' || divergence.paths.length === 0) return []
  const what =
    divergence.kind === 'stage'
      ? divergence.checkpoint &&
        comparison.stages.some((row) => row.name === divergence.culprit && row.outputEqual)
        ? `probe ${divergence.checkpoint}`
        : `output of ${divergence.culprit}`
      : `${divergence.source === 'input' ? 'input' : 'output'} of ${divergence.stage}`
  const paths: readonly ChangedPath[] = options.verbose
    ? divergence.paths
    : divergence.paths.slice(0, PATHS_SHOWN)
  const pathWidth = Math.min(36, Math.max(...paths.map((p) => textWidth(sanitizeText(p.path)))))
  const budget = Math.max(16, Math.min(60, Math.floor((options.width - INDENT.length - pathWidth - 8) / 2)))
  const [left, right] = variants.map(sanitizeText)
  const lines: Line[] = [
    [
      INDENT,
      span(
        `${plural(divergence.paths.length, 'changed path')} in the ${sanitizeText(what)}, ${left} → ${right}:`,
        'dim',
      ),
    ],
  ]
  for (const change of paths) {
    const text = formatChange(change, budget)
    const path = span(padEnd(text.path, pathWidth), 'cyan')
    if (change.op === 'add')
      lines.push([INDENT, path, '  ', span('added ', 'dim'), span(text.after ?? '', 'green')])
    else if (change.op === 'remove')
      lines.push([INDENT, path, '  ', span('removed ', 'dim'), span(text.before ?? '', 'red')])
    else if (change.op === 'move')
      lines.push([INDENT, path, '  ', span(text.before ?? ''), span(`  moved ${text.move ?? ''}`, 'dim')])
    else {
      lines.push([
        INDENT,
        path,
        '  ',
        span(text.before ?? '', 'red'),
        span('  →  ', 'dim'),
        span(text.after ?? '', 'green'),
      ])
      const detail = describeChange(change)
      const spans = detail && formatDetail(detail, budget)
      if (spans) lines.push([INDENT, ' '.repeat(pathWidth + 2), ...spans])
    }
  }
  const hidden = divergence.paths.length - paths.length
  if (hidden > 0) lines.push([INDENT, span(`+${hidden} more (--verbose)`, 'dim')])
  return lines
}

function errorLines(error: SerializedError, width: number): Line[] {
  const code = sanitizeText(error.code ?? error.name)
  const lines = wrapText(sanitizeText(error.message), {
    indent: INDENT,
    width,
    first: [span(`${code}: `, 'yellow')],
  })
  if (error.hint)
    lines.push(
      ...wrapText(sanitizeText(error.hint), {
        indent: INDENT,
        width,
        first: [span('hint: ', 'dim')],
        hang: true,
      }),
    )
  return lines
}

function loadErrorLines(errors: readonly SerializedError[], width: number): Line[] {
  const lines: Line[] = [[span(`Invalid recording lines (${errors.length}), skipped:`, 'yellow', 'bold')]]
  for (const error of errors) {
    const file = error.details?.['file']
    const line = error.details?.['line']
    const where =
      typeof file === 'string' ? `${sanitizeText(file)}${typeof line === 'number' ? `:${line}` : ''}  ` : ''
    lines.push(
      ...wrapText(sanitizeText(error.message), {
        indent: '  ',
        width,
        first: [span('! ', 'yellow', 'bold'), span(where, 'cyan')],
      }),
    )
    if (error.hint)
      lines.push(
        ...wrapText(sanitizeText(error.hint), {
          indent: '    ',
          width,
          first: [span('hint: ', 'dim')],
          hang: true,
        }),
      )
  }
  return lines
}

function culpritLines(run: ReplayRun): Line[] {
  const counts = countCulprits(run.recordings)
  if (counts.length === 0) return []
  const labels = counts.map((c) =>
    c.source === 'stage' ? sanitizeText(c.stage) : `${sanitizeText(c.stage)} (external: ${c.source})`,
  )
  const labelWidth = Math.max(...labels.map(textWidth)) + 2
  const top = counts[0]!.count
  const countWidth = String(top).length + 1
  return [
    [span('Culprits:', 'bold')],
    ...counts.map(
      (c, index): Line => [
        '  ',
        padEnd(labels[index]!, labelWidth),
        padEnd(`×${c.count}`, countWidth + 2),
        span(
          '█'.repeat(Math.max(1, Math.round((c.count / top) * 20))),
          c.source === 'stage' ? 'red' : 'magenta',
        ),
      ],
    ),
  ]
}

/** Above this many recordings the report shows groups of divergences, not every recording (see --verbose). */
const GROUP_ABOVE = 30
/** Groups shown before "+N more groups". */
const GROUPS_SHOWN = 12

/**
 * A large run, grouped: one block per group of recordings that diverge the same way (same place, same
 * changed paths with indexes generalized), with the count, an example and the command that replays it.
 */
function groupLines(run: ReplayRun, width: number): Array<Line | UncutLine> {
  const groups = groupDivergences(run)
  const agree = run.summary.agree
  const lines: Array<Line | UncutLine> = wrapText(
    `${plural(run.recordings.length, 'recording')} in ${plural(groups.length, 'group')} of divergences and failures` +
      (agree > 0 ? `, ${agree} agree` : '') +
      ' (every recording: --verbose, or --report json|html):',
    { indent: '', width, style: ['dim'] },
  )
  for (const group of groups.slice(0, GROUPS_SHOWN)) {
    const failed = group.kind === 'failed'
    lines.push([
      '  ',
      span(failed ? '!' : '✗', failed ? 'yellow' : 'red', 'bold'),
      ' ',
      span(`×${group.count}`, 'bold'),
      '  ',
      span(
        failed ? sanitizeText(groupPlace(group)) : `diverges at ${sanitizeText(groupPlace(group))}`,
        failed ? 'yellow' : 'red',
      ),
      span(`  e.g. ${sanitizeText(group.example.recordingId)} ${sanitizeText(group.example.route)}`, 'dim'),
    ])
    if (group.kind === 'failed') {
      lines.push(...wrapText(sanitizeText(group.message), { indent: INDENT, width, style: ['dim'] }))
    } else {
      const signature = group.signature.map((entry) => sanitizeText(entry.path))
      const shown = signature.slice(0, PATHS_SHOWN).join(', ')
      const more = signature.length > PATHS_SHOWN ? ` +${signature.length - PATHS_SHOWN} more` : ''
      lines.push([
        INDENT,
        span('paths ', 'dim'),
        span(clipText(shown, width - INDENT.length - 12), 'cyan'),
        span(more, 'dim'),
      ])
    }
    lines.push({ uncut: [INDENT, span('replay: ', 'dim'), sanitizeText(group.example.replayKey)] })
  }
  if (groups.length > GROUPS_SHOWN)
    lines.push(['  ', span(`+${groups.length - GROUPS_SHOWN} more groups`, 'dim')])
  return lines
}

function clipText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`
}

/**
 * What each noise rule hid, so a rule never hides a bug silently; a rule that hid nothing is dimmed. Never
 * cut: a count cut off would say nothing.
 */
function noiseLines(run: ReplayRun): Array<Line | UncutLine> {
  if (run.noise === undefined || run.noise.length === 0) return []
  return [
    [span('Noise rules:', 'bold')],
    ...run.noise.map(
      (total): UncutLine => ({
        uncut: [
          '  ',
          span(sanitizeText(total.rule), total.hidden > 0 ? 'bold' : 'dim'),
          span(
            total.hidden > 0
              ? ` hid ${plural(total.hidden, 'change')} in ${plural(total.recordings, 'recording')}`
              : ' hid nothing',
            'dim',
          ),
        ],
      }),
    ),
  ]
}

function summaryLine(run: ReplayRun): Line {
  const { total, agree, diverge, failed, invalid } = run.summary
  const part = (count: number, text: string, style: 'green' | 'red' | 'yellow') =>
    count > 0 ? span(`${count} ${text}`, style, 'bold') : span(`${count} ${text}`, 'dim')
  const dot = span(' · ', 'dim')
  return [
    span('Summary: ', 'bold'),
    plural(total, 'recording'),
    dot,
    part(agree, 'agree', 'green'),
    dot,
    part(diverge, 'diverge', 'red'),
    dot,
    part(failed, 'failed', 'yellow'),
    dot,
    part(invalid, invalid === 1 ? 'invalid line' : 'invalid lines', 'yellow'),
    span(`   (${formatMs(run.durationMs)})`, 'dim'),
  ]
}
