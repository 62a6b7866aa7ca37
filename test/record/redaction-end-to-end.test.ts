/**
 * The secret corpus through the real thing: every case is a real HTTP exchange (a client calling the app,
 * the app calling a dependency) recorded by startRecorder to disk. No secret is found in any byte written
 * (segments and writer status files), raw, URL-encoded, base64 or JSON-escaped, nor in anything the
 * recorder reported; a secret cut by the body bound leaves no prefix behind.
 */
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'undici'
import { describe, expect, it } from 'vitest'
import { startRecorder } from '../../src/record/index.ts'
import type { HeaderList } from '../../src/recording/types.ts'
import { cutPrefixes, findLeaks, SECRET_CORPUS, type SecretCase, wireBody } from '../support/secret-corpus.ts'
import { readAll, startLoopback } from './loopback.ts'

/** Headers the HTTP clients and servers set themselves: sending them from the case would conflict. */
const FRAMING = new Set(['content-length', 'transfer-encoding', 'host', 'connection', 'keep-alive'])

function sendable(headers: HeaderList, c: SecretCase): string[] {
  const list = headers.filter(([name]) => !FRAMING.has(name.toLowerCase()))
  if (c.contentEncoding && !list.some(([name]) => name.toLowerCase() === 'content-encoding')) {
    list.push(['content-encoding', c.contentEncoding])
  }
  return list.flat()
}

/** Writes a case's response: its status, headers (repeats kept) and body, in its chunks. */
async function answerWith(c: SecretCase, res: ServerResponse): Promise<void> {
  res.statusCode = c.status ?? 200
  const headers = sendable(c.headers, c)
  for (let i = 0; i < headers.length; i += 2) res.appendHeader(headers[i] as string, headers[i + 1] as string)
  const pieces = c.contentEncoding || !c.chunks ? [wireBody(c)] : c.chunks
  for (const piece of pieces) {
    res.write(piece)
    await new Promise((resolve) => setImmediate(resolve))
  }
  res.end()
}

function caseOf(req: IncomingMessage): SecretCase {
  return SECRET_CORPUS[Number(req.headers['x-case'])] as SecretCase
}

/** Calls the dependency as the case says: with userinfo through node:http (fetch refuses credentials). */
async function callDependency(c: SecretCase, index: number, dependencyUrl: string): Promise<void> {
  const outboundRequest = c.where === 'outbound-request'
  const headers = outboundRequest ? sendable(c.headers, c) : []
  headers.push('x-case', String(index))
  const body = outboundRequest && c.body ? wireBody(c) : undefined
  if (c.userinfo) {
    const url = new URL(`${dependencyUrl}${c.path}`)
    const withUserinfo = `${url.protocol}//${c.userinfo}@${url.host}${url.pathname}${url.search}`
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(withUserinfo, { method: c.method }, (res) => {
        readAll(res).then(() => resolve(), reject)
      })
      for (let i = 0; i < headers.length; i += 2)
        req.appendHeader(headers[i] as string, headers[i + 1] as string)
      req.on('error', reject)
      req.end(body)
    })
    return
  }
  const answer = await request(`${dependencyUrl}${c.path}`, {
    method: c.method as 'GET',
    headers,
    body: body ?? null,
  })
  await answer.body.arrayBuffer()
}

describe('record: no secret reaches disk', () => {
  it(`startRecorder: ${SECRET_CORPUS.length} corpus cases as real traffic, 0 secrets in any byte written or reported`, async () => {
    await using dependency = await startLoopback(async (req, res) => {
      await readAll(req)
      const c = caseOf(req)
      if (c.where === 'outbound-response') await answerWith(c, res)
      else res.end('ok')
    })
    const out = await mkdtemp(join(tmpdir(), 'parallax-secrets-'))
    const reported: string[] = []
    // One recorder per body bound the corpus uses (cases that cut a secret set their own).
    const bounds = [...new Set(SECRET_CORPUS.map((c) => c.maxBodyBytes))]
    for (const bound of bounds) {
      const running = startRecorder({
        out,
        service: 'secrets',
        environment: 'test',
        captureServers: false,
        handleSignals: false,
        ...(bound !== undefined && { maxBodyBytes: bound }),
        onError: (error) => reported.push(`${String(error)} ${JSON.stringify(error)}`),
      })
      await using app = await startLoopback(
        running.wrap(async (req, res) => {
          await readAll(req)
          const index = Number(req.headers['x-case'])
          const c = SECRET_CORPUS[index] as SecretCase
          if (c.where.startsWith('outbound')) await callDependency(c, index, dependency.url)
          if (c.where === 'inbound-response') await answerWith(c, res)
          else res.end('ok')
        }),
      )
      for (const [index, c] of SECRET_CORPUS.entries()) {
        if (c.maxBodyBytes !== bound) continue
        const inboundRequest = c.where === 'inbound-request'
        const headers = inboundRequest ? sendable(c.headers, c) : []
        headers.push('x-case', String(index))
        const answer = await request(`${app.url}${inboundRequest ? c.path : '/run'}`, {
          method: (inboundRequest ? c.method : 'POST') as 'GET',
          headers,
          body: inboundRequest && c.body ? wireBody(c) : null,
        })
        await answer.body.arrayBuffer()
      }
      await running.stop()
      const { recorder, writer } = running.stats()
      expect(recorder.dropped).toEqual({ captureFailed: 0, redactFailed: 0, sinkFull: 0, sinkFailed: 0 })
      expect(writer.written).toBe(recorder.recorded + recorder.truncated)
    }

    const files = await readdir(out)
    expect(files.length).toBeGreaterThan(0)
    const written = Buffer.concat(await Promise.all(files.map((file) => readFile(join(out, file)))))
    expect(written.toString()).toContain('[redacted:')
    const leaks: string[] = []
    for (const c of SECRET_CORPUS) {
      for (const leak of findLeaks(written, c.secrets))
        leaks.push(`${c.name}: secret #${leak.secret} as ${leak.form}`)
      for (const leak of findLeaks(reported.join('\n'), c.secrets))
        leaks.push(`${c.name}: reported as ${leak.form}`)
      for (const prefix of c.maxBodyBytes === undefined ? [] : cutPrefixes(c)) {
        if (written.includes(prefix)) leaks.push(`${c.name}: the prefix of a cut secret`)
      }
    }
    expect(leaks).toEqual([])
  }, 120_000)
})
