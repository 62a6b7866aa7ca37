/**
 * Messages between the replay runner and a variant's isolate (worker thread or child process).
 */

import type { Trace } from '../../pipeline/types.ts'
import type { SerializedError } from '../../recording/errors.ts'
import type { PipelineRef } from '../types.ts'
import type { IsolateReplayRequest } from './replay-in-isolate.ts'

export interface IsolateInit {
  pipeline: PipelineRef
  /** Hosts the variant may really reach during replay (none by default); fixed for the isolate's life. */
  allowHosts?: string[]
  /**
   * Worker threads only: where the isolate notes which stage is running (see {@link STAGE_PROGRESS}), read by
   * the runner only when a watchdog fires or the isolate dies, so stages cost no message. A child process has
   * no shared memory and sends `stage` messages instead.
   */
  progress?: SharedArrayBuffer
}

/** Slots of the Int32Array over {@link IsolateInit.progress}. */
export const STAGE_PROGRESS = {
  /** The id of the replay running (0 before the first). */
  replay: 0,
  /** 1 + the index of the stage running in that replay, 0 before its first stage. */
  stage: 1,
  /** Bytes the shared buffer needs. */
  bytes: 8,
} as const

/**
 * A recording to replay. The recording travels as its JSON text (it is plain JSON data, loaded from JSON):
 * serialized once for every variant's isolate, and parsed faster than a structured clone is rebuilt.
 */
export type ReplayMessage = { type: 'replay'; id: number; recordingJson: string } & Omit<
  IsolateReplayRequest,
  'recording'
>

export type ToIsolate = ReplayMessage | { type: 'close' }

export type FromIsolate =
  | { type: 'ready'; pipeline: { name: string; stages: Array<{ name: string; timeoutMs: number }> } }
  | { type: 'stage'; id: number; name: string; index: number }
  | { type: 'trace'; id: number; trace: Trace }
  | { type: 'fatal'; error: SerializedError }
