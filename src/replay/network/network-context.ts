/**
 * What every interception point shares: the allowHosts rule, fixed for the isolate, and the recording
 * being served now (its exchange book and where its calls are reported), swapped between recordings.
 * One context per network installation, never module state.
 */

import type { OutboundTrace } from '../../pipeline/types.ts'
import { createRedactor, type Redactor } from '../../record/redact/create-redactor.ts'
import type { ParallaxError } from '../../recording/errors.ts'
import type { HeaderList } from '../../recording/types.ts'
import type { BookEntry, ExchangeBook } from './exchange-book.ts'
import { type OutboundRequest, outboundRequest, requestDigest } from './normalize-request.ts'
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
export function createNetworkContext(
  allowHosts: readonly string[],
  redactor: Pick<Redactor, 'url' | 'bytes'> = defaultReplayRedactor(),
): NetworkContext {
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
      let entry = session.book.take(request)
      if (entry.kind === 'unmatched') {
        // The recording was redacted: the code sends the real secret, the recording holds its placeholder.
        // Redacted with the recorder's rules and key, the request matches its recorded self.
        const redacted = redactedRequest(request, redactor)
        if (redacted !== undefined) {
          const second = session.book.take(redacted)
          if (second.kind !== 'unmatched') entry = second
        }
      }
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

/**
 * The redactor replay matches with: the recorder's default rules, keyed by `PARALLAX_REDACTION_KEY` as the
 * recorder was (or the default key).
 */
function defaultReplayRedactor(): Pick<Redactor, 'url' | 'bytes'> {
  let redactor: Redactor | undefined
  const get = () => {
    redactor ??= createRedactor(
      process.env.PARALLAX_REDACTION_KEY ? { key: process.env.PARALLAX_REDACTION_KEY } : {},
    )
    return redactor
  }
  return { url: (url) => get().url(url), bytes: (bytes, contentType) => get().bytes(bytes, contentType) }
}

/** The request with its URL and body redacted, or undefined when redaction changes nothing. */
function redactedRequest(
  request: OutboundRequest,
  redactor: Pick<Redactor, 'url' | 'bytes'>,
): OutboundRequest | undefined {
  const url = redactor.url(request.url)
  const contentType = request.headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1]
  const body = request.body.byteLength === 0 ? request.body : redactor.bytes(request.body, contentType)
  if (url === request.url && body.equals(request.body)) return undefined
  return outboundRequest(request.method, url, request.headers, body)
}
