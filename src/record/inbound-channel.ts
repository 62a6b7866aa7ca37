/**
 * Zero-code inbound capture: every node:http server in the process (and every framework built on one:
 * express, fastify, hono's node server) publishes `http.server.request.start` just before it emits
 * `'request'`. The subscriber begins the capture and enters its async context for the rest of that
 * synchronous dispatch, so the handler and everything it starts run in it.
 */

import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { InboundBegin } from './inbound-wrap.ts'
import type { PatchRegistry } from './patch-registry.ts'
import type { Capture, RecorderRuntime } from './recorder-runtime.ts'

const REQUEST_START = 'http.server.request.start'

/**
 * Subscribes to the server channel; `patches.restore()` unsubscribes.
 * @example installInboundChannel(runtime, patches, begin)
 */
export function installInboundChannel(
  runtime: RecorderRuntime,
  patches: PatchRegistry,
  begin: InboundBegin,
): void {
  const listener = (message: unknown) => {
    // A throw here would reach the app as an uncaught exception on the next tick: nothing may escape.
    try {
      const { request, response } = message as { request: IncomingMessage; response: ServerResponse }
      // Entered even when undefined: a request pipelined after a recorded one on the same socket must
      // not run in that one's context.
      runtime.storage.enterWith(begin(request, response) as Capture)
    } catch (error) {
      runtime.report(error)
    }
  }
  subscribe(REQUEST_START, listener)
  patches.defer(() => unsubscribe(REQUEST_START, listener))
}
