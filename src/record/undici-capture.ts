/**
 * Outbound calls made with global `fetch` and the undici package, captured by an interceptor composed
 * onto undici's global dispatcher. Node's bundled fetch reads the dispatcher through the legacy global
 * symbol, which undici 8's `setGlobalDispatcher` also sets, so one interceptor sees both, each call once.
 */
import { type Dispatcher, getGlobalDispatcher, Pool, setGlobalDispatcher } from 'undici'
import { toBytes } from './byte-collector.ts'
import { headerListFromRaw, headerListFromUndici } from './header-list.ts'
import { type OutboundExchange, reasonOf, startOutboundExchange } from './outbound-exchange.ts'
import type { PatchRegistry } from './patch-registry.ts'
import type { RecorderRuntime } from './recorder-runtime.ts'

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

/** Handlers this recorder wrapped: a dispatch that receives one is a hop of a call already being recorded. */
const observedHandlers = new WeakSet<DispatchHandler>()

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
  if (observedHandlers.has(handler)) return dispatch(opts, handler)
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
      call = runtime.guarded(() =>
        startOutboundExchange(runtime, capture, {
          method: String(opts.method),
          url: dispatchUrl(opts, origin),
          headers: headerListFromUndici(opts.headers),
        }),
      )
      observedOpts = { ...opts, body: observeRequestBody(runtime, call, opts.body) } as DispatchOptions
      observedHandler = observeHandler(runtime, call, handler)
      observedHandlers.add(observedHandler)
    }
  } catch (error) {
    runtime.report(error)
    call = undefined
    observedOpts = opts
    observedHandler = handler
  }
  if (call === undefined) return dispatch(opts, handler)
  const started = call
  try {
    // Outside the request's context: sockets opened now outlive this request and are reused by
    // others, so undici's own callbacks must not carry this request's capture with them.
    return runtime.storage.exit(() => runtime.guarded(() => dispatch(observedOpts, observedHandler)))
  } catch (error) {
    runtime.observe(() => started.fail(reasonOf(error)))
    throw error
  }
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
      if (observedHandlers.has(handler)) return realDispatch.call(this, opts, handler)
      return dispatchObserved(runtime, (o, h) => realDispatch.call(this, o, h), opts, handler, originOf(this))
    },
  )
}

/** Wraps the handler so the response is observed on its way to the app, which receives it unchanged. */
function observeHandler(
  runtime: RecorderRuntime,
  call: OutboundExchange,
  handler: DispatchHandler,
): DispatchHandler {
  const overrides: DispatchHandler = {
    onRequestUpgrade(controller, statusCode, headers, socket) {
      runtime.observe(() => {
        call.responseStart(statusCode, undefined, headerListFromUndici(headers))
        call.responseEnd()
      })
      return handler.onRequestUpgrade?.(controller, statusCode, headers, socket)
    },
    onResponseStart(controller, statusCode, headers, statusMessage) {
      runtime.observe(() => {
        const raw = controller.rawHeaders
        const list = Array.isArray(raw) ? headerListFromRaw(raw) : headerListFromUndici(raw ?? headers)
        call.responseStart(statusCode, statusMessage, list)
      })
      return handler.onResponseStart?.(controller, statusCode, headers, statusMessage)
    },
    onResponseData(controller, chunk) {
      runtime.observe(() => call.responseData(chunk))
      return handler.onResponseData?.(controller, chunk)
    },
    onResponseEnd(controller, trailers) {
      runtime.observe(() => call.responseEnd())
      return handler.onResponseEnd?.(controller, trailers)
    },
    onResponseError(controller, error) {
      runtime.observe(() => call.fail(reasonOf(error)))
      return handler.onResponseError?.(controller, error)
    },
  }
  // Everything else (onRequestStart, onBodySent, fields undici probes) is the app's handler itself,
  // bound to it so handlers with private fields keep working.
  return new Proxy(handler, {
    get(target, key) {
      if (Object.hasOwn(overrides, key)) return overrides[key as keyof DispatchHandler]
      const value: unknown = Reflect.get(target, key, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

/** Returns a body that yields the same pieces as `body` while recording them. */
function observeRequestBody(runtime: RecorderRuntime, call: OutboundExchange, body: unknown): unknown {
  if (body === null || body === undefined) return body
  const bytes = toBytes(body)
  if (bytes !== undefined) {
    runtime.observe(() => call.requestData(bytes))
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
    runtime.observe(() => {
      const bytes = toBytes(piece)
      if (bytes !== undefined) call.requestData(bytes)
    })
    yield piece
  }
}

/**
 * The origin a `Pool` or `Client` was created for (calls through them name only a path). undici keeps
 * it under a private symbol; without it the recorded URL is the path alone.
 */
function originOf(dispatcher: unknown): string {
  if (typeof dispatcher !== 'object' || dispatcher === null) return ''
  const key = Object.getOwnPropertySymbols(dispatcher).find((symbol) => symbol.description === 'url')
  const url: unknown = key === undefined ? undefined : (dispatcher as Record<symbol, unknown>)[key]
  return url instanceof URL ? url.origin : ''
}

function dispatchUrl(opts: DispatchOptions, dispatcherOrigin = ''): string {
  const origin = opts.origin === undefined ? dispatcherOrigin : new URL(String(opts.origin)).origin
  const query = opts.query ? new URLSearchParams(opts.query).toString() : ''
  const path = query === '' ? opts.path : `${opts.path}${opts.path.includes('?') ? '&' : '?'}${query}`
  return `${origin}${path}`
}
