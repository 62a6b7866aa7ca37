/**
 * The deterministic bytes of a trace: everything but wall-clock timings, in canonical key order.
 */

import type { Trace } from '../pipeline/types.ts'
import { canonicalJson } from '../recording/canonical.ts'

/**
 * The bytes that must be identical every time a recording is replayed under the same variant.
 * @example expect(canonicalTraceJson(first)).toBe(canonicalTraceJson(second))
 */
export function canonicalTraceJson(trace: Trace): string {
  const { timings: _timings, ...deterministic } = trace
  return canonicalJson(deterministic)
}
