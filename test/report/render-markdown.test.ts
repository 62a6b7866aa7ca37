/**
 * The Markdown report: the title, verdict, summary and groups tables, examples and replay commands; tables
 * that stay intact and Markdown/HTML that stays inert whatever the recorded text holds (read the way GFM
 * reads it: rows split on pipes not preceded by a backslash, then code spans); the size cap with many groups.
 */
import { describe, expect, it } from 'vitest'
import type { ChangedPath, Comparison } from '../../src/diff/types.ts'
import { MAX_MARKDOWN_CHARS, renderMarkdown } from '../../src/report/render-markdown.ts'
import type { RecordingOutcome, ReplayRun, VariantRun } from '../../src/report/types.ts'
import { fullRun, LOAD_ERRORS, outcomes, replayRun, VARIANTS } from './fixtures.ts'

/** One inline piece of a line: literal text, or the content of a code span (one padding space stripped). */
type Piece = { code: boolean; text: string }

/** Splits a line into literal text and code spans as CommonMark does: a backtick run closes on one of equal length. */
function inline(line: string): Piece[] {
  const pieces: Piece[] = []
  let pos = 0
  let literal = ''
  while (pos < line.length) {
    if (line[pos] !== '`') {
      literal += line[pos++]
      continue
    }
    let end = pos
    while (line[end] === '`') end++
    const fence = line.slice(pos, end)
    let search = end
    let close = -1
    while (search < line.length) {
      const at = line.indexOf(fence, search)
      if (at < 0) break
      if (line[at + fence.length] !== '`' && line[at - 1] !== '`') {
        close = at
        break
      }
      search = at + 1
      while (line[search] === '`') search++
    }
    if (close < 0) {
      literal += fence
      pos = end
      continue
    }
    if (literal) pieces.push({ code: false, text: literal })
    literal = ''
    let content = line.slice(end, close)
    if (content.length > 1 && content.startsWith(' ') && content.endsWith(' ') && content.trim() !== '')
      content = content.slice(1, -1)
    pieces.push({ code: true, text: content })
    pos = close + fence.length
  }
  if (literal) pieces.push({ code: false, text: literal })
  return pieces
}

/** A table row's cells as cmark-gfm splits them: on every pipe not preceded by a backslash; `\|` then unescaped. */
function cells(row: string): string[] {
  const inner = row.trim().slice(1, -1)
  const out: string[] = []
  let cell = ''
  for (let i = 0; i < inner.length; i++) {
    if (inner[i] === '|' && inner[i - 1] !== '\\') {
      out.push(cell)
      cell = ''
    } else cell += inner[i]
  }
  out.push(cell)
  return out.map((c) => c.replace(/\\\|/g, '|').trim())
}

interface Reading {
  /** Text outside code spans and fenced blocks. */
  literal: string
  /** Contents of every code span. */
  spans: string[]
  /** Lines inside fenced code blocks. */
  fenced: string[]
  /** Each table as rows of cells. */
  tables: string[][][]
}

/** Reads a report the way a GFM renderer would, as far as the tests need. */
function read(markdown: string): Reading {
  const reading: Reading = { literal: '', spans: [], fenced: [], tables: [] }
  let fence: string | undefined
  let table: string[][] | undefined
  for (const line of markdown.split('\n')) {
    if (fence !== undefined) {
      if (line.startsWith(fence) && line.slice(fence.length).trim().replace(/`/g, '') === '')
        fence = undefined
      else reading.fenced.push(line)
      continue
    }
    const open = /^(`{3,})/.exec(line)
    if (open) {
      fence = open[1]!
      continue
    }
    if (line.startsWith('|')) {
      if (!table) {
        table = []
        reading.tables.push(table)
      }
      const row = cells(line)
      table.push(row)
      for (const cell of row) addPieces(reading, inline(cell))
      continue
    }
    table = undefined
    addPieces(reading, inline(line))
  }
  expect(fence, 'an unclosed fenced block').toBeUndefined()
  return reading
}

function addPieces(reading: Reading, pieces: Piece[]): void {
  for (const piece of pieces) {
    if (piece.code) reading.spans.push(piece.text)
    else reading.literal += `${piece.text}\n`
  }
}

/** Every table keeps its column count on every row, and the only HTML outside code is the report's own. */
function expectIntact(markdown: string): Reading {
  const reading = read(markdown)
  for (const table of reading.tables) {
    const columns = table[0]!.length
    for (const row of table) expect(row, JSON.stringify(row)).toHaveLength(columns)
  }
  const tags = reading.literal.match(/<[^>]*>?/g) ?? []
  for (const tag of tags)
    expect(['<br>', '<details>', '</details>', '<summary>', '</summary>']).toContain(tag)
  expect(markdown).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/)
  return reading
}

const agreeing = outcomes().agree!.result
if (agreeing.kind !== 'compared') throw new Error('the agree fixture should be compared')
const RUNS: [VariantRun, VariantRun] = agreeing.runs

/** A run of `count` diverging recordings, each at its own stage, with synthetic comparisons. */
function manyGroups(count: number, name: (i: number) => string): ReplayRun {
  const recordings = Array.from({ length: count }, (_, i): RecordingOutcome => {
    const paths: ChangedPath[] = Array.from({ length: 8 }, (_, p) => ({
      op: 'replace',
      path: `$.${name(i)}[${p}].${'deep'.repeat(20)}`,
      before: `${name(i)} before `.repeat(30),
      after: `${name(i)} after `.repeat(30),
    }))
    const comparison: Comparison = {
      recordingId: name(i),
      pipeline: 'copilot',
      variants: VARIANTS,
      stages: [],
      divergence: { kind: 'stage', culprit: `stage-${i}-${name(i)}`, paths, propagatedTo: [name(i)] },
    }
    return {
      recordingId: `${name(i)}-${i}`,
      source: { file: 'recordings/many.ndjson', line: i + 1 },
      route: `POST /${name(i)}`,
      result: { kind: 'compared', comparison, runs: RUNS },
      replayKey: `parallax replay scenarios/many.ts --recording ${name(i)} ${'x'.repeat(300)}`,
    }
  })
  const errors = Array.from({ length: 40 }, (_, i) => ({
    ...LOAD_ERRORS[0]!,
    message: `${name(i)} is not JSON `.repeat(40),
    details: { file: name(i).repeat(10), line: i },
  }))
  return replayRun(recordings, errors)
}

describe('renderMarkdown', () => {
  it('renderMarkdown: title, verdict, summary, groups, examples and replay commands', () => {
    const markdown = renderMarkdown(fullRun())
    const lines = markdown.split('\n')
    expect(lines[0]).toBe('### parallax · scenario `copilot` · `local` vs `production`')
    expect(lines[2]).toBe(
      '❌ **5 of 7 recordings diverge** in 5 groups · 1 replay failed · 1 invalid recording line (2.1 s)',
    )
    const reading = expectIntact(markdown)
    const [summary, groups] = reading.tables
    expect(summary).toEqual([
      ['recordings', 'agree', 'diverge', 'failed', 'invalid lines'],
      ['---:', '---:', '---:', '---:', '---:'],
      ['7', '1', '5', '1', '1'],
    ])
    expect(groups).toHaveLength(2 + 6)
    expect(groups!.map((row) => row[1])).toContain('`decode`')
    expect(groups!.map((row) => row[1])).toContain('`retrieve` (probe `scores`)')
    expect(groups!.map((row) => row[1])).toContain('replay failed under `production`')
    expect(markdown).toContain(
      '| `decode` | `$.documents[*]` (added)<br>`$.documents[*].text` | 1 | `fr-abort` `POST /suggest` |',
    )
    expect(markdown).toContain('#### Examples')
    expect(markdown).toContain('- `$.lang`: `"fr"` → `"en"`')
    expect(markdown).toContain('`recordings/copilot.ndjson:9`: `Failed to load recording')
    // Groups of one recording each: the first three in run order are the examples.
    expect(reading.fenced).toEqual([
      'parallax replay scenarios/copilot.ts --recording fr-abort --variants local,production --seed 1',
      'parallax replay scenarios/copilot.ts --recording fr-region --variants local,production --seed 1',
      'parallax replay scenarios/copilot.ts --recording en-locale --variants local,production --seed 1',
    ])
    const all = outcomes()
    expect(renderMarkdown(replayRun([all.failed!, all.culprit!]))).toContain(
      '- hint: `Record this request again, or allow the host in the variant.`',
    )
    expect(markdown).toMatch(
      /<details>\n<summary>Replay the examples<\/summary>\n\n```sh\n[\s\S]*\n```\n\n<\/details>\n$/,
    )
  })

  it('renderMarkdown: a diverging example shows its changed paths before → after, clipped', () => {
    const all = outcomes()
    const markdown = renderMarkdown(replayRun([all.culprit!, all.agree!]))
    expect(markdown).toContain('❌ **1 of 2 recordings diverges** in 1 group (2.1 s)')
    expect(markdown).toContain(
      '- `$.documents[1].text`: `"Pour annuler une requête en cours, appelez controller.abort(…"` → `"Pour annuler une requ\\ufffd\\ufffdte en cours, appelez controller.abort…"`',
    )
    expect(markdown).toContain('- … and 2 more changed paths')
    expect(markdown).toContain('- propagated to `infer`, `render`')
  })

  it('renderMarkdown: an all-agree run is a short positive message', () => {
    const all = outcomes()
    const agree = all.agree!
    const markdown = renderMarkdown(replayRun([agree, { ...agree, recordingId: 'en-2' }]))
    expect(markdown).toContain('✅ **All 2 recordings agree** under `local` and `production`. (2.1 s)')
    expect(markdown).not.toContain('Divergence groups')
    expect(markdown).not.toContain('<details>')
    expect(markdown.length).toBeLessThan(400)
    expect(renderMarkdown(replayRun([agree]))).toContain('✅ **The recording agrees**')
  })

  it('renderMarkdown: pipes, backslashes, backticks and line breaks in recorded data keep the tables intact', () => {
    const all = outcomes()
    const route = 'GET /a|b\\|c\n| x | y |'
    const id = '`tick` ``double`` ` `'
    const outcome = { ...all.culprit!, recordingId: id, route }
    const markdown = renderMarkdown(replayRun([outcome, all.failed!]))
    const reading = expectIntact(markdown)
    const groups = reading.tables[1]!
    expect(groups).toHaveLength(4)
    const row = groups.find((cells) => cells[1] === '`decode`')!
    expect(
      inline(row[4]!)
        .filter((p) => p.code)
        .map((p) => p.text),
    ).toEqual([id, 'GET /a|b\\|c\\n| x | y |'])
    expect(reading.spans).toContain(id)
  })

  it('renderMarkdown: Markdown, HTML, mentions and links in recorded data stay inside code spans', () => {
    const all = outcomes()
    const hostile =
      '<img src=x onerror=alert(1)> **bold** _it_ [link](javascript:alert(1)) @everyone #1 $x$ &amp; </details>'
    const outcome = { ...all.culprit!, recordingId: hostile, route: `POST /${hostile}` }
    const failed = {
      ...all.failed!,
      result: {
        kind: 'failed' as const,
        variant: hostile,
        error: { name: 'Error', code: hostile, message: hostile, hint: hostile },
        runs: [],
      },
    }
    const run: ReplayRun = {
      ...replayRun([outcome, failed], [{ ...LOAD_ERRORS[0]!, message: hostile }]),
      scenario: hostile,
      variants: [hostile, 'production'],
    }
    const markdown = renderMarkdown(run)
    const reading = expectIntact(markdown)
    for (const marker of ['onerror', 'javascript', '@everyone', '**bold**', '_it_', '$x$', '&amp;', '#1'])
      expect(reading.literal, marker).not.toContain(marker)
    expect(reading.spans).toContain(hostile)
    expect(reading.spans.some((span) => span.startsWith('POST /<img src=x onerror=alert(1)> **bold**'))).toBe(
      true,
    )
    expect(reading.literal.match(/<\/details>/g)).toHaveLength(1)
  })

  it('renderMarkdown: terminal sequences are stripped, other controls shown as escapes', () => {
    const all = outcomes()
    const outcome = {
      ...all.culprit!,
      recordingId: '\x1b[31mred-id\x1b[0m\x07',
      route: 'GET /\x1b]8;;http://evil\x07link\x1b]8;;\x07 \u202eevil\ufffe',
      replayKey: 'parallax replay \x1b[2Jx',
    }
    const markdown = renderMarkdown(replayRun([outcome]))
    expect(markdown).not.toContain('\x1b')
    expect(markdown).not.toContain('[31m')
    expect(markdown).not.toContain('http://evil')
    const reading = expectIntact(markdown)
    expect(reading.spans).toContain('red-id\\x07')
    expect(reading.spans).toContain('GET /link \\u202eevil\\ufffe')
    expect(reading.fenced).toEqual(['parallax replay x'])
  })

  it('renderMarkdown: stays under the cap with 600 groups, saying how many were left out', () => {
    const markdown = renderMarkdown(manyGroups(600, (i) => `name${i}`))
    expect(markdown.length).toBeLessThanOrEqual(MAX_MARKDOWN_CHARS)
    const reading = expectIntact(markdown)
    const shown = reading.tables[1]!.length - 2
    expect(shown).toBeGreaterThan(3)
    expect(markdown).toContain(`… and ${600 - shown} more groups (${600 - shown} recordings).`)
    expect(markdown).toContain('#### Examples')
    expect(markdown).toContain('</details>')
    expect(markdown).toContain('- … and 37 more')
  })

  it('renderMarkdown: stays under the cap when every name is long runs of backticks', () => {
    const markdown = renderMarkdown(manyGroups(300, (i) => `${'`'.repeat(70)}${i}`))
    expect(markdown.length).toBeLessThanOrEqual(MAX_MARKDOWN_CHARS)
    expectIntact(markdown)
    expect(markdown).toContain('300 recordings diverge')
  })
})
