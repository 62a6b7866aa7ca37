/**
 * The JSON report (`parallax replay --json`): a versioned, self-describing result object with a fixed key
 * order and entry order. Every field is deterministic except `timings` and `durationMs`, so two runs of the
 * same scenario differ only there. Documented field by field in docs/json-output.md.
 */
import type { ChangedPath, Divergence, IntroducedDivergence, StageComparison } from '../diff/types.ts'
import type { SerializedError } from '../recording/errors.ts'
import { type CulpritCount, countCulprits, type RecordingStatus, statusOf } from './outcome-status.ts'
import type { NoiseTotal, RecordingOutcome, ReplayRun, VariantRun } from './types.ts'

/** The `format` field of the JSON report. */
export const REPLAY_RESULT_FORMAT = 'parallax-replay-result'
/** The `version` field; bumped on any incompatible change of the shape below. */
export const REPLAY_RESULT_VERSION = 1

/** An error as the JSON report prints it: no stack (it holds machine paths), causes kept. */
export interface JsonError {
  name: string
  code: string | null
  message: string
  hint: string | null
  details: Record<string, unknown> | null
  cause: JsonError | null
}

/** One recording in the JSON report. */
export interface JsonRecording {
  id: string
  source: { file: string; line: number }
  route: string
  status: RecordingStatus
  replayKey: string
  /** The comparison's verdict; null when the replay failed. */
  divergence: Divergence | null
  /** Every stage and probe checkpoint compared, in execution order; empty when the replay failed. */
  stages: StageComparison[]
  /** Why the replay failed; null when it was compared. */
  failure: { variant: string; error: JsonError } | null
  /** What each variant ran (durations are under `timings`). */
  runs: Array<{
    variant: string
    isolation: VariantRun['isolation']
    stages: Array<{ name: string; threw: boolean }>
    outbound: VariantRun['outbound']
  }>
}

/** The whole JSON report. */
export interface JsonReplayResult {
  format: typeof REPLAY_RESULT_FORMAT
  version: typeof REPLAY_RESULT_VERSION
  scenario: string
  pipeline: string
  variants: [string, string]
  /** `noise` is `[]` when no noise rule applied. */
  summary: ReplayRun['summary'] & { culprits: CulpritCount[]; noise: NoiseTotal[] }
  recordings: JsonRecording[]
  loadErrors: JsonError[]
  /** Wall-clock durations, the only nondeterministic part with `durationMs`. */
  timings: {
    recordings: Array<{
      id: string
      variants: Array<{ variant: string; totalMs: number; stages: Array<{ name: string; ms: number }> }>
    }>
  }
  durationMs: number
}

/**
 * The JSON report as an object, in its documented key order.
 * @example toJsonResult(run).summary.culprits // [{ source: 'stage', stage: 'decode', count: 5 }]
 */
export function toJsonResult(run: ReplayRun): JsonReplayResult {
  return {
    format: REPLAY_RESULT_FORMAT,
    version: REPLAY_RESULT_VERSION,
    scenario: run.scenario,
    pipeline: run.pipeline,
    variants: [run.variants[0], run.variants[1]],
    summary: {
      total: run.summary.total,
      agree: run.summary.agree,
      diverge: run.summary.diverge,
      failed: run.summary.failed,
      invalid: run.summary.invalid,
      culprits: countCulprits(run.recordings).map((c) => ({
        source: c.source,
        stage: c.stage,
        count: c.count,
      })),
      noise: (run.noise ?? []).map((n) => ({ rule: n.rule, hidden: n.hidden, recordings: n.recordings })),
    },
    recordings: run.recordings.map(jsonRecording),
    loadErrors: run.loadErrors.map(jsonError),
    timings: {
      recordings: run.recordings.map((outcome) => ({
        id: outcome.recordingId,
        variants: runsOf(outcome).map((r) => ({
          variant: r.variant,
          totalMs: r.totalMs,
          stages: r.stages.map((s) => ({ name: s.name, ms: s.ms })),
        })),
      })),
    },
    durationMs: run.durationMs,
  }
}

/**
 * The JSON report as text: two-space indented, ending in a newline.
 * @example process.stdout.write(renderJson(run))
 */
export function renderJson(run: ReplayRun): string {
  return JSON.stringify(toJsonResult(run), null, 2) + '\n'
}

function runsOf(outcome: RecordingOutcome): readonly VariantRun[] {
  return outcome.result.runs
}

function jsonRecording(outcome: RecordingOutcome): JsonRecording {
  const result = outcome.result
  return {
    id: outcome.recordingId,
    source: { file: outcome.source.file, line: outcome.source.line },
    route: outcome.route,
    status: statusOf(result),
    replayKey: outcome.replayKey,
    divergence: result.kind === 'compared' ? jsonDivergence(result.comparison.divergence) : null,
    stages: result.kind === 'compared' ? result.comparison.stages.map(jsonStage) : [],
    failure: result.kind === 'failed' ? { variant: result.variant, error: jsonError(result.error) } : null,
    runs: runsOf(outcome).map((r) => ({
      variant: r.variant,
      isolation: r.isolation,
      stages: r.stages.map((s) => ({ name: s.name, threw: s.threw })),
      outbound: {
        recorded: r.outbound.recorded,
        consumed: r.outbound.consumed,
        unmatched: r.outbound.unmatched,
      },
    })),
  }
}

function jsonDivergence(divergence: Divergence): Divergence {
  switch (divergence.kind) {
    case 'none':
      return { kind: 'none', stagesCompared: divergence.stagesCompared }
    case 'stage':
      return {
        kind: 'stage',
        culprit: divergence.culprit,
        ...(divergence.checkpoint === undefined ? {} : { checkpoint: divergence.checkpoint }),
        paths: divergence.paths.map(jsonPath),
        propagatedTo: [...divergence.propagatedTo],
        ...(divergence.others && { others: divergence.others.map(jsonIntroduced) }),
      }
    case 'external':
      return {
        kind: 'external',
        source: divergence.source,
        stage: divergence.stage,
        detail: divergence.detail,
        paths: divergence.paths.map(jsonPath),
        propagatedTo: [...divergence.propagatedTo],
        ...(divergence.others && { others: divergence.others.map(jsonIntroduced) }),
      }
  }
}

function jsonIntroduced(other: IntroducedDivergence): IntroducedDivergence {
  return other.kind === 'stage'
    ? {
        kind: 'stage',
        culprit: other.culprit,
        ...(other.checkpoint === undefined ? {} : { checkpoint: other.checkpoint }),
        paths: other.paths.map(jsonPath),
      }
    : {
        kind: 'external',
        source: other.source,
        stage: other.stage,
        detail: other.detail,
        paths: other.paths.map(jsonPath),
      }
}

function jsonStage(row: StageComparison): StageComparison {
  return {
    name: row.name,
    ...(row.stage === undefined ? {} : { stage: row.stage }),
    verdict: row.verdict,
    inputEqual: row.inputEqual,
    outputEqual: row.outputEqual,
    ...(row.paths === undefined ? {} : { paths: row.paths.map(jsonPath) }),
  }
}

/** `{ op, path, to?, before, after }`, values with sorted keys; a side that does not exist is omitted. */
function jsonPath(change: ChangedPath): ChangedPath {
  const out: ChangedPath = { op: change.op, path: change.path }
  if (change.to !== undefined) out.to = change.to
  if ('before' in change && change.before !== undefined) out.before = sortKeys(change.before)
  if ('after' in change && change.after !== undefined) out.after = sortKeys(change.after)
  return out
}

function jsonError(error: SerializedError): JsonError {
  return {
    name: error.name,
    code: error.code ?? null,
    message: error.message,
    hint: error.hint ?? null,
    details: error.details === undefined ? null : (sortKeys(error.details) as Record<string, unknown>),
    cause: error.cause === undefined ? null : jsonError(error.cause),
  }
}

/** A copy of a JSON value with object keys sorted by code unit, so recorded values print in canonical order. */
function sortKeys(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || depth > 64) return value
  if (Array.isArray(value)) return value.map((item) => sortKeys(item, depth + 1))
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort()) {
    // defineProperty, not assignment: a recorded "__proto__" key must stay data.
    Object.defineProperty(out, key, {
      value: sortKeys((value as Record<string, unknown>)[key], depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    })
  }
  return out
}
