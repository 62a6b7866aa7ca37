/**
 * `parallax import har` and `parallax export har` as a user runs them: a child process, real files.
 */
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadRecordings } from '../../src/recording/index.ts'
import { parallax, ROOT } from '../support/run-node.ts'

const FIXTURES = join(ROOT, 'test/fixtures/har')

async function workspace(...fixtures: string[]): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'parallax-har-cli-'))
  for (const file of fixtures) await copyFile(join(FIXTURES, file), join(dir, file))
  return dir
}

/** A HAR with secrets in its headers, and a second entry that cannot be imported. */
function secretHar(): string {
  const entry = (startedDateTime: string) => ({
    startedDateTime,
    time: 3,
    request: {
      method: 'GET',
      url: 'https://shop.example/account',
      httpVersion: 'HTTP/2',
      cookies: [{ name: 'sid', value: 's3cret' }],
      headers: [
        { name: 'Authorization', value: 'Bearer s3cret' },
        { name: 'Cookie', value: 'sid=s3cret' },
        { name: 'accept', value: 'text/html' },
      ],
      queryString: [],
      headersSize: -1,
      bodySize: 0,
    },
    response: {
      status: 200,
      statusText: 'OK',
      httpVersion: 'HTTP/2',
      cookies: [],
      headers: [{ name: 'Set-Cookie', value: 'sid=n3w; HttpOnly' }],
      content: { size: 2, mimeType: 'text/html', text: 'hi' },
      redirectURL: '',
      headersSize: -1,
      bodySize: 2,
    },
    cache: {},
    timings: { send: 0, wait: 3, receive: 0 },
  })
  return JSON.stringify({
    log: {
      version: '1.2',
      creator: { name: 'test', version: '1' },
      entries: [entry('2026-11-24T08:00:00.000Z'), entry('not a date')],
    },
  })
}

describe('parallax import har / export har (CLI)', () => {
  it('import har: a Chrome export becomes one segment, with a one-line summary', async () => {
    const dir = await workspace('chrome.har')
    const { code, stdout, stderr } = await parallax(['import', 'har', 'chrome.har', '--out', 'out'], dir)
    expect(stderr).toBe('')
    expect(stdout).toMatchInlineSnapshot(`
      "Imported 3 of 3 entries from chrome.har as 3 recordings into out/chrome.ndjson (secrets redacted); skipped 0.
      "
    `)
    expect(code).toBe(0)
    const { recordings, errors } = await loadRecordings(join(dir, 'out'))
    expect(errors).toEqual([])
    expect(recordings.map((loaded) => loaded.recording.meta)).toEqual([
      { service: 'mitmproxy.org', environment: 'imported' },
      { service: 'www.google.com', environment: 'imported' },
      { service: 'www.google.com', environment: 'imported' },
    ])
  })

  it('import har: secret headers are redacted by default, a bad entry is reported and skipped, exit 2', async () => {
    const dir = await workspace()
    await writeFile(join(dir, 'secret.har'), secretHar())
    const { code, stdout, stderr } = await parallax(
      ['import', 'har', 'secret.har', '--out', 'out', '--service', 'shop', '--environment', 'staging'],
      dir,
    )
    expect({ code, stdout, stderr }).toMatchInlineSnapshot(`
      {
        "code": 2,
        "stderr": "[parallax] Skipped log.entries[1] (GET https://shop.example/account) of secret.har: startedDateTime is not a date.
      ",
        "stdout": "Imported 1 of 2 entries from secret.har as 1 recording into out/secret.ndjson (secrets redacted); skipped 1 (log.entries[1]: startedDateTime is not a date).
      ",
      }
    `)
    const segment = await readFile(join(dir, 'out/secret.ndjson'), 'utf8')
    expect(segment).not.toContain('s3cret')
    expect(segment).not.toContain('n3w')
    const [loaded] = (await loadRecordings(join(dir, 'out'))).recordings
    expect(loaded!.recording.meta).toEqual({ service: 'shop', environment: 'staging' })
    expect(loaded!.recording.inbound.request.headers).toEqual([
      ['Authorization', expect.stringMatching(/^Bearer \[redacted:[0-9a-f]{12}\]$/)],
      ['Cookie', expect.stringMatching(/^sid=\[redacted:[0-9a-f]{12}\]$/)],
      ['accept', 'text/html'],
    ])

    const kept = await parallax(['import', 'har', 'secret.har', '--out', 'plain', '--no-redact'], dir)
    expect(kept.stdout).toContain('(NOT redacted)')
    expect(await readFile(join(dir, 'plain/secret.ndjson'), 'utf8')).toContain('Bearer s3cret')
    const extra = await parallax(
      ['import', 'har', 'secret.har', '--out', 'extra', '--redact-header', 'accept'],
      dir,
    )
    expect(await readFile(join(dir, 'extra/secret.ndjson'), 'utf8')).not.toContain('text/html')
    expect(extra.code).toBe(2)
  })

  it('export har → import har: the copilot recordings come back exactly', async () => {
    const dir = await workspace()
    const exported = await parallax([
      'export',
      'har',
      join(ROOT, 'recordings/copilot'),
      '--out',
      join(dir, 'copilot.har'),
    ])
    expect(exported.stderr).toBe('')
    expect(exported.stdout.replace(ROOT, '<root>').replace(dir, '<tmp>')).toMatchInlineSnapshot(`
      "Exported 8 recordings (16 entries) from <root>/recordings/copilot to <tmp>/copilot.har.
      "
    `)
    expect(exported.code).toBe(0)
    const har = JSON.parse(await readFile(join(dir, 'copilot.har'), 'utf8'))
    expect(har.log.creator.name).toBe('parallax')

    const imported = await parallax(['import', 'har', 'copilot.har', '--out', 'back'], dir)
    expect(imported.stdout).toContain(
      'Imported 16 of 16 entries from copilot.har as 8 recordings into back/copilot.ndjson',
    )
    expect(imported.code).toBe(0)
    const original = await loadRecordings(join(ROOT, 'recordings/copilot'))
    const back = await loadRecordings(join(dir, 'back'))
    expect(back.recordings.map((l) => l.recording)).toStrictEqual(original.recordings.map((l) => l.recording))
  })

  it('import har: a missing file, a JSON file that is not HAR and an unknown flag are exit 2 with a hint', async () => {
    const dir = await workspace()
    await writeFile(join(dir, 'package.json'), '{"name": "not-a-har"}')
    const missing = await parallax(['import', 'har', 'nope.har', '--out', 'out'], dir)
    expect(missing).toMatchInlineSnapshot(`
      {
        "code": 2,
        "stderr": "[parallax] Failed to read HAR nope.har: no such file.
        hint: Pass the path of a .har file, e.g. one saved from the Network panel of DevTools.
      ",
        "stdout": "",
      }
    `)
    const notHar = await parallax(['import', 'har', 'package.json', '--out', 'out'], dir)
    expect(notHar).toMatchInlineSnapshot(`
      {
        "code": 2,
        "stderr": "[parallax] Failed to import HAR package.json: it is not a HAR 1.2 file (log is missing (expected object)).
        hint: Pass a HAR 1.2 file, e.g. one saved from the browser's DevTools (Network → Save all as HAR), Charles, Insomnia, mitmproxy or Polly.JS.
      ",
        "stdout": "",
      }
    `)
    const unknown = await parallax(['import', 'har', 'x.har', '--out', 'out', '--bogus'], dir)
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain("[parallax] Failed to parse the command line: unknown option '--bogus'.")
    const noOut = await parallax(['import', 'har', 'x.har'], dir)
    expect(noOut.code).toBe(2)
    expect(noOut.stderr).toContain("required option '--out <dir>' not specified")
  })

  it('export har: a path that does not exist is exit 2 and writes nothing', async () => {
    const dir = await workspace()
    const { code, stdout, stderr } = await parallax(
      ['export', 'har', 'recordings/nope', '--out', 'x.har'],
      dir,
    )
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain('[parallax] Failed to load recordings recordings/nope: no such file or folder.')
    await expect(readFile(join(dir, 'x.har'))).rejects.toThrow()
  })

  it('import har --help and export har --help show examples', async () => {
    const importHelp = await parallax(['import', 'har', '--help'])
    expect(importHelp.code).toBe(0)
    expect(importHelp.stdout).toContain('parallax import har checkout.har --out recordings/imported')
    expect(importHelp.stdout).toContain('--no-redact')
    const exportHelp = await parallax(['export', 'har', '--help'])
    expect(exportHelp.code).toBe(0)
    expect(exportHelp.stdout).toContain('parallax export har recordings/copilot --out copilot.har')
  })
})
