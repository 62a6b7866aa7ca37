/**
 * The typed errors an outbound call can end in during replay, with messages that say what was sent,
 * what the recording holds instead, and what to do.
 */
import { ParallaxError } from '../../recording/errors.ts'
import type { Exchange } from '../../recording/types.ts'
import type { ClosestExchange } from './closest-exchange.ts'
import type { OutboundRequest } from './normalize-request.ts'

/**
 * The error for a request the recording does not hold, naming the closest recorded exchange.
 * @example unrecordedCallError(request, digest, closestExchange(recording.outbound, request))
 */
export function unrecordedCallError(
  request: OutboundRequest,
  digest: string,
  closest: ClosestExchange | null,
): ParallaxError {
  const sent = `${request.method} ${request.url}`
  const nearest = closest
    ? `; the closest recorded exchange is #${closest.index} ${closest.method} ${closest.url} (${closest.differences.join('; ')})`
    : `; it holds no exchange with ${new URL(request.normalizedUrl).origin}`
  return new ParallaxError(
    'PARALLAX_OUTBOUND_UNMATCHED',
    `Failed to replay outbound call ${sent}: the recording holds no such request${nearest}.`,
    {
      hint: closest
        ? `Compare the request with recorded exchange #${closest.index} (${closest.differences[0] ?? 'it differs'}): fix the code or config that builds it, or re-record if production now sends it too.`
        : 'The code under test calls a dependency production did not call for this recording: check the config that picks the URL, or re-record.',
      details: { request: requestDetails(request, digest), closest },
    },
  )
}

/**
 * The error for one call more than the recording holds of an identical request (never a silently repeated response).
 * @example exhaustedCallError(request, digest, [0, 3])
 */
export function exhaustedCallError(
  request: OutboundRequest,
  digest: string,
  recordedAt: readonly number[],
): ParallaxError {
  const times = recordedAt.length
  return new ParallaxError(
    'PARALLAX_OUTBOUND_UNMATCHED',
    `Failed to replay outbound call ${request.method} ${request.url}: it was recorded ${times} time${times === 1 ? '' : 's'} and called ${times + 1} times.`,
    {
      hint: `The code under test repeats a call production made only ${times} time${times === 1 ? '' : 's'} (a retry, a loop, a missing cache?): find the extra call, or re-record.`,
      details: { request: requestDetails(request, digest), recordedAt: [...recordedAt] },
    },
  )
}

/**
 * The error for a recorded response whose body the recorder truncated: replaying it would lie.
 * @example truncatedBodyError(request, 2, exchange)
 */
export function truncatedBodyError(
  request: OutboundRequest,
  index: number,
  exchange: Exchange,
): ParallaxError {
  const body = exchange.response.body
  const kept = body ? Buffer.byteLength(body.encoding === 'utf8' ? body.text : body.data, body.encoding) : 0
  return new ParallaxError(
    'PARALLAX_RECORDING_INVALID',
    `Failed to replay outbound call ${request.method} ${request.url}: recorded exchange #${index} kept only ${kept} of ${body?.size ?? 0} bytes of its response body.`,
    {
      hint: 'Raise the recorder body size limit for this dependency and re-record, or drop this recording from the scenario.',
      details: { index, keptBytes: kept, size: body?.size ?? 0 },
    },
  )
}

/**
 * The error for a raw socket (net/tls, or an undici dispatcher of its own) that tried to connect during replay.
 * @example refusedConnectionError('tcp://db.internal:5432', digest)
 */
export function refusedConnectionError(url: string, digest: string): ParallaxError {
  return new ParallaxError(
    'PARALLAX_OUTBOUND_UNMATCHED',
    `Failed to replay outbound connection ${url}: replay never opens a real connection to a host outside allowHosts.`,
    {
      hint: "Reach the dependency through fetch, node:http or undici's global dispatcher so the recording can answer it, or add its host to the variant's allowHosts.",
      details: { request: { method: 'CONNECT', url, requestDigest: digest } },
    },
  )
}

/**
 * The error for a call made while no recording is being served: work a stage left running after its
 * replay ended (a timer, an unawaited promise) that reaches the network between two recordings.
 * @example idleCallError(request, digest)
 */
export function idleCallError(request: OutboundRequest, digest: string): ParallaxError {
  return new ParallaxError(
    'PARALLAX_OUTBOUND_UNMATCHED',
    `Failed to replay outbound call ${request.method} ${request.url}: it was made after its replay ended, when no recording is being served.`,
    {
      hint: 'A stage left work running when it returned (a timer or a promise nobody awaits): await it inside the stage.',
      details: { request: requestDetails(request, digest) },
    },
  )
}

function requestDetails(request: OutboundRequest, digest: string): Record<string, unknown> {
  return {
    method: request.method,
    url: request.url,
    requestDigest: digest,
    bodyBytes: request.body.byteLength,
  }
}
