/**
 * Loading a scenario said what Node said: "Directory import … is not supported" for a folder of
 * recordings, "Unknown file extension" for a YAML file, "expected record, received undefined" for a
 * missing JSON field, and a syntax error without where it is.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parallax } from '../../support/run-node.ts'

async function folder(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'parallax-scenario-'))
  await mkdir(join(dir, 'recs'))
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)
  return dir
}

describe('scenario loading messages (CLI)', () => {
  it('loadScenario: a folder says it needs a scenario or --target', async () => {
    const dir = await folder({})
    const { code, stderr } = await parallax(['replay', 'recs'], dir)
    expect(code).toBe(2)
    expect(stderr).toMatchInlineSnapshot(`
      "[parallax] Failed to load scenario recs: it is a folder, not a scenario file.
        hint: To replay a folder of recordings, name it in a scenario's recordings (parallax replay scenarios/copilot.ts), or send it to running services with --target: parallax replay recs --target local=http://127.0.0.1:3000 --target prod=http://127.0.0.1:4000.
      "
    `)
  })

  it('loadScenario: a file of another type lists the types a scenario can be', async () => {
    const dir = await folder({ 's.yaml': 'name: x\n' })
    const { code, stderr } = await parallax(['replay', 's.yaml'], dir)
    expect(code).toBe(2)
    expect(stderr).toMatchInlineSnapshot(`
      "[parallax] Failed to load scenario s.yaml: it is not a file type a scenario can be.
        hint: A scenario is a module exporting defineScenario({...}) (.ts, .mts, .js, .mjs) or a JSON file (.json, described by schema/scenario.schema.json).
      "
    `)
  })

  it('loadScenario: a JSON scenario names the missing or empty field', async () => {
    const base = { name: 'x', pipeline: { module: './p.ts' }, recordings: 'recs' }
    const dir = await folder({
      'missing.json': JSON.stringify(base),
      'empty.json': JSON.stringify({ ...base, name: '', variants: {} }),
    })
    const missing = await parallax(['replay', 'missing.json'], dir)
    const empty = await parallax(['replay', 'empty.json'], dir)
    expect([missing.code, empty.code]).toEqual([2, 2])
    expect(missing.stderr).toContain(
      '[parallax] Failed to load scenario missing.json: variants is missing.\n',
    )
    expect(empty.stderr).toContain('[parallax] Failed to load scenario empty.json: name is empty.\n')
  })

  it('loadScenario: a syntax error says file:line:column, in TypeScript and in JavaScript', async () => {
    const dir = await folder({
      'bad.ts': 'export const scenario = {\n  name: "x",,\n}\n',
      'bad.mjs': 'export const scenario = {\n  name: "x",,\n}\n',
      'throws.ts': 'export const a = 1\nthrow new Error("boom")\n',
    })
    const runs = await Promise.all(
      ['bad.ts', 'bad.mjs', 'throws.ts'].map((file) => parallax(['replay', file], dir)),
    )
    expect(runs.map(({ code }) => code)).toEqual([2, 2, 2])
    const [ts, js, thrown] = runs.map(({ stderr }) => stderr)
    expect(ts).toContain('[parallax] Failed to load scenario bad.ts: a syntax error at bad.ts:2:13: ')
    expect(js).toContain(
      "[parallax] Failed to load scenario bad.mjs: a syntax error at bad.mjs:2:13: Unexpected token ','",
    )
    expect(thrown).toContain(
      '[parallax] Failed to load scenario throws.ts: it threw while loading at throws.ts:2:7: boom',
    )
  })
})
