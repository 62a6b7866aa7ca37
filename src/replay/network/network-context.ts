/**
 * What every interception point shares: the allowHosts rule, fixed for the isolate, and the recording
 * being served now (its exchange book and where its calls are reported), swapped between recordings.
 * One context per network installation, never module state.
 */

import type { OutboundTrace } from '../../pipeline/types.ts'
import type { ParallaxError } from '../../recording/errors.ts'
import type { HeaderList } from '../../recording/types.ts'
import type { BookEntry, ExchangeBook } from './exchange-book.ts'
import { outboundRequest, requestDigest } from './normalize-request.ts'
import { idleCallError } from './outbound-errors.ts'

/** One recording's share of the network: the exchanges it answers with and where its calls go. */
export interface NetworkSession {
  book: ExchangeBook
  onCall: (call: OutboundTrace, error?: ParallaxError) => void
}

export interface NetworkContext {
  /** Answers one request from the current recording and reports it through its `onCall`. */
  answer(method: string, url: string, headers: HeaderList, body: Buffer): BookEntry
  /** Reports a call that never reached the book (a refused raw connection). */
  report(call: OutboundTrace, error?: ParallaxError): void
  /** True when `host` (name, or name:port) may be reached for real. */
  isAllowed(hostname: string, port?: number | string): boolean
  /** Serves `session` from now on, in place of any other. */
  begin(session: NetworkSession): void
  /** Stops serving `session` (nothing happens when another one is current): calls then fail as unrecorded. */
  end(session: NetworkSession): void
}

/**
 * Builds the shared context of one network installation; it serves nothing until `begin`.
 * @example
 * const context = createNetworkContext(['127.0.0.1'])
 * context.begin({ book: createExchangeBook(recording), onCall })
 */
export function createNetworkContext(allowHosts: readonly string[]): NetworkContext {
  const allowed = new Set(allowHosts.map((host) => host.toLowerCase()))
  let current: NetworkSession | undefined
  return {
    answer(method, url, headers, body) {
      const request = outboundRequest(method, url, headers, body)
      const session = current
      if (!session) {
        // Work a stage left running after its replay ended: it must neither escape nor touch the next recording.
        const digest = requestDigest(request)
        return { kind: 'unmatched', digest, error: idleCallError(request, digest) }
      }
      const entry = session.book.take(request)
      const call = { method: request.method, url, requestDigest: entry.digest }
      if (entry.kind === 'matched') session.onCall({ ...call, matched: entry.index })
      else if (entry.kind === 'broken') session.onCall({ ...call, matched: entry.index }, entry.error)
      else session.onCall({ ...call, matched: null }, entry.error)
      return entry
    },
    report(call, error) {
      current?.onCall(call, error)
    },
    isAllowed(hostname, port) {
      if (allowed.size === 0) return false
      const name = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1')
      return allowed.has(name) || (port !== undefined && allowed.has(`${name}:${port}`))
    },
    begin(session) {
      current = session
    },
    end(session) {
      if (current === session) current = undefined
    },
  }
}
