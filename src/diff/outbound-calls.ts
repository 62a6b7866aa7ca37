/**
 * A stage's outbound calls, compared as sequences of (request digest, answering recorded exchange).
 */
import type { OutboundTrace } from '../pipeline/types.ts'

/** How many differing calls a detail names before summarizing the rest. */
const NAMED_CALLS = 3

/**
 * True when both stages sent the same requests in the same order and were answered by the same recorded exchanges.
 * @example sameOutbound(left.outbound, right.outbound)
 */
export function sameOutbound(left: readonly OutboundTrace[], right: readonly OutboundTrace[]): boolean {
  if (left.length !== right.length) return false
  for (let index = 0; index < left.length; index++) {
    const l = left[index]!
    const r = right[index]!
    if (l.requestDigest !== r.requestDigest || l.matched !== r.matched) return false
  }
  return true
}

/**
 * Names the outbound calls that differ, method and URL under each variant.
 * @example
 * describeOutbound('retrieve', left.outbound, right.outbound, ['local', 'production'])
 * // 'Stage retrieve sent different outbound requests for the same input: call 1 is GET https://a/x (recorded #0) under local, GET https://b/x (unmatched) under production.'
 */
export function describeOutbound(
  stage: string,
  left: readonly OutboundTrace[],
  right: readonly OutboundTrace[],
  variants: readonly [string, string],
): string {
  const differing: string[] = []
  const length = Math.max(left.length, right.length)
  for (let index = 0; index < length; index++) {
    const l = left[index]
    const r = right[index]
    if (l && r && l.requestDigest === r.requestDigest && l.matched === r.matched) continue
    differing.push(
      `call ${index + 1} is ${callText(l)} under ${variants[0]}, ${callText(r)} under ${variants[1]}`,
    )
  }
  const named = differing.slice(0, NAMED_CALLS).join('; ')
  const more = differing.length > NAMED_CALLS ? `; and ${differing.length - NAMED_CALLS} more` : ''
  return `Stage ${stage} sent different outbound requests for the same input: ${named}${more}.`
}

function callText(call: OutboundTrace | undefined): string {
  if (!call) return 'not made'
  const answer = call.matched === null ? 'unmatched' : `recorded #${call.matched}`
  return `${call.method} ${call.url} (${answer})`
}
