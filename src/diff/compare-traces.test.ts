import { describe, expect, it, vi } from 'vitest'
import { buildTrace, captured, linearStages, type StageSpec } from '../../test/diff/build-trace.ts'
import type { OutboundTrace } from '../pipeline/types.ts'
import { compareTraces } from './compare-traces.ts'
import { MAX_KEPT_VALUE_CHARS } from './types.ts'

const request = { method: 'POST', url: '/suggest', body: { prefix: 'imp' } }

function call(url: string, matched: number | null): OutboundTrace {
  return { method: 'GET', url, requestDigest: captured({ method: 'GET', url }).digest, matched }
}

describe('compareTraces', () => {
  it('compareTraces: reports no divergence when every stage agrees', () => {
    const specs = linearStages(request, [{ prefix: 'imp' }, { hits: [1, 2] }, { text: 'import' }])
    const comparison = compareTraces(buildTrace('local', specs), buildTrace('production', specs))
    expect(comparison.divergence).toEqual({ kind: 'none', stagesCompared: 3 })
    expect(comparison.variants).toEqual(['local', 'production'])
    expect(comparison.recordingId).toBe('rec-1')
    expect(comparison.pipeline).toBe('test-pipeline')
    expect(comparison.stages.map((stage) => stage.verdict)).toEqual(['equal', 'equal', 'equal'])
  })

  it('compareTraces: names the first stage whose input agrees and whose output does not as the culprit', () => {
    const left = linearStages(request, [
      { prefix: 'imp' },
      { hits: [{ id: 'a', score: 0.9 }] },
      { text: 'a' },
    ])
    const right = linearStages(request, [
      { prefix: 'imp' },
      { hits: [{ id: 'a', score: 0.4 }] },
      { text: 'a' },
    ])
    const comparison = compareTraces(buildTrace('local', left), buildTrace('production', right))
    expect(comparison.divergence).toEqual({
      kind: 'stage',
      culprit: 's1',
      paths: [{ op: 'replace', path: '$.hits[0].score', before: 0.9, after: 0.4 }],
      propagatedTo: ['s2'],
    })
    expect(comparison.stages).toEqual([
      { name: 's0', verdict: 'equal', inputEqual: true, outputEqual: true },
      {
        name: 's1',
        verdict: 'culprit',
        inputEqual: true,
        outputEqual: false,
        paths: [{ op: 'replace', path: '$.hits[0].score', before: 0.9, after: 0.4 }],
      },
      { name: 's2', verdict: 'propagated', inputEqual: false, outputEqual: true },
    ])
  })

  it('compareTraces: keeps the culprit input and both outputs for side-by-side views', () => {
    const left = buildTrace('local', linearStages(request, [{ q: 1 }, { hits: [0.9] }]))
    const right = buildTrace('production', linearStages(request, [{ q: 1 }, { hits: [0.4] }]))
    expect(compareTraces(left, right).divergence).not.toHaveProperty('values')
    const comparison = compareTraces(left, right, { keepValues: true })
    expect(comparison.divergence).toMatchObject({
      culprit: 's1',
      values: { input: { q: 1 }, left: { hits: [0.9] }, right: { hits: [0.4] }, clipped: false },
    })
    const long = 'x'.repeat(MAX_KEPT_VALUE_CHARS)
    const clipped = compareTraces(
      buildTrace('local', linearStages(request, [{ text: long }])),
      buildTrace('production', linearStages(request, [{ text: `${long}y` }])),
      { keepValues: true },
    ).divergence
    expect(clipped).toMatchObject({ culprit: 's0', values: { clipped: true } })
    expect(clipped.kind === 'stage' && typeof clipped.values?.left).toBe('string')
  })

  it('compareTraces: marks stages that only carry an earlier divergence as propagated', () => {
    const left = linearStages(request, [1, 2, 3, 4, 5])
    const right = linearStages(request, [1, 20, 30, 40, 50])
    const comparison = compareTraces(buildTrace('local', left), buildTrace('production', right))
    expect(comparison.divergence).toMatchObject({
      kind: 'stage',
      culprit: 's1',
      propagatedTo: ['s2', 's3', 's4'],
    })
    expect(comparison.stages.map((stage) => [stage.name, stage.verdict, stage.paths])).toEqual([
      ['s0', 'equal', undefined],
      ['s1', 'culprit', [{ op: 'replace', path: '$', before: 2, after: 20 }]],
      ['s2', 'propagated', undefined],
      ['s3', 'propagated', undefined],
      ['s4', 'propagated', undefined],
    ])
  })

  it('compareTraces: calls a differing stage input with no differing predecessor an external entry', () => {
    const left: StageSpec[] = [
      { name: 'parse', input: { locale: 'en-US' }, output: { lang: 'en' } },
      { name: 'render', input: { lang: 'en' }, output: 'Hello' },
    ]
    const right: StageSpec[] = [
      { name: 'parse', input: { locale: 'fr-FR' }, output: { lang: 'fr' } },
      { name: 'render', input: { lang: 'fr' }, output: 'Bonjour' },
    ]
    const comparison = compareTraces(buildTrace('local', left), buildTrace('production', right))
    expect(comparison.divergence).toEqual({
      kind: 'external',
      source: 'input',
      stage: 'parse',
      detail:
        'Stage parse received a different input under local and production while no stage before it differs: ' +
        'the difference comes from outside the pipeline (configuration, environment, or the request as each ' +
        'variant sees it).',
      paths: [{ op: 'replace', path: '$.locale', before: 'en-US', after: 'fr-FR' }],
      propagatedTo: ['render'],
    })
    expect(comparison.stages[0]).toEqual({
      name: 'parse',
      verdict: 'entry',
      inputEqual: false,
      outputEqual: false,
      paths: [{ op: 'replace', path: '$.lang', before: 'en', after: 'fr' }],
    })
  })

  it('compareTraces: calls differing outbound requests of a stage whose input agrees an external divergence', () => {
    const left: StageSpec[] = [
      { name: 'parse', input: 1, output: 'q' },
      {
        name: 'retrieve',
        input: 'q',
        output: { hits: ['a'] },
        outbound: [call('https://search.local/q', 0)],
      },
      { name: 'render', input: { hits: ['a'] }, output: 'a' },
    ]
    const right: StageSpec[] = [
      { name: 'parse', input: 1, output: 'q' },
      {
        name: 'retrieve',
        input: 'q',
        output: { hits: ['b'] },
        outbound: [call('https://search.prod/q', null)],
      },
      { name: 'render', input: { hits: ['b'] }, output: 'b' },
    ]
    const comparison = compareTraces(buildTrace('local', left), buildTrace('production', right))
    expect(comparison.divergence).toEqual({
      kind: 'external',
      source: 'outbound',
      stage: 'retrieve',
      detail:
        'Stage retrieve sent different outbound requests for the same input: call 1 is GET ' +
        'https://search.local/q (recorded #0) under local, GET https://search.prod/q (unmatched) under production.',
      paths: [{ op: 'replace', path: '$.hits[0]', before: 'a', after: 'b' }],
      propagatedTo: ['render'],
    })
    expect(comparison.stages[1]).toMatchObject({ name: 'retrieve', verdict: 'culprit', inputEqual: true })
  })

  it('compareTraces: treats the same request answered by another recorded exchange as an outbound divergence', () => {
    const left: StageSpec[] = [{ name: 'fetch', input: 1, output: 2, outbound: [call('https://a/x', 0)] }]
    const right: StageSpec[] = [{ name: 'fetch', input: 1, output: 2, outbound: [call('https://a/x', 3)] }]
    const comparison = compareTraces(buildTrace('local', left), buildTrace('production', right))
    expect(comparison.divergence).toMatchObject({
      kind: 'external',
      source: 'outbound',
      stage: 'fetch',
      paths: [],
    })
    expect(comparison.stages[0]).toMatchObject({ verdict: 'culprit', outputEqual: true, paths: [] })
  })

  it('compareTraces: diffs an error outcome against a normal output as a replace of the whole value', () => {
    const error = { name: 'TypeError', message: 'score is undefined' }
    const left: StageSpec[] = [
      { name: 'parse', input: 1, output: 2 },
      { name: 'rank', input: 2, output: [3] },
    ]
    const right: StageSpec[] = [
      { name: 'parse', input: 1, output: 2 },
      { name: 'rank', input: 2, error },
    ]
    const comparison = compareTraces(buildTrace('local', left), buildTrace('production', right))
    expect(comparison.divergence).toEqual({
      kind: 'stage',
      culprit: 'rank',
      paths: [{ op: 'replace', path: '$', before: [3], after: { error } }],
      propagatedTo: [],
    })
  })

  it('compareTraces: diffs two different errors field by field', () => {
    const left: StageSpec[] = [{ name: 'rank', input: 2, error: { name: 'Error', message: 'a' } }]
    const right: StageSpec[] = [{ name: 'rank', input: 2, error: { name: 'Error', message: 'b' } }]
    const comparison = compareTraces(buildTrace('local', left), buildTrace('production', right))
    expect(comparison.divergence).toMatchObject({
      kind: 'stage',
      culprit: 'rank',
      paths: [{ op: 'replace', path: '$.error.message', before: 'a', after: 'b' }],
    })
  })

  it('compareTraces: marks the stages after a throw as missing', () => {
    const left = linearStages(request, [1, 2, 3, 4])
    const right: StageSpec[] = [
      ...linearStages(request, [1]),
      { name: 's1', input: 1, error: { name: 'E', message: 'x' } },
    ]
    const comparison = compareTraces(buildTrace('local', left), buildTrace('production', right))
    expect(comparison.stages.map((stage) => [stage.name, stage.verdict])).toEqual([
      ['s0', 'equal'],
      ['s1', 'culprit'],
      ['s2', 'missing'],
      ['s3', 'missing'],
    ])
    expect(comparison.divergence).toMatchObject({ kind: 'stage', culprit: 's1', propagatedTo: [] })
    expect(comparison.stages[2]).toEqual({
      name: 's2',
      verdict: 'missing',
      inputEqual: false,
      outputEqual: false,
    })
  })

  it('compareTraces: names the stage as the culprit and the probe inside it that first differs as its checkpoint', () => {
    const probes = (score: number) => [
      { name: 'query', value: 'imp' },
      { name: 'scores', value: { top: { id: 'a', score } } },
    ]
    const left: StageSpec[] = [
      { name: 'parse', input: 1, output: 'imp' },
      { name: 'retrieve', input: 'imp', output: ['a'], probes: probes(0.9) },
      { name: 'render', input: ['a'], output: 'a' },
    ]
    const right: StageSpec[] = [
      { name: 'parse', input: 1, output: 'imp' },
      { name: 'retrieve', input: 'imp', output: ['a'], probes: probes(0.5) },
      { name: 'render', input: ['a'], output: 'a' },
    ]
    const comparison = compareTraces(buildTrace('local', left), buildTrace('production', right))
    const paths = [{ op: 'replace', path: '$.top.score', before: 0.9, after: 0.5 }]
    expect(comparison.divergence).toEqual({
      kind: 'stage',
      culprit: 'retrieve',
      checkpoint: 'retrieve:scores',
      paths,
      propagatedTo: [],
    })
    expect(comparison.stages).toEqual([
      { name: 'parse', verdict: 'equal', inputEqual: true, outputEqual: true },
      { name: 'retrieve', verdict: 'culprit', inputEqual: true, outputEqual: true, paths: [] },
      {
        name: 'retrieve:scores',
        stage: 'retrieve',
        verdict: 'culprit',
        inputEqual: true,
        outputEqual: false,
        paths,
      },
      { name: 'render', verdict: 'equal', inputEqual: true, outputEqual: true },
    ])
  })

  it('compareTraces: numbers repeated probe names and reports a probe taken under one variant only', () => {
    const left: StageSpec[] = [{ name: 'loop', input: 1, output: 2, probes: [{ name: 'step', value: 1 }] }]
    const right: StageSpec[] = [
      {
        name: 'loop',
        input: 1,
        output: 2,
        probes: [
          { name: 'step', value: 1 },
          { name: 'step', value: 2 },
        ],
      },
    ]
    const comparison = compareTraces(buildTrace('local', left), buildTrace('production', right))
    expect(comparison.divergence).toEqual({
      kind: 'stage',
      culprit: 'loop',
      checkpoint: 'loop:step#2',
      paths: [{ op: 'add', path: '$', after: 2 }],
      propagatedTo: [],
    })
  })

  it('compareTraces: marks a later stage with equal input and differing output as a second introducing stage', () => {
    const left = linearStages(request, [1, 2, 3, 4])
    const right = linearStages(request, [1, 20, 3, 40])
    const comparison = compareTraces(buildTrace('local', left), buildTrace('production', right))
    expect(comparison.stages.map((stage) => [stage.name, stage.verdict])).toEqual([
      ['s0', 'equal'],
      ['s1', 'culprit'],
      ['s2', 'propagated'],
      ['s3', 'culprit'],
    ])
    expect(comparison.stages[3]!.paths).toEqual([{ op: 'replace', path: '$', before: 4, after: 40 }])
    expect(comparison.divergence).toMatchObject({ kind: 'stage', culprit: 's1', propagatedTo: ['s2'] })
  })

  it('compareTraces: compares stage sets that differ by name in left order and marks extras missing', () => {
    const left: StageSpec[] = [
      { name: 'a', input: 1, output: 1 },
      { name: 'b', input: 1, output: 1 },
    ]
    const right: StageSpec[] = [
      { name: 'c', input: 1, output: 1 },
      { name: 'a', input: 1, output: 1 },
    ]
    const leftTrace = buildTrace('local', left)
    const rightTrace = buildTrace('production', right)
    rightTrace.failure = { name: 'ParallaxError', message: 'Isolate crashed.' }
    const comparison = compareTraces(leftTrace, rightTrace)
    expect(comparison.stages.map((stage) => [stage.name, stage.verdict])).toEqual([
      ['a', 'equal'],
      ['b', 'missing'],
      ['c', 'missing'],
    ])
    expect(comparison.divergence).toEqual({
      kind: 'external',
      source: 'input',
      stage: 'b',
      detail:
        'Stage b ran under local only while no stage before it differs: the replay under production failed (Isolate crashed.).',
      paths: [],
      propagatedTo: [],
    })
  })

  it('compareTraces: localizes changes in a large output by parsing only the items whose text differs', () => {
    const items = Array.from({ length: 3000 }, (_, index) => ({ id: `s${index}`, score: index, tags: ['a'] }))
    const changed = structuredClone(items)
    changed[10]!.score = -1
    changed[2500]!.tags.push('b')
    const left = buildTrace('local', linearStages(request, [{ items }, 'done']))
    const right = buildTrace('production', linearStages(request, [{ items: changed }, 'done']))
    const parse = vi.spyOn(JSON, 'parse')
    try {
      const comparison = compareTraces(left, right)
      expect(comparison.divergence).toMatchObject({
        kind: 'stage',
        culprit: 's0',
        paths: [
          { op: 'replace', path: '$.items[10].score', before: 10, after: -1 },
          { op: 'add', path: '$.items[2500].tags[1]', after: 'b' },
        ],
        propagatedTo: ['s1'],
      })
      const longest = Math.max(...parse.mock.calls.map(([text]) => text.length))
      expect(longest).toBeLessThan(100)
    } finally {
      parse.mockRestore()
    }
  })

  it('compareTraces: parses nothing when digests agree, even if the JSON text were unreadable', () => {
    const specs = linearStages(request, [1])
    const left = buildTrace('local', specs)
    const right = buildTrace('production', specs)
    for (const trace of [left, right]) {
      const stage = trace.stages[0]!
      stage.input = { ...stage.input, json: 'not json' }
      if (stage.outcome.kind === 'ok') stage.outcome.output = { ...stage.outcome.output, json: 'not json' }
    }
    expect(compareTraces(left, right).divergence).toEqual({ kind: 'none', stagesCompared: 1 })
  })

  it('compareTraces: fails with a usage error naming the value when a differing value is not JSON', () => {
    const left = buildTrace('local', linearStages(request, [1]))
    const right = buildTrace('production', linearStages(request, [2]))
    const stage = right.stages[0]!
    if (stage.outcome.kind === 'ok') stage.outcome.output = { ...stage.outcome.output, json: '{oops' }
    expect(() => compareTraces(left, right)).toThrow(
      expect.objectContaining({
        code: 'PARALLAX_USAGE',
        message: expect.stringMatching(
          /^Failed to compare traces: the output of stage s0 under production is not JSON/,
        ),
      }),
    )
  })

  it('compareTraces: refuses to compare traces of different recordings', () => {
    const left = buildTrace('local', linearStages(request, [1]))
    const right = { ...buildTrace('production', linearStages(request, [1])), recordingId: 'rec-2' }
    expect(() => compareTraces(left, right)).toThrowErrorMatchingInlineSnapshot(
      `[ParallaxError: Failed to compare traces: they have different recordings (rec-1 under local, rec-2 under production).]`,
    )
  })
})
