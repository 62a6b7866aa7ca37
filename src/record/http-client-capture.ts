/**
 * Outbound calls made with node:http and node:https clients, captured through Node's http client
 * diagnostics channels: nothing is patched globally, no socket is intercepted, and the bytes are
 * observed on the request and response instances exactly as the client writes and receives them.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import type { EventEmitter } from 'node:events'
import type { ClientRequest, IncomingMessage } from 'node:http'
import {
  headerListFromBlock,
  headerListFromOutgoing,
  headerListFromRaw,
  serializedHeaderBlock,
} from './header-list.ts'
import { type HttpMessageObserver, installHttpMessageHooks, markObserved } from './http-message-hooks.ts'
import { type OutboundExchange, reasonOf, startOutboundExchange } from './outbound-exchange.ts'
import type { PatchRegistry } from './patch-registry.ts'
import type { Capture, RecorderRuntime } from './recorder-runtime.ts'
import type { AnyFunction } from './wrap-instance-method.ts'

/**
 * Subscribes to `http.client.*` channels; `patches.restore()` unsubscribes.
 * @example installHttpClientCapture(runtime, patches)
 */
export function installHttpClientCapture(runtime: RecorderRuntime, patches: PatchRegistry): void {
  const calls = new WeakMap<ClientRequest, OutboundExchange>()
  // The request's writes and the response's pieces are seen by the node:http message hooks, held
  // (for inbound requests too) while this recorder is open.
  installHttpMessageHooks(patches)

  // Published from the ClientRequest constructor, synchronously in the caller's async context.
  on(runtime, patches, CREATED, ({ request }: { request: ClientRequest }, capture) => {
    if (capture === undefined) return
    const call = startOutboundExchange(runtime, capture, {
      method: request.method,
      url: requestUrl(request),
      headers: headerListFromOutgoing(request),
    })
    calls.set(request, call)
    markObserved(request, 'request', new ClientCallObserver(runtime, call))
  })
  // Published once the headers are serialized: they are recorded exactly as sent.
  on(runtime, patches, 'http.client.request.start', ({ request }: { request: ClientRequest }) => {
    const call = calls.get(request)
    if (call === undefined) return
    const block = serializedHeaderBlock(request)
    call.updateRequest({
      url: requestUrl(request),
      headers: block === undefined ? headerListFromOutgoing(request) : headerListFromBlock(block),
    })
  })
  on(
    runtime,
    patches,
    'http.client.request.error',
    ({ request, error }: { request: ClientRequest; error: unknown }) => {
      calls.get(request)?.fail(reasonOf(error))
    },
  )
  // Despite its name, published when the response headers are parsed, before any body byte.
  on(
    runtime,
    patches,
    'http.client.response.finish',
    ({ request, response }: { request: ClientRequest; response: IncomingMessage }) => {
      const call = calls.get(request)
      if (call === undefined) return
      call.responseStart(
        response.statusCode ?? 0,
        response.statusMessage,
        headerListFromRaw(response.rawHeaders),
      )
      // The parser hands every body piece to `push`: observing it there sees exactly what the app
      // receives, piece by piece, without a 'data' listener that would change the stream's flow.
      markObserved(response, 'incoming', new ClientCallObserver(runtime, call))
      response.once('close', () => {
        runtime.observe(() => {
          if (!response.complete) call.fail('aborted: the connection closed before the response ended')
        })
      })
    },
  )
}

/** Observes the writes of one client request and the pieces of its response, for its outbound call. */
class ClientCallObserver implements HttpMessageObserver {
  readonly #runtime: RecorderRuntime
  readonly #call: OutboundExchange

  constructor(runtime: RecorderRuntime, call: OutboundExchange) {
    this.#runtime = runtime
    this.#call = call
  }

  pushed(_message: IncomingMessage, chunk: unknown, encoding: unknown): void {
    try {
      if (chunk === null) this.#call.responseEnd()
      else this.#call.responseData(chunk, encoding)
    } catch (error) {
      this.#runtime.report(error)
    }
  }

  written(message: object, chunk: unknown, encoding: unknown, ending: boolean): void {
    if ((message as ClientRequest).writableEnded || (ending && typeof chunk === 'function')) return
    try {
      this.#call.requestData(chunk, encoding)
    } catch (error) {
      this.#runtime.report(error)
    }
  }

  emitting(): boolean {
    return false
  }

  emitted(message: EventEmitter, emit: AnyFunction, args: unknown[]): unknown {
    return Reflect.apply(emit, message, args)
  }
}

/** Published once per node:http client request, in the caller's context. */
const CREATED = 'http.client.request.created'

function on<M>(
  runtime: RecorderRuntime,
  patches: PatchRegistry,
  channel: string,
  hook: (message: M, capture: Capture | undefined) => void,
): void {
  const listener = (message: unknown) => {
    // Read the request's capture before entering the guard, which hides it.
    const capture = runtime.outboundCapture()
    if (capture === undefined && channel === CREATED && !runtime.isGuarded()) runtime.unattributed()
    runtime.observe(() => hook(message as M, capture))
  }
  subscribe(channel, listener)
  patches.defer(() => unsubscribe(channel, listener))
}

function requestUrl(request: ClientRequest): string {
  const host = request.getHeader('host') ?? request.host
  return `${request.protocol}//${String(host)}${request.path}`
}
