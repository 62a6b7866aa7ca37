/**
 * recordingsFromHar and parseHarText on hand-made HAR: what real producers write is tolerated, a bad
 * entry is skipped with a reason while the others import, and a file that is not HAR is a typed error.
 */
import { mkdtemp, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import {
  bodyBytes,
  bodyFromBytes,
  HAR_LIMITS,
  harFromRecordings,
  isParallaxError,
  parseHarText,
  readHarFile,
  recordingsFromHar,
} from '../../src/recording/index.ts'
import { greetingRecording } from '../support/recordings.ts'

/** A minimal valid entry from another producer, with `overrides` merged into it. */
function entry(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    startedDateTime: '2026-11-24T08:00:00.000Z',
    time: 12.5,
    request: {
      method: 'GET',
      url: 'https://shop.example/cart?id=7',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: [{ name: 'accept', value: 'application/json' }],
      queryString: [{ name: 'id', value: '7' }],
      headersSize: -1,
      bodySize: -1,
    },
    response: {
      status: 200,
      statusText: 'OK',
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: [{ name: 'content-type', value: 'application/json' }],
      content: { size: 9, mimeType: 'application/json', text: '{"ok":1}\n' },
      redirectURL: '',
      headersSize: -1,
      bodySize: -1,
    },
    cache: {},
    timings: { blocked: -1, dns: -1, connect: -1, send: 0, wait: 12.5, receive: 0, ssl: -1 },
    ...overrides,
  }
}

function har(...entries: unknown[]) {
  return { log: { version: '1.2', creator: { name: 'test', version: '1' }, entries } }
}

function thrown(run: () => unknown): { code: string; message: string; hint?: string } {
  try {
    run()
  } catch (error) {
    if (isParallaxError(error)) return { code: error.code, message: error.message, hint: error.hint }
    throw error
  }
  throw new Error('expected a ParallaxError')
}

describe('recordingsFromHar: import', () => {
  it('recordingsFromHar: an entry becomes a recording of its exchange, with meta from the host and a stable id', () => {
    const first = recordingsFromHar(har(entry()))
    expect(first.skipped).toEqual([])
    const [recording] = first.recordings
    expect(recording).toStrictEqual({
      id: expect.stringMatching(/^har-[0-9a-f]{16}$/),
      recordedAt: '2026-11-24T08:00:00.000Z',
      meta: { service: 'shop.example', environment: 'imported' },
      inbound: {
        request: {
          method: 'GET',
          url: 'https://shop.example/cart?id=7',
          headers: [['accept', 'application/json']],
        },
        response: {
          status: 200,
          statusText: 'OK',
          headers: [['content-type', 'application/json']],
          body: bodyFromBytes(Buffer.from('{"ok":1}\n')),
        },
        startedAtMs: 0,
        durationMs: 12.5,
      },
      outbound: [],
      nondeterminism: { clock: [], random: [], uuids: [] },
    })
    expect(recordingsFromHar(har(entry())).recordings[0]!.id).toBe(recording!.id)
    const named = recordingsFromHar(har(entry()), { service: 'cart', environment: 'staging' })
    expect(named.recordings[0]!.meta).toEqual({ service: 'cart', environment: 'staging' })
  })

  it('recordingsFromHar: identical entries get distinct ids', () => {
    const ids = recordingsFromHar(har(entry(), entry(), entry())).recordings.map((r) => r.id)
    expect(new Set(ids).size).toBe(3)
    expect(ids[1]).toBe(`${ids[0]}-2`)
  })

  it('recordingsFromHar: tolerates missing optional fields, -1 and null sizes, custom fields, empty timings', () => {
    const sparse = {
      startedDateTime: '2026-11-24T09:00:00.000+01:00',
      _priority: 'High',
      request: { method: 'GET', url: 'http://127.0.0.1:4010/x', headersSize: null, _custom: [[[]]] },
      response: { status: 204, content: { mimeType: 'x-unknown', size: -1, compression: -10 } },
      timings: { blocked: 3, dns: -1, wait: 4.5, _queued: 1 },
    }
    const { recordings, skipped } = recordingsFromHar(har(sparse))
    expect(skipped).toEqual([])
    expect(recordings[0]).toMatchObject({
      recordedAt: '2026-11-24T08:00:00.000Z',
      meta: { service: '127.0.0.1' },
      inbound: { request: { headers: [] }, response: { status: 204, headers: [] }, durationMs: 7.5 },
    })
    expect(recordings[0]!.inbound.response.body).toBeUndefined()
    expect(recordings[0]!.inbound.response.statusText).toBeUndefined()
  })

  it('recordingsFromHar: request bodies from postData text, base64, and urlencoded params', () => {
    const post = (postData: unknown) =>
      entry({ request: { method: 'POST', url: 'https://a.example/form', headers: [], postData } })
    const { recordings, skipped } = recordingsFromHar(
      har(
        post({ mimeType: 'application/json', text: '{"q":"é"}' }),
        post({
          mimeType: 'application/octet-stream',
          text: Buffer.from([0, 255, 1]).toString('base64'),
          encoding: 'base64',
        }),
        post({
          mimeType: 'application/x-www-form-urlencoded',
          params: [{ name: 'a b', value: 'c&d' }, { name: 'e' }],
        }),
        post({ mimeType: 'multipart/form-data; boundary=x', params: [{ name: 'file', fileName: 'a.txt' }] }),
        post({ mimeType: '', text: '' }),
      ),
    )
    expect(skipped).toEqual([])
    const bodies = recordings.map((r) => r.inbound.request.body)
    expect(bodyBytes(bodies[0]).toString()).toBe('{"q":"é"}')
    expect(bodies[1]).toMatchObject({ encoding: 'base64', size: 3 })
    expect([...bodyBytes(bodies[1])]).toEqual([0, 255, 1])
    expect(bodyBytes(bodies[2]).toString()).toBe('a%20b=c%26d&e=')
    expect(bodies[3]).toBeUndefined()
    expect(bodies[4]).toBeUndefined()
  })

  it('recordingsFromHar: headers keep their order and repeats; array values (Polly.JS 1.x) become repeated headers', () => {
    const headers = [
      { name: 'Set-Cookie', value: 'a=1' },
      { name: 'x-a', value: 'first' },
      { name: 'set-cookie', value: ['b=2', 'c=3'] },
      { name: 'X-A', value: 42 },
    ]
    const { recordings } = recordingsFromHar(
      har(entry({ response: { status: 200, headers, content: { size: 0, mimeType: '' } } })),
    )
    expect(recordings[0]!.inbound.response.headers).toEqual([
      ['Set-Cookie', 'a=1'],
      ['x-a', 'first'],
      ['set-cookie', 'b=2'],
      ['set-cookie', 'c=3'],
      ['X-A', '42'],
    ])
  })

  it('recordingsFromHar: a content-encoded body is kept decoded with contentEncoding, whether HAR holds it decoded or (as base64) still encoded', () => {
    const json = '{"items":[1,2,3]}'
    const response = (content: unknown) =>
      entry({ response: { status: 200, headers: [{ name: 'Content-Encoding', value: 'gzip' }], content } })
    const { recordings } = recordingsFromHar(
      har(
        response({ size: json.length, compression: 20, mimeType: 'application/json', text: json }),
        response({
          size: 37,
          mimeType: 'application/json',
          text: gzipSync(json).toString('base64'),
          encoding: 'base64',
        }),
      ),
    )
    for (const recording of recordings) {
      expect(recording.inbound.response.body).toStrictEqual({
        ...bodyFromBytes(Buffer.from(json)),
        contentEncoding: 'gzip',
      })
    }
  })

  it('recordingsFromHar: a bad entry is skipped with its reason and the others import', () => {
    const good = entry()
    const result = recordingsFromHar(
      har(
        good,
        entry({ startedDateTime: 'yesterday' }),
        entry({ response: { statusText: 'OK' } }),
        entry({ request: { method: 'GET', url: '/relative' } }),
        entry({
          response: { status: 200, content: { size: 1, mimeType: '', text: '#!', encoding: 'base64' } },
        }),
        'not an entry',
        entry({
          request: {
            method: 'GET',
            url: 'https://a.example/',
            headers: Array(1001).fill({ name: 'x', value: 'y' }),
          },
        }),
      ),
    )
    expect(result.entries).toBe(7)
    expect(result.recordings).toHaveLength(1)
    expect(result.skipped.map(({ index, reason }) => `${index}: ${reason}`)).toMatchInlineSnapshot(`
      [
        "1: startedDateTime is not a date",
        "2: response.status is missing (expected number)",
        "3: request.url is not an absolute URL",
        "4: response.content.text is not base64",
        "5: it is a string, expected object",
        "6: request.headers is too big (at most 1000 items)",
      ]
    `)
    expect(result.skipped[1]).toMatchObject({ method: 'GET', url: 'https://shop.example/cart?id=7' })
  })

  it('recordingsFromHar: a file that is not HAR is PARALLAX_RECORDING_INVALID with a hint', () => {
    expect(thrown(() => recordingsFromHar({ a: 1 }, { source: 'x.json' }))).toMatchInlineSnapshot(`
      {
        "code": "PARALLAX_RECORDING_INVALID",
        "hint": "Pass a HAR 1.2 file, e.g. one saved from the browser's DevTools (Network → Save all as HAR), Charles, Insomnia, mitmproxy or Polly.JS.",
        "message": "Failed to import HAR x.json: it is not a HAR 1.2 file (log is missing (expected object)).",
      }
    `)
    expect(thrown(() => recordingsFromHar({ log: { entries: {} } })).message).toBe(
      'Failed to import HAR the HAR file: it is not a HAR 1.2 file (log.entries is an object, expected array).',
    )
    expect(thrown(() => recordingsFromHar([])).message).toContain('it is an array, expected object')
    const tooMany = { log: { entries: { length: HAR_LIMITS.entries + 1 } } }
    tooMany.log.entries = Array.from(tooMany.log.entries)
    expect(thrown(() => recordingsFromHar(tooMany)).message).toContain(
      `log.entries is too big (at most ${HAR_LIMITS.entries} items)`,
    )
  })

  it('recordingsFromHar: an entry of a parallax export whose recording is incomplete or malformed is skipped', () => {
    const exported = harFromRecordings([greetingRecording('ada'), greetingRecording('bob')], { pages: false })
    const [adaInbound, adaOutbound, bobInbound, bobOutbound] = exported.log.entries
    const broken = structuredClone(bobInbound!) as unknown as { _parallax: Record<string, unknown> }
    broken._parallax['version'] = 2
    const result = recordingsFromHar({ log: { entries: [adaInbound, bobOutbound, broken, adaInbound] } })
    expect(result.recordings).toEqual([])
    expect(result.skipped.map(({ index, reason }) => `${index}: ${reason}`)).toMatchInlineSnapshot(`
      [
        "0: recording greet-ada has 0 of its 1 outbound entries in this file",
        "1: recording greet-bob has no inbound entry in this file",
        "2: _parallax.version must be 1",
        "3: it repeats the inbound entry of recording greet-ada (entry 0)",
      ]
    `)
    const whole = recordingsFromHar({ log: { entries: [bobOutbound, adaOutbound, bobInbound, adaInbound] } })
    expect(whole.skipped).toEqual([])
    expect(whole.recordings.map((r) => r.id)).toEqual(['greet-bob', 'greet-ada'])
  })

  it('recordingsFromHar: a checkpoint nested deeper than the limit is refused without recursion', () => {
    const recording = greetingRecording('ada', { checkpoints: [{ name: 'deep', value: null }] })
    const exported = harFromRecordings([recording])
    let deep: unknown = 'leaf'
    for (let i = 0; i < 100_000; i++) deep = [deep]
    const inbound = exported.log.entries[0]!
    inbound._parallax!.checkpoints = [{ name: 'deep', value: deep }]
    const { skipped } = recordingsFromHar(exported)
    expect(skipped[0]?.reason).toBe(
      `a checkpoint of recording greet-ada nests deeper than ${HAR_LIMITS.maxDepth} levels`,
    )
  })
})

describe('parseHarText and readHarFile: untrusted files', () => {
  it('parseHarText: not JSON, empty, not UTF-8 or too deep is PARALLAX_RECORDING_INVALID saying what to do', () => {
    expect(thrown(() => parseHarText('{"log": ', 'a.har')).message).toMatch(
      /^Failed to import HAR a\.har: it is not JSON \(.+\)\.$/,
    )
    expect(thrown(() => parseHarText('  \n', 'a.har')).message).toBe(
      'Failed to import HAR a.har: it is empty.',
    )
    expect(thrown(() => parseHarText(new Uint8Array([0x7b, 0xff, 0x7d]), 'a.har')).message).toBe(
      'Failed to import HAR a.har: it is not UTF-8 text.',
    )
    const deep = '['.repeat(1_000_000) + ']'.repeat(1_000_000)
    expect(thrown(() => parseHarText(deep, 'a.har'))).toMatchObject({
      code: 'PARALLAX_RECORDING_INVALID',
      message: `Failed to import HAR a.har: it nests deeper than ${HAR_LIMITS.maxDepth} levels, which no HAR producer writes.`,
    })
    expect(parseHarText('\uFEFF{"log":{"entries":[]}}')).toEqual({ log: { entries: [] } })
  })

  it('readHarFile: a missing file is PARALLAX_NOT_FOUND; a file past the size bound is refused before it is read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parallax-har-'))
    await expect(readHarFile(join(dir, 'nope.har'))).rejects.toMatchObject({
      code: 'PARALLAX_NOT_FOUND',
      message: `Failed to read HAR ${join(dir, 'nope.har')}: no such file.`,
    })
    const huge = join(dir, 'huge.har')
    await writeFile(huge, '')
    await truncate(huge, HAR_LIMITS.maxBytes + 1)
    await expect(readHarFile(huge)).rejects.toMatchObject({
      code: 'PARALLAX_RECORDING_INVALID',
      message: `Failed to import HAR ${huge}: it is ${HAR_LIMITS.maxBytes + 1} bytes, more than the ${HAR_LIMITS.maxBytes} a HAR file may be.`,
      hint: 'Split the capture into smaller HAR files (e.g. one per page or test) and import each.',
    })
  })
})
