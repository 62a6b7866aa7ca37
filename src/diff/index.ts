/**
 * The diff layer: comparing two traces by the culprit rule, diffing JSON values into changed paths, and
 * the noise rules that say what may differ without counting.
 */
export { diffUnderNoise, hasValueRules, hideByPathRules, type NoisyDiff } from './apply-noise.ts'
export { clipValue } from './clip-value.ts'
export { type CompareOptions, comparersFor, compareTraces } from './compare-traces.ts'
export { type DescribeValue, diffOutcomes, sameOutcome, type ValueComparer } from './diff-captured.ts'
export type { DiffJsonOptions } from './diff-values.ts'
export { diffJson, diffJsonTexts } from './diff-values.ts'
export { flattenDelta } from './flatten-delta.ts'
export {
  type CompiledNoise,
  compileNoiseRules,
  type MaskEngine,
  mergeNoise,
  type NoiseRule,
  type NoiseRules,
  noiseRulesSchema,
} from './noise-rules.ts'
export { compilePathPattern, type PathPattern, parsePath } from './path-pattern.ts'
export type {
  ChangedPath,
  Comparison,
  Divergence,
  DivergenceValues,
  IntroducedDivergence,
  NoiseCount,
  StageComparison,
  StageVerdict,
} from './types.ts'
export { MAX_KEPT_VALUE_CHARS } from './types.ts'
