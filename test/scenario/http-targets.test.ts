/**
 * HTTP target mode against real loopback services: recorded requests sent to two or three running
 * versions, answers compared with the usual reports; unsafe methods only when asked; a recorder in the
 * target never records the replay.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { describe, expect, it } from 'vitest'
import { bodyFromBytes } from '../../src/recording/body.ts'
import type { Recording } from '../../src/recording/types.ts'
import { runTargets } from '../../src/scenario/run-targets.ts'
import { recorderFixture, startLoopback } from '../record/loopback.ts'
import { jsonExchange, recordingsFolder } from '../support/recordings.ts'
import { parallax } from '../support/run-node.ts'

function recording(id: string, method: string, path: string, body?: unknown): Recording {
  const exchange = jsonExchange(method, `http://shop.invalid${path}`, {})
  if (body !== undefined) {
    exchange.request.body = bodyFromBytes(Buffer.from(JSON.stringify(body)))
    exchange.request.headers.push(['content-type', 'application/json'])
  }
  return {
    id,
    recordedAt: '2026-11-24T08:00:00.000Z',
    meta: { service: 'shop', environment: 'production' },
    inbound: exchange,
    outbound: [],
    nondeterminism: { clock: [], random: [], uuids: [] },
  }
}

const RECORDINGS = [
  recording('items-1', 'GET', '/items?page=1'),
  recording('items-2', 'GET', '/items?page=2'),
  recording('order', 'POST', '/orders', { sku: 'a' }),
]

/** A version of the shop: `total` counts wrongly on page 2 when `buggy`; `requestId` differs per answer. */
function shop(buggy: boolean, seen: string[]) {
  let counter = 0
  return (req: IncomingMessage, res: ServerResponse) => {
    seen.push(`${req.method} ${req.url} ${req.headers['x-parallax-replay'] ?? ''}`)
    const page = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('page') ?? 1)
    const total = buggy && page === 2 ? 21 : 20
    res.writeHead(200, {
      'content-type': 'application/json',
      date: new Date(Date.now() + counter * 1000).toUTCString(),
    })
    res.end(JSON.stringify({ page, total, requestId: `${buggy ? 'b' : 'a'}-${counter++}-${Math.random()}` }))
  }
}

describe('HTTP target mode', () => {
  it('runTargets: two versions, answers diffed (noise rules apply), unsafe methods skipped and listed', async () => {
    const seenA: string[] = []
    const seenB: string[] = []
    await using a = await startLoopback(shop(false, seenA))
    await using b = await startLoopback(shop(true, seenB))
    const folder = await recordingsFolder(RECORDINGS)
    const { compileNoiseRules } = await import('../../src/diff/index.ts')
    const { run, skipped } = await runTargets(
      folder,
      [
        { name: 'v1', url: a.url },
        { name: 'v2', url: b.url },
      ],
      { noise: compileNoiseRules({ ignore: ['$.body.requestId'] }, 'test') },
    )
    expect(run.summary).toMatchObject({ total: 2, agree: 1, diverge: 1 })
    const diverging = run.recordings.find((o) => o.recordingId === 'items-2')!
    expect(diverging.result.kind === 'compared' && diverging.result.comparison.divergence).toMatchObject({
      kind: 'stage',
      culprit: 'response',
      paths: [{ op: 'replace', path: '$.body.total', before: 20, after: 21 }],
    })
    expect(skipped).toEqual([
      {
        recordingId: 'order',
        route: 'POST /orders',
        reason: expect.stringContaining('--allow-side-effects'),
      },
    ])
    expect(seenA.every((line) => line.startsWith('GET') && line.endsWith(' 1'))).toBe(true)
    expect(run.noise?.map((n) => n.rule)).toEqual([
      'headers deny date, connection, keep-alive, transfer-encoding',
      'ignore $.body.requestId',
    ])
  })

  it('runTargets: with primary, secondary and candidate, what the known-good pair disagrees on is noise', async () => {
    await using primary = await startLoopback(shop(false, []))
    await using secondary = await startLoopback(shop(false, []))
    await using candidate = await startLoopback(shop(true, []))
    const folder = await recordingsFolder(RECORDINGS)
    const { run } = await runTargets(folder, [
      { name: 'primary', url: primary.url },
      { name: 'secondary', url: secondary.url },
      { name: 'candidate', url: candidate.url },
    ])
    expect(run.variants).toEqual(['primary', 'candidate'])
    expect(run.summary).toMatchObject({ total: 2, agree: 1, diverge: 1 })
    const diverging = run.recordings.find((o) => o.recordingId === 'items-2')!
    expect(diverging.result.kind === 'compared' && diverging.result.comparison.divergence).toMatchObject({
      paths: [{ path: '$.body.total' }],
    })
  })

  it('runTargets: answers with the same body bytes are compared on status and headers; another content type decodes both', async () => {
    // Same bytes everywhere; v2 answers page 2 with 404, v3 labels the same bytes as text.
    const fixed =
      (status: (page: number) => number, type: string) => (req: IncomingMessage, res: ServerResponse) => {
        const page = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('page') ?? 1)
        res.writeHead(status(page), { 'content-type': type })
        res.end('{"items":[1,2,3]}')
      }
    await using a = await startLoopback(fixed(() => 200, 'application/json'))
    await using b = await startLoopback(fixed((page) => (page === 2 ? 404 : 200), 'application/json'))
    await using c = await startLoopback(fixed(() => 200, 'text/plain'))
    const folder = await recordingsFolder(RECORDINGS.slice(0, 2))
    const versus = async (other: string) =>
      (
        await runTargets(
          folder,
          [
            { name: 'v1', url: a.url },
            { name: 'v2', url: other },
          ],
          { keepValues: true },
        )
      ).run
    const statuses = await versus(b.url)
    expect(statuses.summary).toMatchObject({ total: 2, agree: 1, diverge: 1 })
    const notFound = statuses.recordings.find((o) => o.recordingId === 'items-2')!
    expect(notFound.result.kind === 'compared' && notFound.result.comparison.divergence).toMatchObject({
      paths: [{ op: 'replace', path: '$.status', before: 200, after: 404 }],
      // The kept values still carry the decoded bodies, for the HTML report.
      values: { left: { body: { items: [1, 2, 3] } }, right: { status: 404, body: { items: [1, 2, 3] } } },
    })
    const types = await versus(c.url)
    expect(types.summary).toMatchObject({ total: 2, diverge: 2 })
    const first = types.recordings[0]!
    const paths = first.result.kind === 'compared' ? first.result.comparison.divergence : undefined
    expect(paths).toMatchObject({
      paths: expect.arrayContaining([
        expect.objectContaining({ path: '$.headers["content-type"]' }),
        expect.objectContaining({ path: '$.body', after: '{"items":[1,2,3]}' }),
      ]),
    })
  })

  it('runTargets: JSON answers are compared as values, whatever their layout; a body that is not JSON as text', async () => {
    // v1 and v2 write the same values with other key orders and spacing; page 2 differs deep inside,
    // page 1 of v3 is not JSON although it says so.
    const answer =
      (layout: 'compact' | 'spaced', broken: boolean) => (req: IncomingMessage, res: ServerResponse) => {
        const page = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('page') ?? 1)
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' })
        const total = layout === 'spaced' && page === 2 ? 21 : 20
        const body =
          layout === 'compact'
            ? JSON.stringify({ page, meta: { total, pages: 2 }, items: [{ id: 1 }, { id: 2 }] })
            : JSON.stringify({ items: [{ id: 1 }, { id: 2 }], meta: { pages: 2, total }, page }, null, 2)
        res.end(broken && page === 1 ? `${body.slice(0, -1)},}` : body)
      }
    await using a = await startLoopback(answer('compact', false))
    await using b = await startLoopback(answer('spaced', false))
    await using c = await startLoopback(answer('compact', true))
    const folder = await recordingsFolder(RECORDINGS.slice(0, 2))
    const against = async (url: string) =>
      (
        await runTargets(folder, [
          { name: 'v1', url: a.url },
          { name: 'v2', url },
        ])
      ).run.recordings.map((o) => (o.result.kind === 'compared' ? o.result.comparison.divergence : o.result))
    const [page1, page2] = await against(b.url)
    expect(page1).toMatchObject({ kind: 'none' })
    expect(page2).toMatchObject({
      kind: 'stage',
      paths: [{ op: 'replace', path: '$.body.meta.total', before: 20, after: 21 }],
    })
    const [broken] = await against(c.url)
    expect(broken).toMatchObject({
      paths: [
        expect.objectContaining({ op: 'replace', path: '$.body', after: expect.stringContaining(',}') }),
      ],
    })
  })

  it('runTargets: an answer streamed in pieces after an informational 103 is read whole', async () => {
    const streamed = (last: number) => (_req: IncomingMessage, res: ServerResponse) => {
      res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' })
      res.writeHead(200, { 'content-type': 'application/json' })
      const items = Array.from({ length: 2000 }, (_, i) => ({ id: i, name: `item ${i}` }))
      const text = JSON.stringify({ items, last })
      const third = Math.ceil(text.length / 3)
      res.write(text.slice(0, third))
      setTimeout(() => {
        res.write(text.slice(third, 2 * third))
        setTimeout(() => res.end(text.slice(2 * third)), 5)
      }, 5)
    }
    await using a = await startLoopback(streamed(1))
    await using b = await startLoopback(streamed(2))
    const folder = await recordingsFolder(RECORDINGS.slice(0, 1))
    const { run } = await runTargets(folder, [
      { name: 'v1', url: a.url },
      { name: 'v2', url: b.url },
    ])
    const [only] = run.recordings
    expect(only?.result.kind === 'compared' && only.result.comparison.divergence).toMatchObject({
      paths: [{ op: 'replace', path: '$.body.last', before: 1, after: 2 }],
    })
  })

  it('a recorder inside the target records none of the replayed traffic', async () => {
    using fixture = recorderFixture({ service: 'shop' })
    await using recorded = await startLoopback(fixture.recorder.wrap(shop(false, [])))
    await using other = await startLoopback(shop(false, []))
    const folder = await recordingsFolder(RECORDINGS)
    await runTargets(folder, [
      { name: 'recorded', url: recorded.url },
      { name: 'other', url: other.url },
    ])
    await fetch(`${recorded.url}/items?page=9`).then((r) => r.arrayBuffer())
    const settled = await fixture.settle(1)
    expect(settled.map((r) => r.inbound.request.url)).toEqual([`${recorded.url}/items?page=9`])
  })

  it('cli: --target replays a folder, lists what it did not send, exit 1 on a divergence and 2 when a target is down', async () => {
    await using a = await startLoopback(shop(false, []))
    await using b = await startLoopback(shop(true, []))
    const folder = await recordingsFolder(RECORDINGS)
    const args = [
      'replay',
      folder,
      '--target',
      `v1=${a.url}`,
      '--target',
      `v2=${b.url}`,
      '--ignore',
      '$.body.requestId',
    ]
    const diverging = await parallax(args)
    expect(diverging.code, diverging.stderr).toBe(1)
    expect(diverging.stdout).toContain('diverges at response')
    expect(diverging.stdout).toContain('$.body.total')
    expect(diverging.stdout).toContain('order POST /orders: POST could change state')
    const all = await parallax([...args, '--allow-side-effects', '--concurrency', '2', '--rate', '100x'])
    expect(all.stdout).not.toContain('Not sent')
    const down = await parallax([
      'replay',
      folder,
      '--target',
      `v1=${a.url}`,
      '--target',
      'v2=http://127.0.0.1:9',
    ])
    expect(down.code).toBe(2)
    expect(down.stdout).toBe('')
    expect(down.stderr).toContain(
      'Failed to replay against target v2 (http://127.0.0.1:9): it refuses connections',
    )
    const usage = await parallax(['replay', folder, '--target', 'v1=ftp://x', '--target', `v2=${b.url}`])
    expect(usage.code).toBe(2)
    expect(usage.stderr).toContain('Failed to parse --target v1=ftp://x')
  })
})
