/**
 * Regression: `parallax scan` on a file that is not a segment (a pretty-printed HAR file full of secrets)
 * read only its first line, `{`, and said "No secrets found" (exit 2). Every line of such a file is now
 * scanned as raw text: the secrets are found (exit 5), named by rule and line, never printed, and the
 * advice for the file (import it, or delete it) stays.
 */
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { greetingRecording, recordingsFolder } from '../../support/recordings.ts'
import { parallax } from '../../support/run-node.ts'
import { findLeaks } from '../../support/secret-corpus.ts'

// Built from pieces, so that no whole secret sits in the source.
const BEARER = ['mF9aB2x', 'Q7kLp0Zr', 'T4vW8sYc'].join('')
const STRIPE_KEY = ['sk', 'live', 'Zx81Qm4TbN0pW7rK2cV9yL5d'].join('_')
const SECRETS = [BEARER, STRIPE_KEY]

/** A HAR file as DevTools saves it, pretty-printed: the bearer token on line 20, the Stripe key on line 26. */
function prettyHar(): string {
  const har = {
    log: {
      version: '1.2',
      creator: { name: 'devtools', version: '1' },
      entries: [
        {
          startedDateTime: '2026-11-24T08:00:00.000Z',
          time: 12,
          request: {
            method: 'POST',
            url: 'https://api.example.com/v1/charges',
            httpVersion: 'HTTP/1.1',
            cookies: [],
            headers: [{ name: 'authorization', value: `Bearer ${BEARER}` }],
            queryString: [],
            postData: {
              mimeType: 'application/x-www-form-urlencoded',
              text: `amount=100&note=${STRIPE_KEY}`,
            },
            headersSize: -1,
            bodySize: 20,
          },
          response: {
            status: 200,
            statusText: 'OK',
            httpVersion: 'HTTP/1.1',
            cookies: [],
            headers: [],
            content: { size: 2, mimeType: 'application/json', text: '{}' },
            redirectURL: '',
            headersSize: -1,
            bodySize: 2,
          },
          cache: {},
          timings: { send: 1, wait: 10, receive: 1 },
        },
      ],
    },
  }
  const text = `${JSON.stringify(har, null, 2)}\n`
  const lines = text.split('\n')
  expect(lines[19]).toContain(`Bearer ${BEARER}`)
  expect(lines[25]).toContain(STRIPE_KEY)
  return text
}

describe('regression: scan reads every line of a file that is not a segment', () => {
  it('scan: a pretty-printed HAR file with a bearer token on line 20 and a Stripe key exits 5, naming both, printing neither', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parallax-scan-har-'))
    await writeFile(join(dir, 's2.har'), prettyHar())
    const { code, stdout, stderr } = await parallax(['scan', 's2.har'], dir)
    expect(code).toBe(5)
    expect(stderr).toBe('')
    expect(findLeaks(stdout, SECRETS)).toEqual([])
    expect(stdout).toContain(
      'Found 2 secrets in 1 file that is not a recording segment (0 recordings, 1 file):',
    )
    expect(stdout).toMatch(
      /^ {2}s2\.har:20 {2}line \(raw text: the file is not a segment\) {2}bearer-token /m,
    )
    expect(stdout).toMatch(/^ {2}s2\.har:26 {2}line \(raw text: the file is not a segment\) {2}stripe-key /m)
    expect(stdout).toContain(
      '  hint: s2.har is not a recording segment (each of its lines was scanned as raw text); it is a HAR file: import it with `parallax import har s2.har --out <dir>`',
    )
    expect(stdout).not.toContain('parallax redact')

    const json = await parallax(['scan', 's2.har', '--json'], dir)
    expect(json.code).toBe(5)
    expect(findLeaks(json.stdout, SECRETS)).toEqual([])
    const report = JSON.parse(json.stdout) as { secrets: number; findings: { line: number; rule: string }[] }
    expect(report.secrets).toBe(2)
    expect(report.findings.map(({ line, rule }) => ({ line, rule }))).toEqual([
      { line: 20, rule: 'bearer-token' },
      { line: 26, rule: 'stripe-key' },
    ])
  })

  it('scan: a text file in a recordings folder is read past its first line, and one without secrets keeps its advice', async () => {
    const dir = await recordingsFolder([greetingRecording('ada')])
    await writeFile(join(dir, 'notes.ndjson'), `deploy notes\n\nstripe: ${STRIPE_KEY}\n`)
    const found = await parallax(['scan', '.'], dir)
    expect(found.code).toBe(5)
    expect(findLeaks(found.stdout, SECRETS)).toEqual([])
    expect(found.stdout).toContain(
      'Found 1 secret in 1 file that is not a recording segment (1 recording, 2 files):',
    )
    expect(found.stdout).toMatch(/^ {2}notes\.ndjson:3 {2}.* {2}stripe-key /m)

    await writeFile(join(dir, 'notes.ndjson'), 'deploy notes\n\nnothing secret here\n')
    const clean = await parallax(['scan', '.'], dir)
    expect(clean.code).toBe(2)
    expect(clean.stdout).toContain('No secrets found in 1 recording (2 files).')
    expect(clean.stdout).toContain(
      '  hint: notes.ndjson is not a recording segment (each of its lines was scanned as raw text); only files written by parallax',
    )
  })
})
