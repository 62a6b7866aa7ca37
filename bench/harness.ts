/**
 * A tiny benchmark harness that prints ratios against a baseline measured in the same run.
 *
 * Absolute milliseconds depend on the machine; ratios to a baseline measured alongside do not (much).
 * So every case of a suite is measured in interleaved rounds (A, B, C, A, B, C, …) after a warm-up
 * round, each case's per-call time is the median over rounds (min–max shown), and targets are ratios
 * such as "hash ≤ 0.5× JSON.parse". A target that misses prints MISS: find out why, don't move the target.
 */

// Between samples, so one case's garbage is not billed to the next.
import { collectGarbage } from './load/collect-garbage.ts'

/** One thing to measure. Its result is kept in a sink so the work cannot be optimized away. */
export interface BenchCase {
  name: string
  fn: () => unknown
}

/** A ratio a suite promises: `case` takes at most `max` times `against` (default: the suite's baseline). */
export interface BenchTarget {
  case: string
  max: number
  against?: string
  /** What the target means, printed beside it, e.g. `growth 1 MB → 10 MB (linear)`. */
  label?: string
}

export interface BenchSuite {
  title: string
  /** The case every ratio column is relative to. */
  baseline: string
  cases: BenchCase[]
  targets?: BenchTarget[]
  /** Measured rounds after the warm-up; at least 5. Default 7. */
  rounds?: number
  /** Each sample repeats a case until it has run at least this long. Default 25 ms. */
  sampleMs?: number
  /**
   * Before measuring, each case runs repeatedly for at least this long (default 0: one call). For cases whose
   * work happens in fresh worker threads, whose JIT warms up only after many calls: the figure is then the
   * steady state a long suite runs in, not the cold start.
   */
  warmupMs?: number
}

export interface CaseResult {
  name: string
  /** Per-call milliseconds, median over rounds. */
  medianMs: number
  minMs: number
  maxMs: number
  /** Calls per sample. */
  iterations: number
}

export interface TargetResult {
  label: string
  ratio: number
  max: number
  pass: boolean
}

export interface SuiteResult {
  title: string
  baseline: string
  rounds: number
  cases: CaseResult[]
  targets: TargetResult[]
}

const MIN_ROUNDS = 5

/** Keeps results reachable so V8 cannot drop the measured work. */
const sink: { value: unknown } = { value: undefined }

/**
 * Measures a suite in interleaved rounds, prints its table to stdout, and returns the figures.
 * @example
 * await runSuite({
 *   title: 'equality of a 10 MB output',
 *   baseline: 'JSON.parse',
 *   cases: [{ name: 'JSON.parse', fn: () => JSON.parse(text) }, { name: 'sha256', fn: () => hash(text) }],
 *   targets: [{ case: 'sha256', max: 0.5 }],
 * })
 */
export async function runSuite(suite: BenchSuite): Promise<SuiteResult> {
  const rounds = Math.max(MIN_ROUNDS, suite.rounds ?? 7)
  const sampleMs = suite.sampleMs ?? 25
  const names = new Set(suite.cases.map((c) => c.name))
  for (const name of [
    suite.baseline,
    ...(suite.targets ?? []).flatMap((t) => [t.case, t.against ?? suite.baseline]),
  ]) {
    if (!names.has(name))
      throw new Error(`Failed to run bench suite ${suite.title}: it has no case named ${name}.`)
  }

  // Warm-up round: JIT the code paths and learn how many calls make one sample long enough to time.
  const iterations = new Map<string, number>()
  for (const c of suite.cases) {
    const warmUntil = performance.now() + (suite.warmupMs ?? 0)
    while (performance.now() < warmUntil) await timeCalls(c.fn, 1)
    collectGarbage()
    const once = await timeCalls(c.fn, 1)
    iterations.set(c.name, Math.max(1, Math.min(1_000_000, Math.ceil(sampleMs / Math.max(once, 1e-6)))))
  }

  const samples = new Map<string, number[]>(suite.cases.map((c) => [c.name, []]))
  for (let round = 0; round < rounds; round++) {
    for (const c of suite.cases) {
      const count = iterations.get(c.name)!
      collectGarbage()
      samples.get(c.name)!.push((await timeCalls(c.fn, count)) / count)
    }
  }

  const cases = suite.cases.map((c): CaseResult => {
    const sorted = [...samples.get(c.name)!].sort((a, b) => a - b)
    return {
      name: c.name,
      medianMs: median(sorted),
      minMs: sorted[0]!,
      maxMs: sorted[sorted.length - 1]!,
      iterations: iterations.get(c.name)!,
    }
  })
  const byName = new Map(cases.map((c) => [c.name, c]))
  const targets = (suite.targets ?? []).map((target): TargetResult => {
    const against = target.against ?? suite.baseline
    const ratio = byName.get(target.case)!.medianMs / byName.get(against)!.medianMs
    const label = `${target.case} ≤ ${Number(target.max.toFixed(2))}× ${against}${target.label ? ` (${target.label})` : ''}`
    return { label, ratio, max: target.max, pass: ratio <= target.max }
  })
  const warmup = suite.warmupMs ? `, after ${suite.warmupMs} ms of warm-up per case` : ''
  const result: SuiteResult = {
    title: `${suite.title}${warmup}`,
    baseline: suite.baseline,
    rounds,
    cases,
    targets,
  }
  process.stdout.write(`${formatSuite(result)}\n`)
  return result
}

/**
 * Renders a suite's figures as a plain-text table followed by its PASS/MISS targets.
 * @example console.log(formatSuite(result))
 */
export function formatSuite(result: SuiteResult): string {
  const baseline = result.cases.find((c) => c.name === result.baseline)!
  const rows = result.cases.map((c) => [
    c.name === result.baseline ? `${c.name} (baseline)` : c.name,
    formatMs(c.medianMs),
    `${formatMs(c.minMs)} – ${formatMs(c.maxMs)}`,
    formatRatio(c.medianMs / baseline.medianMs),
    `${c.iterations}`,
  ])
  const header = ['case', 'median', 'min – max', '× baseline', 'calls/sample']
  const widths = header.map((h, column) => Math.max(h.length, ...rows.map((row) => row[column]!.length)))
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('   ')
  const lines = [
    `\n${result.title}  (median of ${result.rounds} interleaved rounds, per call)`,
    line(header),
    line(widths.map((w) => '─'.repeat(w))),
    ...rows.map(line),
  ]
  if (result.targets.length > 0) {
    lines.push('')
    for (const t of result.targets)
      lines.push(`${t.pass ? 'PASS' : 'MISS'}  ${t.label}: ${formatRatio(t.ratio)}`)
  }
  return lines.join('\n')
}

async function timeCalls(fn: () => unknown, count: number): Promise<number> {
  const start = performance.now()
  for (let call = 0; call < count; call++) {
    const value = fn()
    sink.value = value instanceof Promise ? await value : value
  }
  return performance.now() - start
}

function median(sorted: readonly number[]): number {
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

function formatMs(ms: number): string {
  if (ms >= 100) return `${ms.toFixed(0)} ms`
  if (ms >= 1) return `${ms.toFixed(2)} ms`
  if (ms >= 0.001) return `${(ms * 1000).toFixed(2)} µs`
  return `${(ms * 1e6).toFixed(1)} ns`
}

function formatRatio(ratio: number): string {
  if (ratio >= 0.01) return `${ratio.toFixed(2)}×`
  return `${ratio.toExponential(1)}×`
}
