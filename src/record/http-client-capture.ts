/**
 * Outbound calls made with node:http and node:https clients, captured through Node's http client
 * diagnostics channels: nothing is patched globally, no socket is intercepted, and the bytes are
 * observed on the request and response instances exactly as the client writes and receives them.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import type { ClientRequest, IncomingMessage } from 'node:http'
import { toBytes } from './byte-collector.ts'
import {
  headerListFromBlock,
  headerListFromOutgoing,
  headerListFromRaw,
  serializedHeaderBlock,
} from './header-list.ts'
import { type OutboundExchange, reasonOf, startOutboundExchange } from './outbound-exchange.ts'
import type { PatchRegistry } from './patch-registry.ts'
import type { Capture, RecorderRuntime } from './recorder-runtime.ts'
import { wrapInstanceMethod } from './wrap-instance-method.ts'

/**
 * Subscribes to `http.client.*` channels; `patches.restore()` unsubscribes.
 * @example installHttpClientCapture(runtime, patches)
 */
export function installHttpClientCapture(runtime: RecorderRuntime, patches: PatchRegistry): void {
  const calls = new WeakMap<ClientRequest, OutboundExchange>()

  // Published from the ClientRequest constructor, synchronously in the caller's async context.
  on(runtime, patches, CREATED, ({ request }: { request: ClientRequest }, capture) => {
    if (capture === undefined) return
    const call = startOutboundExchange(runtime, capture, {
      method: request.method,
      url: requestUrl(request),
      headers: headerListFromOutgoing(request),
    })
    calls.set(request, call)
    wrapInstanceMethod(
      request,
      'write',
      (write) =>
        function (this: ClientRequest, ...args: unknown[]) {
          if (!this.writableEnded) runtime.observe(() => observeWrite(call, args[0], args[1]))
          return write.apply(this, args)
        },
    )
    wrapInstanceMethod(
      request,
      'end',
      (end) =>
        function (this: ClientRequest, ...args: unknown[]) {
          if (!this.writableEnded && typeof args[0] !== 'function') {
            runtime.observe(() => observeWrite(call, args[0], args[1]))
          }
          return end.apply(this, args)
        },
    )
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
      wrapInstanceMethod(
        response,
        'push',
        (push) =>
          function (this: IncomingMessage, ...args: unknown[]) {
            runtime.observe(() => {
              if (args[0] === null) call.responseEnd()
              else {
                const bytes = toBytes(args[0], args[1])
                if (bytes !== undefined) call.responseData(bytes)
              }
            })
            return push.apply(this, args)
          },
      )
      response.once('close', () => {
        runtime.observe(() => {
          if (!response.complete) call.fail('aborted: the connection closed before the response ended')
        })
      })
    },
  )
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

function observeWrite(call: OutboundExchange, chunk: unknown, encoding: unknown): void {
  const bytes = toBytes(chunk, encoding)
  if (bytes !== undefined) call.requestData(bytes)
}

function requestUrl(request: ClientRequest): string {
  const host = request.getHeader('host') ?? request.host
  return `${request.protocol}//${String(host)}${request.path}`
}
