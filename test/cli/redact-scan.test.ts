/**
 * `parallax redact` and `parallax scan` as a user runs them: child processes on real segment files.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { redactedPlaceholder } from '../../src/record/index.ts'
import { bodyFromBytes, loadRecordings, writeSegment } from '../../src/recording/index.ts'
import type { Recording } from '../../src/recording/types.ts'
import { greetingRecording, recordingsFolder } from '../support/recordings.ts'
import { parallax } from '../support/run-node.ts'
import { findLeaks, recordingOf, SECRET_CORPUS } from '../support/secret-corpus.ts'

const CREATED_AT = '2026-11-24T08:00:00.000Z'

/** A folder holding `recordings` as `segment.ndjson`, and every secret they plant. */
async function leakyFolder(cases = [0, 1, 40, 120, 200]) {
  const picked = cases.map((index) => SECRET_CORPUS[index]!)
  const recordings = cases.map((index) => recordingOf(SECRET_CORPUS[index]!, index))
  const dir = await recordingsFolder(recordings)
  return { dir, file: join(dir, 'segment.ndjson'), secrets: picked.flatMap((c) => c.secrets) }
}

/** A recording whose request carries `headers` and a JSON body `body`. */
function withRequest(headers: Array<[string, string]>, body: unknown): Recording {
  const recording = greetingRecording('ada')
  recording.inbound.request.headers.push(...headers)
  recording.inbound.request.body = bodyFromBytes(Buffer.from(JSON.stringify(body)))
  return recording
}

afterEach(() => {
  delete process.env['PARALLAX_REDACTION_KEY']
})

describe('parallax scan (CLI)', () => {
  it('scan: exits 0 on clean recordings', async () => {
    const dir = await recordingsFolder([greetingRecording('ada'), greetingRecording('bob')])
    const { code, stdout, stderr } = await parallax(['scan', dir])
    expect({ code, stdout, stderr }).toEqual({
      code: 0,
      stdout: 'No secrets found in 2 recordings (1 file).\n',
      stderr: '',
    })
  })

  it('scan: exits 5 listing file:line, where, rule and a masked hint — never the secret', async () => {
    const { dir, secrets } = await leakyFolder()
    const { code, stdout, stderr } = await parallax(['scan', dir])
    expect(code).toBe(5)
    expect(findLeaks(stdout + stderr, secrets)).toEqual([])
    expect(stdout.replaceAll(dir, '<dir>')).toMatchInlineSnapshot(`
      "Found 6 secrets in 5 of 5 recordings (1 file):
        <dir>/segment.ndjson:2  inbound.request.headers[0] (authorization)  authorization  eyJ… (183 chars)  → [redacted:ee5e26c02077]
        <dir>/segment.ndjson:3  outbound[0].request.headers[0] (authorization)  authorization  eyJ… (183 chars)  → [redacted:d26a201ce331]
        <dir>/segment.ndjson:4  inbound.request.headers[0] (x-db)  connection-string  … (16 chars)  → %5Bredacted%3A2c63e4a91cb9%5D
        <dir>/segment.ndjson:5  outbound[0].request.body  json-key  … (32 chars)  → [redacted:115082f215cf]
        <dir>/segment.ndjson:6  outbound[0].request.body  form-field  … (40 chars)  → %5Bredacted%3Abba4d91150a4%5D
        <dir>/segment.ndjson:6  outbound[0].request.body  form-field  … (20 chars)  → %5Bredacted%3Ac74335190235%5D
        hint: replace them with \`parallax redact <dir> --in-place\`, then rotate these secrets: they reached disk.
      "
    `)
  })

  it('scan --json: findings for machines, and the extra names and patterns of the flags', async () => {
    const dir = await recordingsFolder([
      withRequest([['X-Session', 'sess-1a2b3c']], { ssn: '078-05-1120', note: 'acme_9f8e7d6c' }),
    ])
    const plain = await parallax(['scan', dir, '--json'])
    expect(plain.code).toBe(0)
    expect(JSON.parse(plain.stdout)).toMatchObject({
      format: 'parallax-scan',
      version: 1,
      secrets: 0,
      recordings: 1,
    })
    const { code, stdout } = await parallax([
      'scan',
      dir,
      '--json',
      '--header',
      'x-session',
      '--key',
      'ssn',
      '--pattern',
      'acme_[0-9a-f]{8}',
    ])
    expect(code).toBe(5)
    const report = JSON.parse(stdout)
    expect(report.findings.map((f: { where: string; rule: string }) => [f.where, f.rule])).toEqual([
      ['inbound.request.headers[1] (x-session)', 'secret-header'],
      ['inbound.request.body', 'json-key'],
      ['inbound.request.body', 'pattern-1'],
    ])
    expect(findLeaks(stdout, ['sess-1a2b3c', '078-05-1120', 'acme_9f8e7d6c'])).toEqual([])
  })

  it('scan: a line that does not load is scanned as raw text, and its message shows none of it', async () => {
    const dir = await recordingsFolder([greetingRecording('ada')])
    const secret = 'hunter2-Zq9Xw8Vu7'
    await writeFile(join(dir, 'segment.ndjson'), `{"id": "torn", "password": "${secret}", oops}\n`, {
      flag: 'a',
    })
    const { code, stdout, stderr } = await parallax(['scan', dir])
    expect(code).toBe(5)
    expect(stdout).toContain('segment.ndjson:3  line (raw text: the line did not load)  json-key')
    expect(stdout).toMatch(/! Failed to load recording .*segment\.ndjson:3: the line is not JSON/)
    expect(findLeaks(stdout + stderr, [secret])).toEqual([])
  })

  it('scan: reads gzip segments', async () => {
    const { file, secrets } = await leakyFolder([3])
    await writeFile(`${file}.gz`, gzipSync(await readFile(file)))
    const { code, stdout } = await parallax(['scan', `${file}.gz`, '--json'])
    expect(code).toBe(5)
    expect(JSON.parse(stdout).findings).toHaveLength(1)
    expect(findLeaks(stdout, secrets)).toEqual([])
  })
})

describe('parallax redact (CLI)', () => {
  it('redact: a dry run by default — lists what would change and writes nothing', async () => {
    const { dir, file, secrets } = await leakyFolder()
    const before = await readFile(file)
    const { code, stdout, stderr } = await parallax(['redact', dir])
    expect(code).toBe(0)
    expect(stdout).toContain('5 recordings, 5 with secrets, 6 values')
    expect(stdout).toContain(
      'Dry run: would redact 6 values in 5 of 5 recordings (1 file). Write with --in-place or --out <dir>.',
    )
    expect(findLeaks(stdout + stderr, secrets)).toEqual([])
    expect((await readFile(file)).equals(before)).toBe(true)
  })

  it('redact --in-place: rewrites the segment without secrets, keeps its header, and a second run changes nothing', async () => {
    const { dir, file, secrets } = await leakyFolder()
    const first = await parallax(['redact', dir, '--in-place'])
    expect(first.code).toBe(0)
    expect(first.stderr).toContain('PARALLAX_REDACTION_KEY is not set')
    expect(first.stdout).toContain('Redacted 6 values in 5 of 5 recordings; wrote 1 of 1 file.')
    const redacted = await readFile(file)
    expect(findLeaks(redacted, secrets)).toEqual([])
    expect(redacted.toString()).toContain(`"createdAt":"${CREATED_AT}"`)
    expect((await loadRecordings(dir)).errors).toEqual([])

    const second = await parallax(['redact', dir, '--in-place'])
    expect(second.stdout).toContain('Nothing to redact in 5 recordings (1 file).')
    expect((await readFile(file)).equals(redacted)).toBe(true)
    expect((await parallax(['scan', dir])).code).toBe(0)
  })

  it('redact --out: writes redacted copies in the same layout with PARALLAX_REDACTION_KEY, leaving the source', async () => {
    const { dir, file } = await leakyFolder([0])
    const token = SECRET_CORPUS[0]!.secrets[0]!
    const before = await readFile(file)
    const out = await mkdtemp(join(tmpdir(), 'parallax-redacted-'))
    process.env['PARALLAX_REDACTION_KEY'] = 'team-secret-key'
    const { code, stdout, stderr } = await parallax(['redact', dir, '--out', out, '--json'])
    expect(code).toBe(0)
    expect(stderr).toBe('')
    expect(JSON.parse(stdout)).toMatchObject({
      format: 'parallax-redact',
      mode: 'out',
      totals: { files: 1, written: 1, recordings: 1, changed: 1, values: 1 },
    })
    const copy = await readFile(join(out, 'segment.ndjson'), 'utf8')
    expect(copy).toContain(`Bearer ${redactedPlaceholder('team-secret-key', token)}`)
    expect((await readFile(file)).equals(before)).toBe(true)
  })

  it('redact: refuses a segment with invalid lines unless --drop-invalid, and --in-place keeps gzip segments gzip', async () => {
    const { dir, file, secrets } = await leakyFolder([5])
    await writeFile(file, '{"id": 42}\n', { flag: 'a' })
    const refused = await parallax(['redact', dir, '--in-place'])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain('line 3 is invalid, and rewriting it would lose it.')
    expect(refused.stderr).toContain('hint: Fix or delete the invalid lines')
    const dropped = await parallax(['redact', dir, '--in-place', '--drop-invalid'])
    expect(dropped.stdout).toContain('1 invalid line dropped')
    expect((await loadRecordings(file)).errors).toEqual([])

    const gz = join(dir, 'archive.ndjson.gz')
    await writeSegment(join(dir, 'plain.tmp'), [recordingOf(SECRET_CORPUS[7]!, 7)], { createdAt: CREATED_AT })
    await writeFile(gz, gzipSync(await readFile(join(dir, 'plain.tmp'))))
    expect((await parallax(['redact', gz, '--in-place'])).code).toBe(0)
    const loaded = await loadRecordings(gz)
    expect(loaded.errors).toEqual([])
    expect(findLeaks(JSON.stringify(loaded.recordings), [...secrets, ...SECRET_CORPUS[7]!.secrets])).toEqual(
      [],
    )
  })

  it('redact and scan: usage errors — unknown flag, missing path, --out with --in-place, a bad pattern', async () => {
    const unknown = await parallax(['scan', 'recordings', '--nope'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain("[parallax] Failed to parse the command line: unknown option '--nope'.")

    const missing = await parallax(['redact', 'recordings/nope'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain(
      '[parallax] Failed to redact recordings recordings/nope: no such file or folder.',
    )
    expect(missing.stderr).toContain('hint: Pass a .ndjson segment or a folder of them')
    expect((await parallax(['scan', 'recordings/nope'])).code).toBe(2)

    const both = await parallax(['redact', 'recordings', '--out', 'x', '--in-place'])
    expect(both.code).toBe(2)
    expect(both.stderr).toContain('--out and --in-place exclude each other')

    const pattern = await parallax(['scan', 'recordings', '--pattern', '(['])
    expect(pattern.code).toBe(2)
    expect(pattern.stderr).toContain(
      'Failed to create the redactor: pattern "pattern-1" is not a valid regular expression',
    )
  })

  it('scan: the checked-in demo recordings hold no secret', async () => {
    const { code, stdout } = await parallax(['scan', 'recordings'])
    expect(stdout).toMatch(/^No secrets found in \d+ recordings/)
    expect(code).toBe(0)
  })
})
