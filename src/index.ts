/**
 * parallax's public API: the names most users need, one import away. Each layer's full API is on its
 * own subpath (`parallax/recording`, `parallax/record`, `parallax/pipeline`, `parallax/replay`,
 * `parallax/diff`, `parallax/report`, `parallax/scenario`).
 * @example
 * import { definePipeline, stage, probe, defineScenario } from 'parallax'
 */
export { type ChangedPath, type Comparison, compareTraces, type Divergence } from './diff/index.ts'
export {
  definePipeline,
  type Pipeline,
  type PipelineRequest,
  probe,
  runPipeline,
  type Stage,
  type StageContext,
  stage,
  type Trace,
} from './pipeline/index.ts'
export { createRecorder, type Recorder, type RecorderOptions } from './record/index.ts'
export {
  type Exchange,
  isParallaxError,
  loadRecordings,
  ParallaxError,
  type ParallaxErrorCode,
  type Recording,
  writeSegment,
} from './recording/index.ts'
export { createReplayer, type Replayer, type Variant } from './replay/index.ts'
export { type ReplayRun, renderJson, renderTerminal } from './report/index.ts'
export { defineScenario, loadScenario, runScenario, type Scenario } from './scenario/index.ts'
