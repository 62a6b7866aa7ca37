/**
 * The recording reverse proxy: a node:http server in front of a service in any language that forwards
 * every request to it through an undici Pool and hands over one redacted Recording per exchange.
 */
import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Pool } from 'undici'
import { ParallaxError } from '../../recording/errors.ts'
import { metaFromParts } from '../../recording/recording-parts.ts'
import type { Recording, RecordingMeta } from '../../recording/types.ts'
import { DEFAULT_MAX_BODY_BYTES } from '../create-recorder.ts'
import { createRecorderBooks, type RecorderStats } from '../recorder-books.ts'
import { createRequestSelection, isReplayTraffic, type SelectionOptions } from '../request-selection.ts'
import { type ExchangeCapture, startExchangeCapture } from './exchange-capture.ts'
import { type ForwardContext, forwardExchange } from './forward-exchange.ts'
import { listenError, selfTargetError, targetsItself } from './listen-checks.ts'
import { type HostHeaderMode, headerPairs } from './proxy-headers.ts'
import { defaultProxyRedaction } from './proxy-redaction.ts'
import { createRecordingHandOver } from './recording-hand-over.ts'
import { resolveTarget } from './resolve-target.ts'

/**
 * Connections the proxy opens to the target at most; further requests wait in undici's queue.
 * @example createRecordingProxy({ target, onRecording, maxConnections: DEFAULT_MAX_CONNECTIONS * 2 })
 */
export const DEFAULT_MAX_CONNECTIONS = 64

/**
 * Options of {@link createRecordingProxy}. Which exchanges are recorded is chosen as the in-process
 * recorder chooses (`sample`, `include`, `exclude`, `recordErrors`); the others are proxied uncaptured.
 * @example const options: RecordingProxyOptions = { target: 'http://127.0.0.1:3000', onRecording: (r) => writer.enqueue(r) }
 */
export interface RecordingProxyOptions extends SelectionOptions {
  /** The service's origin, `http://host:port` or `https://host:port` (no path, query or credentials). */
  target: string | URL
  /**
   * Receives each finished exchange's recording, once, after the client got its response. Returning
   * `false` (a full writer queue) counts it as dropped (`sinkFull`); a throw is caught and counted.
   */
  onRecording: (recording: Recording) => unknown
  /** Receives the proxy's own failures (capture, redaction, `onRecording`); they never reach a client. */
  onError?: (error: unknown) => void
  /**
   * Turns each recording into what may be stored; runs before `onRecording`, and a recording whose
   * redaction throws is dropped, never handed over unredacted. Default: {@link createProxyRedaction}(), the
   * full redactor (secret headers, URL userinfo and query parameters, body fields, tokens found by pattern).
   */
  redact?: (recording: Recording) => Recording
  /** Bytes of each body kept in the recording; default `DEFAULT_MAX_BODY_BYTES` (1 MiB). */
  maxBodyBytes?: number
  /** `meta.service`; default the target's host (`127.0.0.1:3000`). */
  service?: string
  /** `meta.environment`; default `production`. */
  environment?: string
  version?: string
  configFingerprint?: string
  pipeline?: string
  /** `client` (default) forwards the Host the client sent; `target` sends the target's host. */
  hostHeader?: HostHeaderMode
  /**
   * Add X-Forwarded-For (appended), -Proto and -Host (when absent) and a `Via` entry naming this proxy
   * to requests; default true. A request that comes back with that `Via` is refused (508 Loop Detected).
   */
  forwardedHeaders?: boolean
  /** Connections to the target at most; default {@link DEFAULT_MAX_CONNECTIONS}. */
  maxConnections?: number
  /**
   * TLS towards an https target: `ca` to trust a private CA (instead of Node's list), `rejectUnauthorized: false`
   * to skip the certificate check (tests only). The server name checked is always the target's host.
   */
  targetTls?: { ca?: string | Buffer | Array<string | Buffer>; rejectUnauthorized?: boolean }
  /** Milliseconds to wait for the target's response head (504 after); default undici's 300 000. */
  headersTimeout?: number
  /** Milliseconds of silence allowed inside a response body, 0 for none; default undici's 300 000. */
  bodyTimeout?: number
}

/**
 * What a proxy has done so far: the recorder's books (`requests = filtered + sampledOut + recorded +
 * truncated + dropped + inFlight`) and the proxy's own counts.
 * @example proxy.stats() // { requests: 12, recorded: 11, inFlight: 1, proxying: 1, targetFailures: 0, … }
 */
export interface RecordingProxyStats extends RecorderStats {
  /** Exchanges being proxied now, recorded or not. */
  proxying: number
  /** Exchanges the target broke: unreachable, reset, timed out (502/504 sent, or the response cut). */
  targetFailures: number
  /** Exchanges the client abandoned before its response finished. */
  clientAborts: number
  /**
   * Requests that came back through the target (their `Via` named this proxy): refused with 508 Loop
   * Detected, counted as filtered, not recorded.
   */
  loops: number
}

/**
 * A recording proxy; nothing listens until `listen`.
 * @example await using proxy = createRecordingProxy(options); await proxy.listen(8080, '127.0.0.1')
 */
export interface RecordingProxy extends AsyncDisposable {
  /**
   * Starts accepting clients; resolves with the bound address (port 0 picks a free one). Rejects with
   * PARALLAX_USAGE when the port is taken or not this user's, or when the address is the target's own
   * (the proxy would forward to itself).
   */
  listen(port: number, host?: string): Promise<AddressInfo>
  stats(): RecordingProxyStats
  /** Stops accepting, lets exchanges in progress finish (each still recorded), then closes the pool. */
  close(): Promise<void>
  /** Stops at once: exchanges in progress are cut (recorded as incomplete), connections destroyed. */
  destroy(): Promise<void>
}

/**
 * Creates a recording reverse proxy in front of `target`.
 * @example
 * const proxy = createRecordingProxy({ target: 'http://127.0.0.1:3000', service: 'api', onRecording: (r) => writer.enqueue(r) })
 * await proxy.listen(8080, '127.0.0.1')
 * // …
 * await proxy.close()
 */
export function createRecordingProxy(options: RecordingProxyOptions): RecordingProxy {
  const target = resolveTarget(options.target)
  const settings = validate(options)
  const select = createRequestSelection(options)
  const books = createRecorderBooks()
  const counts = { proxying: 0, targetFailures: 0, clientAborts: 0, loops: 0 }
  // This proxy's name in the Via entries it adds: a request coming back with it has looped.
  const via = `parallax-${randomBytes(4).toString('hex')}`
  let loopReported = false
  const report = (error: unknown) => {
    books.error()
    try {
      options.onError?.(error)
    } catch {
      // The error sink itself failed: nowhere left to report to, and no client may see it.
    }
  }
  const handOver = createRecordingHandOver({
    meta: recordingMeta(options, target.host),
    redact: options.redact ?? defaultProxyRedaction,
    onRecording: options.onRecording,
    books,
    report,
  })

  const pool = new Pool(target.origin, {
    connections: settings.maxConnections,
    ...(options.targetTls === undefined ? {} : { connect: { ...options.targetTls } }),
    ...(options.headersTimeout === undefined ? {} : { headersTimeout: options.headersTimeout }),
    ...(options.bodyTimeout === undefined ? {} : { bodyTimeout: options.bodyTimeout }),
  })
  let shutdown: string | undefined
  const idleWaiters: Array<() => void> = []
  /** Captures that sampling left out, kept only if the client got a server error. */
  const onlyIfError = new WeakSet<ExchangeCapture>()

  const context: ForwardContext = {
    dispatcher: pool,
    servername: target.servername,
    host: options.hostHeader ?? 'client',
    forwarded: options.forwardedHeaders ?? true,
    via,
    looped(req) {
      books.arrived()
      books.skipped('filtered', false)
      counts.loops++
      if (loopReported) return
      loopReported = true
      report(
        new ParallaxError(
          'PARALLAX_USAGE',
          `Refused ${requestLine(req)}: it came back through the target (its Via names this proxy, ${via}), so forwarding it again would loop.`,
          {
            hint: 'Point the target at the service itself, not at a proxy or gateway that forwards back to this proxy. Further loops are counted in stats().loops, not reported.',
          },
        ),
      )
    },
    begin(req, path) {
      books.arrived()
      const selection = isReplayTraffic(req.rawHeaders) ? 'filtered' : select(req.method ?? 'GET', path)
      if (selection === 'filtered' || selection === 'sampled-out') {
        books.skipped(selection, false)
        return undefined
      }
      books.started()
      try {
        const capture = startExchangeCapture({
          method: req.method ?? 'GET',
          url: `${target.origin}${path}`,
          requestHeaders: headerPairs(req.rawHeaders),
          maxBodyBytes: settings.maxBodyBytes,
        })
        if (selection === 'record-if-error') onlyIfError.add(capture)
        return capture
      } catch (error) {
        context.captureFailed(error, req)
        return undefined
      }
    },
    captureFailed(error, req) {
      books.dropped('captureFailed')
      report(
        new ParallaxError(
          'PARALLAX_WRITE_FAILED',
          `Failed to record ${requestLine(req)}: the capture threw.`,
          {
            hint: 'The exchange was proxied unrecorded. Report this with the error as a parallax bug.',
            cause: error,
          },
        ),
      )
    },
    settle({ kind, capture, res, incomplete }) {
      if (kind === 'target-failed') counts.targetFailures++
      if (kind === 'client-aborted') counts.clientAborts++
      counts.proxying--
      try {
        if (capture !== undefined) handOver(capture, res, incomplete, onlyIfError.has(capture))
      } finally {
        if (counts.proxying === 0) for (const resolve of idleWaiters.splice(0)) resolve()
      }
    },
    shutdownReason: () => shutdown,
  }

  const server = createServer((req, res) => {
    counts.proxying++
    forwardExchange(context, req, res)
  })

  const settledAll = () =>
    counts.proxying === 0 ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve))
  const stop = async (cut: boolean) => {
    const closed = server.listening ? new Promise((resolve) => server.close(resolve)) : Promise.resolve()
    if (cut) server.closeAllConnections()
    else server.closeIdleConnections()
    await settledAll()
    // Keep-alive connections that went idle while the last exchanges finished.
    server.closeAllConnections()
    await closed
    await (cut ? pool.destroy() : pool.close())
  }
  let stopping: Promise<void> | undefined

  const proxy: RecordingProxy = {
    async listen(port, host) {
      const bound = await new Promise<AddressInfo>((resolve, reject) => {
        const failed = (error: Error) => reject(listenError(error, host, port))
        server.once('error', failed)
        server.listen(port, host, () => {
          server.off('error', failed)
          resolve(server.address() as AddressInfo)
        })
      })
      if (await targetsItself(target, bound)) {
        await new Promise((resolve) => server.close(resolve))
        throw selfTargetError(target, bound)
      }
      return bound
    },
    stats: () => ({ ...books.stats(), ...counts }),
    close() {
      // Graceful: nothing is cut, so an exchange that still breaks does so for its own reasons.
      stopping ??= stop(false)
      return stopping
    },
    destroy() {
      shutdown = 'aborted: the proxy was destroyed before the response finished'
      stopping = stop(true)
      return stopping
    },
    [Symbol.asyncDispose]: () => proxy.destroy(),
  }
  return proxy
}

function validate(options: RecordingProxyOptions) {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  const maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS
  const usage = (message: string, hint: string) =>
    new ParallaxError('PARALLAX_USAGE', `Failed to create the recording proxy: ${message}.`, { hint })
  if (typeof options.onRecording !== 'function') {
    throw usage(
      '`onRecording` is not a function',
      'Pass onRecording: (recording) => writer.enqueue(recording).',
    )
  }
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 0) {
    throw usage(
      `maxBodyBytes must be a non-negative integer, got ${String(maxBodyBytes)}`,
      'Pass a byte count such as 1048576 (1 MiB), or leave it out for that default.',
    )
  }
  if (!Number.isInteger(maxConnections) || maxConnections < 1) {
    throw usage(
      `maxConnections must be a positive integer, got ${String(maxConnections)}`,
      `Pass how many connections the target may receive at once, or leave it out for ${DEFAULT_MAX_CONNECTIONS}.`,
    )
  }
  for (const key of ['service', 'environment'] as const) {
    const value = options[key]
    if (value !== undefined && (typeof value !== 'string' || value.length === 0)) {
      throw usage(`\`${key}\` is empty`, `Name the ${key}, e.g. ${key}: 'api', or leave it out.`)
    }
  }
  return { maxBodyBytes, maxConnections }
}

function recordingMeta(options: RecordingProxyOptions, targetHost: string): RecordingMeta {
  return metaFromParts({
    ...options,
    service: options.service ?? targetHost,
    environment: options.environment ?? 'production',
  })
}

/**
 * `GET /orders`: the method and the path without its query, which may hold a secret (an error message
 * goes to logs unredacted).
 */
function requestLine(req: IncomingMessage): string {
  const url = req.url ?? '/'
  const query = url.search(/[?#]/)
  return `${req.method ?? 'GET'} ${(query === -1 ? url : url.slice(0, query)).slice(0, 200)}`
}
