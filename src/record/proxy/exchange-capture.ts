/**
 * The capture of one proxied exchange: a bounded tee on both bodies (the first `maxBodyBytes` kept, size,
 * SHA-256 and chunk timeline over every byte) that turns into the inbound {@link Exchange} the client saw.
 */
import type { ServerResponse } from 'node:http'
import { exchangeFromParts } from '../../recording/recording-parts.ts'
import type { Exchange, HeaderList } from '../../recording/types.ts'
import { roundMs } from '../byte-collector.ts'
import {
  headerListFromBlock,
  headerListFromOutgoing,
  headerValue,
  serializedHeaderBlock,
} from '../header-list.ts'
import { realSources } from '../real-sources.ts'
import { type BodyTee, createBodyTee } from './body-tee.ts'

/**
 * Observes one exchange as it streams through the proxy; every method is cheap and never throws for
 * well-formed input (the caller still guards it: a capture failure must not touch the proxied bytes).
 * @example
 * const capture = startExchangeCapture({ method: 'GET', url, requestHeaders, maxBodyBytes: 1 << 20 })
 * capture.responseStart(); capture.responseData(chunk)
 * const inbound = capture.exchange(res, undefined)
 */
export interface ExchangeCapture {
  /** ISO time the request arrived. */
  recordedAt(): string
  requestData(piece: Uint8Array): void
  /** The target's response head arrived: chunk offsets count from here. */
  responseStart(): void
  responseData(piece: Uint8Array): void
  /**
   * The exchange as the client saw it: its request as it sent it, the response head the proxy wrote
   * (`status` 0 and no headers when none was), the bodies decoded when they carried a Content-Encoding.
   */
  exchange(res: ServerResponse, incomplete: string | undefined): Exchange
}

/**
 * Options of {@link startExchangeCapture}.
 * @example const options: ExchangeCaptureOptions = { method: 'POST', url: 'http://127.0.0.1:3000/q', requestHeaders: [], maxBodyBytes: 1024 }
 */
export interface ExchangeCaptureOptions {
  method: string
  /** The URL recorded for the request (the target's origin and the client's path). */
  url: string
  /** The client's raw request headers, unredacted (redaction runs on the whole recording later). */
  requestHeaders: HeaderList
  maxBodyBytes: number
}

/**
 * Starts capturing one exchange at the moment its request arrived.
 * @example const capture = startExchangeCapture({ method: req.method, url, requestHeaders, maxBodyBytes })
 */
export function startExchangeCapture(options: ExchangeCaptureOptions): ExchangeCapture {
  const arrivedAtMs = realSources.monotonicMs()
  const arrivedAt = realSources.now()
  // Made on the first byte: most requests have no body.
  let requestBody: BodyTee | undefined
  let responseBody: BodyTee | undefined
  let responseStartedAt: number | undefined
  return {
    recordedAt: () => new realSources.Date(arrivedAt).toISOString(),
    requestData(piece) {
      requestBody ??= createBodyTee(options.maxBodyBytes)
      requestBody.add(piece, realSources.monotonicMs())
    },
    responseStart() {
      responseStartedAt = realSources.monotonicMs()
    },
    responseData(piece) {
      responseBody ??= createBodyTee(options.maxBodyBytes)
      responseBody.add(piece, realSources.monotonicMs())
    },
    exchange(res, incomplete) {
      const endedAt = realSources.monotonicMs()
      const headers = res.headersSent ? sentHeaders(res) : []
      const body = responseBody?.body(headerValue(headers, 'content-encoding'))
      return exchangeFromParts({
        request: {
          method: options.method,
          url: options.url,
          headers: options.requestHeaders,
          body: requestBody?.body(headerValue(options.requestHeaders, 'content-encoding')),
        },
        response: {
          status: res.headersSent ? res.statusCode : 0,
          statusText: res.headersSent ? res.statusMessage : undefined,
          headers,
          body,
          chunks: responseBody?.chunks(responseStartedAt ?? arrivedAtMs, body),
          incomplete,
        },
        startedAtMs: 0,
        durationMs: roundMs(endedAt - arrivedAtMs),
      })
    },
  }
}

/** The response head exactly as Node serialized it for the client, Date and Connection included. */
function sentHeaders(res: ServerResponse): HeaderList {
  const block = serializedHeaderBlock(res)
  return block === undefined ? headerListFromOutgoing(res) : headerListFromBlock(block)
}
