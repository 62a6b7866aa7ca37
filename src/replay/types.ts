/**
 * A Variant: a named way to run a pipeline. See DESIGN.md, "Vocabulary" and "Determinism contract".
 */

/** Where a variant runs. `worker` by default; `process` is forced when env, TZ or locale are set. */
export type Isolation = 'worker' | 'process'

export interface Variant {
  name: string
  /** The configuration object stages read through `ctx.config`. */
  config: Record<string, unknown>
  /** Environment variables set for this variant (implies process isolation). */
  env?: Record<string, string>
  /** IANA time zone, e.g. `America/Los_Angeles` (implies process isolation). */
  tz?: string
  /** BCP 47 locale, e.g. `de-DE`, the default for Intl (implies process isolation). */
  locale?: string
  /** Override the isolation; `worker` is refused when env, TZ or locale are set. */
  isolation?: Isolation
}

/** How a replay finds its pipeline: a module URL and the name of the export holding it. */
export interface PipelineRef {
  /** Absolute file URL or path of the module that exports the pipeline. */
  module: string
  /** The export name; default `pipeline`. */
  export?: string
}
