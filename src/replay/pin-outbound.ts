/**
 * A recording replayed with `route` matching (its inbound request changed on purpose: fuzzing,
 * shrinking) answers calls whose URLs differ from the recorded ones. Pinning writes the URLs the pipeline
 * actually called into the exchanges that answered them, so the recording replays with ordinary `exact`
 * matching.
 */
import type { Trace } from '../pipeline/types.ts'
import type { Recording } from '../recording/types.ts'

/**
 * `recording` with each outbound exchange's request method and URL set to the call it answered in `trace`.
 * @example const saved = pinOutbound(fuzzed, traces[0])
 */
export function pinOutbound(recording: Recording, trace: Trace): Recording {
  const outbound = recording.outbound.map((exchange) => ({ ...exchange, request: { ...exchange.request } }))
  for (const stage of trace.stages) {
    for (const call of stage.outbound) {
      const exchange = call.matched === null ? undefined : outbound[call.matched]
      if (exchange) {
        exchange.request.url = call.url
        exchange.request.method = call.method
      }
    }
  }
  return { ...recording, outbound }
}
