/**
 * The peak memory of one compare, for bench/compare.bench.ts: reads two canonical JSON files (one stage's
 * output under two variants), notes the RSS while holding them, compares them as compareTraces does, and
 * prints the document size, that RSS and the process's peak RSS as JSON.
 *
 * Usage: node bench/load/compare-memory.ts <left.json> <right.json>
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { compareTraces } from '../../src/diff/index.ts'
import type { CapturedValue, Trace } from '../../src/pipeline/types.ts'

const [leftFile, rightFile] = process.argv.slice(2)
const captured = (json: string): CapturedValue => ({
  json,
  digest: createHash('sha256').update(json).digest('hex'),
})
const input = captured('{"q":1}')
const trace = (variant: string, output: CapturedValue): Trace => ({
  format: 'parallax-trace',
  version: 1,
  pipeline: 'bench',
  recordingId: 'rec-bench',
  variant,
  stages: [{ name: 'retrieve', index: 0, input, outcome: { kind: 'ok', output }, probes: [], outbound: [] }],
  outbound: { recorded: 0, consumed: 0, unmatched: [] },
  timings: { stages: {}, totalMs: 0 },
})
const left = captured(readFileSync(leftFile!, 'utf8'))
const right = captured(readFileSync(rightFile!, 'utf8'))
const heldBytes = process.memoryUsage().rss
const comparison = compareTraces(trace('local', left), trace('production', right))
if (comparison.divergence.kind !== 'stage') throw new Error('expected a divergence')
const peakBytes = peakRss()
process.stdout.write(JSON.stringify({ documentBytes: Buffer.byteLength(left.json), heldBytes, peakBytes }))

/**
 * This process's peak RSS. On Linux, from VmHWM: `maxRSS` (getrusage) is kept across exec, so a child
 * spawned by a large parent would start at the parent's size and report it instead of its own.
 */
function peakRss(): number {
  if (existsSync('/proc/self/status')) {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))
    if (hwm) return Number(hwm[1]) * 1024
  }
  // maxRSS is in kilobytes.
  return process.resourceUsage().maxRSS * 1024
}
