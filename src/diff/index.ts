/**
 * The diff layer: comparing two traces by the culprit rule and diffing JSON values into changed paths.
 */
export { clipValue } from './clip-value.ts'
export { compareTraces } from './compare-traces.ts'
export type { DiffJsonOptions } from './diff-values.ts'
export { diffJson } from './diff-values.ts'
export { flattenDelta } from './flatten-delta.ts'
export type { ChangedPath, Comparison, Divergence, StageComparison, StageVerdict } from './types.ts'
