/**
 * `parallax inspect` cut each invalid or skipped line to the width with `…`, so the end that says why
 * (a torn line) showed only with --json; and its missing-path hint promised a default path the
 * command does not have.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { greetingRecording, recordingsFolder } from '../../support/recordings.ts'
import { parallax } from '../../support/run-node.ts'

/** A folder whose finalized segment and unfinalized one both end in a line cut off mid-write. */
async function tornFolder(): Promise<string> {
  const dir = await recordingsFolder([greetingRecording('ada'), greetingRecording('bob')])
  const segment = join(dir, 'segment.ndjson')
  const text = await readFile(segment, 'utf8')
  await writeFile(segment, text.slice(0, -40))
  await writeFile(join(dir, 'later.ndjson.open'), text.slice(0, -40))
  return dir
}

describe('parallax inspect (CLI): problems', () => {
  it('inspect: prints invalid and skipped lines whole, at any width', async () => {
    const dir = await tornFolder()
    for (const COLUMNS of ['200', '40', undefined]) {
      const { code, stdout } = await parallax(['inspect', dir], undefined, { COLUMNS })
      expect(code).toBe(2)
      const text = stdout.replaceAll(dir, '<dir>')
      expect(text).toMatch(
        /\n {4}! Failed to load recording <dir>\/segment\.ndjson:3: the line is not JSON \(Unterminated string .*\) \(the file ends without a newline: the line was probably cut off while being written\)\.\n/,
      )
      expect(text).toContain(
        '\n    ~ Skipped <dir>/later.ndjson.open:3: the segment is unfinalized and its last line was cut off mid-write (its writer was killed, or is still writing).\n',
      )
    }
  })

  it('inspect: a missing path gets a hint that does not promise a default path', async () => {
    const { code, stderr } = await parallax(['inspect', 'recordings/nope'])
    expect(code).toBe(2)
    expect(stderr).toMatchInlineSnapshot(`
      "[parallax] Failed to load recordings recordings/nope: no such file or folder.
        hint: Pass a .ndjson segment or a folder of them, e.g. recordings/copilot; record traffic first if there is none.
      "
    `)
  })
})
