/**
 * The recorder's model of one outbound call, fed by whichever client hook saw it (undici's dispatcher
 * or node:http's diagnostics channels) and turned into an {@link Exchange} when the recording is emitted.
 */
import type { Exchange, HeaderList, RecordedResponse } from '../recording/types.ts'
import { createByteCollector, roundMs } from './byte-collector.ts'
import { headerValue } from './header-list.ts'
import { realSources } from './real-sources.ts'
import type { Capture, OutboundCapture, RecorderRuntime } from './recorder-runtime.ts'

/** The events a client hook reports for one outbound call. */
export interface OutboundExchange extends OutboundCapture {
  /** Sets what is learned after the start: node:http serializes its headers when it sends them. */
  updateRequest(update: { url?: string; headers?: HeaderList }): void
  requestData(piece: Uint8Array): void
  responseStart(status: number, statusText: string | undefined, headers: HeaderList): void
  responseData(piece: Uint8Array): void
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
  const startedAt = realSources.monotonicMs()
  const requestBody = createByteCollector(runtime.maxBodyBytes)
  const responseBody = createByteCollector(runtime.maxBodyBytes)
  let requestHeaders = request.headers
  let requestUrl = request.url
  let response:
    | { status: number; statusText: string | undefined; headers: HeaderList; at: number }
    | undefined
  let endedAt: number | undefined
  let failure: string | undefined

  const call: OutboundExchange = {
    updateRequest(update) {
      if (update.url !== undefined) requestUrl = update.url
      if (update.headers !== undefined) requestHeaders = update.headers
    },
    requestData(piece) {
      requestBody.add(piece, realSources.monotonicMs())
    },
    responseStart(status, statusText, headers) {
      // Informational answers (100 Continue, 103 Early Hints) precede the real one: keep the last.
      response = { status, statusText, headers, at: realSources.monotonicMs() }
    },
    responseData(piece) {
      responseBody.add(piece, realSources.monotonicMs())
    },
    responseEnd() {
      endedAt ??= realSources.monotonicMs()
    },
    fail(reason) {
      if (endedAt !== undefined) return
      failure = reason
      endedAt = realSources.monotonicMs()
    },
    snapshot(reason) {
      const end = endedAt ?? realSources.monotonicMs()
      const incomplete = failure ?? (endedAt === undefined ? reason : undefined)
      const recordedResponse: RecordedResponse = {
        status: response?.status ?? 0,
        headers: runtime.redact(response?.headers ?? []),
      }
      if (response?.statusText) recordedResponse.statusText = response.statusText
      const body = responseBody.body(headerValue(response?.headers ?? [], 'content-encoding'))
      if (body !== undefined) recordedResponse.body = body
      const chunks = responseBody.chunks(response?.at ?? startedAt, body)
      if (chunks !== undefined) recordedResponse.chunks = chunks
      if (incomplete !== undefined) recordedResponse.incomplete = incomplete
      const exchange: Exchange = {
        request: { method: request.method, url: requestUrl, headers: runtime.redact(requestHeaders) },
        response: recordedResponse,
        startedAtMs: roundMs(startedAt - capture.arrivedAtMs),
        durationMs: roundMs(end - startedAt),
      }
      const sent = requestBody.body(headerValue(requestHeaders, 'content-encoding'))
      if (sent !== undefined) exchange.request.body = sent
      return exchange
    },
  }
  capture.outbound.push(call)
  return call
}

/**
 * The reason kept in a recording for a call that did not finish.
 * @example reasonOf(new Error('socket hang up')) // 'Error: socket hang up'
 */
export function reasonOf(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`
  return String(error)
}
