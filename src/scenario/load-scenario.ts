/**
 * Loading a scenario file and resolving its paths against the file's folder.
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { type CompiledNoise, compileNoiseRules, mergeNoise } from '../diff/noise-rules.ts'
import { isParallaxError, ParallaxError } from '../recording/errors.ts'
import type { PipelineRef, Variant } from '../replay/types.ts'
import {
  defineScenario,
  isScenario,
  type Scenario,
  type ScenarioDefinition,
  type ScenarioExpectation,
  shownPath,
} from './define-scenario.ts'
import { noiseFileOf, readNoiseFile } from './detect-noise.ts'
import { jsonScenarioIssue, scenarioFolderError, scenarioImportError } from './load-scenario-errors.ts'
import { scenarioFileSchema } from './scenario-schema.ts'

/** A scenario with every path made absolute and its variants named. */
export interface ResolvedScenario {
  name: string
  file: string
  pipeline: PipelineRef
  recordings: string[]
  variants: Variant[]
  compare: [string, string]
  seed: number
  allowHosts: string[]
  noise: CompiledNoise
  expect: ScenarioExpectation
}

/**
 * Loads a scenario file (TypeScript or JavaScript exporting `defineScenario(...)`, or JSON, see
 * scenario-schema.ts) and resolves it.
 * @example const scenario = await loadScenario('scenarios/copilot.ts')
 */
export async function loadScenario(path: string): Promise<ResolvedScenario> {
  const file = resolve(path)
  if (!existsSync(file)) {
    throw new ParallaxError('PARALLAX_NOT_FOUND', `Failed to load scenario ${path}: no such file.`, {
      hint: 'Pass the path of a scenario file, e.g. `parallax replay scenarios/copilot.ts`.',
    })
  }
  if (statSync(file).isDirectory()) throw scenarioFolderError(path)
  if (file.endsWith('.json')) return resolveScenario(readJsonScenario(file, path), file)
  let mod: Record<string, unknown>
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>
  } catch (error) {
    // A check of defineScenario that names this file (a bad noise rule) says where and how to fix it.
    if (isParallaxError(error, 'PARALLAX_USAGE') && error.message.includes(` at ${shownPath(file)} `))
      throw error
    throw scenarioImportError(path, file, error)
  }
  const scenarios = Object.values(mod).filter(isScenario)
  const [scenario] = scenarios
  if (!scenario || scenarios.length > 1) {
    throw new ParallaxError(
      'PARALLAX_USAGE',
      `Failed to load scenario ${path}: it exports ${scenarios.length} scenarios.`,
      {
        hint: 'Export exactly one `defineScenario({...})` from a scenario file.',
      },
    )
  }
  return resolveScenario(scenario, file)
}

/** A JSON scenario file, checked against scenarioFileSchema, as the scenario defineScenario makes of it. */
function readJsonScenario(file: string, path: string): Scenario {
  let data: unknown
  try {
    data = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new ParallaxError(
      'PARALLAX_USAGE',
      `Failed to load scenario ${path}: it is not JSON (${(error as Error).message}).`,
      {
        hint: 'Fix the JSON; schema/scenario.schema.json describes the file (point "$schema" at it for an editor to check it).',
        cause: error,
      },
    )
  }
  const parsed = scenarioFileSchema.safeParse(data)
  if (!parsed.success) {
    throw new ParallaxError(
      'PARALLAX_USAGE',
      `Failed to load scenario ${path}: ${jsonScenarioIssue(parsed.error.issues[0]!, data)}.`,
      {
        hint: 'schema/scenario.schema.json describes the file (point "$schema" at it for an editor to check it).',
      },
    )
  }
  const { $schema: _schema, ...definition } = parsed.data
  // Before defineScenario, which would name its caller, this module: a bad rule names the JSON file.
  compileNoiseRules(definition.noise, `${path} noise`)
  return defineScenario(definition as ScenarioDefinition)
}

/** The rules learned beside the scenario (`<name>.noise.json`, see detect-noise.ts), if any. */
function learnedNoise(file: string): CompiledNoise | undefined {
  const learned = noiseFileOf(file)
  return existsSync(learned) ? compileNoiseRules(readNoiseFile(learned), shownPath(learned)) : undefined
}

/** Resolves a scenario defined in code, with paths relative to `file`. */
export function resolveScenario(scenario: Scenario, file: string): ResolvedScenario {
  const base = dirname(file)
  const moduleRef = scenario.pipeline.module
  const module = moduleRef instanceof URL ? fileURLToPath(moduleRef) : resolve(base, moduleRef)
  const variants = Object.entries(scenario.variants).map(([name, variant]) => ({ ...variant, name }))
  const [first, second] = variants
  const compare = scenario.compare ?? [first!.name, second!.name]
  return {
    name: scenario.name,
    file,
    pipeline: { module, export: scenario.pipeline.export ?? 'pipeline' },
    recordings: [scenario.recordings].flat().map((entry) => resolve(base, entry)),
    variants,
    compare,
    seed: scenario.seed ?? 1,
    allowHosts: scenario.allowHosts ?? [],
    noise: mergeNoise(compileNoiseRules(scenario.noise, `${shownPath(file)} noise`), learnedNoise(file)),
    expect: scenario.expect ?? 'agree',
  }
}
