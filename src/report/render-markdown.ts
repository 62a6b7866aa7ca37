/**
 * The Markdown report, short enough for a pull-request comment: a title with the scenario and both variants,
 * a one-line verdict, the summary table, what each noise rule hid, a table of divergence groups (see
 * group-divergences.ts), one example per top group with its changed paths before → after, and the replay
 * commands of the examples in a `<details>`. The whole text stays under {@link MAX_MARKDOWN_CHARS}, saying what was left out.
 *
 * Recorded text (ids, routes, paths, values, messages) and scenario names only ever appear inside code
 * spans (or the fenced block of replay commands), where Markdown, HTML, entities, autolinks, mentions and
 * math are inert; each span's backtick fence is longer than any backtick run in its text, pipes are escaped
 * in table cells (GFM splits cells before it parses code spans), terminal sequences are stripped and other
 * control characters, line breaks included, are shown as escapes, so every value stays on its line.
 */
import { stripVTControlCharacters } from 'node:util'
import type { ChangedPath } from '../diff/types.ts'
import { formatChange } from './format-change.ts'
import { type DivergenceGroup, groupDivergences, type SignatureEntry } from './group-divergences.ts'
import { plural } from './plural.ts'
import { formatMs } from './render-timeline.ts'
import { sanitizeText } from './sanitize-text.ts'
import type { ReplayRun } from './types.ts'

/** The most characters a Markdown report holds (GitHub allows 65,536 per comment; a summary needs far fewer). */
export const MAX_MARKDOWN_CHARS = 10_000

/** Characters the groups table may take before the remaining groups are only counted. */
const TABLE_BUDGET = 3_500
/** Groups shown with an example's changed paths. */
const EXAMPLES = 3
/** Changed paths shown per example, and signature paths per table row. */
const EXAMPLE_PATHS = 5
const SIGNATURE_PATHS = 3
/** Characters of one recorded name (id, route, path, stage) and of one before/after value. */
const NAME_CHARS = 80
const VALUE_CHARS = 60
const MESSAGE_CHARS = 240
/** Invalid recording lines listed. */
const INVALID_SHOWN = 3
/** Noise rules listed, and the characters of one rule. */
const NOISE_SHOWN = 10
const RULE_CHARS = 160

/**
 * Renders a replay run as GitHub-flavoured Markdown for a pull-request comment.
 * @example writeFileSync('parallax.md', renderMarkdown(await runScenario(scenario)))
 */
export function renderMarkdown(run: ReplayRun): string {
  const groups = groupDivergences(run, { maxIds: 0, examplePaths: EXAMPLE_PATHS })
  const head = [title(run), '', verdict(run, groups), '', ...summaryTable(run)]
  const noise = noiseTable(run)
  if (noise.length > 0) head.push('', ...noise)
  const invalid = invalidLines(run)
  if (invalid.length > 0) head.push('', ...invalid)
  if (groups.length === 0) return finish(head)

  const table = groupsTable(groups)
  const top = groups.slice(0, Math.min(EXAMPLES, table.shown))
  const blocks = [head.join('\n'), table.text]
  let used = blocks.join('\n\n').length
  // The replay commands go in if they fit, then the examples while they fit beside them.
  let details = detailsBlock(top)
  if (used + details.length + 2 > MAX_MARKDOWN_CHARS) details = ''
  used += details.length + 2
  const heading = '#### Examples'
  const kept: string[] = []
  for (const block of top.map(exampleBlock)) {
    const extra = block.length + 2 + (kept.length === 0 ? heading.length + 2 : 0)
    if (used + extra > MAX_MARKDOWN_CHARS) break
    kept.push(block)
    used += extra
  }
  if (kept.length > 0) blocks.push(heading, ...kept)
  if (details !== '') blocks.push(details)
  return finish(blocks.join('\n\n').split('\n'))
}

/**
 * Joins lines; as a last guard (only names made of long backtick runs get here) it cuts whole lines past the
 * cap. The examples and the replay commands were left out by then, so no fenced block or `<details>` is open.
 */
function finish(lines: readonly string[]): string {
  const text = `${lines.join('\n')}\n`
  if (text.length <= MAX_MARKDOWN_CHARS) return text
  const note = '\n… cut to fit a comment: see the JSON or HTML report for everything.\n'
  return `${text.slice(0, text.lastIndexOf('\n', MAX_MARKDOWN_CHARS - note.length))}\n${note}`
}

function title(run: ReplayRun): string {
  const [left, right] = run.variants
  return `### parallax · scenario ${code(run.scenario)} · ${code(left)} vs ${code(right)}`
}

function verdict(run: ReplayRun, groups: readonly DivergenceGroup[]): string {
  const { total, diverge, failed, invalid } = run.summary
  const took = ` (${formatMs(run.durationMs)})`
  const [left, right] = run.variants
  const problems = [
    ...(failed > 0 ? [`${plural(failed, 'replay')} failed`] : []),
    ...(invalid > 0 ? [plural(invalid, 'invalid recording line')] : []),
  ]
  const also = problems.length > 0 ? ` · ${problems.join(' · ')}` : ''
  if (diverge > 0) {
    const diverging = groups.filter((group) => group.kind !== 'failed').length
    const grouped = ` in ${plural(diverging, 'group')}`
    return `❌ **${diverge} of ${plural(total, 'recording')} diverge${diverge === 1 ? 's' : ''}**${grouped}${also}${took}`
  }
  if (problems.length > 0) return `⚠️ **No divergence, but ${problems.join(' and ')}**${took}`
  if (total === 0) return `⚠️ **No recording was replayed.**${took}`
  const all = total === 1 ? 'The recording agrees' : `All ${total} recordings agree`
  return `✅ **${all}** under ${code(left)} and ${code(right)}.${took}`
}

function summaryTable(run: ReplayRun): string[] {
  const { total, agree, diverge, failed, invalid } = run.summary
  return [
    '| recordings | agree | diverge | failed | invalid lines |',
    '| ---: | ---: | ---: | ---: | ---: |',
    `| ${total} | ${agree} | ${diverge} | ${failed} | ${invalid} |`,
  ]
}

/** What each noise rule hid, as every report says (docs/noise-rules.md): a rule never hides a bug silently. */
function noiseTable(run: ReplayRun): string[] {
  const noise = run.noise ?? []
  if (noise.length === 0) return []
  const lines = ['**Noise rules** (changes they hid):', '', '| rule | hid |', '| --- | --- |']
  for (const total of noise.slice(0, NOISE_SHOWN)) {
    const hid =
      total.hidden > 0
        ? `${plural(total.hidden, 'change')} in ${plural(total.recordings, 'recording')}`
        : 'nothing'
    lines.push(`| ${cell(code(total.rule, RULE_CHARS))} | ${hid} |`)
  }
  const more = noise.length - NOISE_SHOWN
  if (more > 0) lines.push('', `… and ${plural(more, 'more rule')}: see the JSON report.`)
  return lines
}

function invalidLines(run: ReplayRun): string[] {
  if (run.loadErrors.length === 0) return []
  const lines = [`**Invalid recording lines** (skipped, the other lines still ran):`, '']
  for (const error of run.loadErrors.slice(0, INVALID_SHOWN)) {
    const file = error.details?.['file']
    const line = error.details?.['line']
    const where =
      typeof file === 'string' ? `${code(`${file}${typeof line === 'number' ? `:${line}` : ''}`)}: ` : ''
    lines.push(`- ${where}${code(error.message, MESSAGE_CHARS)}`)
  }
  const more = run.loadErrors.length - INVALID_SHOWN
  if (more > 0) lines.push(`- … and ${more} more`)
  return lines
}

/** The groups table, as many rows as fit its budget, then how many groups (and recordings) were left out. */
function groupsTable(groups: readonly DivergenceGroup[]): { text: string; shown: number } {
  const lines = [
    '#### Divergence groups',
    '',
    '| # | diverges at | changed paths | recordings | example |',
    '| ---: | --- | --- | ---: | --- |',
  ]
  let length = lines.join('\n').length
  let shown = 0
  for (const group of groups) {
    const row = groupRow(group, shown + 1)
    if (shown > 0 && length + row.length + 1 > TABLE_BUDGET) break
    lines.push(row)
    length += row.length + 1
    shown++
  }
  const rest = groups.slice(shown)
  if (rest.length > 0) {
    const recordings = rest.reduce((sum, group) => sum + group.count, 0)
    lines.push('', `… and ${plural(rest.length, 'more group')} (${plural(recordings, 'recording')}).`)
  }
  return { text: lines.join('\n'), shown }
}

function groupRow(group: DivergenceGroup, rank: number): string {
  const paths =
    group.kind === 'failed'
      ? `${code(group.code)}<br>${code(group.message, MESSAGE_CHARS / 2)}`
      : signatureCell(group.signature)
  const example = `${code(group.example.recordingId)} ${code(group.example.route)}`
  return `| ${rank} | ${cell(placeCell(group))} | ${cell(paths)} | ${group.count} | ${cell(example)} |`
}

/** Where a group diverges, with its stage names in code spans. */
function placeCell(group: DivergenceGroup): string {
  if (group.kind === 'failed') return `replay failed under ${code(group.variant)}`
  if (group.kind === 'external')
    return `${code(group.stage)} (outside the pipeline: ${group.source === 'outbound' ? 'outbound requests' : 'input'})`
  if (group.checkpoint === undefined) return code(group.stage)
  const probe = group.checkpoint.startsWith(`${group.stage}:`)
    ? group.checkpoint.slice(group.stage.length + 1)
    : group.checkpoint
  return `${code(group.stage)} (probe ${code(probe)})`
}

function signatureCell(signature: readonly SignatureEntry[]): string {
  if (signature.length === 0) return '—'
  const shown = signature.slice(0, SIGNATURE_PATHS).map((entry) => {
    const op =
      entry.op === 'replace'
        ? ''
        : ` (${entry.op === 'add' ? 'added' : entry.op === 'remove' ? 'removed' : 'moved'})`
    return `${code(entry.path)}${op}`
  })
  const more = signature.length - shown.length
  return `${shown.join('<br>')}${more > 0 ? `<br>+${more} more` : ''}`
}

/** One group's example: where, which recording, and its first changed paths before → after. */
function exampleBlock(group: DivergenceGroup, index: number): string {
  const example = group.example
  const lines = [
    `**${index + 1}. ${placeCell(group)}** · ${plural(group.count, 'recording')} · example ${code(example.recordingId)} ${code(example.route)}`,
    '',
  ]
  if (group.kind === 'failed') {
    const error = example.error
    if (error) {
      lines.push(`- ${code(error.code ?? error.name)}: ${code(error.message, MESSAGE_CHARS)}`)
      if (error.hint) lines.push(`- hint: ${code(error.hint, MESSAGE_CHARS)}`)
    }
    return lines.join('\n')
  }
  if (example.detail !== undefined) lines.push(`- ${code(example.detail, MESSAGE_CHARS)}`)
  for (const change of example.paths) lines.push(`- ${changeText(change)}`)
  const more = example.pathCount - example.paths.length
  if (more > 0) lines.push(`- … and ${plural(more, 'more changed path')}`)
  if (example.propagatedTo.length > 0)
    lines.push(`- propagated to ${example.propagatedTo.map((stage) => code(stage)).join(', ')}`)
  return lines.join('\n')
}

function changeText(change: ChangedPath): string {
  const text = formatChange(change, VALUE_CHARS)
  const path = code(change.path)
  // formatChange clipped the values already; escapes may have lengthened them, so code() keeps more.
  const value = (shown: string | undefined) => code(shown ?? '', VALUE_CHARS * 4)
  if (change.op === 'add') return `${path}: added ${value(text.after)}`
  if (change.op === 'remove') return `${path}: removed ${value(text.before)}`
  if (change.op === 'move') return `${path}: ${value(text.before)} moved ${movedIndexes(text.move)}`
  return `${path}: ${value(text.before)} → ${value(text.after)}`
}

/** `[2] → [0]` as `` `[2]` → `[0]` ``: each side in a code span (a bracketed index could read as a link). */
function movedIndexes(move: string | undefined): string {
  return (move ?? '')
    .split(' → ')
    .map((side) => code(side))
    .join(' → ')
}

/**
 * The replay commands of the examples, in a fenced block inside `<details>`, ready to paste: never cut (a
 * cut command is a broken one; the whole block is left out when it does not fit).
 */
function detailsBlock(groups: readonly DivergenceGroup[]): string {
  const keys = groups.map((group) => plain(group.example.replayKey))
  const longest = Math.max(
    0,
    ...keys.map((key) => Math.max(0, ...(key.match(/`+/g) ?? []).map((run) => run.length))),
  )
  const fence = '`'.repeat(Math.max(3, longest + 1))
  return [
    '<details>',
    '<summary>Replay the examples</summary>',
    '',
    `${fence}sh`,
    ...keys,
    fence,
    '',
    '</details>',
  ].join('\n')
}

/** U+FFFE and U+FFFF, which sanitizeText lets through: shown as escapes like the other invisible characters. */
const NONCHARACTER = /[\ufffe\uffff]/g

/** Recorded text for one line: terminal sequences stripped, other controls (line breaks too) shown as escapes. */
function plain(text: string): string {
  return sanitizeText(stripVTControlCharacters(text)).replace(
    NONCHARACTER,
    (char) => `\\u${char.charCodeAt(0).toString(16)}`,
  )
}

/** Cuts to `max` characters, never inside a surrogate pair, marking the cut with `…`. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text
  let end = max - 1
  const unit = text.charCodeAt(end - 1)
  if (unit >= 0xd800 && unit <= 0xdbff) end--
  return `${text.slice(0, end)}…`
}

/**
 * Recorded text as an inline code span: made plain, clipped, fenced with more backticks than any run it
 * holds, padded with a space where it starts or ends with a backtick (or with spaces on both sides).
 */
function code(text: string, max = NAME_CHARS): string {
  const content = clip(plain(text), max)
  if (content === '') return '(empty)'
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length))
  const fence = '`'.repeat(longest + 1)
  const pad =
    content.startsWith('`') || content.endsWith('`') || (content.startsWith(' ') && content.endsWith(' '))
      ? ' '
      : ''
  return `${fence}${pad}${content}${pad}${fence}`
}

/** Table cell content: GFM splits a row on every pipe not preceded by a backslash, code spans included. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|')
}
