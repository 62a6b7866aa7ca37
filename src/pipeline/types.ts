/**
 * The shapes of a pipeline and of what one run of it produced (a Trace). See DESIGN.md, "Vocabulary".
 */
import type { SerializedError } from '../recording/errors.ts'
import type { HeaderList } from '../recording/types.ts'

/** What a stage sees besides its input: the variant's configuration and a way to leave checkpoints. */
export interface StageContext {
  /** The name of the stage being run. */
  readonly stage: string
  /** The running variant's configuration object (frozen). */
  readonly config: Readonly<Record<string, unknown>>
  /** Aborted when the stage times out or the replay is cancelled. */
  readonly signal: AbortSignal
}

export type StageFn<I = unknown, O = unknown> = (input: I, ctx: StageContext) => O | Promise<O>

export interface StageOptions {
  /** How long the stage may run before it fails with PARALLAX_STAGE_TIMEOUT. Default 10 000 ms. */
  timeoutMs?: number
  /**
   * The stages whose outputs this stage takes (earlier stages, or `request` for the pipeline's input),
   * for pipelines that are a DAG. One name: that output is the input. Several: an object of them by name,
   * `{ parse: …, retrieve: … }`. Default: the previous stage's output (the request for the first stage).
   */
  inputs?: readonly string[]
}

export interface Stage<I = unknown, O = unknown> {
  readonly name: string
  readonly run: StageFn<I, O>
  readonly timeoutMs: number
  /** Declared inputs (see StageOptions.inputs); undefined for the previous stage's output. */
  readonly inputs?: readonly string[]
}

/** The name under which a stage's `inputs` refer to the pipeline's own input. */
export const REQUEST_INPUT = 'request'

/** The inbound request as a pipeline's first stage receives it by default. */
export interface PipelineRequest {
  method: string
  /** Path and query, e.g. `/suggest?lang=fr`. */
  url: string
  headers: HeaderList
  /** Parsed JSON when the content type says JSON, the text for other text types, otherwise base64. */
  body: unknown
}

export interface Pipeline {
  readonly name: string
  readonly stages: readonly Stage[]
}

/** A value as captured in a trace: its canonical JSON text and the SHA-256 of that text. */
export interface CapturedValue {
  /** Hex SHA-256 of `json`: two values are equal exactly when their digests are. */
  digest: string
  /** Canonical JSON of the canonically encoded value (sorted keys, tagged special values). */
  json: string
}

/** A checkpoint left by `probe(name, value)` while a stage ran. */
export interface ProbeTrace {
  name: string
  value: CapturedValue
}

/** An outbound call a stage made during replay, and which recorded exchange answered it. */
export interface OutboundTrace {
  method: string
  url: string
  /** Digest of the canonical request (method, url, body) as the stage sent it. */
  requestDigest: string
  /** Index into `recording.outbound` of the exchange that answered, or null when none did. */
  matched: number | null
}

export type StageOutcome =
  | { kind: 'ok'; output: CapturedValue }
  /** The stage threw: the error (name, code, message; no stack) is its output and is compared too. */
  | { kind: 'error'; error: CapturedValue; message: string; code?: string }

export interface StageTrace {
  name: string
  index: number
  /** The stages (or `request`) the input came from, when the stage declared them; else the previous stage. */
  inputs?: string[]
  input: CapturedValue
  outcome: StageOutcome
  probes: ProbeTrace[]
  outbound: OutboundTrace[]
}

/**
 * What one replay of one recording under one variant produced. Everything but `timings` is
 * deterministic: replaying the same recording under the same variant gives byte-identical
 * `canonicalTraceJson(trace)`.
 */
export interface Trace {
  format: 'parallax-trace'
  version: 1
  pipeline: string
  recordingId: string
  variant: string
  /** Stages in execution order; after a stage throws, later stages do not run and are absent. */
  stages: StageTrace[]
  /** Outbound accounting for the whole replay. */
  outbound: {
    recorded: number
    consumed: number
    /** Calls the recording did not hold, even when the stage caught and swallowed the error. */
    unmatched: Array<{ method: string; url: string; stage: string; closest?: string }>
  }
  /** Set when the replay itself failed (unrecorded call, determinism violation, timeout, crash, vacuous). */
  failure?: SerializedError
  /** Wall-clock timings from the framework's real clock: informative, excluded from determinism checks. */
  timings: { stages: Record<string, number>; totalMs: number }
}
