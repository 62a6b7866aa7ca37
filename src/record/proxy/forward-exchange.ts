/**
 * Forwards one client request to the target through undici and streams the answer back as it arrives:
 * the request body flows to the target as the client sends it, the response flows to the client chunk
 * by chunk, and a slow reader on either side pauses the other (no body is ever buffered whole).
 * The capture only watches the bytes go by; its failures are reported, never felt by the client.
 */
import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http'
import type { Dispatcher } from 'undici'
import type { ExchangeCapture } from './exchange-capture.ts'
import {
  type ClientHop,
  type HostHeaderMode,
  headerPairs,
  passedThrough,
  rawHeaderStrings,
  requestHeadersToTarget,
  responseHeadersToClient,
} from './proxy-headers.ts'

/**
 * How one exchange ended, handed to {@link ForwardContext.settle} once.
 * @example const outcome: ExchangeOutcome = { kind: 'answered', capture, res, incomplete: undefined }
 */
export interface ExchangeOutcome {
  /** `answered`: the target's response reached the client in full; otherwise who broke the exchange. */
  kind: 'answered' | 'target-failed' | 'client-aborted' | 'refused'
  capture: ExchangeCapture | undefined
  res: ServerResponse
  /** Why the exchange did not complete normally, recorded as the response's `incomplete`. */
  incomplete: string | undefined
}

/**
 * What every exchange of one proxy shares.
 * @example forwardExchange(context, req, res)
 */
export interface ForwardContext {
  readonly dispatcher: Dispatcher
  /** The target's TLS server name; see `ProxyTarget.servername`. */
  readonly servername: string | undefined
  readonly host: HostHeaderMode
  readonly forwarded: boolean
  /**
   * This proxy's name in the `Via` entry it adds (with `forwarded`); a request that already carries it
   * has come back through the target and is refused (508) instead of forwarded again.
   */
  readonly via: string | undefined
  /**
   * Counts (in the books, as filtered) and reports a request refused because it came back through the
   * target; `begin` is not called for it. Never throws.
   */
  looped(req: IncomingMessage): void
  /**
   * Starts the capture of a request whose origin-form path is `path`; undefined when it is not sampled
   * or the capture failed to start.
   */
  begin(req: IncomingMessage, path: string): ExchangeCapture | undefined
  /** Receives a capture failure; the exchange goes on uncaptured. Never throws. */
  captureFailed(error: unknown, req: IncomingMessage): void
  /** Called once when the exchange is over. Never throws. */
  settle(outcome: ExchangeOutcome): void
  /** The reason recorded for exchanges the proxy itself cut short (closing), if it is doing so. */
  shutdownReason(): string | undefined
}

const CLIENT_CLOSED = 'aborted: the client closed the connection before the response finished'

/**
 * Proxies one request; returns at once, the exchange goes on in callbacks.
 * @example server.on('request', (req, res) => forwardExchange(context, req, res))
 */
export function forwardExchange(context: ForwardContext, req: IncomingMessage, res: ServerResponse): void {
  const path = originFormPath(req.url)
  const via = context.forwarded ? context.via : undefined
  // A request that came back through the target is this proxy's own traffic: refused, never captured.
  const looped = path !== undefined && via !== undefined && passedThrough(req.rawHeaders, via)
  let capture = looped ? undefined : context.begin(req, path ?? '/')
  const observe = (fn: (live: ExchangeCapture) => void) => {
    if (capture === undefined) return
    try {
      fn(capture)
    } catch (error) {
      // A half-captured exchange would be a wrong recording: drop the capture, keep proxying.
      capture = undefined
      context.captureFailed(error, req)
    }
  }

  let controller: Dispatcher.DispatchController | undefined
  let clientGone = false
  let kind: ExchangeOutcome['kind'] = 'answered'
  let incomplete: string | undefined
  let settled = false
  const settle = () => {
    if (settled) return
    settled = true
    context.settle({ kind, capture, res, incomplete })
  }

  res.once('finish', settle)
  res.once('close', () => {
    if (!res.writableFinished) {
      clientGone = true
      if (kind === 'answered') {
        kind = 'client-aborted'
        incomplete = context.shutdownReason() ?? CLIENT_CLOSED
      }
      controller?.abort(new Error(incomplete))
    }
    settle()
    // The response ended before the request body did (an early answer, a failure): discard the rest
    // of the body so the connection can serve its next request.
    if (!req.complete && !req.destroyed) req.resume()
  })

  if (path === undefined) {
    refuse(400, `Bad Request: the request target ${JSON.stringify(req.url)} is not a path.\n`)
    return
  }
  if (looped) {
    context.looped(req)
    refuse(
      508,
      `Loop Detected: this request already passed through this proxy (Via: ${via}); the target leads back to it.\n`,
    )
    return
  }
  const headers = requestHeadersToTarget(req.rawHeaders, {
    host: context.host,
    forwarded: context.forwarded,
    hop: clientHop(req),
    ...(via !== undefined && { via }),
  })

  const handler: Dispatcher.DispatchHandler = {
    onRequestStart(started) {
      controller = started
      if (clientGone) started.abort(new Error(incomplete ?? CLIENT_CLOSED))
    },
    onResponseStart(started, statusCode, _parsed, statusMessage) {
      observe((live) => live.responseStart())
      const raw = Array.isArray(started.rawHeaders) ? rawHeaderStrings(started.rawHeaders) : []
      res.writeHead(statusCode, statusMessage || undefined, responseHeadersToClient(raw))
      // Send the head now unless body bytes follow in this same turn (then they leave together):
      // a streamed response (SSE) must reach the client before its first event does.
      setImmediate(flushHead, res)
    },
    onResponseData(started, chunk) {
      observe((live) => live.responseData(chunk))
      if (!res.write(chunk) && !started.paused) {
        started.pause()
        res.once('drain', () => started.resume())
      }
    },
    onResponseEnd(started) {
      const trailers = started.rawTrailers
      if (Array.isArray(trailers) && trailers.length > 0) {
        try {
          res.addTrailers(headerPairs(rawHeaderStrings(trailers)))
        } catch {
          // Trailers Node refuses to send are dropped; the body and its end still reach the client.
        }
      }
      res.end()
    },
    onResponseError(_started, error) {
      if (clientGone || res.destroyed) return
      kind = 'target-failed'
      incomplete = `target failed: ${reasonOf(error)}`
      if (!res.headersSent) {
        const timedOut = (error as { code?: unknown }).code === 'UND_ERR_HEADERS_TIMEOUT'
        const status = timedOut ? 504 : 502
        const what = timedOut ? 'did not answer in time' : 'could not be reached or failed'
        answer(status, `${STATUS_CODES[status]}: the target ${what}${errorCode(error)}.\n`)
      } else {
        // The head is out: all the client can still learn is that the stream broke, as it would directly.
        res.destroy()
      }
    },
  }

  try {
    context.dispatcher.dispatch(
      {
        path,
        method: req.method as Dispatcher.HttpMethod,
        headers,
        ...(context.servername === undefined ? {} : { servername: context.servername }),
        body: hasBody(req)
          ? (teeRequestBody(req, observe) as unknown as Dispatcher.DispatchOptions['body'])
          : null,
      },
      handler,
    )
  } catch (error) {
    // undici refuses the request before sending it (a header or method it will not send).
    refuse(400, `Bad Request: the proxy cannot forward this request${errorCode(error)}.\n`, error)
  }

  function refuse(status: number, text: string, error?: unknown) {
    kind = 'refused'
    incomplete = `refused by the proxy: ${error === undefined ? text.trim() : reasonOf(error)}`
    answer(status, text)
  }

  function answer(status: number, text: string) {
    const body = Buffer.from(text)
    const close = req.complete ? [] : ['Connection', 'close']
    res.writeHead(status, [
      'Content-Type',
      'text/plain; charset=utf-8',
      'Content-Length',
      String(body.byteLength),
      ...close,
    ])
    observe((live) => live.responseData(body))
    res.end(body)
  }
}

/** The bytes of the client's request body, observed as they pass on to undici; never destroys the request. */
async function* teeRequestBody(
  req: IncomingMessage,
  observe: (fn: (live: ExchangeCapture) => void) => void,
): AsyncGenerator<Buffer> {
  // destroyOnReturn: false — when undici stops early (target down), destroying the request would also
  // destroy the client's socket, and the client would never see the 502.
  for await (const piece of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    observe((live) => live.requestData(piece))
    yield piece
  }
}

function flushHead(res: ServerResponse): void {
  if (!res.destroyed && !res.writableEnded && res.socket !== null && !hasWritten(res)) res.flushHeaders()
}

/** Whether anything (head or body) already went to the socket: `_headerSent` is Node's own flag. */
function hasWritten(res: ServerResponse): boolean {
  return (res as unknown as { _headerSent?: boolean })._headerSent === true
}

/** A request has a body when it says so (RFC 9112 §6.3): Transfer-Encoding, or a non-zero Content-Length. */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length']
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0')
}

/** The origin-form path of a request target; absolute-form (`http://host/p`) is reduced to its path. */
function originFormPath(target: string | undefined): string | undefined {
  if (target === undefined || target === '') return undefined
  if (target.startsWith('/')) return target
  if (!/^https?:\/\//i.test(target)) return undefined
  try {
    const url = new URL(target)
    return `${url.pathname}${url.search}`
  } catch {
    return undefined
  }
}

function clientHop(req: IncomingMessage): ClientHop {
  const encrypted = (req.socket as { encrypted?: boolean } | null)?.encrypted === true
  return {
    address: req.socket?.remoteAddress,
    protocol: encrypted ? 'https' : 'http',
    httpVersion: req.httpVersion,
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`
  return String(error)
}

/** ` (ECONNREFUSED)` when the error carries a code: enough for the client, nothing about the network. */
function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? ` (${code})` : ''
}
