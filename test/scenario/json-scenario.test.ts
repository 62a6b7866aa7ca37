/**
 * Scenario files as JSON: loaded like TypeScript ones, checked against the published schema, with errors
 * that name the file and the field.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { localConfig, productionConfig } from '../../examples/copilot/config.ts'
import { isParallaxError } from '../../src/recording/errors.ts'
import { findScenarioFiles, loadScenario } from '../../src/scenario/index.ts'
import { scenarioJsonSchemaText } from '../../src/scenario/scenario-schema.ts'
import { parallax, ROOT } from '../support/run-node.ts'

async function jsonScenario(content: unknown): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'parallax-json-scenario-'))
  const file = join(dir, 'copilot.json')
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2))
  return { dir, file }
}

const copilot = {
  $schema: join(ROOT, 'schema/scenario.schema.json'),
  name: 'copilot-json',
  pipeline: { module: join(ROOT, 'examples/copilot/pipeline.ts'), export: 'copilot' },
  recordings: join(ROOT, 'recordings/copilot'),
  variants: {
    local: { config: JSON.parse(JSON.stringify(localConfig)) },
    production: { config: JSON.parse(JSON.stringify(productionConfig)) },
  },
  noise: { ignore: ['**.requestId'] },
  expect: { divergeAt: 'decode' },
}

describe('JSON scenario files', () => {
  it('schema/scenario.schema.json: equals what `npm run schema` writes now', async () => {
    expect(await readFile(join(ROOT, 'schema/scenario.schema.json'), 'utf8')).toBe(scenarioJsonSchemaText())
  })

  it('a JSON scenario replays and tests like a TypeScript one', async () => {
    const { dir, file } = await jsonScenario(copilot)
    const scenario = await loadScenario(file)
    expect(scenario).toMatchObject({
      name: 'copilot-json',
      expect: { divergeAt: 'decode' },
      compare: ['local', 'production'],
    })
    expect(scenario.noise.rules.map((rule) => rule.label)).toEqual(['ignore **.requestId'])
    await writeFile(join(dir, 'copilot.noise.json'), '{ "ignore": ["$.x"] }')
    expect(findScenarioFiles([dir])).toEqual([file])
    const result = await parallax(['test', dir])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toContain('✓ copilot-json')
  })

  it('a file that is not JSON, or breaks the schema, is a usage error naming the file and the field', async () => {
    const broken = await jsonScenario('{ "name": ')
    await expect(loadScenario(broken.file)).rejects.toThrow(/is not JSON/)
    const wrong = await jsonScenario({ ...copilot, variants: { local: { config: {}, colour: 'red' } } })
    const error = await loadScenario(wrong.file).catch((caught: unknown) => caught)
    expect(isParallaxError(error, 'PARALLAX_USAGE')).toBe(true)
    expect((error as Error).message).toContain('at .variants.local')
    const badRule = await jsonScenario({ ...copilot, noise: { masks: [{ pattern: '(a)\\1' }] } })
    await expect(loadScenario(badRule.file)).rejects.toThrow(/noise\.masks\[0\]/)
  })
})
