/**
 * ReplayRun fixtures built from real `compareTraces` results over traces of the copilot-shaped pipeline
 * parse → retrieve → decode → infer → render, variants local vs production.
 */
import { compareTraces } from '../../src/diff/index.ts'
import type { OutboundTrace } from '../../src/pipeline/types.ts'
import type { SerializedError } from '../../src/recording/errors.ts'
import type { RecordingOutcome, RecordingResult, ReplayRun, VariantRun } from '../../src/report/types.ts'
import { buildTrace, type StageSpec } from '../diff/build-trace.ts'

export const VARIANTS: [string, string] = ['local', 'production']
const STAGES = ['parse', 'retrieve', 'decode', 'infer', 'render'] as const

const REQUEST = { query: 'comment annuler une requête', lang: 'fr' }
const TEXT = 'Pour annuler une requête en cours, appelez controller.abort() avant la fin du flux.'
const BROKEN = TEXT.replace('requête', 'requ\ufffd\ufffdte')

/** Stage specs of a linear pipeline where each stage's input is the previous output. */
function linear(outputs: readonly unknown[], request: unknown = REQUEST): StageSpec[] {
  return outputs.map((output, index) => ({
    name: STAGES[index]!,
    input: index === 0 ? request : outputs[index - 1],
    output,
  }))
}

function documents(text: string, extra = 0): unknown {
  return {
    documents: [
      { id: 'd0', text: 'AbortController' },
      { id: 'd1', text },
      ...Array.from({ length: extra }, (_, i) => ({ id: `x${i}`, text: `${text} ${i}` })),
    ],
  }
}

const GOOD = [
  { q: REQUEST.query },
  { chunks: 3 },
  documents(TEXT),
  { ranked: ['d1', 'd0'] },
  { html: '<p>ok</p>' },
]

/** VariantRun for `variant`: `ms` per stage ran (in STAGES order); `threw` names a stage that threw. */
function variantRun(variant: string, ms: readonly number[], threw?: string): VariantRun {
  const stages = ms.map((value, index) => ({
    name: STAGES[index]!,
    ms: value,
    threw: STAGES[index] === threw,
  }))
  return {
    variant,
    isolation: 'worker',
    stages,
    totalMs: ms.reduce((a, b) => a + b, 0),
    outbound: { recorded: 1, consumed: 1, unmatched: 0 },
  }
}

function compared(
  left: StageSpec[],
  right: StageSpec[],
  ms: [number[], number[]],
  threw?: [string?, string?],
): RecordingResult {
  const comparison = compareTraces(
    buildTrace('local', left, 'copilot'),
    buildTrace('production', right, 'copilot'),
  )
  return {
    kind: 'compared',
    comparison,
    runs: [variantRun('local', ms[0], threw?.[0]), variantRun('production', ms[1], threw?.[1])],
  }
}

function outcome(
  recordingId: string,
  line: number,
  result: RecordingResult,
  route = 'POST /suggest',
): RecordingOutcome {
  return {
    recordingId,
    source: { file: 'recordings/copilot.ndjson', line },
    route,
    result,
    replayKey: `parallax replay scenarios/copilot.ts --recording ${recordingId} --variants local,production --seed 1`,
  }
}

const MS: [number[], number[]] = [
  [0.4, 1.2, 0.3, 2.5, 0.2],
  [0.5, 1.1, 0.4, 2.7, 0.2],
]

function call(url: string, digest: string): OutboundTrace {
  return { method: 'GET', url, requestDigest: digest, matched: digest === 'a' ? 0 : null }
}

/** One outcome per situation the report must draw; `scale` multiplies every duration (to vary timings only). */
export function outcomes(scale = 1): Record<string, RecordingOutcome> {
  const ms = MS.map((side) => side.map((v) => v * scale)) as [number[], number[]]
  const decodeBroken = [GOOD[0], GOOD[1], documents(BROKEN, 6), { ranked: ['d0'] }, { html: '<p>?</p>' }]
  const outboundLeft = linear(GOOD)
  const outboundRight = linear([GOOD[0], { chunks: 2 }, ...GOOD.slice(2)])
  outboundLeft[1]!.outbound = [call('https://search.internal/v1?q=annuler', 'a')]
  outboundRight[1]!.outbound = [call('https://search.eu.internal/v1?q=annuler', 'b')]
  const inputRight = linear(GOOD, { ...REQUEST, lang: 'en' })
  const threwRight: StageSpec[] = linear(GOOD).slice(0, 4)
  threwRight[3] = {
    ...threwRight[3]!,
    output: undefined,
    error: { name: 'TypeError', message: 'ranked is not iterable' },
  }
  const probeLeft = linear(GOOD)
  const probeRight = linear(GOOD)
  probeLeft[1]!.probes = [{ name: 'scores', value: [0.91, 0.42] }]
  probeRight[1]!.probes = [{ name: 'scores', value: [0.91, 0.4] }]
  return {
    agree: outcome('en-stream', 1, compared(linear(GOOD), linear(GOOD), ms)),
    culprit: outcome('fr-abort', 2, compared(linear(GOOD), linear(decodeBroken), ms)),
    outbound: outcome('fr-region', 3, compared(outboundLeft, outboundRight, ms)),
    input: outcome('en-locale', 4, compared(linear(GOOD), inputRight, ms)),
    missing: outcome(
      'fr-throw',
      5,
      compared(linear(GOOD), threwRight, [ms[0], ms[1].slice(0, 4)], [undefined, 'infer']),
    ),
    probe: outcome('fr-scores', 6, compared(probeLeft, probeRight, ms)),
    failed: outcome('fr-unrecorded', 7, {
      kind: 'failed',
      variant: 'production',
      error: {
        name: 'ParallaxError',
        code: 'PARALLAX_OUTBOUND_UNMATCHED',
        message:
          'Failed to replay GET https://search.eu.internal/v1?q=annuler: the recording holds no such request; the closest recorded one is GET https://search.internal/v1?q=annuler.',
        hint: 'Record this request again, or allow the host in the variant.',
        stack: 'ParallaxError: Failed to replay…\n    at /home/ci/parallax/src/replay/network.ts:10:5',
      },
      runs: [variantRun('local', ms[0]), variantRun('production', ms[1].slice(0, 2), 'retrieve')],
    }),
  }
}

export const LOAD_ERRORS: SerializedError[] = [
  {
    name: 'ParallaxError',
    code: 'PARALLAX_RECORDING_INVALID',
    message:
      'Failed to load recording recordings/copilot.ndjson:9: Unexpected token } in JSON at position 41.',
    hint: 'Fix or delete the line; the other lines still load.',
    details: { file: 'recordings/copilot.ndjson', line: 9 },
  },
]

/**
 * A compared recording `id` of a two-stage pipeline, `read` (equal) then `emit`, whose outputs are
 * `local` and `production`; its route, file and replay command are named after `name`.
 * @example twoStageOutcome('rev', 'tags', { tags: ['a', 'b'] }, { tags: ['b', 'a'] })
 */
export function twoStageOutcome(
  id: string,
  name: string,
  local: unknown,
  production: unknown,
): RecordingOutcome {
  const trace = (variant: string, output: unknown) =>
    buildTrace(variant, [
      { name: 'read', input: { q: 'x' }, output: { q: 'x' } },
      { name: 'emit', input: { q: 'x' }, output },
    ])
  const run = {
    isolation: 'worker' as const,
    stages: [],
    totalMs: 1,
    outbound: { recorded: 0, consumed: 0, unmatched: 0 },
  }
  return {
    recordingId: id,
    source: { file: `recordings/${name}.ndjson`, line: 1 },
    route: `POST /${name}`,
    result: {
      kind: 'compared',
      comparison: compareTraces(trace(VARIANTS[0], local), trace(VARIANTS[1], production)),
      runs: [
        { variant: VARIANTS[0], ...run },
        { variant: VARIANTS[1], ...run },
      ],
    },
    replayKey: `parallax replay scenarios/${name}.ts --recording ${id}`,
  }
}

/** A run over the given outcomes, with a summary computed from them. */
export function replayRun(
  recordings: RecordingOutcome[],
  loadErrors: SerializedError[] = [],
  durationMs = 2134,
): ReplayRun {
  const status = (o: RecordingOutcome) =>
    o.result.kind === 'failed'
      ? 'failed'
      : o.result.comparison.divergence.kind === 'none'
        ? 'agree'
        : 'diverge'
  return {
    scenario: 'copilot',
    pipeline: 'copilot',
    variants: VARIANTS,
    recordings,
    loadErrors,
    summary: {
      total: recordings.length,
      agree: recordings.filter((o) => status(o) === 'agree').length,
      diverge: recordings.filter((o) => status(o) === 'diverge').length,
      failed: recordings.filter((o) => status(o) === 'failed').length,
      invalid: loadErrors.length,
    },
    durationMs,
  }
}

/** Every situation in one run, in a fixed order. */
export function fullRun(scale = 1): ReplayRun {
  return replayRun(Object.values(outcomes(scale)), LOAD_ERRORS, 2134 * scale)
}
