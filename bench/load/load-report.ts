/**
 * Printing a load suite in the house style (a table, notes, then one PASS/MISS line per target) and
 * handing its figures to bench/run.ts in the harness's `SuiteResult` shape.
 */
import type { CaseResult, SuiteResult, TargetResult } from '../harness.ts'
import { formatRatio, formatTable, type Spread } from './figures.ts'

/** A target line: PASS/MISS, what is promised, what was measured. */
export interface Check {
  label: string
  measured: string
  pass: boolean
  /** As the harness stores targets: time-like, passing when `ratio ≤ max`. */
  ratio: number
  max: number
}

/** One row of a load suite, for bench/run.ts: its main figure over rounds, in µs. */
export interface LoadCaseFigure {
  name: string
  figureUs: Spread
}

/**
 * `ratio ≤ max`, e.g. CPU per request against the baseline's.
 * @example atMost('memory: CPU/request ≤ 1.30× off', 1.12, 1.3)
 */
export function atMost(label: string, ratio: number, max: number): Check {
  return { label, measured: formatRatio(ratio), pass: ratio <= max, ratio, max }
}

/**
 * `ratio ≥ min`, e.g. throughput against the baseline's; stored as time-like (≤ 1/min) as the harness does.
 * @example atLeast('memory: throughput ≥ 0.85× off', 0.93, 0.85)
 */
export function atLeast(label: string, ratio: number, min: number): Check {
  return { label, measured: formatRatio(ratio), pass: ratio >= min, ratio: 1 / ratio, max: 1 / min }
}

/**
 * Prints a suite: title, table, indented notes, a blank line, then the PASS/MISS lines.
 * @example printLoadSuite('1 KB answers', ['case', 'CPU/request'], [['off', '61.2 µs']], [], checks)
 */
export function printLoadSuite(
  title: string,
  header: readonly string[],
  rows: readonly (readonly string[])[],
  notes: readonly string[],
  checks: readonly Check[],
): void {
  const lines = [`\n${title}`, formatTable(header, rows)]
  for (const note of notes) lines.push(`  ${note}`)
  lines.push('')
  for (const check of checks) lines.push(`${check.pass ? 'PASS' : 'MISS'}  ${check.label}: ${check.measured}`)
  process.stdout.write(`${lines.join('\n')}\n`)
}

/**
 * The figures in the harness's shape, for bench/run.ts (which counts the missed targets).
 * @example return [loadSuiteResult(title, 'off', 5, [{ name: 'off', figureUs: spread(cpu) }], checks)]
 */
export function loadSuiteResult(
  title: string,
  baseline: string,
  rounds: number,
  cases: readonly LoadCaseFigure[],
  checks: readonly Check[],
): SuiteResult {
  return {
    title,
    baseline,
    rounds,
    cases: cases.map(
      ({ name, figureUs }): CaseResult => ({
        name,
        medianMs: figureUs.median / 1000,
        minMs: figureUs.min / 1000,
        maxMs: figureUs.max / 1000,
        iterations: 1,
      }),
    ),
    targets: checks.map(
      (check): TargetResult => ({ label: check.label, ratio: check.ratio, max: check.max, pass: check.pass }),
    ),
  }
}
