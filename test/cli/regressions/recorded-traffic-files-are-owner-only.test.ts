/**
 * Regression: `redact --in-place` turned the recorder's 0600 segments into 0644, and `redact --out`,
 * `import har` and `export har` wrote with the umask (0644). Every file that holds recorded traffic is
 * created 0600, and a replaced one stays 0600. The CLI runs under umask 022, as on most machines.
 */
import { execFile } from 'node:child_process'
import { chmodSync, statSync } from 'node:fs'
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { loadRecordings } from '../../../src/recording/index.ts'
import { recordingsFolder } from '../../support/recordings.ts'
import { type NodeResult, ROOT } from '../../support/run-node.ts'
import { findLeaks, recordingOf, SECRET_CORPUS } from '../../support/secret-corpus.ts'

/** `parallax <args>` in a child process whose umask is 022, whatever the test runner's is. */
function parallax022(args: string[]): Promise<NodeResult> {
  const script = 'umask 022 && exec "$0" "$@"'
  const command = [process.execPath, join(ROOT, 'bin/parallax.js'), ...args]
  return new Promise((done) => {
    execFile(
      '/bin/sh',
      ['-c', script, ...command],
      { env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) =>
        done({ code: error ? (typeof error.code === 'number' ? error.code : 99) : 0, stdout, stderr }),
    )
  })
}

const modeOf = (file: string) => statSync(file).mode & 0o777

/** A folder holding one segment with a secret, 0600 as the recorder writes it. */
async function leakySegment() {
  const secret = SECRET_CORPUS[0]!
  const dir = await recordingsFolder([recordingOf(secret, 0)])
  const file = join(dir, 'segment.ndjson')
  chmodSync(file, 0o600)
  return { dir, file, secrets: secret.secrets }
}

describe.skipIf(process.platform === 'win32')('regression: files holding recorded traffic are 0600', () => {
  it('redact --in-place: a 0600 segment is still 0600 once rewritten', async () => {
    const { file, secrets } = await leakySegment()
    const { code, stdout } = await parallax022(['redact', file, '--in-place'])
    expect(code).toBe(0)
    expect(stdout).toContain('wrote 1 of 1 file')
    expect(findLeaks(await readFile(file), secrets)).toEqual([])
    expect(modeOf(file).toString(8)).toBe('600')
  })

  it('redact --in-place: a 0600 gzip segment is still 0600 once rewritten', async () => {
    const { dir, file, secrets } = await leakySegment()
    const gz = join(dir, 'archive.ndjson.gz')
    await writeFile(gz, gzipSync(await readFile(file)), { mode: 0o600 })
    const { code } = await parallax022(['redact', gz, '--in-place'])
    expect(code).toBe(0)
    expect(findLeaks(JSON.stringify((await loadRecordings(gz)).recordings), secrets)).toEqual([])
    expect(modeOf(gz).toString(8)).toBe('600')
  })

  it('redact --out: every copy is 0600, plain and gzip', async () => {
    const { dir, file } = await leakySegment()
    await writeFile(join(dir, 'archive.ndjson.gz'), gzipSync(await readFile(file)), { mode: 0o600 })
    const out = join(await mkdtemp(join(tmpdir(), 'parallax-redacted-')), 'clean')
    const { code } = await parallax022(['redact', dir, '--out', out])
    expect(code).toBe(0)
    expect(modeOf(join(out, 'segment.ndjson')).toString(8)).toBe('600')
    expect(modeOf(join(out, 'archive.ndjson.gz')).toString(8)).toBe('600')
  })

  it('import har --out: the segment written is 0600, also when it replaces a 0644 one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parallax-har-mode-'))
    await copyFile(join(ROOT, 'test/fixtures/har/chrome.har'), join(dir, 'chrome.har'))
    const segment = join(dir, 'recordings', 'chrome.ndjson')
    expect(
      (await parallax022(['import', 'har', join(dir, 'chrome.har'), '--out', join(dir, 'recordings')])).code,
    ).toBe(0)
    expect(modeOf(segment).toString(8)).toBe('600')
    chmodSync(segment, 0o644)
    expect(
      (await parallax022(['import', 'har', join(dir, 'chrome.har'), '--out', join(dir, 'recordings')])).code,
    ).toBe(0)
    expect(modeOf(segment).toString(8)).toBe('600')
  })

  it('export har --out: the HAR file is 0600, also when it replaces a 0644 one', async () => {
    const { dir } = await leakySegment()
    const har = join(dir, 'out', 'recordings.har')
    expect((await parallax022(['export', 'har', dir, '--out', har])).code).toBe(0)
    expect(modeOf(har).toString(8)).toBe('600')
    chmodSync(har, 0o644)
    expect((await parallax022(['export', 'har', dir, '--out', har])).code).toBe(0)
    expect(modeOf(har).toString(8)).toBe('600')
  })
})
