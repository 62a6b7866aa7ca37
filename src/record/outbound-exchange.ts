/**
 * The recorder's model of one outbound call, fed by whichever client hook saw it (undici's dispatcher
 * or node:http's diagnostics channels) and turned into an {@link Exchange} when the recording is emitted.
 */
import { exchangeFromParts } from '../recording/recording-parts.ts'
import type { Exchange, HeaderList } from '../recording/types.ts'
import { type ByteCollector, createByteCollector, roundMs } from './byte-collector.ts'
import { headerValue } from './header-list.ts'
import { realSources } from './real-sources.ts'
import type { Capture, OutboundCapture, RecorderRuntime } from './recorder-runtime.ts'

/** The events a client hook reports for one outbound call. */
export interface OutboundExchange extends OutboundCapture {
  /** Sets what is learned after the start: node:http serializes its headers when it sends them. */
  updateRequest(update: { url?: string; headers?: HeaderList }): void
  /** A piece of the request body as streams accept it (a string with its encoding, or bytes). */
  requestData(chunk: unknown, encoding?: unknown): void
  responseStart(status: number, statusText: string | undefined, headers: HeaderList): void
  /** A piece of the response body as it arrived (bytes, or a string with its encoding). */
  responseData(chunk: unknown, encoding?: unknown): void
  responseEnd(): void
  /** The call failed or was aborted; `reason` is kept in the recording. */
  fail(reason: string): void
}

/**
 * Starts recording an outbound call for `capture`, in the order calls are made.
 * @example const call = startOutboundExchange(runtime, capture, { method: 'GET', url, headers })
 */
export function startOutboundExchange(
  runtime: RecorderRuntime,
  capture: Capture,
  request: { method: string; url: string; headers: HeaderList },
): OutboundExchange {
  const call = new OutboundCall(runtime, capture, request)
  capture.outbound.push(call)
  return call
}

/** A class rather than an object of closures: one is made per outbound call, on the request path. */
class OutboundCall implements OutboundExchange {
  readonly #runtime: RecorderRuntime
  readonly #capture: Capture
  readonly #method: string
  readonly #startedAt: number
  #requestUrl: string
  #requestHeaders: HeaderList
  /** Made for the first piece: most requests have no body. */
  #requestBody: ByteCollector | undefined
  readonly #responseBody: ByteCollector
  #response: { status: number; statusText: string | undefined; headers: HeaderList; at: number } | undefined
  #endedAt: number | undefined
  #failure: string | undefined

  constructor(
    runtime: RecorderRuntime,
    capture: Capture,
    request: { method: string; url: string; headers: HeaderList },
  ) {
    this.#startedAt = realSources.monotonicMs()
    this.#runtime = runtime
    this.#capture = capture
    this.#method = request.method
    this.#requestUrl = request.url
    this.#requestHeaders = request.headers
    this.#responseBody = createByteCollector(runtime.maxBodyBytes)
  }

  updateRequest(update: { url?: string; headers?: HeaderList }): void {
    if (update.url !== undefined) this.#requestUrl = update.url
    if (update.headers !== undefined) this.#requestHeaders = update.headers
  }

  requestData(chunk: unknown, encoding?: unknown): void {
    this.#requestBody ??= createByteCollector(this.#runtime.maxBodyBytes)
    this.#requestBody.addChunk(chunk, encoding, realSources.monotonicMs())
  }

  responseStart(status: number, statusText: string | undefined, headers: HeaderList): void {
    if (this.#endedAt !== undefined) return
    // Informational answers (100 Continue, 103 Early Hints) precede the real one: keep the last.
    this.#response = { status, statusText, headers, at: realSources.monotonicMs() }
  }

  responseData(chunk: unknown, encoding?: unknown): void {
    if (this.#endedAt !== undefined) return
    this.#responseBody.addChunk(chunk, encoding, realSources.monotonicMs())
  }

  responseEnd(): void {
    this.#endedAt ??= realSources.monotonicMs()
  }

  fail(reason: string): void {
    if (this.#endedAt !== undefined) return
    this.#failure = reason
    this.#endedAt = realSources.monotonicMs()
  }

  ended(): boolean {
    return this.#endedAt !== undefined
  }

  snapshot(reason: string): Exchange {
    const startedAt = this.#startedAt
    const response = this.#response
    const end = this.#endedAt ?? realSources.monotonicMs()
    const incomplete = this.#failure ?? (this.#endedAt === undefined ? reason : undefined)
    const body = this.#responseBody.body(headerValue(response?.headers ?? [], 'content-encoding'))
    const requestHeaders = this.#requestHeaders
    return exchangeFromParts({
      request: {
        method: this.#method,
        url: this.#requestUrl,
        headers: requestHeaders,
        body: this.#requestBody?.body(headerValue(requestHeaders, 'content-encoding')),
      },
      response: {
        status: response?.status ?? 0,
        statusText: response?.statusText,
        headers: response?.headers ?? [],
        body,
        chunks: this.#responseBody.chunks(response?.at ?? startedAt, body),
        incomplete,
      },
      startedAtMs: roundMs(startedAt - this.#capture.arrivedAtMs),
      durationMs: roundMs(end - startedAt),
    })
  }
}

/**
 * The reason kept in a recording for a call that did not finish.
 * @example reasonOf(new Error('socket hang up')) // 'Error: socket hang up'
 */
export function reasonOf(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`
  return String(error)
}
