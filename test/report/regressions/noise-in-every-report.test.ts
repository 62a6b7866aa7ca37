/**
 * Regression: docs/noise-rules.md says every report tells what each noise rule hid, but the Markdown and
 * JUnit reports said nothing (the terminal, JSON and HTML ones did). A rule that hides a real bug must show
 * up as a rule that hid something, in the pull-request comment and the CI test view too.
 */
import { describe, expect, it } from 'vitest'
import { renderJson, renderJunit, renderMarkdown } from '../../../src/report/index.ts'
import type { ReplayRun } from '../../../src/report/types.ts'
import { fullRun, outcomes, replayRun } from '../fixtures.ts'

const NOISE = [
  { rule: 'ignore **.requestId', hidden: 24, recordings: 8 },
  { rule: 'mask uuid /[0-9a-f-]{36}/i', hidden: 0, recordings: 0 },
  { rule: 'ignore $.a|b', hidden: 1, recordings: 1 },
]

function noisy(run: ReplayRun): ReplayRun {
  return { ...run, noise: NOISE }
}

describe('noise rules in every report', () => {
  it('renderMarkdown: lists what each rule hid, with recorded text in code spans and pipes escaped', () => {
    const markdown = renderMarkdown(noisy(fullRun()))
    expect(markdown).toContain(
      [
        '**Noise rules** (changes they hid):',
        '',
        '| rule | hid |',
        '| --- | --- |',
        '| `ignore **.requestId` | 24 changes in 8 recordings |',
        '| `mask uuid /[0-9a-f-]{36}/i` | nothing |',
        '| `ignore $.a\\|b` | 1 change in 1 recording |',
      ].join('\n'),
    )
    // An agreeing run says it too: the rules may be why it agrees.
    expect(renderMarkdown(noisy(replayRun([outcomes().agree!])))).toContain(
      '| `ignore **.requestId` | 24 changes in 8 recordings |',
    )
    expect(renderMarkdown(fullRun())).not.toContain('Noise rules')
  })

  it('renderJunit: a property per rule and the same lines in the suite output', () => {
    const xml = renderJunit(noisy(fullRun()))
    expect(xml).toContain(
      '<property name="noise: ignore **.requestId" value="hid 24 changes in 8 recordings"/>',
    )
    expect(xml).toContain('<property name="noise: mask uuid /[0-9a-f-]{36}/i" value="hid nothing"/>')
    expect(xml).toContain(
      [
        '    <system-out>Noise rules:',
        '  ignore **.requestId hid 24 changes in 8 recordings',
        '  mask uuid /[0-9a-f-]{36}/i hid nothing',
        '  ignore $.a|b hid 1 change in 1 recording</system-out>',
        '  </testsuite>',
      ].join('\n'),
    )
    expect(renderJunit(fullRun())).not.toContain('noise')
  })
})

describe('summary.noise in the JSON report', () => {
  it('renderJson: summary.noise is always present, [] when no rule applied, after culprits', () => {
    const plain = JSON.parse(renderJson(fullRun()))
    expect(Object.keys(plain.summary)).toEqual([
      'total',
      'agree',
      'diverge',
      'failed',
      'invalid',
      'culprits',
      'noise',
    ])
    expect(plain.summary.noise).toEqual([])
    expect(JSON.parse(renderJson(noisy(fullRun()))).summary.noise).toEqual(NOISE)
  })
})
