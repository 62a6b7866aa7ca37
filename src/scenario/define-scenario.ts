/**
 * Scenario files: which pipeline, which recordings, which variants. The unit of a CI regression suite.
 */
import { isAbsolute, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { getCallSites } from 'node:util'
import { compileNoiseRules, type NoiseRules } from '../diff/noise-rules.ts'
import { ParallaxError } from '../recording/errors.ts'
import type { Variant } from '../replay/types.ts'

const SCENARIO = Symbol.for('parallax.scenario')

export interface ScenarioDefinition {
  name: string
  /** The module exporting the pipeline: a URL (absolute) or a path relative to the scenario file. */
  pipeline: { module: string | URL; export?: string }
  /** Recording files, folders or globs, relative to the scenario file. */
  recordings: string | string[]
  /** Named variants; stages read a variant's `config` through `ctx.config`. */
  variants: Record<string, Omit<Variant, 'name'>>
  /** The two variants to compare; default the first two defined. */
  compare?: [string, string]
  /** Seed for randomness beyond what the recording holds; default 1. */
  seed?: number
  /** Hosts a replay may really reach (none by default: replay is offline). */
  allowHosts?: string[]
  /**
   * What may differ between the variants without counting as a divergence (see docs/noise-rules.md):
   * ignored paths, masks, numeric tolerance, unordered arrays, identity keys, compared headers.
   */
  noise?: NoiseRules
  /**
   * What `parallax test` expects (default `'agree'`): every recording agrees; or `{ divergeAt: 'decode' }`,
   * a known bug kept as a test until it is fixed: recordings agree or diverge at that stage, and at least
   * one still does — when none does, the bug is fixed and the test fails until the expectation is updated.
   */
  expect?: ScenarioExpectation
}

/** See {@link ScenarioDefinition.expect}. */
export type ScenarioExpectation = 'agree' | { divergeAt: string }

export type Scenario = Readonly<ScenarioDefinition> & { readonly [SCENARIO]: true }

/**
 * Declares a scenario, checking its shape at definition time.
 * @example
 * export const scenario = defineScenario({
 *   name: 'copilot',
 *   pipeline: { module: '../examples/copilot/pipeline.ts', export: 'copilot' },
 *   recordings: '../recordings/copilot',
 *   variants: { local: { config: localConfig }, production: { config: productionConfig } },
 * })
 */
export function defineScenario(definition: ScenarioDefinition): Scenario {
  const names = Object.keys(definition.variants ?? {})
  const invalid = (reason: string, hint: string) =>
    new ParallaxError(
      'PARALLAX_USAGE',
      `Failed to define scenario ${definition.name ?? '(unnamed)'}: ${reason}.`,
      { hint },
    )
  if (typeof definition.name !== 'string' || definition.name.length === 0) {
    throw invalid('it has no name', 'Add name: "<scenario name>".')
  }
  if (names.length < 2)
    throw invalid('it needs at least two variants', 'Add variants: { local: {...}, production: {...} }.')
  for (const name of definition.compare ?? []) {
    if (!names.includes(name))
      throw invalid(`compare names unknown variant ${name}`, `Known variants: ${names.join(', ')}.`)
  }
  const recordings = [definition.recordings].flat()
  if (recordings.length === 0)
    throw invalid('it names no recordings', 'Set recordings to a folder such as "../recordings/api".')
  const expectation = definition.expect
  if (
    expectation !== undefined &&
    expectation !== 'agree' &&
    !(
      typeof expectation === 'object' &&
      typeof expectation?.divergeAt === 'string' &&
      expectation.divergeAt !== ''
    )
  ) {
    throw invalid(
      `expect is ${JSON.stringify(expectation)}`,
      "Write expect: 'agree', or expect: { divergeAt: '<stage>' } for a known bug kept as a test.",
    )
  }
  // Checked now, so a bad rule fails where the scenario is defined, naming the file and the rule.
  compileNoiseRules(definition.noise, `${definingFile() ?? `scenario ${definition.name}`} noise`)
  return Object.freeze({ ...definition, [SCENARIO]: true as const })
}

/**
 * A path as the user would type it: relative to the working folder when it is under it.
 * @example shownPath('/repo/scenarios/api.ts') // 'scenarios/api.ts' in /repo
 */
export function shownPath(path: string): string {
  const local = relative(process.cwd(), path)
  return local !== '' && !local.startsWith('..') && !isAbsolute(local) ? local : path
}

/** The file that called {@link defineScenario} (the scenario file), from the stack; undefined if unknown. */
function definingFile(): string | undefined {
  const own = fileURLToPath(import.meta.url)
  for (const { scriptName } of getCallSites(10)) {
    const path = scriptName.startsWith('file:') ? fileURLToPath(scriptName) : scriptName
    if (isAbsolute(path) && path !== own) return shownPath(path)
  }
  return undefined
}

/** True for a value made by {@link defineScenario}. */
export function isScenario(value: unknown): value is Scenario {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[SCENARIO] === true
}
