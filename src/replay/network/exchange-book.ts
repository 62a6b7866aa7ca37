/**
 * The recording's outbound exchanges as a ledger: each identical request is answered by its recorded
 * occurrences in order, and one call more than recorded is an error, never a repeated last response.
 */
import type { ParallaxError } from '../../recording/errors.ts'
import type { Exchange, Recording } from '../../recording/types.ts'
import { closestExchange } from './closest-exchange.ts'
import {
  EMPTY_BODY_SHA256,
  normalizeUrl,
  type OutboundRequest,
  requestDigest,
  requestKey,
} from './normalize-request.ts'
import { exhaustedCallError, truncatedBodyError, unrecordedCallError } from './outbound-errors.ts'

/** What answering one request from the recording gave. */
export type BookEntry =
  | { kind: 'matched'; index: number; exchange: Exchange; digest: string }
  /** Matched (and consumed) but the recorded response cannot be replayed faithfully. */
  | { kind: 'broken'; index: number; digest: string; error: ParallaxError }
  | { kind: 'unmatched'; digest: string; error: ParallaxError }

export interface ExchangeBook {
  /** Answers `request` with the next unused recorded occurrence of it. */
  take(request: OutboundRequest): BookEntry
  /** How many recorded exchanges were used so far. */
  consumed(): number
}

/**
 * How an outbound call finds its recorded exchange: `exact` (method, normalized URL and body digest: the
 * same request) or `route` (method, origin and path, in recorded order: query and body ignored — for
 * fuzzing, where the request that caused the calls is changed on purpose).
 */
export type Matching = 'exact' | 'route'

/**
 * Indexes a recording's outbound exchanges by canonical request, on the first call (a replay that makes none
 * pays nothing).
 * @example const book = createExchangeBook(recording); book.take(request)
 */
export function createExchangeBook(recording: Recording, matching: Matching = 'exact'): ExchangeBook {
  const keyOf = matching === 'route' ? routeKey : requestKey
  let queues: Map<string, number[]> | undefined
  const used = new Map<string, number>()
  let consumed = 0

  return {
    take(request) {
      queues ??= indexExchanges(recording.outbound, request, keyOf)
      const digest = requestDigest(request)
      const key = keyOf(request)
      const queue = queues.get(key)
      if (!queue) {
        const error = unrecordedCallError(request, digest, closestExchange(recording.outbound, request))
        return { kind: 'unmatched', digest, error }
      }
      const position = used.get(key) ?? 0
      const index = queue[position]
      if (index === undefined)
        return { kind: 'unmatched', digest, error: exhaustedCallError(request, digest, queue) }
      used.set(key, position + 1)
      consumed++
      const exchange = recording.outbound[index]!
      if (exchange.response.body?.truncated) {
        return { kind: 'broken', index, digest, error: truncatedBodyError(request, index, exchange) }
      }
      return { kind: 'matched', index, exchange, digest }
    },
    consumed: () => consumed,
  }
}

/** The recorded occurrences of each request key, in recorded order. */
function indexExchanges(
  exchanges: readonly Exchange[],
  first: OutboundRequest,
  keyOf: typeof requestKey,
): Map<string, number[]> {
  const queues = new Map<string, number[]>()
  exchanges.forEach((exchange, index) => {
    const { url } = exchange.request
    const key = keyOf({
      method: exchange.request.method.toUpperCase(),
      // A recorded URL spelled exactly like the first request's normalizes the same: reuse it.
      normalizedUrl: url === first.url ? first.normalizedUrl : normalizeUrl(url),
      bodySha256: exchange.request.body?.sha256 ?? EMPTY_BODY_SHA256,
    })
    const queue = queues.get(key)
    if (queue) queue.push(index)
    else queues.set(key, [index])
  })
  return queues
}

/** The `route` matching key: method, origin and path (query, fragment and body left out). */
function routeKey(request: Pick<OutboundRequest, 'method' | 'normalizedUrl' | 'bodySha256'>): string {
  const url = URL.parse(request.normalizedUrl)
  return `${request.method} ${url === null ? request.normalizedUrl : url.origin + url.pathname}`
}
