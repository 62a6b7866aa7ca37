/**
 * Replays inside a variant's isolate: network answered from the recording, clock and randomness fed from
 * it, the pipeline traced stage by stage. The patches are installed once when the isolate starts; each
 * recording swaps in its own exchange book, feeds and logs, and swaps them out again when it ends.
 */

import { pipelineRequest } from '../../pipeline/request.ts'
import { createTracer } from '../../pipeline/trace-run.ts'
import type { Pipeline, Trace } from '../../pipeline/types.ts'
import { createPatchRegistry } from '../../record/patch-registry.ts'
import { bodyBytes } from '../../recording/body.ts'
import { canonicalJson } from '../../recording/canonical.ts'
import { decodeCanonical } from '../../recording/decode-canonical.ts'
import { ParallaxError, type SerializedError, serializeError } from '../../recording/errors.ts'
import type { Recording } from '../../recording/types.ts'
import { installReplayDeterminism } from '../clock/index.ts'
import type { Matching } from '../network/exchange-book.ts'
import { installReplayNetwork } from '../network/index.ts'

export interface IsolateReplayRequest {
  recording: Recording
  variant: { name: string; config: Record<string, unknown> }
  seed: number
  /**
   * Run only this stage, on this input (canonical JSON, as a trace captures it), with the recording's
   * network, clock and randomness: cross-feeding. The trace then holds that one stage.
   */
  only?: { stage: string; inputJson: string }
  /** How outbound calls find their exchange (default `exact`; `route` for fuzzed recordings). */
  matching?: Matching
}

export interface ReplayRuntimeOptions {
  /** Hosts the variant may really reach (none by default). */
  allowHosts?: string[]
}

export interface ReplayHooks {
  /** Called just before each stage starts, so a watchdog outside the isolate knows what was running. */
  onStageStart?: (name: string, index: number) => void
}

/** The isolate's replay machinery: patches installed once, recordings replayed one at a time. */
export interface ReplayRuntime extends Disposable {
  /**
   * Replays one recording through `pipeline` under one variant and returns its trace (never throws for
   * replay problems: they land in `trace.failure`). Replays must not overlap: the patches are process-wide.
   */
  replay(pipeline: Pipeline, request: IsolateReplayRequest, hooks?: ReplayHooks): Promise<Trace>
  /** Unwinds every patch, newest first. Idempotent. */
  close(): void
}

/**
 * Installs the network and the clock and randomness patches for this isolate, through one patch registry.
 * Install it after the pipeline module has loaded, so module start-up never runs under the patches.
 * @example
 * using runtime = installReplayRuntime({})
 * const trace = await runtime.replay(pipeline, { recording, variant, seed: 1 })
 */
export function installReplayRuntime(options: ReplayRuntimeOptions = {}): ReplayRuntime {
  const patches = createPatchRegistry()
  let network: ReturnType<typeof installReplayNetwork>
  let determinism: ReturnType<typeof installReplayDeterminism>
  try {
    network = installReplayNetwork({
      patches,
      ...(options.allowHosts ? { allowHosts: options.allowHosts } : {}),
    })
    determinism = installReplayDeterminism(patches)
  } catch (error) {
    patches.restore()
    throw error
  }

  const runtime: ReplayRuntime = {
    async replay(pipeline, request, hooks = {}) {
      const { recording, variant, seed, only, matching } = request
      if (only !== undefined && !pipeline.stages.some((s) => s.name === only.stage)) {
        throw new ParallaxError(
          'PARALLAX_USAGE',
          `Failed to run stage ${only.stage} alone: pipeline ${pipeline.name} has no such stage.`,
          { hint: `Its stages: ${pipeline.stages.map((s) => s.name).join(', ')}.` },
        )
      }
      const tracer = createTracer(pipeline, {
        config: variant.config,
        ...(hooks.onStageStart ? { onStageStart: hooks.onStageStart } : {}),
        ...(only && { only: { stage: only.stage, input: decodeCanonical(JSON.parse(only.inputJson)) } }),
      })
      const networkErrors: ParallaxError[] = []
      const served = network.serve(
        recording,
        (call, error) => {
          tracer.onOutbound(call)
          if (error) networkErrors.push(error)
        },
        matching,
      )
      const fed = determinism.feed({ recorded: recording.nondeterminism, seed })
      let run: Awaited<ReturnType<typeof tracer.run>>
      try {
        const inbound = recording.inbound.request
        const url = new URL(inbound.url)
        const input = pipelineRequest(
          inbound.method,
          url.pathname + url.search,
          inbound.headers,
          bodyBytes(inbound.body),
        )
        run = await tracer.run(input)
      } finally {
        fed.end()
        served.end()
      }

      const trace: Trace = {
        format: 'parallax-trace',
        version: 1,
        pipeline: pipeline.name,
        recordingId: recording.id,
        variant: variant.name,
        stages: run.stages,
        outbound: {
          recorded: recording.outbound.length,
          consumed: served.consumed(),
          unmatched: run.stages.flatMap((s) =>
            s.outbound
              .filter((call) => call.matched === null)
              .map(({ method, url }) => ({ method, url, stage: s.name })),
          ),
        },
        timings: run.timings,
      }
      const failure = replayFailure(trace, run.timedOut, networkErrors, fed.violations, only !== undefined)
      if (failure) trace.failure = failure
      return trace
    },
    close: () => patches[Symbol.dispose](),
    [Symbol.dispose]: () => patches[Symbol.dispose](),
  }
  return runtime
}

/** Why a replay proves nothing, in order of what the user must fix first; undefined when it is trustworthy. */
function replayFailure(
  trace: Trace,
  timedOut: { stage: string; timeoutMs: number } | undefined,
  networkErrors: readonly ParallaxError[],
  violations: readonly ParallaxError[],
  oneStage: boolean,
): SerializedError | undefined {
  if (timedOut) {
    return serializeError(
      new ParallaxError(
        'PARALLAX_STAGE_TIMEOUT',
        `Failed to replay stage ${timedOut.stage}: it did not finish within ${timedOut.timeoutMs} ms.`,
        {
          hint: `Look for a hang in ${timedOut.stage} (an await that never settles), or raise its timeout with stage(name, fn, { timeoutMs }).`,
          details: { stage: timedOut.stage, timeoutMs: timedOut.timeoutMs },
        },
      ),
    )
  }
  const firstNetworkError = networkErrors[0]
  if (firstNetworkError) return serializeError(firstNetworkError)
  const firstViolation = violations[0]
  if (firstViolation) return serializeError(firstViolation)
  // One stage run alone need not consume the recording or produce the pipeline's result.
  if (oneStage) return undefined
  if (trace.stages.length === 0) {
    return serializeError(
      new ParallaxError('PARALLAX_VACUOUS_REPLAY', `Failed to replay ${trace.recordingId}: no stage ran.`, {
        hint: 'Check that the pipeline has stages and that the first one does not return before running.',
      }),
    )
  }
  const ranToEnd = trace.stages.every((s) => s.outcome.kind === 'ok')
  if (ranToEnd && trace.outbound.recorded > 0 && trace.outbound.consumed === 0) {
    return serializeError(
      new ParallaxError(
        'PARALLAX_VACUOUS_REPLAY',
        `Failed to replay ${trace.recordingId}: the recording holds ${trace.outbound.recorded} outbound call(s) and the replay made none.`,
        {
          hint: 'The pipeline no longer calls its dependencies the way production did: re-record, or check the pipeline module and its config.',
        },
      ),
    )
  }
  const last = trace.stages.at(-1)
  if (ranToEnd && last?.outcome.kind === 'ok' && last.outcome.output.json === NO_RESULT) {
    return serializeError(
      new ParallaxError(
        'PARALLAX_VACUOUS_REPLAY',
        `Failed to replay ${trace.recordingId}: the last stage, ${last.name}, returned undefined, so there is no result to compare.`,
        {
          hint: `Make ${last.name} return what the service answers (or what it writes), not only perform it.`,
        },
      ),
    )
  }
  return undefined
}

/** How a stage output of `undefined` is captured. */
const NO_RESULT = canonicalJson(undefined)
