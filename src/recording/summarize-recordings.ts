/**
 * What a folder of recordings holds, at a glance: counts, routes, sizes, time span, redactions, the
 * lines that failed to load, and what the writers lost (drops, unflushed recordings, torn lines).
 * The data behind `parallax inspect`.
 */

import type { ParallaxError } from './errors.ts'
import type { LoadedRecording, LoadRecordingsResult, RecorderCounts } from './recording-store.ts'
import { countPlaceholders } from './redaction-placeholder.ts'
import type { Body, Exchange, RecordedRequest } from './types.ts'

export interface RecordingsSummary {
  /** Segment files that held at least one recording or one error. */
  files: number
  recordings: number
  /** Lines (or whole files) that failed to load. */
  invalid: number
  /** Each of those, in load order: where, and why (line 0 stands for the whole file). */
  problems: Array<{ file: string; line: number; message: string }>
  /** Inbound routes (`METHOD /path`), most frequent first, ties by name. */
  routes: Array<{ route: string; count: number }>
  /** `service/environment` pairs, most frequent first, ties by name. */
  sources: Array<{ source: string; count: number }>
  /** Arrival time of the first and last recording (ISO-8601), or null when there is none. */
  span: { first: string; last: string } | null
  outbound: { calls: number; streamed: number; incomplete: number }
  /** Body bytes as they were on the wire; `kept` is what the recordings hold (less when truncated). */
  bodies: { bytes: number; kept: number; truncated: number }
  /** Header values holding a redaction placeholder (whole, `Bearer [redacted:…]`, or cookie values). */
  redactedHeaders: number
  /** Redaction placeholders anywhere: headers, URLs and bodies. */
  redactedValues: number
  /** Segment files read, how many were unfinalized (`.open`), and their bytes on disk. */
  segments: { read: number; unfinalized: number; bytes: number }
  /** What was skipped without being an error (torn last lines of unfinalized segments…), in load order. */
  warnings: Array<{ kind: string; file: string; line: number; message: string }>
  /** The counters of every writer that wrote here, summed; null when no writer status file was found. */
  writers: WritersSummary | null
  /**
   * Recordings lost on the way to disk: dropped by a writer, pending in a writer that never closed (lost
   * if it was killed; it may also still be running), and torn last lines.
   */
  loss: { dropped: number; unflushed: number; torn: number }
}

/**
 * The persisted counters of the writers of a folder, summed.
 * @example const lost = summary.writers ? summary.writers.dropped.total + summary.writers.pending : 0
 */
export interface WritersSummary {
  count: number
  /** Writers whose status still says running: killed before close, or still writing. */
  running: number
  enqueued: number
  written: number
  dropped: { queueFull: number; serializeFailed: number; writeFailed: number; closed: number; total: number }
  /** Pending when the running writers last wrote their status. */
  pending: number
  deleted: { segments: number; bytes: number }
  errors: number
  /** The books of the in-process recorders that fed these writers, summed; null when none said. */
  recorders: RecordersSummary | null
}

/**
 * The recorders' books from the writers' status files, summed (see {@link RecorderCounts}).
 * @example if (summary.writers?.recorders?.unattributed) warn('outbound calls outside any request')
 */
export interface RecordersSummary extends Omit<RecorderCounts, 'dropped'> {
  count: number
  dropped: RecorderCounts['dropped'] & { total: number }
}

/**
 * Summarizes loaded recordings and the errors of the same load; pass the rest of the load result for
 * segments, warnings and writer counters.
 * @example
 * const { recordings, errors, ...rest } = await loadRecordings('recordings/copilot')
 * summarizeRecordings(recordings, errors, rest)
 */
export function summarizeRecordings(
  loaded: readonly LoadedRecording[],
  errors: readonly ParallaxError[],
  more: Omit<LoadRecordingsResult, 'recordings' | 'errors'> = {},
): RecordingsSummary {
  const warnings = (more.warnings ?? []).map((warning) => ({
    kind: warning.kind,
    file: warning.file,
    line: warning.kind === 'torn' ? warning.line : 0,
    message: warning.message,
  }))
  const writers = summarizeWriters(more.writers ?? [])
  const torn = warnings.filter((warning) => warning.kind === 'torn').length
  const files = new Set<string>()
  const routes = new Map<string, number>()
  const sources = new Map<string, number>()
  const summary: RecordingsSummary = {
    files: 0,
    recordings: loaded.length,
    invalid: errors.length,
    problems: errors.map((error) => ({
      file: String(error.details?.['file'] ?? ''),
      line: Number(error.details?.['line'] ?? 0),
      message: error.message,
    })),
    routes: [],
    sources: [],
    span: null,
    outbound: { calls: 0, streamed: 0, incomplete: 0 },
    bodies: { bytes: 0, kept: 0, truncated: 0 },
    redactedHeaders: 0,
    redactedValues: 0,
    segments: { ...(more.segments ?? { read: 0, unfinalized: 0, bytes: 0 }) },
    warnings,
    writers,
    loss: { dropped: writers?.dropped.total ?? 0, unflushed: writers?.pending ?? 0, torn },
  }
  let first: string | undefined
  let last: string | undefined
  for (const { recording, file } of loaded) {
    files.add(file)
    const route = inboundRoute(recording.inbound.request)
    routes.set(route, (routes.get(route) ?? 0) + 1)
    const source = `${recording.meta.service}/${recording.meta.environment}`
    sources.set(source, (sources.get(source) ?? 0) + 1)
    if (first === undefined || recording.recordedAt < first) first = recording.recordedAt
    if (last === undefined || recording.recordedAt > last) last = recording.recordedAt
    for (const exchange of [recording.inbound, ...recording.outbound]) count(summary, exchange)
    summary.outbound.calls += recording.outbound.length
    for (const exchange of recording.outbound) {
      if ((exchange.response.chunks?.length ?? 0) > 1) summary.outbound.streamed++
      if (exchange.response.incomplete !== undefined) summary.outbound.incomplete++
    }
  }
  for (const problem of summary.problems) if (problem.file) files.add(problem.file)
  for (const warning of warnings) if (warning.kind === 'torn') files.add(warning.file)
  summary.files = files.size
  summary.routes = ranked(routes).map(([route, n]) => ({ route, count: n }))
  summary.sources = ranked(sources).map(([source, n]) => ({ source, count: n }))
  if (first !== undefined && last !== undefined) summary.span = { first, last }
  return summary
}

function summarizeWriters(statuses: NonNullable<LoadRecordingsResult['writers']>): WritersSummary | null {
  if (statuses.length === 0) return null
  const sum: WritersSummary = {
    count: statuses.length,
    running: 0,
    enqueued: 0,
    written: 0,
    dropped: { queueFull: 0, serializeFailed: 0, writeFailed: 0, closed: 0, total: 0 },
    pending: 0,
    deleted: { segments: 0, bytes: 0 },
    errors: 0,
    recorders: null,
  }
  for (const status of statuses) {
    if (status.recorder !== undefined) sum.recorders = addRecorder(sum.recorders, status.recorder)
    if (status.state === 'running') {
      sum.running++
      sum.pending += status.pending
    }
    sum.enqueued += status.enqueued
    sum.written += status.written
    for (const reason of ['queueFull', 'serializeFailed', 'writeFailed', 'closed'] as const) {
      sum.dropped[reason] += status.dropped[reason]
      sum.dropped.total += status.dropped[reason]
    }
    sum.deleted.segments += status.deleted.segments
    sum.deleted.bytes += status.deleted.bytes
    sum.errors += status.errors
  }
  return sum
}

const RECORDER_DROPS = ['captureFailed', 'redactFailed', 'sinkFull', 'sinkFailed'] as const
const RECORDER_COUNTS = [
  'requests',
  'filtered',
  'sampledOut',
  'recorded',
  'truncated',
  'inFlight',
  'unattributed',
  'errors',
] as const

function addRecorder(sum: RecordersSummary | null, counts: RecorderCounts): RecordersSummary {
  const next = sum ?? {
    count: 0,
    requests: 0,
    filtered: 0,
    sampledOut: 0,
    recorded: 0,
    truncated: 0,
    dropped: { captureFailed: 0, redactFailed: 0, sinkFull: 0, sinkFailed: 0, total: 0 },
    inFlight: 0,
    unattributed: 0,
    errors: 0,
  }
  next.count++
  for (const key of RECORDER_COUNTS) next[key] += counts[key]
  for (const reason of RECORDER_DROPS) {
    next.dropped[reason] += counts.dropped[reason]
    next.dropped.total += counts.dropped[reason]
  }
  return next
}

function count(summary: RecordingsSummary, exchange: Exchange): void {
  for (const body of [exchange.request.body, exchange.response.body]) addBody(summary, body)
  for (const headers of [exchange.request.headers, exchange.response.headers]) {
    for (const [, value] of headers) {
      const found = countPlaceholders(value)
      if (found > 0) summary.redactedHeaders++
      summary.redactedValues += found
    }
  }
  summary.redactedValues += countPlaceholders(exchange.request.url)
  for (const body of [exchange.request.body, exchange.response.body]) {
    if (body?.encoding === 'utf8') summary.redactedValues += countPlaceholders(body.text)
  }
}

function addBody(summary: RecordingsSummary, body: Body | undefined): void {
  if (body === undefined) return
  summary.bodies.bytes += body.size
  summary.bodies.kept += body.truncated
    ? Buffer.byteLength(body.encoding === 'utf8' ? body.text : body.data, body.encoding)
    : body.size
  if (body.truncated) summary.bodies.truncated++
}

/**
 * The route of a recorded request: its method and path, without origin or query.
 * @example inboundRoute({ method: 'POST', url: 'http://127.0.0.1:4000/suggest?x=1', headers: [] }) // 'POST /suggest'
 */
export function inboundRoute({ method, url }: RecordedRequest): string {
  try {
    return `${method} ${new URL(url).pathname}`
  } catch {
    return `${method} ${url}`
  }
}

function ranked(counts: Map<string, number>): Array<[string, number]> {
  return [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
}
