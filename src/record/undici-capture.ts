/**
 * Outbound calls made with global `fetch` and the undici package, captured by an interceptor composed
 * onto undici's global dispatcher. Node's bundled fetch reads the dispatcher through the legacy global
 * symbol, which undici 8's `setGlobalDispatcher` also sets, so one interceptor sees both, each call once.
 */
import type { IncomingHttpHeaders } from 'node:http'
import type { Duplex } from 'node:stream'
import { type Dispatcher, getGlobalDispatcher, Pool, setGlobalDispatcher } from 'undici'
import { headerListFromRaw, headerListFromUndici } from './header-list.ts'
import { type OutboundExchange, reasonOf, startOutboundExchange } from './outbound-exchange.ts'
import type { PatchRegistry } from './patch-registry.ts'
import type { Capture, RecorderRuntime } from './recorder-runtime.ts'

/** Where Node's bundled undici (fetch) looks up the global dispatcher. */
const LEGACY_GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1')

type DispatchOptions = Dispatcher.DispatchOptions
type DispatchHandler = Dispatcher.DispatchHandler

/**
 * Composes the capturing interceptor onto the global dispatcher; `patches.restore()` puts the previous one back.
 * @example installUndiciCapture(runtime, patches)
 */
export function installUndiciCapture(runtime: RecorderRuntime, patches: PatchRegistry): void {
  const globals = globalThis as unknown as Record<symbol, unknown>
  const previous = getGlobalDispatcher()
  const previousLegacy = globals[LEGACY_GLOBAL_DISPATCHER]
  let installed = true

  const interceptor: Dispatcher.DispatcherComposeInterceptor = (dispatch) => (opts, handler) =>
    installed ? dispatchObserved(runtime, dispatch, opts, handler) : dispatch(opts, handler)

  const composed = previous.compose(interceptor)
  setGlobalDispatcher(composed)
  patches.defer(() => {
    installed = false
    // Someone installed their own dispatcher over ours: keep theirs, ours now only passes through.
    if (getGlobalDispatcher() !== composed) return
    setGlobalDispatcher(previous)
    if (previousLegacy !== undefined) {
      Object.defineProperty(globalThis, LEGACY_GLOBAL_DISPATCHER, {
        value: previousLegacy,
        writable: true,
        enumerable: false,
        configurable: false,
      })
    }
  })
}

/** Handlers seen without being wrapped (no request to record them for): inner hops must not count them again. */
const observedHandlers = new WeakSet<DispatchHandler>()

/** Whether a dispatch receiving `handler` is a hop of a call already seen (recorded, or counted unattributed). */
function seen(handler: DispatchHandler): boolean {
  return handler instanceof ObservedHandler || observedHandlers.has(handler)
}

/**
 * Dispatches one call, recording it for the inbound request the caller works for (unless a hop of a
 * call already recorded, or no request is active, where it only counts as unattributed).
 */
function dispatchObserved(
  runtime: RecorderRuntime,
  dispatch: (opts: DispatchOptions, handler: DispatchHandler) => boolean,
  opts: DispatchOptions,
  handler: DispatchHandler,
  origin?: string,
): boolean {
  if (seen(handler)) return dispatch(opts, handler)
  let call: OutboundExchange | undefined
  let observedOpts = opts
  let observedHandler = handler
  try {
    const capture = runtime.outboundCapture()
    if (capture === undefined) {
      // Marked as seen: the inner hops of this call must not count it again.
      observedHandlers.add(handler)
      if (!runtime.isGuarded()) runtime.unattributed()
    }
    // A handler without the v2 API is one this undici version no longer drives itself: leave it alone.
    else if (typeof handler.onRequestStart === 'function') {
      call = startCall(runtime, capture, opts, origin)
      const body = observeRequestBody(runtime, call, opts.body)
      if (body !== opts.body) observedOpts = { ...opts, body } as DispatchOptions
      observedHandler = new ObservedHandler(runtime, call, handler)
    }
  } catch (error) {
    runtime.report(error)
    call = undefined
    observedOpts = opts
    observedHandler = handler
  }
  if (call === undefined) return dispatch(opts, handler)
  try {
    // Outside the request's context: sockets opened now outlive this request and are reused by
    // others, so undici's own callbacks must not carry this request's capture with them.
    return runtime.storage.exit(guardedDispatch, runtime, dispatch, observedOpts, observedHandler)
  } catch (error) {
    const started = call
    runtime.observe(() => started.fail(reasonOf(error)))
    throw error
  }
}

function guardedDispatch(
  runtime: RecorderRuntime,
  dispatch: (opts: DispatchOptions, handler: DispatchHandler) => boolean,
  opts: DispatchOptions,
  handler: DispatchHandler,
): boolean {
  return runtime.guarded(() => dispatch(opts, handler))
}

function startCall(
  runtime: RecorderRuntime,
  capture: Capture,
  opts: DispatchOptions,
  origin: string | undefined,
): OutboundExchange {
  return runtime.guarded(() =>
    startOutboundExchange(runtime, capture, {
      method: String(opts.method),
      url: dispatchUrl(opts, origin),
      headers: headerListFromUndici(opts.headers),
    }),
  )
}

/**
 * Observes the undici package's own dispatchers (a `Pool`, `Client` or `Agent` the app created, which
 * the global dispatcher never sees) where every call enters them: `DispatcherBase.prototype.dispatch`,
 * in the caller's context, before any queueing. Hops of one call (Agent → Pool → Client, or a call that
 * came through the global interceptor) are recognized by their handler and recorded once.
 * @example installUndiciInstanceCapture(runtime, patches)
 */
export function installUndiciInstanceCapture(runtime: RecorderRuntime, patches: PatchRegistry): void {
  let proto: object | null = Pool.prototype
  while (proto !== null && !Object.hasOwn(proto, 'dispatch')) proto = Object.getPrototypeOf(proto)
  if (proto === null) return
  const base = proto as { dispatch: (opts: DispatchOptions, handler: DispatchHandler) => boolean }
  const realDispatch = base.dispatch
  patches.replace(
    base,
    'dispatch',
    function dispatch(this: unknown, opts: DispatchOptions, handler: DispatchHandler) {
      if (seen(handler)) return realDispatch.call(this, opts, handler)
      return dispatchObserved(runtime, (o, h) => realDispatch.call(this, o, h), opts, handler, originOf(this))
    },
  )
}

/**
 * The app's handler as undici drives it, with the response observed on its way to the app, which
 * receives every call unchanged. A plain class rather than a Proxy: undici reads a handful of methods
 * per call, and a Proxy that binds each one read costs more than the recording of the call itself.
 */
class ObservedHandler implements DispatchHandler {
  readonly #runtime: RecorderRuntime
  readonly #call: OutboundExchange
  readonly #handler: DispatchHandler

  constructor(runtime: RecorderRuntime, call: OutboundExchange, handler: DispatchHandler) {
    this.#runtime = runtime
    this.#call = call
    this.#handler = handler
  }

  // undici tells these optional hooks by presence: they are the app's handler's own (or absent), bound
  // to it so that handlers with private fields keep working; read only when undici asks.
  get onBodySent(): DispatchHandler['onBodySent'] {
    return bound(this.#handler, 'onBodySent')
  }

  get onRequestSent(): DispatchHandler['onRequestSent'] {
    return bound(this.#handler, 'onRequestSent')
  }

  get onResponseStarted(): DispatchHandler['onResponseStarted'] {
    return bound(this.#handler, 'onResponseStarted')
  }

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): unknown {
    return this.#handler.onRequestStart?.(controller, context)
  }

  onRequestUpgrade(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    socket: Duplex,
  ): unknown {
    const call = this.#call
    this.#runtime.observe(() => {
      call.responseStart(statusCode, undefined, headerListFromUndici(headers))
      call.responseEnd()
    })
    return this.#handler.onRequestUpgrade?.(controller, statusCode, headers, socket)
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
    statusMessage?: string,
  ): unknown {
    try {
      const raw = controller.rawHeaders
      const list = Array.isArray(raw) ? headerListFromRaw(raw) : headerListFromUndici(raw ?? headers)
      this.#call.responseStart(statusCode, statusMessage, list)
    } catch (error) {
      this.#runtime.report(error)
    }
    return this.#handler.onResponseStart?.(controller, statusCode, headers, statusMessage)
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): unknown {
    try {
      this.#call.responseData(chunk)
    } catch (error) {
      this.#runtime.report(error)
    }
    return this.#handler.onResponseData?.(controller, chunk)
  }

  onResponseEnd(controller: Dispatcher.DispatchController, trailers: IncomingHttpHeaders): unknown {
    try {
      this.#call.responseEnd()
    } catch (error) {
      this.#runtime.report(error)
    }
    return this.#handler.onResponseEnd?.(controller, trailers)
  }

  onResponseError(controller: Dispatcher.DispatchController, error: Error): unknown {
    const call = this.#call
    this.#runtime.observe(() => call.fail(reasonOf(error)))
    return this.#handler.onResponseError?.(controller, error)
  }
}

/** The handler's own `key`, bound to it when a function, as it is otherwise. */
function bound<K extends 'onBodySent' | 'onRequestSent' | 'onResponseStarted'>(
  handler: DispatchHandler,
  key: K,
): DispatchHandler[K] {
  const hook: unknown = handler[key]
  return (typeof hook === 'function' ? hook.bind(handler) : hook) as DispatchHandler[K]
}

/** Returns a body that yields the same pieces as `body` while recording them. */
function observeRequestBody(runtime: RecorderRuntime, call: OutboundExchange, body: unknown): unknown {
  if (body === null || body === undefined) return body
  if (typeof body === 'string' || ArrayBuffer.isView(body) || body instanceof ArrayBuffer) {
    runtime.observe(() => call.requestData(body))
    return body
  }
  if (typeof body === 'object' && (Symbol.asyncIterator in body || Symbol.iterator in body)) {
    return teeBody(runtime, call, body as AsyncIterable<unknown> | Iterable<unknown>)
  }
  // FormData, Blob: undici serializes them itself; the recording keeps the request without its body.
  return body
}

async function* teeBody(
  runtime: RecorderRuntime,
  call: OutboundExchange,
  source: AsyncIterable<unknown> | Iterable<unknown>,
): AsyncGenerator<unknown> {
  for await (const piece of source) {
    runtime.observe(() => call.requestData(piece))
    yield piece
  }
}

/** Origins by dispatcher: looked up once per `Pool` or `Client`, not once per call. */
const dispatcherOrigins = new WeakMap<object, string>()

/**
 * The origin a `Pool` or `Client` was created for (calls through them name only a path). undici keeps
 * it under a private symbol; without it the recorded URL is the path alone.
 */
function originOf(dispatcher: unknown): string {
  if (typeof dispatcher !== 'object' || dispatcher === null) return ''
  let origin = dispatcherOrigins.get(dispatcher)
  if (origin === undefined) {
    const key = Object.getOwnPropertySymbols(dispatcher).find((symbol) => symbol.description === 'url')
    const url: unknown = key === undefined ? undefined : (dispatcher as Record<symbol, unknown>)[key]
    origin = url instanceof URL ? url.origin : ''
    dispatcherOrigins.set(dispatcher, origin)
  }
  return origin
}

/** `new URL(origin).origin` of the origins calls name, remembered: a service calls few origins, often. */
const normalizedOrigins = new Map<string, string>()
const MAX_ORIGINS = 256

function normalizedOrigin(origin: string): string {
  let normalized = normalizedOrigins.get(origin)
  if (normalized === undefined) {
    normalized = new URL(origin).origin
    if (normalizedOrigins.size >= MAX_ORIGINS) normalizedOrigins.clear()
    normalizedOrigins.set(origin, normalized)
  }
  return normalized
}

function dispatchUrl(opts: DispatchOptions, dispatcherOrigin = ''): string {
  const origin = opts.origin === undefined ? dispatcherOrigin : normalizedOrigin(String(opts.origin))
  const query = opts.query ? new URLSearchParams(opts.query).toString() : ''
  const path = query === '' ? opts.path : `${opts.path}${opts.path.includes('?') ? '&' : '?'}${query}`
  return `${origin}${path}`
}
