/**
 * Regression: the grouped terminal view (more than 30 recordings) cut its `replay:` lines with `…`, though
 * replay commands are never to be cut; the noise-rule counts and the grouped view's hint were cut too.
 */
import { describe, expect, it } from 'vitest'
import { renderTerminal } from '../../../src/report/index.ts'
import { outcomes, replayRun } from '../fixtures.ts'

const WIDTH = 60
const KEY =
  "parallax replay 'my scenarios/copilot.ts' --recording 'rec 0' --variants local,production --seed 1 --ignore '**.requestId'"

function grouped() {
  const { agree, culprit, failed } = outcomes()
  const recordings = Array.from({ length: 40 }, (_, i) => ({
    ...[agree!, culprit!, failed!][i % 3]!,
    recordingId: `rec ${i}`,
    replayKey: KEY,
  }))
  return {
    ...replayRun(recordings),
    noise: [
      {
        rule: 'mask uuid /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i',
        hidden: 3,
        recordings: 3,
      },
      { rule: 'ignore **.requestId', hidden: 0, recordings: 0 },
    ],
  }
}

describe('regression: the terminal report never cuts replay commands, hints or noise counts', () => {
  it('renderTerminal: the grouped view prints each replay command whole at any width', () => {
    const text = renderTerminal(grouped(), { color: false, width: WIDTH, verbose: false })
    expect(text).toContain('✗ ×13')
    expect(text.split('\n').filter((line) => line === `      replay: ${KEY}`)).toHaveLength(2)
  })

  it('renderTerminal: noise-rule counts and the grouped view hint are whole; prose wraps within the width', () => {
    const text = renderTerminal(grouped(), { color: false, width: WIDTH, verbose: false })
    expect(text).toContain(
      '  mask uuid /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i hid 3 changes in 3 recordings\n',
    )
    expect(text).toContain('  ignore **.requestId hid nothing\n')
    expect(text.replace(/\n/g, ' ')).toContain(
      '40 recordings in 2 groups of divergences and failures, 14 agree (every recording: --verbose, or --report json|html):',
    )
    // The failed group's message wraps instead of losing its end.
    expect(text.replace(/\n +/g, ' ')).toContain(
      'the closest recorded one is GET https://search.internal/v1?q=annuler.',
    )
    const long = text.split('\n').filter((line) => Array.from(line).length > WIDTH)
    expect(long.every((line) => line.startsWith('      replay: ') || line.includes(' hid '))).toBe(true)
  })
})
