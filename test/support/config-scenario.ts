/**
 * A scenario over test/fixtures/config-pipeline.ts: each variant's `out` is its output, replayed over
 * recordings with no outbound call. For CLI tests of how a known difference is reported.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { greetingRecording, recordingsFolder } from './recordings.ts'

/**
 * Writes `<folder>/values.scenario.json` comparing `local` (output `left`) with `production` (`right`)
 * over `count` recordings, and returns its path.
 * @example const file = await configScenario({ n: 1 }, { n: 2 })
 */
export async function configScenario(
  left: unknown,
  right: unknown,
  count = 2,
  noise?: Record<string, unknown>,
): Promise<string> {
  const names = ['ada', 'bob', 'cy', 'dee'].slice(0, count)
  const folder = await recordingsFolder(names.map((name) => greetingRecording(name, { outbound: [] })))
  const file = join(folder, 'values.scenario.json')
  const scenario = {
    name: 'values',
    pipeline: {
      module: fileURLToPath(new URL('../fixtures/config-pipeline.ts', import.meta.url)),
      export: 'configured',
    },
    recordings: '.',
    variants: { local: { config: { out: left } }, production: { config: { out: right } } },
    ...(noise && { noise }),
  }
  await writeFile(file, JSON.stringify(scenario, null, 2))
  return file
}
