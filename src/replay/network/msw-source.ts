/**
 * node:http / node:https (and any fetch sent over a dispatcher of its own) answered by msw: one
 * catch-all handler, so nothing is ever "unhandled" and nothing passes through unless its host is allowed.
 */

import { http, passthrough } from 'msw'
import { setupServer } from 'msw/node'
import type { PatchRegistry } from '../../record/patch-registry.ts'
import type { ParallaxError } from '../../recording/errors.ts'
import type { HeaderList } from '../../recording/types.ts'
import { runInFrameworkScope } from '../framework-scope.ts'
import type { NetworkContext } from './network-context.ts'
import { defaultPort } from './normalize-request.ts'
import { toFetchResponse } from './recorded-response.ts'

/** Turns the network error a client received from msw back into the ParallaxError behind it. */
export type ClientErrorTranslator = (error: unknown) => unknown

/**
 * Starts msw, once per network installation, answering from whichever recording `context` serves;
 * `patches.restore()` closes it.
 * @example const translate = listenWithMsw(context, patches)
 */
export function listenWithMsw(context: NetworkContext, patches: PatchRegistry): ClientErrorTranslator {
  // A failed call answers `Response.error()` (a network error for every client, and nothing logged);
  // the client's error then carries that response, which leads back to our error.
  const failures = new WeakMap<Response, ParallaxError>()
  const server = setupServer(
    http.all('*', ({ request }) =>
      runInFrameworkScope(() => answerFromRecording(context, request, failures)),
    ),
  )
  server.listen({ onUnhandledFrame: 'error' })
  patches.defer(() => {
    void server.close()
  })
  return (error) => {
    const response = errorResponseOf(error)
    return (response && failures.get(response)) ?? error
  }
}

async function answerFromRecording(
  context: NetworkContext,
  request: Request,
  failures: WeakMap<Response, ParallaxError>,
): Promise<Response> {
  const url = new URL(request.url)
  if (context.isAllowed(url.hostname, url.port || defaultPort(url))) return passthrough()
  const body = Buffer.from(await request.arrayBuffer())
  const headers: HeaderList = [...request.headers]
  const entry = context.answer(request.method, request.url, headers, body)
  if (entry.kind === 'matched') return toFetchResponse(entry.exchange.response)
  const failure = Response.error()
  failures.set(failure, entry.error)
  return failure
}

/** The `Response.error()` interceptors attach to a client's error (fetch: its cause; http: a private symbol). */
function errorResponseOf(error: unknown): Response | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  if (error instanceof TypeError && error.cause instanceof Response) return error.cause
  const symbol = Object.getOwnPropertySymbols(error).find((s) => s.description === 'kErrorResponse')
  const value = symbol ? (error as Record<symbol, unknown>)[symbol] : undefined
  return value instanceof Response ? value : undefined
}
