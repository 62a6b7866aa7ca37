/**
 * A traced run of a pipeline: every stage's input, output (or error), probes and outbound calls are
 * captured as canonical values with digests. Tracing wraps the stages from outside; a stage author
 * never imports the tracer.
 */

import { captureValue } from '../recording/canonical.ts'
import { serializeError } from '../recording/errors.ts'
import { withProbeSink } from './probe.ts'
import {
  type CapturedValue,
  type OutboundTrace,
  type Pipeline,
  REQUEST_INPUT,
  type Stage,
  type StageContext,
  type StageOutcome,
  type StageTrace,
} from './types.ts'

// The framework's own clock and timers, captured at load: freezing the pipeline's clock never freezes us.
const realNow = performance.now.bind(performance)
const realSetTimeout = globalThis.setTimeout
const realClearTimeout = globalThis.clearTimeout

export interface TracerOptions {
  config: Record<string, unknown>
  /** Called just before a stage starts, so a watchdog outside the isolate knows what was running. */
  onStageStart?: (name: string, index: number) => void
  /**
   * Run this one stage alone on this input instead of the whole pipeline (cross-feeding: a stage run on
   * the other variant's input for it, or on its own to check that its output depends on its input only).
   */
  only?: { stage: string; input: unknown }
}

export interface TracedRun {
  stages: StageTrace[]
  /** Set when a stage hung past its timeout: the run stopped there. */
  timedOut?: { stage: string; timeoutMs: number }
  /** Outbound calls made outside any stage (before the first or after the last). */
  strayOutbound: OutboundTrace[]
  timings: { stages: Record<string, number>; totalMs: number }
}

export interface Tracer {
  /** Attributes an outbound call to the stage running now. */
  onOutbound(call: OutboundTrace): void
  /** Runs the pipeline on `input`, stage by stage, capturing everything. */
  run(input: unknown): Promise<TracedRun>
}

/**
 * Creates a tracer for one run of `pipeline`.
 * @example
 * const tracer = createTracer(copilot, { config })
 * const { stages } = await tracer.run(request)
 */
export function createTracer(pipeline: Pipeline, options: TracerOptions): Tracer {
  const config = Object.freeze({ ...options.config })
  let current: StageTrace | undefined
  const strayOutbound: OutboundTrace[] = []

  return {
    onOutbound(call) {
      if (current) current.outbound.push(call)
      else strayOutbound.push(call)
    },
    async run(input) {
      const startedAt = realNow()
      const stages: StageTrace[] = []
      const timings: Record<string, number> = {}
      let value = input
      let captured = captureValue(input)
      // Every output by stage name, for stages that name their inputs (a DAG).
      const outputs = new Map<string, { value: unknown; captured: CapturedValue }>([
        [REQUEST_INPUT, { value: input, captured }],
      ])
      let timedOut: TracedRun['timedOut']
      for (const [index, s] of pipeline.stages.entries()) {
        if (options.only !== undefined) {
          if (s.name !== options.only.stage) continue
          value = options.only.input
          captured = captureValue(value)
        } else if (s.inputs !== undefined) {
          const taken = s.inputs.map((name) => outputs.get(name)!)
          if (taken.length === 1) {
            value = taken[0]!.value
            captured = taken[0]!.captured
          } else {
            value = Object.fromEntries(s.inputs.map((name, i) => [name, taken[i]!.value]))
            captured = captureValue(value)
          }
        }
        const trace: StageTrace = {
          name: s.name,
          index,
          ...(s.inputs !== undefined && { inputs: [...s.inputs] }),
          input: captured,
          outcome: PENDING,
          probes: [],
          outbound: [],
        }
        current = trace
        stages.push(trace)
        options.onStageStart?.(s.name, index)
        const stageStart = realNow()
        const result = await runStage(s, value, config, trace)
        timings[s.name] = realNow() - stageStart
        current = undefined
        if (result.kind === 'timeout') {
          trace.outcome = errorOutcome(result.error)
          timedOut = { stage: s.name, timeoutMs: s.timeoutMs }
          break
        }
        if (result.kind === 'threw') {
          trace.outcome = errorOutcome(result.error)
          break
        }
        try {
          captured = captureValue(result.value)
        } catch (error) {
          // An output parallax cannot capture (nested too deep) ends the run like a throw, with the reason.
          trace.outcome = errorOutcome(error)
          break
        }
        trace.outcome = { kind: 'ok', output: captured }
        value = result.value
        outputs.set(s.name, { value, captured })
        if (options.only !== undefined) break
      }
      const run: TracedRun = {
        stages,
        strayOutbound,
        timings: { stages: timings, totalMs: realNow() - startedAt },
      }
      if (timedOut) run.timedOut = timedOut
      return run
    },
  }
}

const PENDING: StageOutcome = {
  kind: 'error',
  error: { digest: '', json: '' },
  message: 'stage did not finish',
}

type StageResult =
  | { kind: 'ok'; value: unknown }
  | { kind: 'threw'; error: unknown }
  | { kind: 'timeout'; error: Error }

async function runStage(
  s: Stage,
  input: unknown,
  config: Readonly<Record<string, unknown>>,
  trace: StageTrace,
) {
  const controller = new AbortController()
  const ctx: StageContext = { stage: s.name, config, signal: controller.signal }
  const sink = (name: string, probed: unknown) => {
    trace.probes.push({ name, value: captureValue(probed) })
  }
  let timer: ReturnType<typeof realSetTimeout> | undefined
  const timeout = new Promise<StageResult>((resolve) => {
    timer = realSetTimeout(() => {
      const error = Object.assign(new Error(`Stage ${s.name} did not finish within ${s.timeoutMs} ms.`), {
        code: 'PARALLAX_STAGE_TIMEOUT',
      })
      controller.abort(error)
      resolve({ kind: 'timeout', error })
    }, s.timeoutMs)
  })
  const work = withProbeSink(sink, async (): Promise<StageResult> => {
    try {
      return { kind: 'ok', value: await s.run(input as never, ctx) }
    } catch (error) {
      return { kind: 'threw', error }
    }
  })
  try {
    return await Promise.race([work, timeout])
  } finally {
    realClearTimeout(timer)
  }
}

/** An error as a stage output: its name, code and message (never the stack, which differs between machines). */
function errorOutcome(error: unknown): StageOutcome {
  const { name, message, code } = serializeError(error)
  const value: CapturedValue = captureValue({
    error: { name, message, ...(code === undefined ? {} : { code }) },
  })
  return code === undefined
    ? { kind: 'error', error: value, message }
    : { kind: 'error', error: value, message, code }
}
