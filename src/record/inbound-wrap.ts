/**
 * The inbound side: wraps a node:http request handler so each request it serves becomes one
 * recording, and enters the async context that ties outbound calls and nondeterministic reads to it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Exchange, HeaderList, RecordedResponse } from '../recording/types.ts'
import { createByteCollector, roundMs, toBytes } from './byte-collector.ts'
import {
  headerListFromBlock,
  headerListFromOutgoing,
  headerListFromRaw,
  headerValue,
  serializedHeaderBlock,
} from './header-list.ts'
import { realSources } from './real-sources.ts'
import type { Capture, RecorderRuntime } from './recorder-runtime.ts'
import { wrapInstanceMethod } from './wrap-instance-method.ts'

/**
 * A node:http request handler, as `createServer` takes it.
 * @example const handler: InboundHandler = (req, res) => res.end('ok')
 */
export type InboundHandler<R = void> = (req: IncomingMessage, res: ServerResponse) => R

/**
 * Wraps a request handler so the requests it serves are recorded.
 * @example createServer(recorder.wrap(handler))
 */
export type InboundWrap = <R>(handler: InboundHandler<R>) => InboundHandler<R>

/**
 * Receives a finished inbound exchange together with the capture it belongs to; `inbound` is undefined
 * when building it failed (the failure is reported separately), so every capture is settled once.
 */
export type InboundSink = (capture: Capture, inbound: Exchange | undefined) => void

/**
 * Starts capturing one arriving request (or decides not to: undefined). Called by the handler wrap and
 * the server diagnostics channel alike; a request both see is begun once.
 * @example const capture = begin(req, res)
 */
export type InboundBegin = (req: IncomingMessage, res: ServerResponse) => Capture | undefined

/**
 * Creates the `wrap` of a recorder: the handler runs unchanged, inside the request's capture context.
 * A request the server channel already began runs in the context that channel entered.
 * @example const server = createServer(createInboundWrap(runtime, begin)(handler))
 */
export function createInboundWrap(runtime: RecorderRuntime, begin: InboundBegin): InboundWrap {
  return (handler) => (req, res) => {
    if (isBegun(req)) return handler(req, res)
    const capture = begin(req, res)
    if (capture === undefined) return handler(req, res)
    return runtime.storage.run(capture, () => handler(req, res))
  }
}

const BEGUN = Symbol('parallax.inbound.begun')

/**
 * Marks a request as handled by the recorder (captured or deliberately not); true when it already was.
 * @example if (markBegun(req)) return
 */
export function markBegun(req: IncomingMessage): boolean {
  const marked = req as unknown as Record<symbol, boolean>
  if (marked[BEGUN] === true) return true
  marked[BEGUN] = true
  return false
}

function isBegun(req: IncomingMessage): boolean {
  return (req as unknown as Record<symbol, boolean>)[BEGUN] === true
}

/**
 * Captures one request: observes its body, the response's writes and its end, and hands the finished
 * exchange to `sink`. Throws only if the request objects cannot be observed at all.
 * @example const capture = runtime.guarded(() => beginInbound(runtime, sink, req, res))
 */
export function beginInbound(
  runtime: RecorderRuntime,
  sink: InboundSink,
  req: IncomingMessage,
  res: ServerResponse,
): Capture {
  const arrivedAtMs = realSources.monotonicMs()
  const capture: Capture = {
    arrivedAtMs,
    recordedAt: new realSources.Date(realSources.now()).toISOString(),
    finished: false,
    outbound: [],
    nondeterminism: { clock: [], random: [], uuids: [] },
  }
  const requestHeaders = headerListFromRaw(req.rawHeaders)
  const url = inboundUrl(req)
  const method = req.method ?? 'GET'
  const requestBody = createByteCollector(runtime.maxBodyBytes)
  const responseBody = createByteCollector(runtime.maxBodyBytes)
  let responseStartedAt: number | undefined

  // The parser hands every body piece to `push`: observing it there sees exactly what the app can
  // read, without adding a 'data' listener that would switch the stream to flowing mode.
  wrapInstanceMethod(
    req,
    'push',
    (push) =>
      function (this: IncomingMessage, ...args: unknown[]) {
        runtime.observe(() => {
          const bytes = toBytes(args[0], args[1])
          if (bytes !== undefined) requestBody.add(bytes, realSources.monotonicMs())
        })
        return push.apply(this, args)
      },
  )
  // Listeners of the request's and response's events (a body read with req.on('data'), a 'drain')
  // run in the socket's context, not the handler's: run them in the request's context.
  for (const emitter of [req, res]) {
    wrapInstanceMethod(
      emitter,
      'emit',
      (emit) =>
        function (this: unknown, ...args: unknown[]) {
          return runtime.storage.run(capture, () => emit.apply(this, args))
        },
    )
  }
  const observeWrite = (chunk: unknown, encoding: unknown) => {
    runtime.observe(() => {
      if (res.writableEnded || method === 'HEAD') return
      const now = realSources.monotonicMs()
      responseStartedAt ??= now
      const bytes = toBytes(chunk, encoding)
      if (bytes !== undefined) responseBody.add(bytes, now)
    })
  }
  wrapInstanceMethod(
    res,
    'write',
    (write) =>
      function (this: ServerResponse, ...args: unknown[]) {
        observeWrite(args[0], args[1])
        return write.apply(this, args)
      },
  )
  wrapInstanceMethod(
    res,
    'end',
    (end) =>
      function (this: ServerResponse, ...args: unknown[]) {
        if (typeof args[0] !== 'function') observeWrite(args[0], args[1])
        return end.apply(this, args)
      },
  )

  let done = false
  const finish = (incomplete: string | undefined) => {
    if (done) return
    done = true
    runtime.observe(() => {
      let inbound: Exchange | undefined
      try {
        inbound = buildInbound(incomplete)
      } finally {
        sink(capture, inbound)
      }
    })
  }
  const buildInbound = (incomplete: string | undefined): Exchange => {
    const endedAt = realSources.monotonicMs()
    const sentHeaders = responseHeaders(res)
    const response: RecordedResponse = { status: res.statusCode, headers: runtime.redact(sentHeaders) }
    if (res.statusMessage) response.statusText = res.statusMessage
    const body = responseBody.body(headerValue(sentHeaders, 'content-encoding'))
    if (body !== undefined) response.body = body
    const chunks = responseBody.chunks(responseStartedAt ?? arrivedAtMs, body)
    if (chunks !== undefined) response.chunks = chunks
    if (incomplete !== undefined) response.incomplete = incomplete
    const inbound: Exchange = {
      request: { method, url, headers: runtime.redact(requestHeaders) },
      response,
      startedAtMs: 0,
      durationMs: roundMs(endedAt - arrivedAtMs),
    }
    const received = requestBody.body(headerValue(requestHeaders, 'content-encoding'))
    if (received !== undefined) inbound.request.body = received
    return inbound
  }
  res.once('finish', () => finish(undefined))
  res.once('close', () => {
    if (!res.writableFinished) finish('aborted: the connection closed before the response finished')
  })
  return capture
}

function inboundUrl(req: IncomingMessage): string {
  const encrypted = (req.socket as { encrypted?: boolean } | null)?.encrypted === true
  const host = req.headers.host ?? `${req.socket?.localAddress ?? 'localhost'}:${req.socket?.localPort ?? ''}`
  return `${encrypted ? 'https' : 'http'}://${host}${req.url ?? '/'}`
}

function responseHeaders(res: ServerResponse): HeaderList {
  const block = serializedHeaderBlock(res)
  return block === undefined ? headerListFromOutgoing(res) : headerListFromBlock(block)
}
