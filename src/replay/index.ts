export { createReplayer, DEFAULT_SEED, type Replayer, type ReplayerOptions } from './create-replayer.ts'
export {
  answerValue,
  createTargetClient,
  type HttpTarget,
  JSON_CONTENT_TYPE,
  parseTarget,
  type RawAnswer,
  SAFE_METHODS,
  type TargetAnswer,
  type TargetClient,
} from './http-target.ts'
export { loadPipeline } from './isolate/load-pipeline.ts'
export {
  createIsolate,
  type IsolateHandle,
  type IsolateOptions,
  resolveIsolation,
} from './isolate/spawn-isolate.ts'
export type { Matching } from './network/exchange-book.ts'
export { pinOutbound } from './pin-outbound.ts'
export { canonicalTraceJson } from './trace-json.ts'
export type { Isolation, PipelineRef, Variant } from './types.ts'
