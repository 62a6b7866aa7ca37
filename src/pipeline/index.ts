export { definePipeline, stage } from './define.ts'
export { probe } from './probe.ts'
export { pipelineRequest } from './request.ts'
export { type RunOptions, runPipeline } from './run.ts'
export type {
  CapturedValue,
  OutboundTrace,
  Pipeline,
  PipelineRequest,
  ProbeTrace,
  Stage,
  StageContext,
  StageFn,
  StageOptions,
  StageOutcome,
  StageTrace,
  Trace,
} from './types.ts'
export { REQUEST_INPUT } from './types.ts'
