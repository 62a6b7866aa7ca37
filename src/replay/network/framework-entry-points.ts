/**
 * Runs the HTTP clients' entry points (global fetch, http/https request and get) in framework scope,
 * so msw's and undici's internals (request ids, timestamps) never consume the recording's clock and
 * randomness, while every callback and event the code under test receives runs back in its own scope.
 */
import { AsyncResource } from 'node:async_hooks'
import type { EventEmitter } from 'node:events'
import http from 'node:http'
import https from 'node:https'
import type { PatchRegistry } from '../../record/patch-registry.ts'
import { runInFrameworkScope } from '../framework-scope.ts'

type AnyFunction = (...args: unknown[]) => unknown
type Translate = (error: unknown) => unknown

/**
 * Wraps the client entry points (install after msw, so msw's own patches run inside the scope);
 * `translate` turns msw's network errors back into the ParallaxError behind them. `nativeFetch`, the global
 * fetch from before msw listened, takes the calls that go over undici's global dispatcher (a URL and no
 * dispatcher of their own): the replay dispatcher answers those, and msw's fetch wrapper would only copy the
 * request on the way (through its recording Request and Headers proxies). A call with a dispatcher of its
 * own, or a Request that may carry one, still goes through msw.
 * @example runClientsInFrameworkScope(patches, (error) => error, fetchBeforeMsw)
 */
export function runClientsInFrameworkScope(
  patches: PatchRegistry,
  translate: Translate,
  nativeFetch?: typeof globalThis.fetch,
): void {
  const fetch = globalThis.fetch
  patches.replace(globalThis, 'fetch', function fetchInFrameworkScope(input, init) {
    const viaGlobalDispatcher =
      nativeFetch !== undefined &&
      (typeof input === 'string' || input instanceof URL) &&
      (init as { dispatcher?: unknown } | undefined)?.dispatcher == null
    const client = viaGlobalDispatcher ? nativeFetch : fetch
    // The caller's `await` resumes in the caller's own scope: only the library work runs in ours.
    return runInFrameworkScope(() =>
      client(input, init).catch((error: unknown) => {
        const failure = translate(error)
        if (failure !== error && error instanceof TypeError) error.cause = failure
        throw error
      }),
    )
  })
  for (const module of [http, https]) {
    const request = wrapRequest(module.request as unknown as AnyFunction, translate)
    patches.replace(module, 'request', request as typeof http.request)
    patches.replace(
      module,
      'get',
      wrapRequest(module.get as unknown as AnyFunction, translate) as typeof http.get,
    )
  }
}

function wrapRequest(original: AnyFunction, translate: Translate): AnyFunction {
  return function requestInFrameworkScope(this: unknown, ...args: unknown[]) {
    const caller = new AsyncResource('parallax.client')
    const bound = args.map((arg) => (typeof arg === 'function' ? caller.bind(arg as AnyFunction) : arg))
    const request = runInFrameworkScope(() => original.apply(this, bound)) as http.ClientRequest
    emitInScopeOf(caller, request, translate)
    request.prependListener('response', (response: http.IncomingMessage) =>
      emitInScopeOf(caller, response, translate),
    )
    // Writes reach msw's socket parser synchronously on a reused socket: keep them in framework scope.
    for (const method of ['write', 'end'] as const) {
      const write = request[method] as AnyFunction
      request[method] = function writeInFrameworkScope(this: unknown, ...writeArgs: unknown[]) {
        const boundArgs = writeArgs.map((arg) =>
          typeof arg === 'function' ? caller.bind(arg as AnyFunction) : arg,
        )
        return runInFrameworkScope(() => write.apply(this, boundArgs))
      } as never
    }
    return request
  }
}

/** Listeners of `emitter` run in the caller's scope, whichever scope emits, and see our errors as they are. */
function emitInScopeOf(caller: AsyncResource, emitter: EventEmitter, translate: Translate): void {
  const emit = emitter.emit
  emitter.emit = function emitInCallerScope(this: EventEmitter, ...args: Parameters<EventEmitter['emit']>) {
    if (args[0] === 'error') args[1] = translate(args[1])
    return caller.runInAsyncScope(emit, this, ...args)
  }
}
