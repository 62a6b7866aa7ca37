/**
 * The inbound side: wraps a node:http request handler so each request it serves becomes one
 * recording, and enters the async context that ties outbound calls and nondeterministic reads to it.
 */
import type { EventEmitter } from 'node:events'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { exchangeFromParts } from '../recording/recording-parts.ts'
import type { Exchange, HeaderList, Nondeterminism } from '../recording/types.ts'
import { type ByteCollector, createByteCollector, roundMs } from './byte-collector.ts'
import {
  headerListFromBlock,
  headerListFromOutgoing,
  headerListFromRaw,
  headerValue,
  serializedHeaderBlock,
} from './header-list.ts'
import {
  type HttpMessageObserver,
  OBSERVER,
  type Observed,
  observeHttpMessages,
  settleObserved,
} from './http-message-hooks.ts'
import { realSources } from './real-sources.ts'
import type { Capture, OutboundCapture, RecorderRuntime } from './recorder-runtime.ts'
import type { AnyFunction } from './wrap-instance-method.ts'

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
 * Receives each finished capture once, as it finishes, with `build`, which makes its exchange from what
 * was captured (and may throw): the sink decides when to run it. Everything `build` reads was fixed when
 * the response finished.
 */
export type InboundSink = (capture: Capture, build: () => Exchange) => void

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
    return runtime.storage.run(capture, handler, req, res)
  }
}

/**
 * Marks a request as handled by the recorder (captured or deliberately not); true when it already was.
 * @example if (markBegun(req)) return
 */
export function markBegun(req: IncomingMessage): boolean {
  const marked = req as Observed
  if (marked[OBSERVER] !== undefined) return true
  marked[OBSERVER] = null
  return false
}

function isBegun(req: IncomingMessage): boolean {
  return (req as Observed)[OBSERVER] !== undefined
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
  const capture = new InboundCapture(runtime, sink, req, res)
  // Seen through the node:http message hooks: the parser hands every body piece to `push`, so the
  // capture sees exactly what the app can read, without a 'data' listener that would switch the
  // stream to flowing mode; `write` and `end` give the response as the app wrote it.
  observeHttpMessages(capture, req, res)
  return capture
}

const ABORTED = 'aborted: the connection closed before the response finished'

/** One request being recorded: its capture state, and the observer of its request and response. */
class InboundCapture implements Capture, HttpMessageObserver {
  readonly arrivedAtMs: number
  readonly recordedAt: string
  finished = false
  readonly outbound: OutboundCapture[] = []
  readonly nondeterminism: Nondeterminism = { clock: [], random: [], uuids: [] }
  readonly #runtime: RecorderRuntime
  readonly #sink: InboundSink
  readonly #res: ServerResponse
  readonly #method: string
  readonly #url: string
  readonly #requestHeaders: HeaderList
  /** Made for the first piece: most requests have no body. */
  #requestBody: ByteCollector | undefined
  readonly #responseBody: ByteCollector
  #responseStartedAt: number | undefined
  #done = false

  constructor(runtime: RecorderRuntime, sink: InboundSink, req: IncomingMessage, res: ServerResponse) {
    this.arrivedAtMs = realSources.monotonicMs()
    this.recordedAt = realSources.isoNow()
    this.#runtime = runtime
    this.#sink = sink
    this.#res = res
    this.#requestHeaders = headerListFromRaw(req.rawHeaders)
    this.#url = inboundUrl(req, this.#requestHeaders)
    this.#method = req.method ?? 'GET'
    this.#responseBody = createByteCollector(runtime.maxBodyBytes)
  }

  pushed(_message: IncomingMessage, chunk: unknown, encoding: unknown): void {
    if (chunk === null || chunk === undefined || this.#done) return
    // Collecting bytes reads no clock or randomness of the app's: no guard needed, only no throw.
    try {
      this.#requestBody ??= createByteCollector(this.#runtime.maxBodyBytes)
      this.#requestBody.addChunk(chunk, encoding, realSources.monotonicMs())
    } catch (error) {
      this.#runtime.report(error)
    }
  }

  written(_message: object, chunk: unknown, encoding: unknown, ending: boolean): void {
    // After the end (or an abort), nothing more is this recording's: it is built later from what was seen.
    if ((ending && typeof chunk === 'function') || this.#method === 'HEAD' || this.#done) return
    try {
      if (this.#res.writableEnded) return
      const now = realSources.monotonicMs()
      this.#responseStartedAt ??= now
      this.#responseBody.addChunk(chunk, encoding, now)
    } catch (error) {
      this.#runtime.report(error)
    }
  }

  emitting(message: EventEmitter, event: unknown): boolean {
    // Once recorded, nothing more is this request's: later events (Node's own `end` listener that
    // drains an unread request, a `close`) need not run in its context.
    if (this.#done) return false
    if (message === this.#res) {
      if (event === 'finish') {
        this.#finish(undefined)
        return false
      }
      if (event === 'close' && !this.#res.writableFinished) {
        this.#finish(ABORTED)
        return false
      }
    }
    // Listeners of the request's and response's events (a body read with req.on('data'), a 'drain')
    // run in the socket's context, not the handler's: they run in the request's, unless it is the
    // current one already or no listener waits.
    return this.#runtime.storage.getStore() !== this && message.listenerCount(event as string | symbol) > 0
  }

  emitted(message: EventEmitter, emit: AnyFunction, args: unknown[]): unknown {
    return this.#runtime.storage.run(this, Reflect.apply, emit, message, args)
  }

  #finish(incomplete: string | undefined): void {
    this.#done = true
    this.#runtime.observe(() => {
      // What may still change on the response is read now; the rest is built when the sink says. The
      // sink always hears of the capture, so that it is settled once: a failure here fails the build.
      let build: () => Exchange
      try {
        const res = this.#res
        const ended: Ended = {
          atMs: realSources.monotonicMs(),
          status: res.statusCode,
          statusText: res.statusMessage,
          headers: serializedHeaderBlock(res) ?? headerListFromOutgoing(res),
          incomplete,
        }
        build = () => this.#build(ended)
      } catch (error) {
        build = () => {
          throw error
        }
      }
      this.#sink(this, build)
    })
    settleObserved()
  }

  #build(ended: Ended): Exchange {
    const sentHeaders = typeof ended.headers === 'string' ? headerListFromBlock(ended.headers) : ended.headers
    const body = this.#responseBody.body(headerValue(sentHeaders, 'content-encoding'))
    const requestHeaders = this.#requestHeaders
    return exchangeFromParts({
      request: {
        method: this.#method,
        url: this.#url,
        headers: requestHeaders,
        body: this.#requestBody?.body(headerValue(requestHeaders, 'content-encoding')),
      },
      response: {
        status: ended.status,
        statusText: ended.statusText,
        headers: sentHeaders,
        body,
        chunks: this.#responseBody.chunks(this.#responseStartedAt ?? this.arrivedAtMs, body),
        incomplete: ended.incomplete,
      },
      startedAtMs: 0,
      durationMs: roundMs(ended.atMs - this.arrivedAtMs),
    })
  }
}

function inboundUrl(req: IncomingMessage, headers: HeaderList): string {
  const encrypted = (req.socket as { encrypted?: boolean } | null)?.encrypted === true
  const host =
    hostOf(req, headers) ?? `${req.socket?.localAddress ?? 'localhost'}:${req.socket?.localPort ?? ''}`
  return `${encrypted ? 'https' : 'http'}://${host}${req.url ?? '/'}`
}

/**
 * `req.headers.host`, read from the raw headers: `req.headers` is built on first read, and a recorder
 * that reads it builds it for every request, whether the app needed it or not.
 */
function hostOf(req: IncomingMessage, headers: HeaderList): string | undefined {
  let host: string | undefined
  for (const [name, value] of headers) {
    if (name.length !== 4 || name.toLowerCase() !== 'host') continue
    // Repeated (a request Node could join or drop): let Node say which.
    if (host !== undefined) return req.headers.host
    host = value
  }
  return host
}

/**
 * The response as it ended: its time, status and headers (the block Node sent, parsed only when the
 * exchange is built, or the list of a response that sent none).
 */
interface Ended {
  atMs: number
  status: number
  statusText: string | undefined
  headers: string | HeaderList
  incomplete: string | undefined
}
