/**
 * Regression: a moved array item was shown by its indexes as if they were values (`$.tags[1]  1 ↷ 1`,
 * `$.tags[2]  2 ↷ 0` for a reversed ['a', 'b', 'c']). Every report now shows the moved item and where it
 * went, `"c"  moved [2] → [0]`, and the JSON report names the new place in `to`.
 */
import { describe, expect, it } from 'vitest'
import {
  plainChange,
  renderHtml,
  renderJson,
  renderJunit,
  renderMarkdown,
  renderTerminal,
} from '../../../src/report/index.ts'
import type { RecordingOutcome } from '../../../src/report/types.ts'
import { replayRun, twoStageOutcome } from '../fixtures.ts'

function reversed(): RecordingOutcome {
  return twoStageOutcome('rev', 'tags', { tags: ['a', 'b', 'c'] }, { tags: ['c', 'b', 'a'] })
}

describe('moved array items in reports', () => {
  const run = replayRun([reversed()])

  it('renderJson: a move has the item as before and after, and its new place as to', () => {
    const [recording] = JSON.parse(renderJson(run)).recordings
    expect(recording.divergence.paths).toEqual([
      { op: 'move', path: '$.tags[1]', to: '$.tags[1]', before: 'b', after: 'b' },
      { op: 'move', path: '$.tags[2]', to: '$.tags[0]', before: 'c', after: 'c' },
    ])
    expect(Object.keys(recording.divergence.paths[1])).toEqual(['op', 'path', 'to', 'before', 'after'])
  })

  it('renderTerminal, renderMarkdown, renderJunit, renderHtml and plainChange show the item and its indexes', () => {
    const terminal = renderTerminal(run, { color: false, width: 120, verbose: true })
    expect(terminal).toContain('$.tags[1]  "b"  moved [1] → [1]')
    expect(terminal).toContain('$.tags[2]  "c"  moved [2] → [0]')
    expect(terminal).not.toContain('↷')
    const markdown = renderMarkdown(run)
    expect(markdown).toContain('- `$.tags[2]`: `"c"` moved `[2]` → `[0]`')
    const junit = renderJunit(run)
    expect(junit).toContain('  $.tags[2]: "c" moved [2] → [0]')
    const html = renderHtml(run)
    expect(html).toContain(
      '<span class="path">$.tags[2]</span><span class="before">&quot;c&quot;</span><span class="op">moved [2] → [0]</span><span class="after"></span>',
    )
    expect(
      plainChange({ op: 'move', path: '$.tags[2]', to: '$.tags[0]', before: 'c', after: 'c' }, 40),
    ).toEqual(['$.tags[2]  "c"  moved [2] → [0]'])
  })
})
