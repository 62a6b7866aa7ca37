/**
 * `parallax explain` on the demo: decode introduces the divergence, of the keys the two configurations
 * set differently only the decoder's buffer size is needed, and a diverging recording shrinks to a small
 * repro — written where --repro-dir says, and not at all from CI unless --allow-write.
 */
import { mkdtemp, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parallax, ROOT } from '../support/run-node.ts'

describe('parallax explain (CLI)', () => {
  it('cli: names decode and the decoder buffer size, in a handful of replays, and writes the smallest repro', {
    timeout: 120_000,
  }, async () => {
    const reproDir = await mkdtemp(join(tmpdir(), 'parallax-explain-repro-'))
    const { code, stdout } = await parallax(
      ['explain', 'scenarios/copilot.ts', '--repro-dir', reproDir],
      ROOT,
      { CI: undefined },
    )
    expect(code).toBe(0)
    expect(stdout).toContain('culprit stage: decode  (5 recordings; infer and render only propagate)')
    expect(stdout).toContain(
      'stages:        parse agrees · retrieve agrees · decode introduces · infer propagates · render propagates',
    )
    expect(stdout).toMatch(
      /config\.decoder\.bufferSize \(65536 vs 64\) is sufficient; the \d+ other differing keys are not needed/,
    )
    const line = stdout.split('\n').find((l) => l.startsWith('  smallest repro: '))
    const match = line?.match(
      /^ {2}smallest repro: (\S+\/(min-([0-9a-f]{8}))\.ndjson) \(1 outbound exchange, (\d+)-byte bodies, from 1 exchange\/1893 bytes; (\d+) replays\) \+ (\S+)$/,
    )
    expect(match, line).not.toBeNull()
    const [, recording, id, hash, bytes, replays, test] = match!
    expect(recording).toBe(join(reproDir, `${id}.ndjson`))
    expect(test).toBe(join(reproDir, `decode-${hash}.test.ts`))
    expect(Number(bytes)).toBeLessThan(1893 / 4)
    expect(Number(replays)).toBeLessThanOrEqual(300)
    expect((await readdir(reproDir)).sort()).toEqual([`${id}.ndjson`, `decode-${hash}.test.ts`].sort())

    const json = JSON.parse(
      (await parallax(['explain', 'scenarios/copilot.ts', '--json', '--no-shrink'])).stdout,
    )
    expect(json.config).toMatchObject({ sufficient: ['config.decoder.bufferSize'], reproduced: true })
    expect(json.config.replays).toBeLessThanOrEqual(
      2 * Math.log2(Math.max(2, json.config.differing.length)) + 2,
    )
    expect(json.repro).toBeUndefined()
  })

  it('cli: with CI set, shrinks and reports the sizes but writes nothing unless --allow-write', {
    timeout: 120_000,
  }, async () => {
    const reproDir = join(await mkdtemp(join(tmpdir(), 'parallax-explain-ci-')), 'repro')
    const { code, stdout } = await parallax(
      ['explain', 'scenarios/copilot.ts', '--repro-dir', reproDir],
      ROOT,
      { CI: '1' },
    )
    expect(code).toBe(0)
    expect(stdout).toMatch(
      /^ {2}smallest repro: 1 outbound exchange, \d+-byte bodies, from 1 exchange\/1893 bytes; \d+ replays; not written \(CI is set: --allow-write writes \S+min-[0-9a-f]{8}\.ndjson and \S+decode-[0-9a-f]{8}\.test\.ts\)$/m,
    )
    await expect(readdir(reproDir)).rejects.toMatchObject({ code: 'ENOENT' })

    const allowed = await parallax(
      ['explain', 'scenarios/copilot.ts', '--repro-dir', reproDir, '--allow-write'],
      ROOT,
      { CI: '1' },
    )
    expect(allowed.stdout).toMatch(
      /^ {2}smallest repro: \S+min-[0-9a-f]{8}\.ndjson \(.*\) \+ \S+\.test\.ts$/m,
    )
    expect(await readdir(reproDir)).toHaveLength(2)
  })
})
