/**
 * Messages between the replay runner and a variant's isolate (worker thread or child process).
 */

import type { Trace } from '../../pipeline/types.ts'
import type { SerializedError } from '../../recording/errors.ts'
import type { PipelineRef } from '../types.ts'
import type { IsolateReplayRequest } from './replay-in-isolate.ts'

export interface IsolateInit {
  pipeline: PipelineRef
}

export type ToIsolate = ({ type: 'replay'; id: number } & IsolateReplayRequest) | { type: 'close' }

export type FromIsolate =
  | { type: 'ready'; pipeline: { name: string; stages: Array<{ name: string; timeoutMs: number }> } }
  | { type: 'stage'; id: number; name: string; index: number }
  | { type: 'trace'; id: number; trace: Trace }
  | { type: 'fatal'; error: SerializedError }
