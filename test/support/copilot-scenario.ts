/**
 * A copy of `scenarios/copilot.ts` in a temp folder, over the checked-in recordings, with its production
 * variant's configuration given as a TypeScript expression: `productionConfig` (the demo's bug),
 * `localConfig` (the bug gone), `{ ...localConfig, region: 'eu-west-1' }` (differs where the answer does not).
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { ROOT } from './run-node.ts'

const href = (path: string) => JSON.stringify(new URL(`../../${path}`, import.meta.url).href)

/**
 * Writes the scenario file into `dir` and returns its path.
 * @example const file = await copilotScenario(dir, "{ ...localConfig, logLevel: 'warn' }")
 */
export async function copilotScenario(dir: string, production = 'productionConfig'): Promise<string> {
  const file = join(dir, 'copilot.ts')
  await writeFile(
    file,
    `import { defineScenario } from ${href('src/scenario/index.ts')}
import { localConfig, productionConfig } from ${href('examples/copilot/config.ts')}

export const copilot = defineScenario({
  name: 'copilot',
  pipeline: { module: new URL(${href('examples/copilot/pipeline.ts')}), export: 'copilot' },
  recordings: ${JSON.stringify(join(ROOT, 'recordings/copilot'))},
  variants: { local: { config: localConfig }, production: { config: ${production} } },
  compare: ['local', 'production'],
  seed: 1,
})
`,
  )
  return file
}

/** Production differing from local only in settings that never change an answer: the variants agree. */
export const AGREEING = "{ ...localConfig, region: 'eu-west-1', logLevel: 'warn' }"
