/**
 * The secret corpus through the redactor: every case, piece by piece and as a whole recording written to
 * disk, leaves no secret (in any encoding) behind, and what it writes is still a valid, consistent recording.
 */
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createRedactor } from '../../src/record/index.ts'
import { bodyBytes, loadRecordings, parseRecording, writeSegment } from '../../src/recording/index.ts'
import type { Exchange, HeaderList, Recording } from '../../src/recording/types.ts'
import {
  cutPrefixes,
  findLeaks,
  type Leak,
  recordingOf,
  SECRET_CORPUS,
  type SecretCase,
} from '../support/secret-corpus.ts'

const redactor = createRedactor({ key: 'corpus-key' })

/** Leaks named for a failure message without printing the secret itself. */
function described(c: SecretCase, leaks: Leak[], secrets: readonly string[]): string[] {
  return leaks.map(
    (leak) => `${c.name}: secret #${leak.secret} (${secrets[leak.secret]!.length} chars) as ${leak.form}`,
  )
}

function exchangesOf(recording: Recording): Exchange[] {
  return [recording.inbound, ...recording.outbound]
}

function contentType(headers: HeaderList): string | undefined {
  return headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1]
}

describe('secret corpus', () => {
  it('SECRET_CORPUS: has 200+ cases with unique names and unique secrets, each planted in its recording', () => {
    expect(SECRET_CORPUS.length).toBeGreaterThanOrEqual(200)
    expect(new Set(SECRET_CORPUS.map((c) => c.name)).size).toBe(SECRET_CORPUS.length)
    const secrets = SECRET_CORPUS.flatMap((c) => c.secrets)
    expect(new Set(secrets).size).toBe(secrets.length)
    for (const [index, c] of SECRET_CORPUS.entries()) {
      if (c.chunks) expect(Buffer.concat(c.chunks).equals(c.body!), c.name).toBe(true)
      if (c.maxBodyBytes !== undefined) {
        expect(cutPrefixes(c).length, c.name).toBeGreaterThan(0)
        continue
      }
      const planted = new Set(
        findLeaks(JSON.stringify(recordingOf(c, index)), c.secrets).map((l) => l.secret),
      )
      expect([...planted].sort(), c.name).toEqual(c.secrets.map((_, i) => i))
    }
    const places = new Set(SECRET_CORPUS.map((c) => c.where))
    expect(places).toEqual(
      new Set(['inbound-request', 'inbound-response', 'outbound-request', 'outbound-response']),
    )
  })

  it('findLeaks: finds a secret raw, URL- and form-encoded, JSON-escaped, and inside base64 at every alignment', () => {
    const secret = 'p@ss/w0rd+Sk_9x'
    expect(findLeaks(`a ${secret} b`, [secret])[0]?.form).toBe('raw')
    expect(findLeaks(encodeURIComponent(secret), [secret])[0]?.form).toBe('uri')
    expect(findLeaks(JSON.stringify(secret).replaceAll('/', '\\/'), [secret])[0]?.form).toBe('json')
    for (const pad of ['', 'x', 'xy', 'xyz'])
      for (const alphabet of ['base64', 'base64url'] as const) {
        const blob = Buffer.from(`${pad}${secret}tail`).toString(alphabet)
        expect(findLeaks(blob, [secret]).length, `${alphabet} ${pad.length}`).toBeGreaterThan(0)
      }
    expect(findLeaks('nothing here', [secret])).toEqual([])
  })

  it('redactor parts: headers, URL and body of every case hold no secret', () => {
    const leaks: string[] = []
    for (const c of SECRET_CORPUS) {
      const url = redactor.url(`https://${c.userinfo ? `${c.userinfo}@` : ''}api.test${c.path}`)
      const headers = redactor.headers(c.headers)
      const body = c.body === undefined ? Buffer.alloc(0) : redactor.bytes(c.body, contentType(c.headers))
      const haystack = Buffer.concat([Buffer.from(url), Buffer.from(JSON.stringify(headers)), body])
      leaks.push(...described(c, findLeaks(haystack, c.secrets), c.secrets))
    }
    expect(leaks).toEqual([])
  })

  it('redactor.recording: every case leaves no secret, nor the kept half of a secret the body bound cut', () => {
    const leaks: string[] = []
    for (const [index, c] of SECRET_CORPUS.entries()) {
      const secrets = [...c.secrets, ...cutPrefixes(c)]
      const redacted = redactor.recording(recordingOf(c, index))
      leaks.push(...described(c, findLeaks(JSON.stringify(redacted), secrets), secrets))
    }
    expect(leaks).toEqual([])
  })

  it('redactor.recording: results are valid recordings whose sizes, hashes and chunk timelines agree', () => {
    for (const [index, c] of SECRET_CORPUS.entries()) {
      const redacted = redactor.recording(recordingOf(c, index))
      expect(() =>
        parseRecording(JSON.parse(JSON.stringify(redacted)), { file: c.name, line: index }),
      ).not.toThrow()
      for (const exchange of exchangesOf(redacted)) {
        for (const body of [exchange.request.body, exchange.response.body]) {
          if (body === undefined || body.truncated) continue
          expect(body.size, c.name).toBe(bodyBytes(body).byteLength)
        }
        const { chunks, body } = exchange.response
        if (chunks !== undefined)
          expect(
            chunks.reduce((sum, chunk) => sum + chunk.size, 0),
            c.name,
          ).toBe(body!.size)
      }
      expect(redactor.recording(redacted), c.name).toEqual(redacted)
    }
  })

  it('redactor.audit: every case is found, and no finding shows its secret', () => {
    for (const [index, c] of SECRET_CORPUS.entries()) {
      const { findings } = redactor.audit(recordingOf(c, index))
      expect(findings.length, c.name).toBeGreaterThan(0)
      expect(findLeaks(JSON.stringify(findings), c.secrets), c.name).toEqual([])
    }
  })

  it('writeSegment: the redacted corpus on disk holds no secret and loads back whole', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parallax-redaction-corpus-'))
    const file = join(dir, 'corpus.ndjson')
    const recordings = SECRET_CORPUS.map((c, index) => redactor.recording(recordingOf(c, index)))
    await writeSegment(file, recordings, { createdAt: '2026-11-24T08:00:00.000Z' })
    const bytes = await readFile(file)
    const leaks = SECRET_CORPUS.flatMap((c) => {
      const secrets = [...c.secrets, ...cutPrefixes(c)]
      return described(c, findLeaks(bytes, secrets), secrets)
    })
    expect(leaks).toEqual([])
    const loaded = await loadRecordings(file)
    expect(loaded.errors).toEqual([])
    expect(loaded.recordings.map((r) => r.recording)).toEqual(recordings)
  })
})
