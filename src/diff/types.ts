/**
 * The result of comparing two traces. See DESIGN.md, "The culprit rule".
 */

/** One difference at a readable path such as `$.context[3].text`, with short before/after. */
export interface ChangedPath {
  op: 'add' | 'remove' | 'replace' | 'move'
  /** JSONPath-like: `$`, `$.a.b`, `$.items[3]`, `$["odd key"]`. For a move, where the item was (left). */
  path: string
  /** For a move only: where the item is in the right value (`$.items[0]`). */
  to?: string
  /** The value at `path` in the left value (for a move, the item). */
  before?: unknown
  /** The value in the right value, at `path` (for a move, at `to`). */
  after?: unknown
}

/** How one stage (or probe checkpoint) compared across the two variants. */
export type StageVerdict =
  /** Input and output agree. */
  | 'equal'
  /** Input agrees, output differs: the divergence is introduced here. */
  | 'culprit'
  /** Input already differs: this stage carries an earlier divergence. */
  | 'propagated'
  /** Input differs but no earlier stage differs: the difference entered from outside the pipeline. */
  | 'entry'
  /** The stage ran under one variant only (an earlier stage threw under the other). */
  | 'missing'

export interface StageComparison {
  name: string
  /** Set for a probe checkpoint: the stage it was taken in. */
  stage?: string
  verdict: StageVerdict
  inputEqual: boolean
  outputEqual: boolean
  /** Changed paths of the output (for culprit and entry only; others are not diffed). */
  paths?: ChangedPath[]
}

/**
 * The values where a divergence shows, for side-by-side views (the HTML report's visual diff): the
 * culprit's input and both outputs (or both values of the differing probe), or both inputs of an entry
 * stage, or both outbound call lists. Canonical JSON values (see recording/canonical.ts); a value whose
 * JSON exceeds {@link MAX_KEPT_VALUE_CHARS} is kept as the start of its JSON, with `clipped` set.
 */
export interface DivergenceValues {
  /** The input both variants agreed on (a culprit stage only). */
  input?: unknown
  left: unknown
  right: unknown
  clipped: boolean
}

/** The largest canonical JSON, in characters, kept whole in {@link DivergenceValues}. */
export const MAX_KEPT_VALUE_CHARS = 256 * 1024

/**
 * Another place where a divergence is introduced, independent of the first: a later stage whose input
 * agrees and whose output does not, or, in a DAG, a branch whose input differs with none of its own
 * inputs differing.
 */
export type IntroducedDivergence =
  | { kind: 'stage'; culprit: string; checkpoint?: string; paths: ChangedPath[] }
  | { kind: 'external'; source: 'outbound' | 'input'; stage: string; detail: string; paths: ChangedPath[] }

export type Divergence =
  | { kind: 'none'; stagesCompared: number }
  | {
      kind: 'stage'
      /** The first stage whose input agrees and whose output (or a probe inside it) does not. */
      culprit: string
      /** The first differing `probe` checkpoint inside the culprit (`<stage>:<probe>`), when one differs. */
      checkpoint?: string
      /** Paths that differ in the culprit's output (in the checkpoint's value when only that differs). */
      paths: ChangedPath[]
      /** Later stages that only carry the divergence. */
      propagatedTo: string[]
      values?: DivergenceValues
      /** Further independent introductions, in execution order (see {@link IntroducedDivergence}). */
      others?: IntroducedDivergence[]
    }
  | {
      kind: 'external'
      /** Where the difference came from: an outbound request, or a stage input with no differing predecessor. */
      source: 'outbound' | 'input'
      /** The first stage at which it is seen. */
      stage: string
      detail: string
      paths: ChangedPath[]
      propagatedTo: string[]
      values?: DivergenceValues
      /** Further independent introductions, in execution order (see {@link IntroducedDivergence}). */
      others?: IntroducedDivergence[]
    }

/** The whole comparison of two traces of the same recording. */
export interface Comparison {
  recordingId: string
  pipeline: string
  variants: [left: string, right: string]
  stages: StageComparison[]
  divergence: Divergence
  /** With noise rules: how many changes each rule hid in this comparison (0 included, so none hides silently). */
  noise?: NoiseCount[]
}

/** How many changes one noise rule hid. */
export interface NoiseCount {
  /** The rule as reports name it, e.g. `ignore **.timestamp`. */
  rule: string
  hidden: number
}
