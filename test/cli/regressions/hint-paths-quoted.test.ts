/**
 * Regression: hints printed a user's path bare inside a command to paste (`parallax scan my recs`), so a
 * path with a space split in two and one with `$(…)` ran it; and a noise flag value holding `'` was named
 * in double quotes, where `$` and `` ` `` still expand.
 */
import { mkdir, mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { nonSegmentAdvice, notASegment } from '../../../src/cli/commands/redact-non-segments.ts'
import { noiseFromFlags } from '../../../src/cli/noise-flags.ts'
import { writeSegment } from '../../../src/recording/index.ts'
import { scenarioFolderError } from '../../../src/scenario/load-scenario-errors.ts'
import { greetingRecording } from '../../support/recordings.ts'
import { parallax } from '../../support/run-node.ts'

const PATH = 'my recs/$(touch pwned).har'

describe('regression: paths in hints are quoted for a shell', () => {
  it('redact: the import har and scan commands quote the file and the folder', () => {
    const found = { file: PATH, reason: 'line 1 is not JSON', kind: 'har' } as const
    expect(nonSegmentAdvice(found, PATH)).toContain(
      "`parallax import har 'my recs/$(touch pwned).har' --out <dir>`",
    )
    const error = notASegment(found, 'my recs/$HOME', 1)
    expect(error.hint).toContain("(`parallax scan 'my recs/$HOME'` lists them)")
  })

  it('scan: the redact command quotes the folder', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'parallax-quoted-')), 'my recs $(touch pwned)')
    await mkdir(dir)
    const leaky = greetingRecording('ada')
    leaky.inbound.request.headers.push(['authorization', 'Bearer abcdefghijklmnopqrstuvwxyz0123456789'])
    await writeSegment(join(dir, 'segment.ndjson'), [leaky], { createdAt: '2026-11-24T08:00:00.000Z' })
    const { code, stdout } = await parallax(['scan', dir])
    expect(code).toBe(5)
    expect(stdout).toContain(`replace them with \`parallax redact '${dir}' --in-place\``)
  })

  it('loadScenario: a folder hint quotes the folder in its replay command', () => {
    expect(scenarioFolderError('my recs/$(touch pwned)').hint).toContain(
      "parallax replay 'my recs/$(touch pwned)' --target local=http://127.0.0.1:3000",
    )
  })

  it('noise flags: a value holding a quote is named as shellQuote writes it, `$` left literal', () => {
    expect(() => noiseFromFlags({ mask: ["/it's$(id)(/"] })).toThrow(`--mask '/it'\\''s$(id)(/'`)
    expect(() => noiseFromFlags({ mask: ['//'] })).toThrow("--mask '//'")
  })
})
