/**
 * Summaries and formatting for load figures: medians with min–max over rounds, percentiles of latency
 * samples, and the units a load table prints (µs of CPU, requests per second, milliseconds).
 */

/** The median of per-round values with their spread. */
export interface Spread {
  median: number
  min: number
  max: number
}

/**
 * Median, min and max of per-round values (at least one).
 * @example spread([3, 1, 2]) // { median: 2, min: 1, max: 3 }
 */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error('Failed to summarize load figures: no rounds were measured.')
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! }
}

/**
 * The `p`-th percentile (0–100) of ascending samples, nearest-rank: p99 of 1,000 samples is the 990th.
 * @example percentile(Float64Array.of(1, 2, 3, 4), 50) // 2
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)))
  return sorted[rank - 1]!
}

/**
 * Microseconds, with the precision a CPU-per-request figure deserves.
 * @example formatMicros(61.234) // '61.2 µs'
 */
export function formatMicros(us: number): string {
  if (!Number.isFinite(us)) return '–'
  if (Math.abs(us) >= 1000) return `${(us / 1000).toFixed(2)} ms`
  if (Math.abs(us) >= 100) return `${us.toFixed(0)} µs`
  return `${us.toFixed(1)} µs`
}

/**
 * Milliseconds of latency.
 * @example formatMillis(0.4567) // '0.457 ms'
 */
export function formatMillis(ms: number): string {
  if (!Number.isFinite(ms)) return '–'
  if (Math.abs(ms) >= 100) return `${ms.toFixed(0)} ms`
  if (Math.abs(ms) >= 10) return `${ms.toFixed(1)} ms`
  return `${ms.toFixed(3)} ms`
}

/**
 * Requests per second, in thousands above 10,000.
 * @example formatRate(15234) // '15.2k/s'
 */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '–'
  if (perSecond >= 10_000) return `${(perSecond / 1000).toFixed(1)}k/s`
  return `${perSecond.toFixed(0)}/s`
}

/**
 * A ratio as the bench tables print it.
 * @example formatRatio(1.234) // '1.23×'
 */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return '–'
  return `${ratio.toFixed(2)}×`
}

/**
 * `median (min – max)` of a spread in the given unit.
 * @example formatSpread(spread([1, 2, 3]), formatMicros) // '2.0 µs (1.0 – 3.0)'
 */
export function formatSpread(value: Spread, unit: (n: number) => string): string {
  return `${unit(value.median)} (${stripUnit(unit(value.min))} – ${stripUnit(unit(value.max))})`
}

function stripUnit(text: string): string {
  return text.replace(/\s?(µs|ms|k\/s|\/s)$/, (match) => (match.trim() === 'k/s' ? 'k' : ''))
}

/**
 * Renders rows as a plain-text table: the first column left-aligned, the others right-aligned.
 * @example formatTable(['case', 'median'], [['off', '1.0 µs']])
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, column) =>
    Math.max(h.length, ...rows.map((row) => (row[column] ?? '').length)),
  )
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('   ')
      .trimEnd()
  return [line(header), line(widths.map((w) => '─'.repeat(w))), ...rows.map(line)].join('\n')
}
