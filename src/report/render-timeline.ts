/**
 * The stage timeline of one recording: every stage of both variants side by side with its duration and
 * status, and the verdict of the comparison beside it (culprit, propagated, external entry, missing).
 */
import type { Comparison, Divergence, StageComparison } from '../diff/types.ts'
import { sanitizeText } from './sanitize-text.ts'
import { type Line, padEnd, type Span, span, textWidth } from './styled-line.ts'
import type { VariantRun } from './types.ts'

/**
 * Formats a duration for a terminal: one decimal under 10 ms, whole milliseconds under a second, then seconds.
 * @example formatMs(0.42) // '0.4 ms'
 */
export function formatMs(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`
  if (ms < 1000) return `${Math.round(ms)} ms`
  return `${(ms / 1000).toFixed(1)} s`
}

/**
 * The timeline rows for one recording, indented by `indent`; without a comparison (a failed replay) the
 * rows show what each variant ran, without verdicts.
 * @example renderTimeline({ indent: '      ', variants: ['local', 'production'], runs, comparison })
 */
export function renderTimeline(options: {
  indent: string
  variants: readonly [string, string]
  runs: readonly VariantRun[]
  comparison?: Comparison
}): Line[] {
  const { indent, variants, runs, comparison } = options
  const rows: StageComparison[] = comparison?.stages ?? stageNames(runs).map((name) => bare(name))
  const names = rows.map((row) => label(row))
  const nameWidth = Math.max(5, ...names.map(textWidth)) + 2
  const runOf = (variant: string) => runs.find((run) => run.variant === variant)
  const sides = variants.map((variant) => ({ variant, run: runOf(variant) }))
  const texts = sides.flatMap((side) => rows.map((row) => cellText(side.run, row.name)))
  const cellWidth =
    Math.max(10, ...variants.map((v) => textWidth(sanitizeText(v))), ...texts.map(textWidth)) + 2

  const lines: Line[] = [
    [
      indent,
      span(padEnd('stage', nameWidth), 'dim'),
      ...sides.map((side) => span(padEnd(sanitizeText(side.variant), cellWidth), 'dim')),
    ],
  ]
  const primary = comparison ? primaryStage(comparison) : undefined
  rows.forEach((row, index) => {
    const name = names[index]!
    const cells: Array<Span | string> = row.stage
      ? [padEnd('', cellWidth * sides.length)]
      : sides.map((side) => cell(side.run, row.name, cellWidth))
    const note = comparison ? verdictNote(row, comparison, primary, runs) : []
    const nameSpan =
      row.verdict === 'culprit' && row.name === primary
        ? span(padEnd(name, nameWidth), 'bold')
        : padEnd(name, nameWidth)
    lines.push([indent, nameSpan, ...cells, ...note])
  })
  return lines
}

function bare(name: string): StageComparison {
  return { name, verdict: 'equal', inputEqual: true, outputEqual: true }
}

function label(row: StageComparison): string {
  return row.stage ? `  ↳ ${sanitizeText(row.name)}` : sanitizeText(row.name)
}

/** Stage names in the order either variant ran them. */
function stageNames(runs: readonly VariantRun[]): string[] {
  const names: string[] = []
  for (const run of runs)
    for (const stage of run.stages) if (!names.includes(stage.name)) names.push(stage.name)
  return names
}

function cellText(run: VariantRun | undefined, name: string): string {
  const stage = run?.stages.find((s) => s.name === name)
  if (!stage) return '· not run'
  return stage.threw ? `✗ threw ${formatMs(stage.ms)}` : `✓ ${formatMs(stage.ms)}`
}

function cell(run: VariantRun | undefined, name: string, width: number): Span {
  const text = padEnd(cellText(run, name), width)
  const stage = run?.stages.find((s) => s.name === name)
  return !stage ? span(text, 'dim') : stage.threw ? span(text, 'red') : span(text)
}

/** The stage row that holds the divergence: the culprit stage or the external entry. */
function primaryStage(comparison: Comparison): string | undefined {
  const divergence: Divergence = comparison.divergence
  if (divergence.kind === 'none') return undefined
  if (divergence.kind === 'external') return divergence.stage
  return divergence.culprit
}

function verdictNote(
  row: StageComparison,
  comparison: Comparison,
  primary: string | undefined,
  runs: readonly VariantRun[],
): Span[] {
  const divergence = comparison.divergence
  switch (row.verdict) {
    case 'equal':
      return []
    case 'propagated':
      return [span('propagated', 'yellow')]
    case 'entry':
      return [span('◀ external: input differs, no stage before it does', 'magenta', 'bold')]
    case 'missing': {
      const ran = runs
        .filter((run) => run.stages.some((stage) => stage.name === row.name))
        .map((run) => run.variant)
      const where =
        ran.length === 1 ? `ran under ${sanitizeText(ran[0]!)} only` : 'ran under one variant only'
      return [span(`! ${where}`, 'magenta', 'bold')]
    }
    case 'culprit': {
      if (row.stage) return [span('◀ probe differs', 'red')]
      if (
        divergence.kind === 'external' &&
        divergence.source === 'outbound' &&
        divergence.stage === row.name
      ) {
        return [span('◀ external: outbound requests differ', 'magenta', 'bold')]
      }
      const differ = culpritDiffers(row, comparison)
      if (row.name === primary) return [span(`◀ culprit: ${differ}`, 'red', 'bold')]
      return [span(`◀ diverges again: ${differ}`, 'red')]
    }
  }
}

/**
 * What differs inside a culprit stage whose input agrees, for its timeline tag (terminal and HTML).
 * @example culpritDiffers(row, comparison) // 'input equal, probe and output differ'
 */
export function culpritDiffers(row: StageComparison, comparison: Comparison): string {
  const what: string[] = []
  if (comparison.stages.some((other) => other.stage === row.name && other.verdict === 'culprit'))
    what.push('probe')
  if (!row.outputEqual) what.push('output')
  if (what.length === 0) what.push('outbound')
  return `input equal, ${what.join(' and ')} ${what.length > 1 ? 'differ' : 'differs'}`
}
