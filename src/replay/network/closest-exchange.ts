/**
 * "Why wasn't my request replayed?": narrows the recorded exchanges step by step (method, origin and
 * path, then query, then body, then headers), as undici's staged mock matching does, and describes how
 * the exchange that survived longest differs from the request that was sent.
 */
import { bodyBytes } from '../../recording/body.ts'
import type { Exchange } from '../../recording/types.ts'
import { EMPTY_BODY_SHA256, type OutboundRequest } from './normalize-request.ts'

/** The recorded exchange nearest to an unmatched request, and what differs. */
export interface ClosestExchange {
  index: number
  method: string
  url: string
  /** Short, human descriptions of the differences, most significant first. */
  differences: string[]
}

/** How many differing query parameters or body paths a description names. */
const NAMED_DIFFERENCES = 3

/**
 * Finds the recorded exchange closest to `request`, or null when the recording holds nothing to compare with.
 * @example closestExchange(recording.outbound, request)?.differences // ['query param lang is "fr" in the recording, "en" here']
 */
export function closestExchange(
  exchanges: readonly Exchange[],
  request: OutboundRequest,
): ClosestExchange | null {
  const sent = new URL(request.normalizedUrl)
  const all = exchanges.map((exchange, index) => ({ exchange, index, url: new URL(exchange.request.url) }))
  const stages: Array<(c: (typeof all)[number]) => boolean> = [
    (c) => c.url.origin === sent.origin,
    (c) => c.url.pathname === sent.pathname,
    (c) => c.exchange.request.method.toUpperCase() === request.method,
    (c) => sortedQuery(c.url) === sortedQuery(sent),
    (c) => (c.exchange.request.body?.sha256 ?? EMPTY_BODY_SHA256) === request.bodySha256,
  ]
  let survivors = all
  // A stage nobody passes is skipped, not final: a call to another origin still has a closest path.
  for (const stage of stages) {
    const next = survivors.filter(stage)
    if (next.length > 0) survivors = next
  }
  if (survivors.length === 0) return null
  // Headers never decide a match; among equals they name the exchange most like the request.
  const best = survivors.reduce((a, b) =>
    sharedHeaders(b.exchange, request) > sharedHeaders(a.exchange, request) ? b : a,
  )
  return {
    index: best.index,
    method: best.exchange.request.method.toUpperCase(),
    url: best.exchange.request.url,
    differences: describeDifferences(best.exchange, best.url, request, sent),
  }
}

function describeDifferences(
  exchange: Exchange,
  recorded: URL,
  request: OutboundRequest,
  sent: URL,
): string[] {
  const differences: string[] = []
  if (recorded.origin !== sent.origin)
    differences.push(`origin is ${recorded.origin} in the recording, ${sent.origin} here`)
  if (recorded.pathname !== sent.pathname) {
    differences.push(`path is ${recorded.pathname} in the recording, ${sent.pathname} here`)
  }
  const method = exchange.request.method.toUpperCase()
  if (method !== request.method)
    differences.push(`method is ${method} in the recording, ${request.method} here`)
  differences.push(...queryDifferences(recorded.searchParams, sent.searchParams))
  if ((exchange.request.body?.sha256 ?? EMPTY_BODY_SHA256) !== request.bodySha256) {
    differences.push(
      bodyDifference(bodyBytes(exchange.request.body), exchange.request.body?.size ?? 0, request.body),
    )
  }
  return differences
}

function sortedQuery(url: URL): string {
  return [...url.searchParams]
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join('&')
}

function queryDifferences(recorded: URLSearchParams, sent: URLSearchParams): string[] {
  const names = [...new Set([...recorded.keys(), ...sent.keys()])].sort()
  const differences: string[] = []
  for (const name of names) {
    const before = recorded.getAll(name)
    const after = sent.getAll(name)
    if (before.join('\u0000') === after.join('\u0000')) continue
    if (after.length === 0)
      differences.push(`query param ${name} is ${quote(before)} in the recording, absent here`)
    else if (before.length === 0)
      differences.push(`query param ${name} is absent in the recording, ${quote(after)} here`)
    else differences.push(`query param ${name} is ${quote(before)} in the recording, ${quote(after)} here`)
  }
  return summarize(differences)
}

function bodyDifference(recorded: Buffer, recordedSize: number, sent: Buffer): string {
  const paths = jsonDifferences(recorded, sent)
  if (paths) return `body differs at ${paths}`
  return `body differs (${recordedSize} bytes in the recording, ${sent.byteLength} here)`
}

/** Names the JSON paths whose values differ, when both bodies are JSON. */
function jsonDifferences(recorded: Buffer, sent: Buffer): string | undefined {
  let before: unknown
  let after: unknown
  try {
    before = JSON.parse(recorded.toString('utf8'))
    after = JSON.parse(sent.toString('utf8'))
  } catch {
    return undefined
  }
  const paths: string[] = []
  collectJsonPaths('$', before, after, paths)
  if (paths.length === 0) return undefined
  const named = paths.slice(0, NAMED_DIFFERENCES).join(', ')
  return paths.length > NAMED_DIFFERENCES ? `${named} and ${paths.length - NAMED_DIFFERENCES} more` : named
}

function collectJsonPaths(path: string, before: unknown, after: unknown, out: string[]): void {
  if (out.length > NAMED_DIFFERENCES) return
  const bothObjects =
    typeof before === 'object' && before !== null && typeof after === 'object' && after !== null
  if (bothObjects && Array.isArray(before) === Array.isArray(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])]
    for (const key of keys) {
      const child = Array.isArray(before) ? `${path}[${key}]` : `${path}.${key}`
      collectJsonPaths(
        child,
        (before as Record<string, unknown>)[key],
        (after as Record<string, unknown>)[key],
        out,
      )
    }
    return
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) {
    out.push(`${path} (${preview(before)} in the recording, ${preview(after)} here)`)
  }
}

function preview(value: unknown): string {
  if (value === undefined) return 'absent'
  const text = JSON.stringify(value)
  return text.length > 40 ? `${text.slice(0, 37)}...` : text
}

function quote(values: string[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ')
}

function summarize(differences: string[]): string[] {
  if (differences.length <= NAMED_DIFFERENCES) return differences
  return [
    ...differences.slice(0, NAMED_DIFFERENCES),
    `${differences.length - NAMED_DIFFERENCES} more query params`,
  ]
}

function sharedHeaders(exchange: Exchange, request: OutboundRequest): number {
  const sent = new Set(request.headers.map(([name, value]) => `${name.toLowerCase()}:${value}`))
  return exchange.request.headers.filter(([name, value]) => sent.has(`${name.toLowerCase()}:${value}`)).length
}
