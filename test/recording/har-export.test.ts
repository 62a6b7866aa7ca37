/**
 * harFromRecordings: what a HAR viewer sees of a recording — entries for the inbound and every outbound
 * exchange, headers in order, binary bodies as base64, dates, timings — and that it is valid HAR 1.2.
 */
import { describe, expect, it } from 'vitest'
import packageJson from '../../package.json' with { type: 'json' }
import {
  bodyFromBytes,
  type HarEntry,
  harFromRecordings,
  isParallaxError,
  type Recording,
} from '../../src/recording/index.ts'
import { har12Schema } from '../fixtures/har/har-1.2-schema.ts'
import { greetingRecording } from '../support/recordings.ts'

function binaryRecording(): Recording {
  const recording = greetingRecording('ada')
  recording.inbound.request.headers = [
    ['content-type', 'application/octet-stream'],
    ['Cookie', 'sid=1; theme=dark'],
    ['x-trace', 'a'],
    ['X-Trace', 'b'],
  ]
  recording.inbound.request.body = bodyFromBytes(Buffer.from([0, 1, 254, 255]))
  recording.inbound.response = {
    status: 302,
    statusText: 'Found',
    headers: [
      ['Location', '/next'],
      ['set-cookie', 'a=1; Path=/'],
      ['set-cookie', 'b=2'],
      ['content-type', 'image/png'],
      ['content-encoding', 'gzip'],
    ],
    body: { ...bodyFromBytes(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff]), 4), contentEncoding: 'gzip' },
    incomplete: 'Error: socket hang up',
  }
  recording.inbound.durationMs = 5.25
  recording.outbound[0]!.startedAtMs = 1.5
  return recording
}

describe('harFromRecordings: export', () => {
  it('harFromRecordings: one entry per exchange, outbound ones marked and linked to their recording, one page per recording', () => {
    const har = harFromRecordings([greetingRecording('ada'), greetingRecording('bob')])
    expect(har.log.version).toBe('1.2')
    expect(har.log.creator).toEqual({ name: 'parallax', version: packageJson.version })
    expect(har.log.pages?.map((page) => [page.id, page.title])).toEqual([
      ['greet-ada', 'POST http://greeter.invalid/greet'],
      ['greet-bob', 'POST http://greeter.invalid/greet'],
    ])
    expect(
      har.log.entries.map((entry) => [
        entry.pageref,
        entry._parallax?.role,
        entry._parallax?.index,
        entry.request.url,
      ]),
    ).toEqual([
      ['greet-ada', 'inbound', 0, 'http://greeter.invalid/greet'],
      ['greet-ada', 'outbound', 0, 'http://upstream.invalid/greeting?name=ada'],
      ['greet-bob', 'inbound', 0, 'http://greeter.invalid/greet'],
      ['greet-bob', 'outbound', 0, 'http://upstream.invalid/greeting?name=bob'],
    ])
    expect(har.log.entries[1]!._parallax?.recording).toBe('greet-ada')
    expect(har12Schema.safeParse(har).error).toBeUndefined()
    const flat = harFromRecordings([greetingRecording('ada')], { pages: false })
    expect(flat.log.pages).toBeUndefined()
    expect(flat.log.entries[0]!.pageref).toBeUndefined()
    expect(har12Schema.safeParse(flat).error).toBeUndefined()
  })

  it('harFromRecordings: headers in order with repeats, cookies and query derived, binary bodies base64, dates from recordedAt + startedAtMs', () => {
    const har = harFromRecordings([binaryRecording()])
    expect(har12Schema.safeParse(har).error).toBeUndefined()
    const [inbound, outbound] = har.log.entries
    expect(inbound).toMatchObject({
      startedDateTime: '2026-11-24T08:00:00.000Z',
      time: 5.25,
      timings: { blocked: -1, dns: -1, connect: -1, send: 0, wait: 5.25, receive: 0, ssl: -1 },
      request: {
        method: 'POST',
        headers: [
          { name: 'content-type', value: 'application/octet-stream' },
          { name: 'Cookie', value: 'sid=1; theme=dark' },
          { name: 'x-trace', value: 'a' },
          { name: 'X-Trace', value: 'b' },
        ],
        cookies: [
          { name: 'sid', value: '1' },
          { name: 'theme', value: 'dark' },
        ],
        postData: { mimeType: 'application/octet-stream', text: 'AAH+/w==', _encoding: 'base64' },
        bodySize: 4,
      },
      response: {
        status: 302,
        statusText: 'Found',
        redirectURL: '/next',
        cookies: [
          { name: 'a', value: '1' },
          { name: 'b', value: '2' },
        ],
        content: {
          size: 5,
          mimeType: 'image/png',
          text: 'iVBORw==',
          encoding: 'base64',
          comment: 'truncated by parallax: 4 of 5 bytes kept',
        },
        bodySize: -1,
        _error: 'Error: socket hang up',
      },
    })
    expect(inbound!._parallax?.responseBody).toMatchObject({
      size: 5,
      truncated: true,
      contentEncoding: 'gzip',
    })
    expect(outbound).toMatchObject({
      startedDateTime: '2026-11-24T08:00:00.001Z',
      request: { method: 'GET', queryString: [{ name: 'name', value: 'ada' }], bodySize: 0 },
      response: { content: { mimeType: 'application/json', text: '{"greeting":"hello"}' } },
    })
    expect(outbound!.request.postData).toBeUndefined()
    expect(outbound!._parallax).toStrictEqual({
      version: 1,
      recording: 'greet-ada',
      role: 'outbound',
      index: 0,
      startedAtMs: 1.5,
      durationMs: 2,
      responseBody: {
        size: 20,
        sha256: bodyFromBytes(Buffer.from('{"greeting":"hello"}')).sha256,
      },
    })
  })

  it('harFromRecordings: two recordings with one id are refused with PARALLAX_USAGE', () => {
    let error: unknown
    try {
      harFromRecordings([greetingRecording('ada'), greetingRecording('ada')])
    } catch (caught) {
      error = caught
    }
    expect(isParallaxError(error, 'PARALLAX_USAGE')).toBe(true)
    expect((error as Error).message).toBe('Failed to export HAR: two recordings have the id "greet-ada".')
  })

  it('har12Schema: the schema test is not vacuous — it refuses what HAR 1.2 does not allow', () => {
    const valid = harFromRecordings([greetingRecording('ada')])
    const accepts = (change: (entry: HarEntry) => void) => {
      const copy = structuredClone(valid)
      change(copy.log.entries[0]!)
      return har12Schema.safeParse(copy).success
    }
    expect(accepts(() => {})).toBe(true)
    expect(accepts((entry) => Reflect.set(entry.request.postData!, 'encoding', 'base64'))).toBe(false)
    expect(accepts((entry) => Reflect.deleteProperty(entry, 'timings'))).toBe(false)
    expect(accepts((entry) => Reflect.set(entry, 'time', 99))).toBe(false)
    expect(accepts((entry) => Reflect.set(entry, 'startedDateTime', 'yesterday'))).toBe(false)
    expect(accepts((entry) => Reflect.set(entry, 'pageref', 'nope'))).toBe(false)
    expect(accepts((entry) => Reflect.set(entry.response.content, 'size', 1.5))).toBe(false)
  })
})
