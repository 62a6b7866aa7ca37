/**
 * The scenario layer: scenario files, loading them, and running one as a side-by-side replay.
 */
export {
  defineScenario,
  isScenario,
  type Scenario,
  type ScenarioDefinition,
  type ScenarioExpectation,
} from './define-scenario.ts'
export { loadScenario, type ResolvedScenario, resolveScenario } from './load-scenario.ts'
export {
  openScenarioReplayer,
  type RunScenarioOptions,
  runScenario,
  type ScenarioReplayer,
} from './run-scenario.ts'
export {
  checkExpectation,
  findScenarioFiles,
  parseShard,
  runSuite,
  type ScenarioResult,
  type Shard,
  type SuiteOptions,
  type SuiteRun,
  scenarioPassed,
  shardOf,
} from './run-suite.ts'
export { shellCommand, shellQuote } from './shell-command.ts'
export {
  type Verification,
  type VerifiedRecording,
  type VerifyClass,
  verifyCandidate,
} from './verify-candidate.ts'
