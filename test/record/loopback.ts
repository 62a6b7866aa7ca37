/**
 * Loopback fixtures for the recorder tests: real HTTP servers on 127.0.0.1, port 0.
 */
import { once } from 'node:events'
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { expect } from 'vitest'
import { createRecorder, type Recorder, type RecorderOptions } from '../../src/record/index.ts'
import {
  createRecordingProxy,
  type RecordingProxyOptions,
} from '../../src/record/proxy/create-recording-proxy.ts'
import type { Recording } from '../../src/recording/types.ts'

/** A running loopback server. */
export interface Loopback extends AsyncDisposable {
  readonly url: string
}

/** Starts a node:http server on 127.0.0.1 with a free port. */
export async function startLoopback(handler: RequestListener): Promise<Loopback> {
  const server = createServer(handler)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    async [Symbol.asyncDispose]() {
      const closed = once(server, 'close')
      server.close()
      server.closeAllConnections()
      await closed
    },
  }
}

/** A recorder whose recordings land in an array, closed on dispose. */
export interface RecorderFixture extends Disposable {
  readonly recorder: Recorder
  readonly recordings: Recording[]
  readonly errors: unknown[]
  /** Waits until `count` recordings arrived and returns them. */
  settle(count?: number): Promise<Recording[]>
}

export function recorderFixture(options: Partial<RecorderOptions> = {}): RecorderFixture {
  const recordings: Recording[] = []
  const errors: unknown[] = []
  const recorder = createRecorder({
    service: 'svc',
    environment: 'test',
    onRecording: (recording) => recordings.push(recording),
    onError: (error) => errors.push(error),
    ...options,
  })
  return {
    recorder,
    recordings,
    errors,
    async settle(count = 1) {
      await expect.poll(() => recordings.length).toBeGreaterThanOrEqual(count)
      return recordings
    },
    [Symbol.dispose]() {
      recorder.close()
    },
  }
}

/** A dependency that streams `body` in `size`-byte writes, each flushed on its own turn of the event loop. */
export function streamingDependency(body: Buffer, size: number): RequestListener {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' })
    const next = (offset: number) => {
      if (res.destroyed) return
      if (offset >= body.byteLength) {
        res.end()
        return
      }
      res.write(body.subarray(offset, offset + size))
      setImmediate(next, offset + size)
    }
    next(0)
  }
}

/** Reads a request body fully. */
export async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/** Sends a JSON answer. */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(value))
}

/** The header value of a recorded header list (first match, case-insensitive). */
export function header(headers: Array<[string, string]>, name: string): string | undefined {
  return headers.find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1]
}

/** A proxy on 127.0.0.1 whose recordings land in an array; destroyed on dispose. */
export async function startProxy(target: string, options: Partial<RecordingProxyOptions> = {}) {
  const recordings: Recording[] = []
  const errors: unknown[] = []
  const proxy = createRecordingProxy({
    target,
    service: 'svc',
    environment: 'test',
    onRecording: (recording) => recordings.push(recording),
    onError: (error) => errors.push(error),
    ...options,
  })
  const { port } = await proxy.listen(0, '127.0.0.1')
  return {
    proxy,
    url: `http://127.0.0.1:${port}`,
    recordings,
    errors,
    async settle(count: number) {
      await expect.poll(() => recordings.length).toBe(count)
      return recordings
    },
    [Symbol.asyncDispose]: () => proxy.destroy(),
  }
}
