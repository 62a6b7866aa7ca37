/**
 * Regression: `parallax export har rec1 --out rec1`, where --out is an existing folder, said "it is a
 * folder" with the hint "Check that the folder is writable…". The hint now says to pass a file path.
 */
import { mkdtemp, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeSegment } from '../../../src/recording/index.ts'
import { greetingRecording } from '../../support/recordings.ts'
import { parallax } from '../../support/run-node.ts'

describe('regression: export har --out <an existing folder>', () => {
  it('export har: --out naming a folder is exit 2 with a hint to pass a file path, and writes nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parallax-export-folder-'))
    await writeSegment(join(dir, 'rec1', 'segment.ndjson'), [greetingRecording('ada')])
    const rec1 = await parallax(['export', 'har', 'rec1', '--out', 'rec1'], dir)
    expect(rec1).toMatchInlineSnapshot(`
      {
        "code": 2,
        "stderr": "[parallax] Failed to write HAR rec1: it is a folder.
        hint: Pass the path of a file to write, e.g. rec1.har; nothing was written.
      ",
        "stdout": "",
      }
    `)
    const here = await parallax(['export', 'har', '.', '--out', '.'], join(dir, 'rec1'))
    expect(here.code).toBe(2)
    expect(here.stderr).toContain(
      'hint: Pass the path of a file to write, e.g. recordings.har; nothing was written.',
    )
    expect(await readdir(dir)).toEqual(['rec1'])
    expect(await readdir(join(dir, 'rec1'))).toEqual(['segment.ndjson'])
  })
})
