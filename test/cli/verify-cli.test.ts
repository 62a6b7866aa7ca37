/**
 * `parallax verify`: the recordings replayed against a candidate pipeline, each classified fixed, still
 * diverging, newly diverging or unchanged; exit 1 on any newly diverging.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parallax } from '../support/run-node.ts'

describe('parallax verify (CLI)', () => {
  it('cli: the demo fix turns every divergence at decode into agreement and breaks nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parallax-verify-'))
    const markdown = join(dir, 'verify.md')
    const { code, stdout } = await parallax([
      'verify',
      'scenarios/copilot.ts',
      '--candidate',
      'examples/copilot/candidate-pipeline.ts',
      '--markdown',
      markdown,
    ])
    expect(code).toBe(0)
    expect(stdout).toContain('✓ fr-abort  POST /suggest  fixed: diverges at decode → agrees')
    expect(stdout).toContain('Summary: 5 fixed · 0 still diverging · 0 newly diverging · 3 unchanged')
    expect(await readFile(markdown, 'utf8')).toContain(
      '✅ The candidate fixes 5 recording(s) and breaks none.',
    )
  })

  it('cli: a candidate that breaks agreeing recordings exits 1 and names them; one that fails to load exits 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parallax-verify-'))
    const candidate = join(dir, 'candidate.ts')
    const examples = (name: string) =>
      JSON.stringify(new URL(`../../examples/copilot/${name}`, import.meta.url).href)
    const pipeline = JSON.stringify(new URL('../../src/pipeline/index.ts', import.meta.url).href)
    await writeFile(
      candidate,
      `import { definePipeline, stage } from ${pipeline}
import { decodeStream } from ${examples('decode-stream.ts')}
import { parseRequest } from ${examples('parse-request.ts')}
import { createRanker } from ${examples('rank.ts')}
import { renderSuggestions } from ${examples('render-suggestions.ts')}
import { retrieveContext } from ${examples('retrieve-context.ts')}
// A regression: render now prints the configuration, which differs between local and production.
export const copilot = definePipeline('copilot', [
  stage('parse', parseRequest),
  stage('retrieve', retrieveContext),
  stage('decode', decodeStream),
  stage('infer', createRanker()),
  stage('render', async (input, ctx) => ({ ...(await renderSuggestions(input, ctx)), config: JSON.stringify(ctx.config) })),
])
`,
    )
    const broken = await parallax(['verify', 'scenarios/copilot.ts', '--candidate', candidate])
    expect(broken.code).toBe(1)
    expect(broken.stdout).toContain('en-stream  POST /suggest  newly diverging: agrees → diverges at render')
    expect(broken.stdout).toContain('0 fixed · 5 still diverging · 3 newly diverging · 0 unchanged')
    const missing = await parallax(['verify', 'scenarios/copilot.ts', '--candidate', join(dir, 'nope.ts')])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('hint:')
  })
})
