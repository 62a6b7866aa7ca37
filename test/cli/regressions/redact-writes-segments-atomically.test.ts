/**
 * Regression: `redact` compressed a rewritten gzip segment through a plain write stream into
 * `.<name>.<pid>.<uuid>.ndjson` and `.gz` temp files, without an fsync, with the umask's mode (the CLI set
 * the umask 077 around it to make up for that). A crash left the `.ndjson` temp behind, which the loader then
 * took for a segment. Now every rewritten segment, plain or gzip, goes through writeSegment's atomic write:
 * a 0600 `.tmp` temp file, fsync, rename — and nothing ending in `.tmp` is ever read as a segment.
 */
import { execFile } from 'node:child_process'
import { chmodSync, statSync } from 'node:fs'
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { loadRecordings } from '../../../src/recording/index.ts'
import { greetingRecording, recordingsFolder } from '../../support/recordings.ts'
import { type NodeResult, parallax, ROOT } from '../../support/run-node.ts'
import { findLeaks, recordingOf, SECRET_CORPUS } from '../../support/secret-corpus.ts'

/** Runs `node <args>` in a child process whose umask is 022, whatever the test runner's is. */
function node022(args: string[], cwd = ROOT): Promise<NodeResult> {
  return new Promise((done) => {
    execFile(
      '/bin/sh',
      ['-c', 'umask 022 && exec "$0" "$@"', process.execPath, ...args],
      { cwd, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) =>
        done({ code: error ? (typeof error.code === 'number' ? error.code : 99) : 0, stdout, stderr }),
    )
  })
}

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8)

/**
 * A child that starts writing `file` with writeSegment and is killed (SIGKILL) in the middle: the second
 * recording's `id` getter kills the process once the temp file is open and the header is under way.
 */
function killedWriter(file: string): Promise<NodeResult> {
  const script = `
    import { writeSegment } from ${JSON.stringify(join(ROOT, 'src/recording/index.ts'))}
    const [first] = ${JSON.stringify([greetingRecording('killed')])}
    const dying = { ...first, get id() { process.kill(process.pid, 'SIGKILL'); return 'never' } }
    await writeSegment(${JSON.stringify(file)}, [first, dying])
  `
  return node022(['--input-type=module', '-e', script])
}

describe.skipIf(process.platform === 'win32')('regression: redact writes segments atomically', () => {
  it('redact --in-place under umask 022: a 0644 gzip segment becomes 0600, stays gzip, and no temp file remains', async () => {
    const secret = SECRET_CORPUS[0]!
    const dir = await recordingsFolder([recordingOf(secret, 0)])
    const gz = join(dir, 'archive.ndjson.gz')
    await writeFile(gz, gzipSync(await readFile(join(dir, 'segment.ndjson'))))
    chmodSync(gz, 0o644)
    const { code, stdout } = await node022([join(ROOT, 'bin/parallax.js'), 'redact', '.', '--in-place'], dir)
    expect(code).toBe(0)
    expect(stdout).toContain('wrote 2 of 2 files')
    expect(modeOf(gz)).toBe('600')
    expect((await readFile(gz)).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]))
    const { recordings, errors } = await loadRecordings(gz)
    expect({ recordings: recordings.length, errors }).toEqual({ recordings: 1, errors: [] })
    expect(findLeaks(JSON.stringify(recordings), secret.secrets)).toEqual([])
    expect((await readdir(dir)).sort()).toEqual(['archive.ndjson.gz', 'segment.ndjson'])
  })

  it('redact --out under umask 022: the folders it creates are 0700, the gzip copy 0600, no temp file', async () => {
    const dir = await recordingsFolder([recordingOf(SECRET_CORPUS[0]!, 0)])
    await writeFile(join(dir, 'archive.ndjson.gz'), gzipSync(await readFile(join(dir, 'segment.ndjson'))))
    const out = join(await mkdtemp(join(tmpdir(), 'parallax-redacted-')), 'clean', 'nested')
    const { code } = await node022([join(ROOT, 'bin/parallax.js'), 'redact', dir, '--out', out])
    expect(code).toBe(0)
    expect(modeOf(out)).toBe('700')
    expect(modeOf(join(out, '..'))).toBe('700')
    expect(modeOf(join(out, 'archive.ndjson.gz'))).toBe('600')
    expect((await readdir(out)).sort()).toEqual(['archive.ndjson.gz', 'segment.ndjson'])
  })

  it.each([
    { kind: 'plain', name: 'crashed.ndjson' },
    { kind: 'gzip', name: 'crashed.ndjson.gz' },
  ])(
    'a $kind segment write killed mid-way leaves a 0600 `.tmp` temp that load, scan and redact ignore',
    async ({ name }) => {
      const dir = await recordingsFolder([greetingRecording('kept')])
      const killed = await killedWriter(join(dir, name))
      expect(killed.code).not.toBe(0)
      const left = (await readdir(dir)).filter((entry) => entry !== 'segment.ndjson')
      expect(left).toHaveLength(1)
      const temp = left[0]!
      expect(temp).toMatch(new RegExp(`^\\.${name.replaceAll('.', '\\.')}\\.\\d+\\.[0-9a-f-]{36}\\.tmp$`))
      expect(modeOf(join(dir, temp))).toBe('600')

      const loaded = await loadRecordings(dir)
      expect(loaded.recordings.map(({ recording }) => recording.id)).toEqual(['greet-kept'])
      expect({ errors: loaded.errors, warnings: loaded.warnings }).toEqual({ errors: [], warnings: [] })
      const scan = await parallax(['scan', '.'], dir)
      expect({ code: scan.code, stdout: scan.stdout }).toEqual({
        code: 0,
        stdout: 'No secrets found in 1 recording (1 file).\n',
      })
      const redact = await parallax(['redact', '.', '--in-place'], dir)
      expect(redact.code).toBe(0)
      expect(redact.stdout).toContain('(1 file)')
      expect((await readdir(dir)).sort()).toEqual([temp, 'segment.ndjson'].sort())
    },
  )
})
