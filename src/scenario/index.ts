/**
 * The scenario layer: scenario files, loading them, and running one as a side-by-side replay.
 */
export { defineScenario, isScenario, type Scenario, type ScenarioDefinition } from './define-scenario.ts'
export { loadScenario, type ResolvedScenario, resolveScenario } from './load-scenario.ts'
export { type RunScenarioOptions, runScenario } from './run-scenario.ts'
