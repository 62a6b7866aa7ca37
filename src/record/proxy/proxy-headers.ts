/**
 * Which headers the recording proxy forwards, and how: end-to-end headers pass in their raw order, case
 * and repetitions; hop-by-hop headers (RFC 9110 §7.6.1) describe one connection and stop at the proxy.
 */
import type { HeaderList } from '../../recording/types.ts'

/**
 * Header names that belong to one connection and are never forwarded, in either direction (compared
 * lowercase). Every `proxy-*` header and the names a `Connection` header lists are dropped as well.
 * @example HOP_BY_HOP_HEADERS.has('transfer-encoding') // true
 */
export const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
])

/**
 * How the proxy sets `Host` on the request to the target: `client` keeps the Host the client sent
 * (virtual hosts, absolute links and cookie domains behave as the client expects), `target` sends the
 * target's host instead.
 * @example const mode: HostHeaderMode = 'client'
 */
export type HostHeaderMode = 'client' | 'target'

/**
 * What the proxy knows about the client's connection, for the X-Forwarded-* headers.
 * @example const hop: ClientHop = { address: '10.0.0.7', protocol: 'http' }
 */
export interface ClientHop {
  /** The client's IP address, as the proxy's socket sees it. */
  address: string | undefined
  protocol: 'http' | 'https'
  /** The HTTP version the client spoke (`1.1`), for `Via`. */
  httpVersion?: string
}

/**
 * Options of {@link requestHeadersToTarget}.
 * @example const options: RequestHeaderOptions = { host: 'client', forwarded: true, hop }
 */
export interface RequestHeaderOptions {
  host: HostHeaderMode
  /**
   * Append the client to X-Forwarded-For, set X-Forwarded-Proto and -Host when absent, and add a `Via`
   * entry naming this proxy (`via`, e.g. `parallax-9f1c2a8e`) when one is given.
   */
  forwarded: boolean
  hop: ClientHop
  via?: string
}

/**
 * The flat [name, value, …] list sent to the target for a client's raw request headers: hop-by-hop
 * headers and `Expect` (the proxy's server already answered `100 Continue`) dropped, one `Host` kept
 * (or none, in `target` mode: undici then sends the target's), X-Forwarded-* added last.
 * @example
 * requestHeadersToTarget(['Host', 'api', 'Connection', 'keep-alive', 'Accept', '*\/*'], { host: 'client', forwarded: false, hop })
 * // ['Host', 'api', 'Accept', '*\/*']
 */
export function requestHeadersToTarget(raw: readonly string[], options: RequestHeaderOptions): string[] {
  const dropped = connectionTokens(raw)
  const out: string[] = []
  let clientHost: string | undefined
  let forwardedFor = -1
  let hasProto = false
  let hasForwardedHost = false
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!
    const value = raw[i + 1]!
    const lower = name.toLowerCase()
    if (isHopByHop(lower, dropped) || lower === 'expect') continue
    if (lower === 'host') {
      // Node's parser accepts a repeated Host; undici refuses one. The first is the one Node reports.
      if (clientHost !== undefined) continue
      clientHost = value
      if (options.host === 'target') continue
    } else if (lower === 'x-forwarded-for') {
      forwardedFor = out.length
    } else if (lower === 'x-forwarded-proto') {
      hasProto = true
    } else if (lower === 'x-forwarded-host') {
      hasForwardedHost = true
    }
    out.push(name, value)
  }
  if (!options.forwarded) return out
  const address = options.hop.address
  if (address !== undefined) {
    // Appended to the last X-Forwarded-For line, so the header keeps its place and its earlier hops.
    if (forwardedFor >= 0) out[forwardedFor + 1] = `${out[forwardedFor + 1]}, ${address}`
    else out.push('X-Forwarded-For', address)
  }
  if (!hasProto) out.push('X-Forwarded-Proto', options.hop.protocol)
  if (!hasForwardedHost && clientHost !== undefined) out.push('X-Forwarded-Host', clientHost)
  // A Via line of its own is the same as an entry appended to the list (RFC 9110 §7.6.3).
  if (options.via !== undefined) out.push('Via', `${httpVersion(options.hop)} ${options.via}`)
  return out
}

/**
 * Whether a request's raw headers hold a `Via` entry received by `pseudonym`: the request already passed
 * through the proxy of that name, so forwarding it again would loop.
 * @example passedThrough(['Via', '1.1 parallax-9f1c2a8e, 1.1 edge'], 'parallax-9f1c2a8e') // true
 */
export function passedThrough(raw: readonly string[], pseudonym: string): boolean {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.length !== 3 || raw[i]!.toLowerCase() !== 'via') continue
    for (const entry of raw[i + 1]!.split(',')) {
      // `protocol received-by [comment]`
      if (entry.trim().split(/[ \t]+/)[1] === pseudonym) return true
    }
  }
  return false
}

function httpVersion(hop: ClientHop): string {
  return hop.httpVersion ?? '1.1'
}

/**
 * The flat [name, value, …] list sent back to the client for the target's raw response headers:
 * every end-to-end header, in order, repeats kept (each Set-Cookie on its own line).
 * @example responseHeadersToClient(['Set-Cookie', 'a=1', 'Transfer-Encoding', 'chunked', 'Set-Cookie', 'b=2'])
 * // ['Set-Cookie', 'a=1', 'Set-Cookie', 'b=2']
 */
export function responseHeadersToClient(raw: readonly string[]): string[] {
  const dropped = connectionTokens(raw)
  const out: string[] = []
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (!isHopByHop(raw[i]!.toLowerCase(), dropped)) out.push(raw[i]!, raw[i + 1]!)
  }
  return out
}

/**
 * A flat raw header list as strings: undici hands raw headers over as latin1 Buffers.
 * @example rawHeaderStrings([Buffer.from('Date'), Buffer.from('Mon')]) // ['Date', 'Mon']
 */
export function rawHeaderStrings(raw: ReadonlyArray<string | Uint8Array>): string[] {
  return raw.map((entry) =>
    typeof entry === 'string'
      ? entry
      : Buffer.from(entry.buffer, entry.byteOffset, entry.byteLength).toString('latin1'),
  )
}

/**
 * Pairs a flat raw list up into a {@link HeaderList}.
 * @example headerPairs(['Accept', '*\/*']) // [['Accept', '*\/*']]
 */
export function headerPairs(flat: readonly string[]): HeaderList {
  const list: HeaderList = []
  for (let i = 0; i + 1 < flat.length; i += 2) list.push([flat[i]!, flat[i + 1]!])
  return list
}

function isHopByHop(lower: string, dropped: ReadonlySet<string> | undefined): boolean {
  return HOP_BY_HOP_HEADERS.has(lower) || lower.startsWith('proxy-') || dropped?.has(lower) === true
}

/** The header names the Connection header(s) list, lowercase; undefined when there is none (the usual case). */
function connectionTokens(raw: readonly string[]): ReadonlySet<string> | undefined {
  let tokens: Set<string> | undefined
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() !== 'connection') continue
    for (const token of raw[i + 1]!.split(',')) {
      const name = token.trim().toLowerCase()
      if (name === '' || name === 'close' || name === 'keep-alive') continue
      tokens ??= new Set()
      tokens.add(name)
    }
  }
  return tokens
}
