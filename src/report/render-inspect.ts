/**
 * `parallax inspect`: what a folder of recordings holds, for a person (terminal) or a program (JSON).
 */
import type { RecordersSummary, RecordingsSummary } from '../recording/summarize-recordings.ts'
import { plural } from './plural.ts'
import { sanitizeText } from './sanitize-text.ts'
import { type Line, paintLines, type Span, span, type UncutLine } from './styled-line.ts'

/** How many routes the terminal lists before summing up the rest. */
const ROUTES_SHOWN = 10
/** How many invalid lines the terminal names. */
const PROBLEMS_SHOWN = 5

/** The JSON form of an inspection: self-describing and versioned like every public output. */
export interface JsonInspection extends RecordingsSummary {
  format: 'parallax-inspect'
  version: 1
  path: string
}

/**
 * The summary as pure JSON text (ends with a newline).
 * @example renderInspectJson('recordings/copilot', summary)
 */
export function renderInspectJson(path: string, summary: RecordingsSummary): string {
  const result: JsonInspection = { format: 'parallax-inspect', version: 1, path, ...summary }
  return `${JSON.stringify(result, null, 2)}\n`
}

/**
 * The summary for a terminal; every recorded string is sanitized. Problems and skipped lines are never
 * cut to the width (the terminal wraps them): their end says why, and their path must stay whole.
 * @example process.stdout.write(renderInspect('recordings/copilot', summary, { color: false, width: 100 }))
 */
export function renderInspect(
  path: string,
  summary: RecordingsSummary,
  options: { color: boolean; width: number },
): string {
  const lines: Array<Line | UncutLine> = [
    [
      span('parallax inspect', 'bold'),
      span(` · ${sanitizeText(path)} · ${plural(summary.files, 'file')}`, 'dim'),
    ],
    [],
    [
      '  recordings  ',
      span(String(summary.recordings), 'bold'),
      summary.invalid > 0 ? span(`   ! ${plural(summary.invalid, 'invalid line')}`, 'yellow') : '',
    ],
    ['  time span   ', summary.span ? `${summary.span.first} → ${summary.span.last}` : '—'],
    [
      '  sources     ',
      summary.sources.map(({ source, count: n }) => `${sanitizeText(source)} ×${n}`).join(', ') || '—',
    ],
    [
      '  outbound    ',
      `${plural(summary.outbound.calls, 'call')} (${summary.outbound.streamed} streamed, ${summary.outbound.incomplete} incomplete)`,
    ],
    [
      '  bodies      ',
      `${bytes(summary.bodies.bytes)} on the wire, ${bytes(summary.bodies.kept)} kept (${plural(summary.bodies.truncated, 'truncated body', 'truncated bodies')})`,
    ],
    [
      '  redacted    ',
      `${plural(summary.redactedValues, 'value')} (${plural(summary.redactedHeaders, 'header value')})`,
    ],
    ...writerLines(summary),
  ]
  // No heading over nothing: a folder with no recording has no route to list.
  if (summary.routes.length > 0) {
    lines.push(
      [],
      [span('  routes', 'bold')],
      ...summary.routes
        .slice(0, ROUTES_SHOWN)
        .map(({ route, count: n }): Line => ['    ', String(n).padStart(6), '  ', sanitizeText(route)]),
    )
  }
  const rest = summary.routes.slice(ROUTES_SHOWN)
  if (rest.length > 0) {
    const n = rest.reduce((sum, r) => sum + r.count, 0)
    lines.push([span(`    ${String(n).padStart(6)}  in ${plural(rest.length, 'more route')}`, 'dim')])
  }
  if (summary.problems.length > 0) {
    lines.push([], [span('  invalid', 'yellow', 'bold')])
    for (const problem of summary.problems.slice(0, PROBLEMS_SHOWN)) {
      lines.push(noteLine(problem.message, span('!', 'yellow')))
    }
    const more = summary.problems.length - PROBLEMS_SHOWN
    if (more > 0) lines.push([span(`    +${more} more (--json lists them all)`, 'dim')])
  }
  if (summary.warnings.length > 0) {
    lines.push([], [span('  skipped', 'bold')])
    for (const warning of summary.warnings.slice(0, PROBLEMS_SHOWN)) {
      lines.push(noteLine(warning.message, span('~', 'dim')))
    }
    const more = summary.warnings.length - PROBLEMS_SHOWN
    if (more > 0) lines.push([span(`    +${more} more (--json lists them all)`, 'dim')])
  }
  return paintLines(lines, options)
}

/** A problem or a skipped line after its mark, whole. */
function noteLine(message: string, mark: Span): UncutLine {
  return { uncut: ['    ', mark, ' ', sanitizeText(message)] }
}

/** Segments, the writers' books and what was lost; nothing for a folder no writer wrote. */
function writerLines(summary: RecordingsSummary): Line[] {
  const { segments, writers, loss } = summary
  const lines: Line[] = []
  if (segments.unfinalized > 0 || writers !== null) {
    const open = segments.unfinalized > 0 ? ` (${segments.unfinalized} unfinalized)` : ''
    lines.push(['  segments    ', `${plural(segments.read, 'file')}${open}, ${bytes(segments.bytes)}`])
  }
  if (writers !== null) {
    const { dropped } = writers
    const why = droppedBecause([
      [dropped.queueFull, 'queue full'],
      [dropped.serializeFailed, 'not serializable'],
      [dropped.writeFailed, 'write failed'],
      [dropped.closed, 'after close'],
    ])
    const running = writers.running > 0 ? ` (${writers.running} not closed)` : ''
    lines.push([
      '  writers     ',
      `${plural(writers.count, 'writer')}${running}: ${writers.enqueued} enqueued, ${writers.written} written, ${dropped.total} dropped${why}`,
    ])
    const recorders = writers.recorders
    if (recorders !== null) {
      lines.push(['  recorder    ', recorderBooks(recorders)])
      if (recorders.unattributed > 0) {
        lines.push([
          '  outside     ',
          span(
            `${plural(recorders.unattributed, 'outbound call')} outside any request, not recorded`,
            'yellow',
          ),
        ])
      }
    }
    if (writers.deleted.segments > 0) {
      lines.push([
        '  deleted     ',
        `${plural(writers.deleted.segments, 'segment')} (${bytes(writers.deleted.bytes)}) to stay under the total size cap`,
      ])
    }
  }
  const lost = loss.dropped + loss.unflushed + loss.torn
  if (writers !== null || lost > 0) {
    const parts = [`${loss.dropped} dropped`]
    if (loss.unflushed > 0) parts.push(`up to ${loss.unflushed} unflushed in writers not closed`)
    parts.push(plural(loss.torn, 'torn line'))
    lines.push(['  loss        ', lost > 0 ? span(parts.join(', '), 'yellow') : parts.join(', ')])
  }
  return lines
}

/** `1200 requests: 58 recorded, 2 truncated, 1130 sampled out, 10 filtered, 0 dropped`: where every request went. */
function recorderBooks(recorders: RecordersSummary): string {
  const { dropped } = recorders
  const why = droppedBecause([
    [dropped.captureFailed, 'capture failed'],
    [dropped.redactFailed, 'redactor failed'],
    [dropped.sinkFull, 'queue full'],
    [dropped.sinkFailed, 'sink failed'],
  ])
  const parts = [`${recorders.recorded} recorded`]
  if (recorders.truncated > 0) parts.push(`${recorders.truncated} truncated`)
  if (recorders.sampledOut > 0) parts.push(`${recorders.sampledOut} sampled out`)
  if (recorders.filtered > 0) parts.push(`${recorders.filtered} filtered`)
  if (recorders.inFlight > 0) parts.push(`${recorders.inFlight} in flight`)
  parts.push(`${dropped.total} dropped${why}`)
  return `${plural(recorders.requests, 'request')}: ${parts.join(', ')}`
}

/** ` (3 queue full, 1 write failed)`: the reasons that dropped any, or nothing. */
function droppedBecause(counts: ReadonlyArray<readonly [number, string]>): string {
  const reasons = counts.filter(([n]) => n > 0).map(([n, why]) => `${n} ${why}`)
  return reasons.length > 0 ? ` (${reasons.join(', ')})` : ''
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`
  return `${(n / 1024 / 1024).toFixed(1)} MiB`
}
