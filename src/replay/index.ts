export { createReplayer, DEFAULT_SEED, type Replayer, type ReplayerOptions } from './create-replayer.ts'
export { loadPipeline } from './isolate/load-pipeline.ts'
export {
  createIsolate,
  type IsolateHandle,
  type IsolateOptions,
  resolveIsolation,
} from './isolate/spawn-isolate.ts'
export { canonicalTraceJson } from './trace-json.ts'
export type { Isolation, PipelineRef, Variant } from './types.ts'
