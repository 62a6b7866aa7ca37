/**
 * Grouping divergences across many recordings: one bug over many recordings is one group whatever array
 * index it hits, different places or signatures are different groups, failed replays group by variant, code
 * and generalized message, and the order (count, then first appearance) and keys are stable.
 */
import { describe, expect, it } from 'vitest'
import { compareTraces } from '../../src/diff/index.ts'
import type { SerializedError } from '../../src/recording/errors.ts'
import {
  type DivergenceGroup,
  generalizeMessage,
  generalizePath,
  groupDivergences,
  groupPlace,
} from '../../src/report/group-divergences.ts'
import type { RecordingOutcome, VariantRun } from '../../src/report/types.ts'
import { buildTrace, type StageSpec } from '../diff/build-trace.ts'
import { fullRun, outcomes, replayRun } from './fixtures.ts'

const STAGES = ['parse', 'retrieve', 'decode', 'render'] as const

/** A linear parse → retrieve → decode → render pipeline with these outputs. */
function stages(outputs: readonly unknown[]): StageSpec[] {
  return outputs.map((output, index) => ({
    name: STAGES[index]!,
    input: index === 0 ? { q: 'x' } : outputs[index - 1],
    output,
  }))
}

function variantRun(variant: string): VariantRun {
  return {
    variant,
    isolation: 'worker',
    stages: STAGES.map((name) => ({ name, ms: 1, threw: false })),
    totalMs: 4,
    outbound: { recorded: 0, consumed: 0, unmatched: 0 },
  }
}

/** A compared outcome from real compareTraces over the two output lists. */
function compared(id: string, left: readonly unknown[], right: readonly unknown[]): RecordingOutcome {
  const comparison = compareTraces(buildTrace('local', stages(left)), buildTrace('production', stages(right)))
  return {
    recordingId: id,
    source: { file: 'recordings/many.ndjson', line: 1 },
    route: 'POST /suggest',
    result: { kind: 'compared', comparison, runs: [variantRun('local'), variantRun('production')] },
    replayKey: `parallax replay scenarios/many.ts --recording ${id}`,
  }
}

function docs(count: number, broken = -1, field: 'text' | 'title' = 'text'): unknown {
  return {
    documents: Array.from({ length: count }, (_, i) => ({
      id: `d${i}`,
      text: field === 'text' && i === broken ? 'requ\ufffdte' : 'requête',
      title: field === 'title' && i === broken ? 'T\ufffd' : 'Tê',
    })),
  }
}

/** Recording `id` diverging at decode, in document `index`'s `field`. */
function decodeBug(id: string, index: number, field: 'text' | 'title' = 'text'): RecordingOutcome {
  return compared(
    id,
    [{ q: 'x' }, { chunks: 3 }, docs(10), { html: 'ok' }],
    [{ q: 'x' }, { chunks: 3 }, docs(10, index, field), { html: '?' }],
  )
}

/** Recording `id` diverging at retrieve. */
function retrieveBug(id: string): RecordingOutcome {
  return compared(
    id,
    [{ q: 'x' }, { chunks: 3 }, docs(2), { html: 'ok' }],
    [{ q: 'x' }, { chunks: 2 }, docs(2), { html: 'ok' }],
  )
}

function agreeing(id: string): RecordingOutcome {
  const outputs = [{ q: 'x' }, { chunks: 3 }, docs(2), { html: 'ok' }]
  return compared(id, outputs, outputs)
}

function failed(id: string, variant: string, error: SerializedError): RecordingOutcome {
  return {
    recordingId: id,
    source: { file: 'recordings/many.ndjson', line: 2 },
    route: 'GET /health',
    result: { kind: 'failed', variant, error, runs: [] },
    replayKey: `parallax replay scenarios/many.ts --recording ${id}`,
  }
}

function timeout(id: string, ms: number): SerializedError {
  return {
    name: 'ParallaxError',
    code: 'PARALLAX_STAGE_TIMEOUT',
    message: `Failed to replay ${id}: stage decode timed out after ${ms} ms (request 3f2a1b2c-1234-4abc-8def-0123456789ab).`,
  }
}

function only<T>(list: readonly T[]): T {
  expect(list).toHaveLength(1)
  return list[0]!
}

describe('groupDivergences', () => {
  it('groupDivergences: one bug over 200 recordings at different array indices is one group', () => {
    const recordings = Array.from({ length: 200 }, (_, i) => decodeBug(`rec-${i}`, i % 10))
    const group = only(groupDivergences(replayRun(recordings)))
    expect(group).toMatchObject({
      kind: 'stage',
      stage: 'decode',
      count: 200,
      signature: [{ op: 'replace', path: '$.documents[*].text' }],
    })
    expect(group.recordingIds).toHaveLength(50)
    expect(group.recordingIds.slice(0, 3)).toEqual(['rec-0', 'rec-1', 'rec-2'])
    expect(group.example).toMatchObject({
      recordingId: 'rec-0',
      route: 'POST /suggest',
      replayKey: 'parallax replay scenarios/many.ts --recording rec-0',
      paths: [{ op: 'replace', path: '$.documents[0].text', before: 'requête', after: 'requ\ufffdte' }],
      pathCount: 1,
      propagatedTo: ['render'],
    })
  })

  it('groupDivergences: two culprit stages are two groups, the most frequent first', () => {
    const recordings = [
      decodeBug('a', 1),
      retrieveBug('b'),
      agreeing('c'),
      retrieveBug('d'),
      decodeBug('e', 2),
      retrieveBug('f'),
    ]
    const groups = groupDivergences(replayRun(recordings))
    expect(groups.map((g) => [g.kind, g.kind === 'failed' ? g.variant : g.stage, g.count])).toEqual([
      ['stage', 'retrieve', 3],
      ['stage', 'decode', 2],
    ])
    expect(groups[0]!.recordingIds).toEqual(['b', 'd', 'f'])
    expect(groups[1]!.recordingIds).toEqual(['a', 'e'])
  })

  it('groupDivergences: the same culprit with a different changed-path signature is another group', () => {
    const groups = groupDivergences(
      replayRun([
        decodeBug('a', 1),
        decodeBug('b', 3, 'title'),
        decodeBug('c', 4),
        decodeBug('d', 0, 'title'),
      ]),
    )
    expect(groups).toHaveLength(2)
    expect(groups.map((g) => (g.kind === 'stage' ? g.signature : []))).toEqual(
      expect.arrayContaining([
        [{ op: 'replace', path: '$.documents[*].text' }],
        [{ op: 'replace', path: '$.documents[*].title' }],
      ]),
    )
    expect(groups.map((g) => g.count)).toEqual([2, 2])
    // Equal counts: in the order their first recording appears (a: text, then b: title).
    expect(groups.map((g) => g.recordingIds)).toEqual([
      ['a', 'c'],
      ['b', 'd'],
    ])
  })

  it('groupDivergences: signatures are deduplicated and sorted, ops included', () => {
    const left = { items: [1, 2, 3], tag: 'a' }
    const right = { items: [9, 9, 3, 4], tag: 'b' }
    const outcome = compared('x', [{ q: 'x' }, left], [{ q: 'x' }, right])
    const group = only(groupDivergences(replayRun([outcome])))
    expect(group.kind === 'stage' && group.signature).toEqual([
      { op: 'add', path: '$.items[*]' },
      { op: 'replace', path: '$.items[*]' },
      { op: 'replace', path: '$.tag' },
    ])
    expect(group.example.pathCount).toBe(4)
  })

  it('groupDivergences: places every situation of the report fixtures, agreeing recordings left out', () => {
    const groups = groupDivergences(fullRun())
    expect(groups).toHaveLength(6)
    expect(groups.reduce((sum, g) => sum + g.count, 0)).toBe(6)
    const places = groups.map(groupPlace).sort()
    expect(places).toEqual([
      'decode',
      'infer',
      'parse (external: input)',
      'replay failed under production',
      'retrieve (external: outbound requests)',
      'retrieve (probe scores)',
    ])
    const probe = groups.find((g) => g.kind === 'stage' && g.checkpoint !== undefined)
    expect(probe).toMatchObject({ stage: 'retrieve', checkpoint: 'retrieve:scores' })
    const outbound = groups.find((g) => g.kind === 'external' && g.source === 'outbound')
    expect(outbound?.example.detail).toContain('different outbound requests')
  })

  it('groupDivergences: a checkpoint, an external source and a culprit at one stage are different groups', () => {
    const all = outcomes()
    const twice = (outcome: RecordingOutcome, suffix: string) => ({
      ...outcome,
      recordingId: `${outcome.recordingId}-${suffix}`,
    })
    const groups = groupDivergences(
      replayRun([all.probe!, all.outbound!, twice(all.probe!, '2'), twice(all.outbound!, '2')]),
    )
    expect(groups.map((g) => [g.key.split(':')[0], g.count])).toEqual([
      ['stage', 2],
      ['external', 2],
    ])
  })

  it('groupDivergences: failed replays group by variant and code, with numbers and ids generalized', () => {
    const unmatched: SerializedError = {
      name: 'ParallaxError',
      code: 'PARALLAX_OUTBOUND_UNMATCHED',
      message: 'Failed to replay GET /v1/x: not in the recording.',
    }
    const recordings = [
      failed('t-1', 'production', timeout('t-1', 5000)),
      failed('t-2', 'production', timeout('t-2', 5012)),
      failed('t-3', 'local', timeout('t-3', 30)),
      failed('u-1', 'production', unmatched),
      failed('t-4', 'production', timeout('t-4', 4999)),
    ]
    const groups = groupDivergences(replayRun(recordings))
    expect(groups.map((g) => (g.kind === 'failed' ? [g.variant, g.code, g.count] : []))).toEqual([
      ['production', 'PARALLAX_STAGE_TIMEOUT', 3],
      ['local', 'PARALLAX_STAGE_TIMEOUT', 1],
      ['production', 'PARALLAX_OUTBOUND_UNMATCHED', 1],
    ])
    const top = groups[0]!
    expect(top.kind === 'failed' && top.message).toBe(
      'Failed to replay <recording>: stage decode timed out after <n> ms (request <uuid>).',
    )
    expect(top.recordingIds).toEqual(['t-1', 't-2', 't-4'])
    expect(top.example.error?.message).toContain('5000 ms')
    expect(top.key.startsWith('failed:production:PARALLAX_STAGE_TIMEOUT:')).toBe(true)
  })

  it('groupDivergences: keys do not depend on the order or the example, and counts add up', () => {
    const recordings = [
      ...Array.from({ length: 7 }, (_, i) => decodeBug(`d-${i}`, i)),
      ...Array.from({ length: 4 }, (_, i) => retrieveBug(`r-${i}`)),
      failed('f-1', 'production', timeout('f-1', 10)),
      agreeing('ok'),
    ]
    const forward = groupDivergences(replayRun(recordings))
    const backward = groupDivergences(replayRun([...recordings].reverse()))
    const summary = (groups: DivergenceGroup[]) => groups.map((g) => [g.key, g.count])
    expect(summary(backward)).toEqual(summary(forward))
    expect(forward.map((g) => g.count)).toEqual([7, 4, 1])
    expect(forward[0]!.key).toMatch(/^stage:decode:[0-9a-f]{10}$/)
    expect(backward[0]!.example.recordingId).toBe('d-6')
  })

  it('groupDivergences: maxIds bounds the ids kept, examplePaths the example paths; count stays the total', () => {
    const wide = compared(
      'wide',
      [{ q: 'x' }, { a: Array.from({ length: 30 }, (_, i) => i) }],
      [{ q: 'x' }, { a: Array.from({ length: 30 }, (_, i) => i + 100) }],
    )
    const recordings = Array.from({ length: 12 }, (_, i) => ({ ...wide, recordingId: `w-${i}` }))
    const group = only(groupDivergences(replayRun(recordings), { maxIds: 3, examplePaths: 2 }))
    expect(group.count).toBe(12)
    expect(group.recordingIds).toEqual(['w-0', 'w-1', 'w-2'])
    expect(group.example.paths).toHaveLength(2)
    expect(group.example.pathCount).toBe(30)
  })

  it('groupDivergences: 10,000 recordings with three bugs give three groups (its speed is measured in npm run bench -- group)', () => {
    const templates = [decodeBug('t', 1), decodeBug('t', 2, 'title'), retrieveBug('t')]
    const recordings = Array.from({ length: 10_000 }, (_, i) => ({
      ...templates[i % 3]!,
      recordingId: `rec-${i}`,
    }))
    const groups = groupDivergences(replayRun(recordings))
    expect(groups.map((g) => g.count).sort()).toEqual([3333, 3333, 3334])
  })
})

describe('generalizePath and generalizeMessage', () => {
  it('generalizePath: every array index becomes [*], quoted keys stay as written', () => {
    expect(generalizePath('$.documents[12].tags[0]')).toBe('$.documents[*].tags[*]')
    expect(generalizePath('$[3][4]')).toBe('$[*][*]')
    expect(generalizePath('$["a[1]"][2]')).toBe('$["a[1]"][*]')
    expect(generalizePath('$["say \\"[1]\\""].x[7]')).toBe('$["say \\"[1]\\""].x[*]')
    expect(generalizePath('$.v2.items')).toBe('$.v2.items')
  })

  it('generalizeMessage: numbers, UUIDs, hex ids and the recording id are generalized, words with digits kept', () => {
    expect(generalizeMessage('Stage decode timed out after 5000 ms on rec-7.', 'rec-7')).toBe(
      'Stage decode timed out after <n> ms on <recording>.',
    )
    expect(generalizeMessage('GET /v1/items/42 digest 9f86d081884c7d65 utf8 port 8080')).toBe(
      'GET /v1/items/<n> digest <id> utf8 port <n>',
    )
    expect(generalizeMessage('x'.repeat(500)).length).toBeLessThanOrEqual(241)
  })
})
