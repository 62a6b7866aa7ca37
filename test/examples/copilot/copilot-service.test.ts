import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { localConfig, productionConfig, withDataSource } from '../../../examples/copilot/config.ts'
import { type DataSource, startDataSource } from '../../../examples/copilot/data-source.ts'
import { demoRequests } from '../../../examples/copilot/requests.ts'
import { type CopilotService, startCopilotService } from '../../../examples/copilot/server.ts'
import type { SuggestResponse } from '../../../examples/copilot/types.ts'

const isAscii = (text: string) => /^[\x00-\x7F]*$/.test(text)
const asciiRequests = demoRequests.filter((request) => isAscii(request.body.text))
const nonAsciiRequests = demoRequests.filter((request) => !isAscii(request.body.text))

async function post(url: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${url}/suggest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  return { status: res.status, json: await res.json() }
}

describe('copilot service', () => {
  let dataSource: DataSource
  let local: CopilotService
  let production: CopilotService
  const answers = new Map<string, { local: SuggestResponse; production: SuggestResponse }>()

  beforeAll(async () => {
    dataSource = await startDataSource()
    local = await startCopilotService({ config: withDataSource(localConfig, dataSource.url) })
    production = await startCopilotService({ config: withDataSource(productionConfig, dataSource.url) })
    for (const request of demoRequests) {
      const [fromLocal, fromProduction] = await Promise.all([
        post(local.url, request.body),
        post(production.url, request.body),
      ])
      expect(fromLocal.status, request.name).toBe(200)
      expect(fromProduction.status, request.name).toBe(200)
      answers.set(request.name, {
        local: fromLocal.json as SuggestResponse,
        production: fromProduction.json as SuggestResponse,
      })
    }
  })

  afterAll(async () => {
    await Promise.all([local?.close(), production?.close()])
    await dataSource?.close()
  })

  it('copilot service: the demo has ASCII requests and accented, emoji and Japanese ones', () => {
    expect(asciiRequests.map((request) => request.name)).toEqual(['en-stream', 'en-retry', 'en-timeout'])
    expect(nonAsciiRequests.map((request) => request.name)).toEqual([
      'fr-abort',
      'es-retry',
      'de-stream',
      'emoji-commit',
      'ja-stream',
    ])
  })

  it('copilot service: answers with a request id, a timestamp and scored suggestions', () => {
    for (const { local: answer } of answers.values()) {
      expect(answer.requestId).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      )
      expect(new Date(answer.generatedAt).toISOString()).toBe(answer.generatedAt)
      expect(answer.suggestions.length).toBeGreaterThan(0)
      for (const suggestion of answer.suggestions) {
        expect(Object.keys(suggestion)).toEqual(['id', 'text', 'source', 'score'])
        expect(Math.round(suggestion.score * 1e4) / 1e4).toBe(suggestion.score)
      }
    }
  })

  it('copilot service: local configuration never answers with U+FFFD', () => {
    for (const [name, { local: answer }] of answers)
      expect(JSON.stringify(answer), name).not.toContain('\uFFFD')
  })

  it.for(asciiRequests)(
    'copilot service: production agrees with local on the ASCII request $name',
    ({ name }) => {
      const { local: fromLocal, production: fromProduction } = answers.get(name)!
      expect(fromProduction.suggestions).toEqual(fromLocal.suggestions)
      expect(fromProduction.requestId).not.toBe(fromLocal.requestId)
    },
  )

  it.for(nonAsciiRequests)('copilot service: production corrupts the non-ASCII request $name', ({ name }) => {
    const { local: fromLocal, production: fromProduction } = answers.get(name)!
    expect(fromProduction.suggestions).not.toEqual(fromLocal.suggestions)
    // Same documents, same order: only text cut at a 64-byte flush and the scores computed from it differ.
    expect(fromProduction.suggestions.map((suggestion) => suggestion.id)).toEqual(
      fromLocal.suggestions.map((suggestion) => suggestion.id),
    )
  })

  it('copilot service: production shows U+FFFD where a character crossed a flush boundary', () => {
    const { production: fromProduction } = answers.get('ja-stream')!
    expect(JSON.stringify(fromProduction.suggestions)).toContain('\uFFFD')
    const { local: es, production: esProduction } = answers.get('es-retry')!
    expect(es.suggestions[0]?.text).toContain('añade')
    expect(esProduction.suggestions[0]?.text).toContain('a\uFFFD\uFFFDade')
  })

  it('copilot service: rejects a body without text with 400 and the reason', async () => {
    expect(await post(local.url, { text: 42 })).toEqual({
      status: 400,
      json: { error: 'Failed to parse the suggest request: text must be a non-empty string.' },
    })
    expect(await post(local.url, '{"text": "unterminated')).toMatchObject({ status: 400 })
    expect(await post(local.url, { text: 'the and of', lang: 'en' })).toEqual({
      status: 400,
      json: {
        error: 'Failed to parse the suggest request: the text before the cursor has no words to search for.',
      },
    })
    expect(await post(local.url, { text: 'hello', lang: 'tlh' })).toMatchObject({ status: 400 })
    expect(await post(local.url, { text: 'hello', cursor: 99 })).toMatchObject({ status: 400 })
  })

  it('copilot service: answers healthz, counts requests per region in metrics, and 404s unknown routes', async () => {
    expect(await (await fetch(`${production.url}/healthz`)).json()).toEqual({ ok: true })
    expect((await fetch(`${production.url}/nope`)).status).toBe(404)
    expect((await fetch(`${production.url}/suggest`)).status).toBe(405)
    const metrics = await (await fetch(`${production.url}/metrics`)).text()
    expect(metrics).toContain(
      `copilot_requests_total{region="eu-west-1",route="/suggest",status="200"} ${demoRequests.length}`,
    )
  })
})

describe('copilot service, edge cases', () => {
  it('copilot service: lets a recorder wrap the request handler', async () => {
    const dataSource = await startDataSource()
    const seen: string[] = []
    const service = await startCopilotService({
      config: withDataSource(localConfig, dataSource.url),
      wrap: (handler) => (req, res) => {
        seen.push(`${req.method} ${req.url}`)
        res.on('finish', () => seen.push(`-> ${res.statusCode}`))
        handler(req, res)
      },
    })
    try {
      const answer = await post(service.url, demoRequests[0]!.body)
      expect(answer.status).toBe(200)
      await expect.poll(() => seen).toEqual(['POST /suggest', '-> 200'])
    } finally {
      await service.close()
      await dataSource.close()
    }
  })

  it('copilot service: answers 500 when the data source misses the retrieve deadline', async () => {
    const silent = createServer(() => {})
    silent.listen(0, '127.0.0.1')
    await once(silent, 'listening')
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`
    const config = { ...withDataSource(productionConfig, url), timeouts: { retrieveMs: 50 } }
    const service = await startCopilotService({ config })
    try {
      expect(await post(service.url, demoRequests[0]!.body)).toEqual({
        status: 500,
        json: { error: 'Failed to retrieve context: the data source did not answer within 50 ms.' },
      })
    } finally {
      await service.close()
      silent.closeAllConnections()
      silent.close()
    }
  })

  it('copilot service: refuses to start with an incomplete configuration', async () => {
    const config = { ...localConfig, decoder: {} } as unknown as typeof localConfig
    await expect(startCopilotService({ config })).rejects.toThrowErrorMatchingInlineSnapshot(
      `[Error: Failed to read the copilot configuration: decoder.bufferSize: Invalid input: expected number, received undefined.]`,
    )
  })
})
