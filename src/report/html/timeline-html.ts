/**
 * The stage timeline of one recording as an HTML table: one row per stage, one column per variant with a
 * bar as long as the stage took (both variants on one scale, so rows align by stage and compare by eye),
 * (`<b><i style="width:…%">`) and the verdict of the comparison beside it. The culprit row is marked `v-culprit is-primary` (plus
 * `is-external` when the difference came from outside the pipeline); rows that only carry the divergence
 * are `v-propagated`. Same verdicts and words as the terminal timeline.
 */
import type { Comparison, StageComparison } from '../../diff/types.ts'
import { culpritDiffers, formatMs } from '../render-timeline.ts'
import type { VariantRun } from '../types.ts'
import { safeText } from './escape-html.ts'

/**
 * The timeline table of one recording; without a comparison (a failed replay) it shows what each variant
 * ran, without verdicts.
 * @example timelineHtml(['local', 'production'], result.runs, result.comparison)
 */
export function timelineHtml(
  variants: readonly [string, string],
  runs: readonly VariantRun[],
  comparison?: Comparison,
): string {
  const rows: StageComparison[] = comparison?.stages ?? stageNames(runs).map(bare)
  const sides = variants.map((variant) => runs.find((run) => run.variant === variant))
  const longest = Math.max(0, ...runs.flatMap((run) => run.stages.map((stage) => stage.ms)))
  const primary = comparison ? primaryStage(comparison) : undefined
  const head = `<thead><tr><th>stage</th>${variants.map((v) => `<th>${safeText(v)}</th>`).join('')}<th></th></tr></thead>`
  const body = rows.map((row) => {
    const classes = row.verdict === 'equal' ? [] : [`v-${row.verdict}`]
    if (row.stage) classes.push('probe')
    if (row.name === primary && !row.stage) classes.push('is-primary')
    if (row.name === primary && comparison?.divergence.kind === 'external') classes.push('is-external')
    const name = row.stage ? `↳ ${safeText(row.name)}` : safeText(row.name)
    const cells = row.stage
      ? '<td colspan="2"></td>'
      : sides.map((run) => barCell(run, row.name, longest)).join('')
    const note = comparison ? verdictNote(row, comparison, primary, runs) : ''
    const rowClass = classes.length > 0 ? ` class="${classes.join(' ')}"` : ''
    return `<tr${rowClass}><th>${name}</th>${cells}<td>${note}</td></tr>`
  })
  const total = sides.map((run) => `<td>${run ? formatMs(run.totalMs) : ''}</td>`).join('')
  return `<table class="timeline">${head}<tbody>${body.join('')}</tbody><tfoot><tr><th>total</th>${total}<td></td></tr></tfoot></table>`
}

function bare(name: string): StageComparison {
  return { name, verdict: 'equal', inputEqual: true, outputEqual: true }
}

/** Stage names in the order either variant ran them. */
function stageNames(runs: readonly VariantRun[]): string[] {
  const names: string[] = []
  for (const run of runs)
    for (const stage of run.stages) if (!names.includes(stage.name)) names.push(stage.name)
  return names
}

function barCell(run: VariantRun | undefined, name: string, longest: number): string {
  const stage = run?.stages.find((s) => s.name === name)
  if (!stage) return '<td class="not-run">· not run</td>'
  // A sliver for instant stages, so every stage that ran shows a bar. Lean markup: a run may hold
  // 10,000 recordings of several stages each.
  const width = longest > 0 ? Math.max(2, Math.round((stage.ms / longest) * 100)) : 2
  const bar = `<b><i style="width:${width}%"></i></b>`
  return stage.threw
    ? `<td class="threw">${bar}✗ threw ${formatMs(stage.ms)}</td>`
    : `<td>${bar}${formatMs(stage.ms)}</td>`
}

/** The stage row that holds the divergence: the culprit stage or the external entry. */
function primaryStage(comparison: Comparison): string | undefined {
  const divergence = comparison.divergence
  if (divergence.kind === 'none') return undefined
  return divergence.kind === 'external' ? divergence.stage : divergence.culprit
}

function verdictNote(
  row: StageComparison,
  comparison: Comparison,
  primary: string | undefined,
  runs: readonly VariantRun[],
): string {
  const divergence = comparison.divergence
  switch (row.verdict) {
    case 'equal':
      return ''
    case 'propagated':
      return '<span class="tag propagated">propagated</span>'
    case 'entry':
      return '<span class="tag external">◀ external: input differs, no stage before it does</span>'
    case 'missing': {
      const ran = runs.filter((run) => run.stages.some((s) => s.name === row.name)).map((run) => run.variant)
      const where = ran.length === 1 ? `ran under ${safeText(ran[0]!)} only` : 'ran under one variant only'
      return `<span class="tag external">! ${where}</span>`
    }
    case 'culprit': {
      if (row.stage) return '<span class="tag culprit-again">◀ probe differs</span>'
      if (divergence.kind === 'external' && divergence.source === 'outbound' && divergence.stage === row.name)
        return '<span class="tag external">◀ external: outbound requests differ</span>'
      const differ = culpritDiffers(row, comparison)
      return row.name === primary
        ? `<span class="tag culprit">◀ culprit: ${differ}</span>`
        : `<span class="tag culprit-again">◀ diverges again: ${differ}</span>`
    }
  }
}
