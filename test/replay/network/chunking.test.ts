/**
 * A streamed response replays in production's chunk sizes, and a broken or truncated one fails as recorded.
 */
import http from 'node:http'
import { Writable } from 'node:stream'
import { request as undiciRequest, stream as undiciStream } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { exchange, recordingWith, type ServedNetwork, serve, UPSTREAM } from './network-fixtures.ts'

let served: ServedNetwork | undefined
afterEach(() => {
  served?.patches.restore()
  served = undefined
})

const streamed = () =>
  exchange({
    url: `${UPSTREAM}/stream`,
    headers: [['content-type', 'text/event-stream']],
    body: 'data: one\n\ndata: two\n\ndata: three\n\n',
    chunks: [11, 5, 6, 13],
  })

async function fetchChunkSizes(url: string): Promise<number[]> {
  const response = await fetch(url)
  const reader = response.body!.getReader()
  const sizes: number[] = []
  for (let read = await reader.read(); !read.done; read = await reader.read())
    sizes.push(read.value.byteLength)
  return sizes
}

describe('serveFromRecording: chunking', () => {
  it('serveFromRecording: global fetch reads the body in the recorded chunk sizes', async () => {
    served = serve(recordingWith([streamed()]))
    expect(await fetchChunkSizes(`${UPSTREAM}/stream`)).toEqual([11, 5, 6, 13])
  })

  it('serveFromRecording: node:http emits the body in the recorded chunk sizes', async () => {
    served = serve(recordingWith([streamed()]))
    const sizes = await new Promise<number[]>((resolve, reject) => {
      http
        .get(`${UPSTREAM}/stream`, (res) => {
          const seen: number[] = []
          res.on('data', (chunk: Buffer) => seen.push(chunk.byteLength))
          res.on('end', () => resolve(seen))
        })
        .on('error', reject)
    })
    expect(sizes).toEqual([11, 5, 6, 13])
  })

  it('serveFromRecording: a fetch reader that does promise work between reads still gets the recorded chunks', async () => {
    served = serve(recordingWith([streamed()]))
    const response = await fetch(`${UPSTREAM}/stream`)
    const sizes: number[] = []
    for await (const chunk of response.body!) {
      sizes.push(chunk.byteLength)
      for (let hop = 0; hop < 5; hop++) await Promise.resolve()
    }
    expect(sizes).toEqual([11, 5, 6, 13])
  })

  it('serveFromRecording: a fetch reader that waits for a timer between reads still gets every byte in order', async () => {
    served = serve(recordingWith([streamed()]))
    const response = await fetch(`${UPSTREAM}/stream`)
    const parts: string[] = []
    for await (const chunk of response.body!) {
      parts.push(Buffer.from(chunk).toString())
      await new Promise((resolve) => setTimeout(resolve, 1))
    }
    expect(parts.join('')).toBe('data: one\n\ndata: two\n\ndata: three\n\n')
  })

  it('serveFromRecording: a fetch reader that starts a turn late still gets the recorded chunks', async () => {
    served = serve(recordingWith([streamed()]))
    const response = await fetch(`${UPSTREAM}/stream`)
    await new Promise((resolve) => setImmediate(resolve))
    const reader = response.body!.getReader()
    const sizes: number[] = []
    for (let read = await reader.read(); !read.done; read = await reader.read())
      sizes.push(read.value.byteLength)
    expect(sizes).toEqual([11, 5, 6, 13])
  })

  it('serveFromRecording: undici.stream, which never pulls, writes the recorded chunks', async () => {
    served = serve(recordingWith([streamed()]))
    const sizes: number[] = []
    await undiciStream(
      `${UPSTREAM}/stream`,
      { method: 'GET' },
      () =>
        new Writable({
          write(chunk: Buffer, _encoding, callback) {
            sizes.push(chunk.byteLength)
            callback()
          },
        }),
    )
    expect(sizes).toEqual([11, 5, 6, 13])
  })

  it('serveFromRecording: undici.request body iterated chunk by chunk gives the recorded chunk sizes', async () => {
    served = serve(recordingWith([streamed()]))
    const { body } = await undiciRequest(`${UPSTREAM}/stream`)
    const sizes: number[] = []
    for await (const chunk of body) sizes.push((chunk as Buffer).byteLength)
    expect(sizes).toEqual([11, 5, 6, 13])
  })

  it('serveFromRecording: undici.request delivers the recorded bytes of a chunked response', async () => {
    served = serve(recordingWith([streamed()]))
    const { body } = await undiciRequest(`${UPSTREAM}/stream`)
    expect(await body.text()).toBe('data: one\n\ndata: two\n\ndata: three\n\n')
  })

  it('serveFromRecording: an incomplete recorded stream ends with a stream error after its chunks', async () => {
    served = serve(
      recordingWith([
        exchange({ url: `${UPSTREAM}/broken`, body: 'abcdef', chunks: [2, 4], incomplete: 'upstream reset' }),
      ]),
    )
    const response = await fetch(`${UPSTREAM}/broken`)
    const reader = response.body!.getReader()
    const sizes: number[] = []
    const failure = await (async () => {
      try {
        for (let read = await reader.read(); !read.done; read = await reader.read())
          sizes.push(read.value.byteLength)
        return undefined
      } catch (error) {
        return error
      }
    })()
    expect(sizes).toEqual([2, 4])
    expect(String((failure as Error)?.message ?? failure)).toMatch(/terminated|upstream reset/)
    // The stream broke in production too: replaying that faithfully is not a replay failure.
    expect(served.errors).toEqual([])
  })

  it('serveFromRecording: a stream that broke before its first byte fails the reader, never hangs it', async () => {
    served = serve(
      recordingWith([
        exchange({
          url: `${UPSTREAM}/reset`,
          headers: [['content-length', '0']],
          incomplete: 'reset at once',
        }),
      ]),
    )
    const response = await fetch(`${UPSTREAM}/reset`)
    // Before the fix this read waited forever: the error went out before the body existed.
    await expect(response.text()).rejects.toThrow(/terminated|reset at once/)
    expect(served.errors).toEqual([])
  })

  it('serveFromRecording: a truncated recorded body fails the call, saying how many bytes were kept', async () => {
    served = serve(recordingWith([exchange({ url: `${UPSTREAM}/big`, body: '0123456789', truncateAt: 4 })]))
    await expect(fetch(`${UPSTREAM}/big`)).rejects.toThrow(TypeError)
    expect(served.errors.map((e) => e.message)).toEqual([
      `Failed to replay outbound call GET ${UPSTREAM}/big: recorded exchange #0 kept only 4 of 10 bytes of its response body.`,
    ])
    expect(served.calls).toEqual([expect.objectContaining({ matched: 0 })])
  })
})
