/**
 * Replay's network: every outbound call the code under test makes is answered from the recording,
 * whichever client makes it, and no real connection opens unless its host is allowed.
 *
 * The interception (msw, the undici dispatcher, the socket guards, the framework-scope entry points) is
 * installed once per isolate; each recording then only swaps in its exchange book and its call log.
 */

import type { OutboundTrace } from '../../pipeline/types.ts'
import type { PatchRegistry } from '../../record/patch-registry.ts'
import type { ParallaxError } from '../../recording/errors.ts'
import type { Recording } from '../../recording/types.ts'
import { createExchangeBook, type Matching } from './exchange-book.ts'
import { runClientsInFrameworkScope } from './framework-entry-points.ts'
import { listenWithMsw } from './msw-source.ts'
import { createNetworkContext, type NetworkSession } from './network-context.ts'
import { guardRealConnections, refuseRawSockets } from './socket-lockdown.ts'
import { installReplayDispatcher } from './undici-source.ts'

export interface ReplayNetworkOptions {
  /** Every global change goes through it; `patches.restore()` unwinds the network. */
  patches: PatchRegistry
  /** Hosts (`name` or `name:port`) that may be reached for real; none by default. */
  allowHosts?: string[]
}

export interface ServeFromRecordingOptions extends ReplayNetworkOptions {
  /** Called for every outbound call, matched (with the recorded index) or not (with the error). */
  onCall: (call: OutboundTrace, error?: ParallaxError) => void
}

export interface RecordedNetwork {
  /** How many of the recording's outbound exchanges answered a call. */
  consumed(): number
  /** Stops serving this recording: later calls fail as unrecorded and report nowhere. Idempotent. */
  end(): void
}

/** The isolate's network, installed once, serving one recording at a time. */
export interface ReplayNetwork {
  /**
   * Answers outbound calls from `recording` until the returned handle ends, reporting each through `onCall`;
   * its sequence counts start at zero. A recording still being served is replaced.
   */
  serve(
    recording: Recording,
    onCall: ServeFromRecordingOptions['onCall'],
    matching?: Matching,
  ): RecordedNetwork
}

/**
 * Installs the replay network for an isolate: global fetch, undici, node:http/https answered from whichever
 * recording is being served, raw sockets refused, all through `options.patches`. Until `serve` is called
 * every call fails as unrecorded.
 * @example
 * const network = installReplayNetwork({ patches }) // when the isolate starts
 * const served = network.serve(recording, (call, error) => calls.push(call))
 * await runPipeline()
 * served.end()
 * served.consumed() // 2
 */
export function installReplayNetwork(options: ReplayNetworkOptions): ReplayNetwork {
  const context = createNetworkContext(options.allowHosts ?? [])
  const { patches } = options
  // Order matters: the innermost guard first, msw around it, then the outer layers around msw.
  guardRealConnections(context, patches)
  const nativeFetch = globalThis.fetch
  const translate = listenWithMsw(context, patches)
  refuseRawSockets(context, patches)
  installReplayDispatcher(context, patches)
  runClientsInFrameworkScope(patches, translate, nativeFetch)
  return {
    serve(recording, onCall, matching = 'exact') {
      const session: NetworkSession = { book: createExchangeBook(recording, matching), onCall }
      context.begin(session)
      return { consumed: () => session.book.consumed(), end: () => context.end(session) }
    },
  }
}

/**
 * Installs the replay network and serves one recording, all through `options.patches`: the one-shot form of
 * {@link installReplayNetwork}, for a single replay.
 * @example
 * const network = serveFromRecording(recording, { patches, onCall: (call, error) => calls.push(call) })
 * await runPipeline()
 * patches.restore()
 * network.consumed() // 2
 */
export function serveFromRecording(
  recording: Recording,
  options: ServeFromRecordingOptions,
): RecordedNetwork {
  const served = installReplayNetwork(options).serve(recording, options.onCall)
  options.patches.defer(() => served.end())
  return served
}
