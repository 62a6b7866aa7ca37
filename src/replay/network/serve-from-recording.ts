/**
 * Replay's network: every outbound call the code under test makes is answered from the recording,
 * whichever client makes it, and no real connection opens unless its host is allowed.
 */

import type { OutboundTrace } from '../../pipeline/types.ts'
import type { ParallaxError } from '../../recording/errors.ts'
import type { Recording } from '../../recording/types.ts'
import type { PatchRegistry } from '../patches.ts'
import { createExchangeBook } from './exchange-book.ts'
import { runClientsInFrameworkScope } from './framework-entry-points.ts'
import { listenWithMsw } from './msw-source.ts'
import { createNetworkContext } from './network-context.ts'
import { guardRealConnections, refuseRawSockets } from './socket-lockdown.ts'
import { installReplayDispatcher } from './undici-source.ts'

export interface ServeFromRecordingOptions {
  /** Every global change goes through it; `patches.restore()` unwinds the network after the replay. */
  patches: PatchRegistry
  /** Called for every outbound call, matched (with the recorded index) or not (with the error). */
  onCall: (call: OutboundTrace, error?: ParallaxError) => void
  /** Hosts (`name` or `name:port`) that may be reached for real; none by default. */
  allowHosts?: string[]
}

export interface RecordedNetwork {
  /** How many of the recording's outbound exchanges answered a call. */
  consumed(): number
}

/**
 * Serves the recording's outbound exchanges to global fetch, undici, node:http/https, and refuses raw sockets.
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
  const book = createExchangeBook(recording)
  const context = createNetworkContext(book, options.onCall, options.allowHosts ?? [])
  const { patches } = options
  // Order matters: the innermost guard first, msw around it, then the outer layers around msw.
  guardRealConnections(context, patches)
  const translate = listenWithMsw(context, patches)
  refuseRawSockets(context, patches)
  installReplayDispatcher(recording, context, patches)
  runClientsInFrameworkScope(patches, translate)
  return { consumed: () => book.consumed() }
}
