/**
 * Regression: `parallax redact s2.har --in-place --drop-invalid` on a HAR file replaced it with a
 * header-only segment and exited 0 (data loss); `parallax scan s2.har` said "Found 1 secret in 1 of 0
 * recordings" and hinted at a redact that cannot work. Redact now refuses any file that is not a segment,
 * whatever the flags, and scan says what to do with it instead.
 */
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeSegment } from '../../../src/recording/index.ts'
import { recordingsFolder } from '../../support/recordings.ts'
import { parallax, ROOT } from '../../support/run-node.ts'
import { findLeaks, recordingOf, SECRET_CORPUS } from '../../support/secret-corpus.ts'

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XNL0'

/** A folder with `s2.har`: the Chrome fixture with a bearer token added, on one line (as some tools save it). */
async function harWithSecret(): Promise<{ dir: string; har: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'parallax-not-a-segment-'))
  const har = JSON.parse(await readFile(join(ROOT, 'test/fixtures/har/chrome.har'), 'utf8'))
  har.log.entries[0].request.headers.push({ name: 'authorization', value: `Bearer ${TOKEN}` })
  await writeFile(join(dir, 's2.har'), JSON.stringify(har))
  return { dir, har: join(dir, 's2.har') }
}

const FLAG_SETS = [[], ['--in-place'], ['--in-place', '--drop-invalid'], ['--drop-invalid', '--out', 'clean']]

describe('regression: redact refuses a file that is not a segment, and scan says what to do', () => {
  it.each(FLAG_SETS.map((flags) => ({ flags, shown: flags.join(' ') || '(dry run)' })))(
    'redact $shown: a HAR file is refused, exit 2, and left byte for byte',
    async ({ flags }) => {
      const { dir, har } = await harWithSecret()
      const before = await readFile(har)
      const { code, stdout, stderr } = await parallax(['redact', 's2.har', ...flags], dir)
      expect({ code, stdout, stderr }).toEqual({
        code: 2,
        stdout: '',
        stderr:
          '[parallax] Failed to redact s2.har: it is not a recording segment (line 1 is not a parallax-recording header).\n' +
          '  hint: It is a HAR file: import it with `parallax import har s2.har --out <dir>` (which redacts its secrets), then delete it. Nothing was written.\n',
      })
      expect((await readFile(har)).equals(before)).toBe(true)
      await expect(readFile(join(dir, 'clean', 's2.har'))).rejects.toThrow()
    },
  )

  it('redact --in-place --drop-invalid: a pretty-printed HAR file is refused too, and a folder holding one writes nothing', async () => {
    const dir = await recordingsFolder([recordingOf(SECRET_CORPUS[0]!, 0)])
    await copyFile(join(ROOT, 'test/fixtures/har/firefox.har'), join(dir, 'capture.ndjson'))
    await writeFile(join(dir, 'empty.ndjson'), '')
    const segment = await readFile(join(dir, 'segment.ndjson'))
    const { code, stdout, stderr } = await parallax(['redact', '.', '--in-place', '--drop-invalid'], dir)
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' })
    expect(stderr).toMatchInlineSnapshot(`
      "[parallax] Failed to redact capture.ndjson: it is not a recording segment (line 1 is not JSON).
        hint: It is a HAR file: import it with \`parallax import har capture.ndjson --out <dir>\` (which redacts its secrets), then delete it. Nothing was written.
      "
    `)
    expect((await readFile(join(dir, 'segment.ndjson'))).equals(segment)).toBe(true)
  })

  it('redact: a text file and a segment of a newer format version are refused with their own hint', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parallax-not-a-segment-'))
    await writeFile(join(dir, 'notes.ndjson'), 'just some notes\n')
    await writeSegment(join(dir, 'v1.ndjson'), [recordingOf(SECRET_CORPUS[0]!, 0)])
    const v2 = (await readFile(join(dir, 'v1.ndjson'), 'utf8')).replace('"version":1}', '"version":2}')
    await writeFile(join(dir, 'v2.ndjson'), v2)
    const text = await parallax(['redact', 'notes.ndjson', '--in-place', '--drop-invalid'], dir)
    expect(text.code).toBe(2)
    expect(text.stderr).toMatchInlineSnapshot(`
      "[parallax] Failed to redact notes.ndjson: it is not a recording segment (line 1 is not JSON).
        hint: Only files written by parallax (the recorder, \`parallax import har\`) are recordings: delete it. Nothing was written.
      "
    `)
    const folder = await parallax(['redact', '.', '--in-place', '--drop-invalid'], dir)
    expect(folder.code).toBe(2)
    expect(folder.stderr).toMatchInlineSnapshot(`
      "[parallax] Failed to redact notes.ndjson: it is not a recording segment (line 1 is not JSON).
        hint: Only files written by parallax (the recorder, \`parallax import har\`) are recordings: delete it or move it out of the recordings folder. 1 more file is not a segment either (\`parallax scan .\` lists them). Nothing was written.
      "
    `)
    const newer = await parallax(['redact', 'v2.ndjson', '--in-place', '--drop-invalid'], dir)
    expect(newer.code).toBe(2)
    expect(newer.stderr).toMatchInlineSnapshot(`
      "[parallax] Failed to redact v2.ndjson: it is a segment of a newer format (version 2; this parallax reads version 1).
        hint: Redact and scan it with the newer parallax that wrote it. Nothing was written.
      "
    `)
    expect(await readFile(join(dir, 'v2.ndjson'), 'utf8')).toBe(v2)
  })

  it('scan: a HAR file is counted as a file that is not a segment, with an import hint instead of redact', async () => {
    const { dir } = await harWithSecret()
    const { code, stdout, stderr } = await parallax(['scan', 's2.har'], dir)
    expect(code).toBe(5)
    expect(stderr).toBe('')
    expect(findLeaks(stdout, [TOKEN])).toEqual([])
    expect(stdout).not.toContain('of 0 recordings')
    expect(stdout).not.toContain('parallax redact')
    expect(stdout).toMatchInlineSnapshot(`
      "! Failed to load segment s2.har: it does not start with a parallax-recording header (line 1: its format is missing).
      Found 1 secret in 1 file that is not a recording segment (0 recordings, 1 file):
        s2.har:1  line (raw text: the file is not a segment)  jwt  eyJ… (76 chars)  → [redacted:0948191e07fd]
        hint: s2.har is not a recording segment (each of its lines was scanned as raw text); it is a HAR file: import it with \`parallax import har s2.har --out <dir>\` (which redacts its secrets), then delete it.
        hint: rotate these secrets: they reached disk.
      "
    `)
  })

  it('scan: a folder with secrets in segments and a HAR file says to deal with the HAR file before redacting', async () => {
    const dir = await recordingsFolder([recordingOf(SECRET_CORPUS[0]!, 0)])
    await copyFile(join(ROOT, 'test/fixtures/har/firefox.har'), join(dir, 'capture.ndjson'))
    const { code, stdout } = await parallax(['scan', '.'], dir)
    expect(code).toBe(5)
    // Every line of the HAR file is scanned; the `credentials: "omit"` of its HTML body is no secret.
    expect(stdout).toContain('Found 1 secret in 1 of 1 recording (2 files):')
    expect(stdout).toContain(
      '  hint: capture.ndjson is not a recording segment (each of its lines was scanned as raw text); it is a HAR file',
    )
    expect(stdout).toContain(
      '  hint: deal with the file above, then replace them with `parallax redact . --in-place`, then rotate these secrets: they reached disk.',
    )
  })

  it('scan: a secret only in a line that does not load is not counted as one of 0 recordings', async () => {
    const dir = await recordingsFolder([])
    await writeFile(join(dir, 'segment.ndjson'), '{"password": "hunter2-Zq9Xw8Vu7", oops}\n', { flag: 'a' })
    const { code, stdout } = await parallax(['scan', '.'], dir)
    expect(code).toBe(5)
    expect(stdout).toContain('Found 1 secret in 1 line that did not load (0 recordings, 1 file):')
    expect(stdout).toContain(
      '  hint: fix or delete the lines that do not load (or add --drop-invalid to leave them out), then replace them with `parallax redact . --in-place`',
    )
  })
})
