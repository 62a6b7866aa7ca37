/**
 * Reports are built from redacted recordings: a secret the recorder removed appears in no report
 * (terminal, JSON, HTML), even when the diverging stage's values hold every header and body field.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { writeSegment } from '../../src/recording/index.ts'
import { recorderFixture, startLoopback } from '../record/loopback.ts'
import { parallax } from '../support/run-node.ts'

const SECRETS = {
  bearer: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJyZXBvcnQtdGVzdCJ9.c2lnbmF0dXJlLXNlY3JldC12YWx1ZQ',
  cookie: 'sess-9f8e7d6c5b4a39281706',
  apiKey: 'sk_live_51HreportSecretKey0123456789',
  password: 'correct-horse-battery-staple-42',
  query: 'tok-query-secret-5566778899',
}

describe('reports and redaction', () => {
  it('no report holds a secret the recording redacted', async () => {
    using fixture = recorderFixture({ service: 'echo' })
    await using app = await startLoopback(
      fixture.recorder.wrap((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end('{"ok":true}')
      }),
    )
    await fetch(`${app.url}/login?access_token=${SECRETS.query}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${SECRETS.bearer}`,
        cookie: `session=${SECRETS.cookie}`,
        'x-api-key': SECRETS.apiKey,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ user: 'ada', password: SECRETS.password, note: `key ${SECRETS.apiKey}` }),
    }).then((response) => response.arrayBuffer())
    const [recording] = await fixture.settle(1)

    const dir = await mkdtemp(join(tmpdir(), 'parallax-report-secrets-'))
    await writeSegment(join(dir, 'recordings', 'echo.ndjson'), [recording!])
    const pipeline = new URL('../fixtures/echo-pipeline.ts', import.meta.url).href
    const define = new URL('../../src/scenario/index.ts', import.meta.url).href
    const scenario = join(dir, 'echo.scenario.ts')
    await writeFile(
      scenario,
      `import { defineScenario } from ${JSON.stringify(define)}
export const scenario = defineScenario({
  name: 'echo',
  pipeline: { module: new URL(${JSON.stringify(pipeline)}), export: 'echo' },
  recordings: './recordings',
  variants: { local: { config: {} }, production: { config: { shout: true } } },
})
`,
    )
    const html = join(dir, 'report.html')
    const json = join(dir, 'report.json')
    const result = await parallax([
      'replay',
      scenario,
      '--verbose',
      '--report',
      `html=${html}`,
      '--report',
      `json=${json}`,
    ])
    expect(result.code, result.stderr + result.stdout).toBe(1)
    const reports = {
      terminal: result.stdout,
      stderr: result.stderr,
      html: await readFile(html, 'utf8'),
      json: await readFile(json, 'utf8'),
    }
    // The HTML report shows the whole diverging output (headers and body): its placeholders are there.
    expect(reports.html).toContain('[redacted:')
    for (const [where, text] of Object.entries(reports)) {
      for (const [name, secret] of Object.entries(SECRETS)) {
        expect(text.includes(secret), `${name} in the ${where} report`).toBe(false)
        expect(
          text.includes(encodeURIComponent(secret)),
          `${name} (URL-encoded) in the ${where} report`,
        ).toBe(false)
      }
    }
  })
})
