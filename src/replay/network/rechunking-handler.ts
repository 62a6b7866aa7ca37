/**
 * Delivers a recorded response body to an undici client in the recorded chunk sizes, driven by the
 * client's pulls rather than by one event-loop turn per chunk.
 *
 * undici's body streams (fetch's, `undici.request`'s) coalesce whatever sits in their buffer when their
 * reader reads, so a chunk may only arrive once the reader has taken the one before. Their `read` calls
 * `controller.resume()`: that pull is the signal for the next chunk. A pull can also be the stream reading
 * ahead while the previous chunk still waits for a reader that a tick has already woken, so the chunk goes
 * out a tick and a microtask after the pull, once that reader has run: a reader that keeps reading (however
 * much promise work it does per chunk) sees production's chunks. A reader that waits on something else
 * between reads (I/O, a timer, the next turn) gets what remains in one piece when it reads again, the same
 * on every replay, where turn-paced delivery would split it by how many turns its wait happened to take.
 * A client that has not pulled by the end of the turn its response started in (it reads late, or never
 * pulls, as `undici.stream` does) gets one chunk per event-loop turn instead, as before pulls drove
 * delivery; so does one that consumes without pulling after its first read (`undici.request`'s
 * `body.text()`), from a watchdog that acts only when a whole turn passed without a pull. Ordering steps
 * only, never delays: no clock is involved.
 */
import type { Dispatcher } from 'undici'
import type { RecordedResponse } from '../../recording/types.ts'
import { runInFrameworkScope } from '../framework-scope.ts'
import { incompleteStreamError, isNullBodyStatus, responseChunks, statusText } from './recorded-response.ts'

type Handler = Dispatcher.DispatchHandler
type Controller = Parameters<NonNullable<Handler['onResponseStart']>>[0]
type Trailers = Parameters<NonNullable<Handler['onResponseEnd']>>[1]

const settled = Promise.resolve()

/**
 * Wraps the client's handler for a MockAgent reply: status, headers and status text pass through, MockAgent's
 * one body buffer is dropped, and the recorded chunks, then the end (or the recorded stream error), are
 * delivered as the client pulls.
 * @example agent.dispatch(options, rechunkingHandler(handler, exchange.response))
 */
export function rechunkingHandler(inner: Handler, response: RecordedResponse): Handler {
  const chunks = isNullBodyStatus(response.status) ? [] : responseChunks(response)
  let next = 0
  let agent: Controller | undefined
  let trailers: Trailers = {}
  let paused = false
  let pending = false
  let done = false
  /**
   * How delivery is driven: by the client's pulls when it pulled before the turn its response started in was
   * over, else one chunk per turn (a client that reads late, or never pulls, as `undici.stream` does).
   */
  let mode: 'waiting' | 'pulls' | 'turns' = 'waiting'
  /** Deliveries so far, and as the watchdog last saw them: equal means a turn passed without a pull. */
  let delivered = 0
  let watched = -1
  let watching = false

  // Framework scope: the end makes undici finalize the response (timing info reads the clock), and a pull
  // may come from the code under test, whose clock and randomness undici must not consume.
  const finish = () =>
    runInFrameworkScope(() => {
      done = true
      if (response.incomplete === undefined) inner.onResponseEnd?.(controller, trailers)
      else inner.onResponseError?.(controller, incompleteStreamError(response.incomplete))
    })
  const deliver = () => {
    pending = false
    if (done || controller.aborted) return
    delivered++
    try {
      const chunk = chunks[next++]
      if (chunk) inner.onResponseData?.(controller, chunk)
      // The end can follow the last chunk at once; a stream error waits for the next pull, or it would
      // destroy the stream before the reader took that chunk.
      if (next >= chunks.length && (chunk === undefined || response.incomplete === undefined)) finish()
    } catch (error) {
      done = true
      runInFrameworkScope(() => inner.onResponseError?.(controller, error as Error))
    }
  }
  const watchdog = () => {
    watching = false
    if (done || controller.aborted) return
    if (mode === 'waiting') mode = 'turns'
    if (mode === 'turns' ? !paused : delivered === watched && !pending && !paused) deliver()
    watched = delivered
    watch()
  }
  const watch = () => {
    if (watching || done) return
    watching = true
    setImmediate(watchdogInFrameworkScope)
  }
  const watchdogInFrameworkScope = () => runInFrameworkScope(watchdog)
  // A resolved promise's reaction: a microtask without queueMicrotask's per-call async resource.
  const afterPull = () => void settled.then(deliver)

  // The client's own controller: pulls drive delivery, everything else is MockAgent's.
  const controller = {
    get aborted() {
      return agent?.aborted ?? false
    },
    get paused() {
      return paused
    },
    get rawHeaders() {
      return agent?.rawHeaders
    },
    get rawTrailers() {
      return agent?.rawTrailers
    },
    pause() {
      paused = true
    },
    resume() {
      paused = false
      // Once a turn went by without a pull, pulls only lift a pause: read-ahead pulls would otherwise pour
      // the rest of the body into a stream its reader is not reading yet.
      if (mode === 'turns' || pending || done) return
      mode = 'pulls'
      pending = true
      process.nextTick(afterPull)
    },
    abort(reason: Error) {
      agent?.abort(reason)
    },
  } as Controller

  const wrapped: Handler = {
    onRequestStart: (agentController, context) => {
      agent = agentController
      inner.onRequestStart?.(controller, context)
    },
    onRequestUpgrade: (_controller, status, headers, socket) =>
      inner.onRequestUpgrade?.(controller, status, headers, socket),
    onResponseStart: (_controller, status, headers) =>
      inner.onResponseStart?.(controller, status, headers, statusText(response)),
    // MockAgent's one (empty) buffer: the recorded chunks go out on the client's pulls instead.
    onResponseData: () => {},
    onResponseEnd: (_controller, agentTrailers) => {
      trailers = agentTrailers
      if (done || controller.aborted) return
      // Nothing to pull: end now rather than wait for a reader that may never come. A stream error with no
      // chunk before it waits a turn, so the client has its response and body to fail, not a finished one.
      if (chunks.length === 0 && response.incomplete === undefined) finish()
      else watch()
    },
    onResponseError: (_controller, error) => {
      done = true
      inner.onResponseError?.(controller, error)
    },
  }
  // MockAgent drives body hooks only when the handler has them; keep that shape.
  const legacy = inner as Handler & { onBodySent?: (chunk: unknown) => void; onRequestSent?: () => void }
  const hooks = wrapped as typeof legacy
  if (legacy.onBodySent) hooks.onBodySent = (chunk) => legacy.onBodySent?.(chunk)
  if (legacy.onRequestSent) hooks.onRequestSent = () => legacy.onRequestSent?.()
  return wrapped
}
