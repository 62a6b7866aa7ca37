/**
 * Replaying recordings under several variants side by side, each in its own isolate.
 */

import type { Trace } from '../pipeline/types.ts'
import type { Recording } from '../recording/types.ts'
import { createIsolate, type IsolateHandle, type IsolateOptions } from './isolate/spawn-isolate.ts'
import type { Isolation, PipelineRef, Variant } from './types.ts'

/** The seed used when none is given: replays are deterministic by default. */
export const DEFAULT_SEED = 1
/** Recordings queued ahead of the one being compared: enough to hide the round trip, little memory. */
const DEFAULT_LOOKAHEAD = 2

export interface ReplayerOptions extends IsolateOptions {
  pipeline: PipelineRef
  variants: Variant[]
  /** Seeds the PRNG that takes over once the recording's random values run out. */
  seed?: number
}

export interface Replayer {
  readonly variants: ReadonlyArray<{ name: string; isolation: Isolation }>
  /** Replays one recording under every variant at once; traces come back in variant order. */
  replay(recording: Recording): Promise<Trace[]>
  /**
   * Runs one stage alone under the variant at `variant` (its index), on `inputJson` (canonical JSON, as a
   * trace captures a stage input), with the recording's network, clock and randomness: cross-feeding.
   */
  replayStage(recording: Recording, variant: number, stage: string, inputJson: string): Promise<Trace>
  /**
   * Replays recordings in order, yielding each one's traces (in variant order) as it completes, while the
   * next `lookahead` recordings are already queued in the isolates: an isolate never idles while the caller
   * compares the traces it just yielded.
   */
  replayAll(recordings: Iterable<Recording>, lookahead?: number): AsyncGenerator<Trace[]>
  /** Stops every isolate. */
  close(): Promise<void>
}

/**
 * Creates a replayer: one isolate per variant, reused across recordings, replaced if it dies.
 * @example
 * await using replayer = createReplayer({ pipeline: { module, export: 'copilot' }, variants: [local, production] })
 * const [localTrace, productionTrace] = await replayer.replay(recording)
 */
export function createReplayer(options: ReplayerOptions): Replayer & AsyncDisposable {
  const seed = options.seed ?? DEFAULT_SEED
  const isolateOptions: IsolateOptions = {
    ...(options.allowHosts ? { allowHosts: options.allowHosts } : {}),
    ...(options.output ? { output: options.output } : {}),
    ...(options.matching ? { matching: options.matching } : {}),
  }
  const isolates: IsolateHandle[] = options.variants.map((variant) =>
    createIsolate(variant, options.pipeline, isolateOptions),
  )
  const replayer: Replayer & AsyncDisposable = {
    variants: isolates.map((isolate) => ({ name: isolate.variant, isolation: isolate.isolation })),
    replay: (recording) => {
      // Serialized once for every variant's isolate.
      const recordingJson = JSON.stringify(recording)
      return Promise.all(isolates.map((isolate) => isolate.replay(recording, seed, recordingJson)))
    },
    replayStage: (recording, variant, stage, inputJson) => {
      const isolate = isolates[variant]
      if (!isolate) throw new RangeError(`No variant at index ${variant}.`)
      return isolate.replay(recording, seed, undefined, { stage, inputJson })
    },
    async *replayAll(recordings, lookahead = DEFAULT_LOOKAHEAD) {
      const queued: Array<Promise<Trace[]>> = []
      for (const recording of recordings) {
        const next = replayer.replay(recording)
        // A replay that rejects before it is awaited must not count as unhandled; it is rethrown in order.
        next.catch(() => {})
        queued.push(next)
        if (queued.length > lookahead) yield await queued.shift()!
      }
      while (queued.length > 0) yield await queued.shift()!
    },
    close: async () => {
      await Promise.all(isolates.map((isolate) => isolate.close()))
    },
    [Symbol.asyncDispose]: () => replayer.close(),
  }
  return replayer
}
