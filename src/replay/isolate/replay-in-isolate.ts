/**
 * One replay, inside a variant's isolate: network answered from the recording, clock and randomness
 * fed from it, the pipeline traced stage by stage. Every patch unwinds before the next recording.
 */

import { pipelineRequest } from '../../pipeline/request.ts'
import { createTracer } from '../../pipeline/trace-run.ts'
import type { Pipeline, Trace } from '../../pipeline/types.ts'
import { bodyBytes } from '../../recording/body.ts'
import { ParallaxError, type SerializedError, serializeError } from '../../recording/errors.ts'
import type { Recording } from '../../recording/types.ts'
import { installDeterminism } from '../clock/index.ts'
import { serveFromRecording } from '../network/index.ts'
import { createPatchRegistry } from '../patches.ts'

export interface IsolateReplayRequest {
  recording: Recording
  variant: { name: string; config: Record<string, unknown> }
  seed: number
  /** Hosts the variant may really reach (none by default). */
  allowHosts?: string[]
}

/**
 * Replays one recording through `pipeline` under one variant and returns its trace (never throws for
 * replay problems: they land in `trace.failure`).
 * @example const trace = await replayInIsolate(pipeline, { recording, variant, seed: 1 }, {})
 */
export async function replayInIsolate(
  pipeline: Pipeline,
  request: IsolateReplayRequest,
  hooks: { onStageStart?: (name: string, index: number) => void },
): Promise<Trace> {
  const { recording, variant, seed } = request
  const tracer = createTracer(pipeline, {
    config: variant.config,
    ...(hooks.onStageStart ? { onStageStart: hooks.onStageStart } : {}),
  })
  const patches = createPatchRegistry()
  const networkErrors: ParallaxError[] = []
  let run: Awaited<ReturnType<typeof tracer.run>>
  let network: ReturnType<typeof serveFromRecording>
  let determinism: ReturnType<typeof installDeterminism>
  try {
    network = serveFromRecording(recording, {
      patches,
      onCall: (call, error) => {
        tracer.onOutbound(call)
        if (error) networkErrors.push(error)
      },
      ...(request.allowHosts ? { allowHosts: request.allowHosts } : {}),
    })
    determinism = installDeterminism({ patches, recorded: recording.nondeterminism, seed })
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
    patches.restore()
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
      consumed: network.consumed(),
      unmatched: run.stages.flatMap((s) =>
        s.outbound
          .filter((call) => call.matched === null)
          .map(({ method, url }) => ({ method, url, stage: s.name })),
      ),
    },
    timings: run.timings,
  }
  const failure = replayFailure(trace, run.timedOut, networkErrors, determinism.violations)
  if (failure) trace.failure = failure
  return trace
}

/** Why a replay proves nothing, in order of what the user must fix first; undefined when it is trustworthy. */
function replayFailure(
  trace: Trace,
  timedOut: { stage: string; timeoutMs: number } | undefined,
  networkErrors: readonly ParallaxError[],
  violations: readonly ParallaxError[],
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
  return undefined
}
