/**
 * What every interception point shares during one replay: the exchange book, the report callback and
 * the allowHosts rule. One context per `serveFromRecording` call, never module state.
 */

import type { OutboundTrace } from '../../pipeline/types.ts'
import type { ParallaxError } from '../../recording/errors.ts'
import type { HeaderList } from '../../recording/types.ts'
import type { BookEntry, ExchangeBook } from './exchange-book.ts'
import { outboundRequest } from './normalize-request.ts'

export interface NetworkContext {
  /** Answers one request from the recording and reports it through `onCall`. */
  answer(method: string, url: string, headers: HeaderList, body: Buffer): BookEntry
  /** Reports a call that never reached the book (a refused raw connection). */
  report(call: OutboundTrace, error?: ParallaxError): void
  /** True when `host` (name, or name:port) may be reached for real. */
  isAllowed(hostname: string, port?: number | string): boolean
}

/**
 * Builds the shared context for one replay.
 * @example createNetworkContext(createExchangeBook(recording), onCall, ['127.0.0.1'])
 */
export function createNetworkContext(
  book: ExchangeBook,
  onCall: (call: OutboundTrace, error?: ParallaxError) => void,
  allowHosts: readonly string[],
): NetworkContext {
  const allowed = new Set(allowHosts.map((host) => host.toLowerCase()))
  return {
    answer(method, url, headers, body) {
      const request = outboundRequest(method, url, headers, body)
      const entry = book.take(request)
      const call = { method: request.method, url, requestDigest: entry.digest }
      if (entry.kind === 'matched') onCall({ ...call, matched: entry.index })
      else if (entry.kind === 'broken') onCall({ ...call, matched: entry.index }, entry.error)
      else onCall({ ...call, matched: null }, entry.error)
      return entry
    },
    report: onCall,
    isAllowed(hostname, port) {
      if (allowed.size === 0) return false
      const name = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1')
      return allowed.has(name) || (port !== undefined && allowed.has(`${name}:${port}`))
    },
  }
}
