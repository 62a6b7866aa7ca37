export {
  createViolationLog,
  determinismViolation,
  UNCONTROLLED_SOURCES,
  type UncontrolledSource,
  type ViolationLog,
} from './determinism-violation.ts'
export {
  type Determinism,
  type DeterminismFeedOptions,
  type DeterminismOptions,
  installDeterminism,
  installReplayDeterminism,
  type ReplayDeterminism,
} from './install-determinism.ts'
export { createReplayClock, type ReplayClock, seedEpochMs } from './replay-clock.ts'
export { createSeededRandom, type SeededRandom } from './seeded-random.ts'
export { seededUuid, type Uuid } from './seeded-uuid.ts'
