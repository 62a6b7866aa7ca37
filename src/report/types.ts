/**
 * What the reporters render: the outcome of replaying recordings under two variants and comparing them.
 */
import type { Comparison } from '../diff/types.ts'
import type { SerializedError } from '../recording/errors.ts'

/** Per-variant summary of one replay, for the stage timeline. */
export interface VariantRun {
  variant: string
  isolation: 'worker' | 'process'
  /** Stage names in the order they ran, with wall-clock milliseconds and whether they threw. */
  stages: Array<{ name: string; ms: number; threw: boolean }>
  totalMs: number
  outbound: { recorded: number; consumed: number; unmatched: number }
}

export type RecordingResult =
  | { kind: 'compared'; comparison: Comparison; runs: [VariantRun, VariantRun] }
  /** A replay could not produce a trustworthy trace (unrecorded call, crash, timeout, vacuous run). */
  | { kind: 'failed'; variant: string; error: SerializedError; runs: VariantRun[] }

export interface RecordingOutcome {
  recordingId: string
  /** The file (and line) the recording came from. */
  source: { file: string; line: number }
  /** The inbound request, e.g. `POST /suggest`. */
  route: string
  result: RecordingResult
  /** A command that replays just this recording, ready to paste. */
  replayKey: string
  /**
   * Set by `parallax test`: whether the scenario's expectation holds for this recording (a divergence at
   * the stage of a known bug is expected), and why not when it does not.
   */
  expectation?: { met: boolean; reason: string }
}

/** The whole run: what `parallax replay` prints and `--json` serializes. */
export interface ReplayRun {
  scenario: string
  pipeline: string
  variants: [left: string, right: string]
  recordings: RecordingOutcome[]
  /** Lines of recording files that failed to load; the other lines still ran. */
  loadErrors: SerializedError[]
  summary: { total: number; agree: number; diverge: number; failed: number; invalid: number }
  /** With noise rules: what each hid over the run (rules that hid nothing included). */
  noise?: NoiseTotal[]
  durationMs: number
}

/** What one noise rule hid over a run. */
export interface NoiseTotal {
  /** The rule as written, e.g. `ignore **.timestamp`. */
  rule: string
  /** Changes hidden, over all recordings. */
  hidden: number
  /** Recordings in which it hid something. */
  recordings: number
}
