/**
 * Regression: groups with the same count were ordered by their signature key (a digest), so two bugs hit
 * by as many recordings came out in an order unrelated to the run. Ties now keep the order in which their
 * first recording appears.
 */
import { describe, expect, it } from 'vitest'
import { groupDivergences, renderMarkdown } from '../../../src/report/index.ts'
import type { RecordingOutcome } from '../../../src/report/types.ts'
import { replayRun, twoStageOutcome } from '../fixtures.ts'

/** Recording `id` whose `emit` stage outputs `{ [field]: 1 }` under local and `{ [field]: 2 }` under production. */
function diverging(id: string, field: string): RecordingOutcome {
  return twoStageOutcome(id, 'ties', { [field]: 1 }, { [field]: 2 })
}

describe('divergence groups with equal counts', () => {
  it('groupDivergences: ties keep the order of their first recording in the run, whichever comes first', () => {
    const fields = (recordings: RecordingOutcome[]) =>
      groupDivergences(replayRun(recordings)).map((group) =>
        group.kind === 'failed' ? group.code : group.signature[0]!.path,
      )
    const zebra = [diverging('z1', 'zebra'), diverging('z2', 'zebra')]
    const apple = [diverging('a1', 'apple'), diverging('a2', 'apple')]
    expect(fields([zebra[0]!, apple[0]!, zebra[1]!, apple[1]!])).toEqual(['$.zebra', '$.apple'])
    expect(fields([apple[0]!, zebra[0]!, apple[1]!, zebra[1]!])).toEqual(['$.apple', '$.zebra'])
    // A larger group still comes first.
    expect(fields([zebra[0]!, apple[0]!, apple[1]!])).toEqual(['$.apple', '$.zebra'])
    // And the reports list them in that order.
    const markdown = renderMarkdown(replayRun([zebra[0]!, apple[0]!]))
    expect(markdown.indexOf('`$.zebra`')).toBeLessThan(markdown.indexOf('`$.apple`'))
  })
})
