/**
 * Builds traces for diff tests without the recording layer's canonical module: captured values are
 * JSON with sorted keys and their SHA-256, which is all the diff layer relies on.
 */
import { createHash } from 'node:crypto'
import type {
  CapturedValue,
  OutboundTrace,
  ProbeTrace,
  StageOutcome,
  StageTrace,
  Trace,
} from '../../src/pipeline/types.ts'

/**
 * JSON text with object keys sorted by code unit, like canonical JSON.
 * @example sortedJson({ b: 1, a: 2 }) // '{"a":2,"b":1}'
 */
export function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, node: unknown) => {
    if (typeof node !== 'object' || node === null || Array.isArray(node)) return node
    const sorted: Record<string, unknown> = {}
    for (const key of Object.keys(node).sort()) {
      Object.defineProperty(sorted, key, {
        value: (node as Record<string, unknown>)[key],
        enumerable: true,
        writable: true,
        configurable: true,
      })
    }
    return sorted
  })
}

/**
 * A captured value: sorted-key JSON and its SHA-256.
 * @example captured({ a: 1 }).json // '{"a":1}'
 */
export function captured(value: unknown): CapturedValue {
  const json = sortedJson(value)
  return { json, digest: createHash('sha256').update(json).digest('hex') }
}

/** What a test says about one stage; everything is optional but the name. */
export interface StageSpec {
  name: string
  /** Declared inputs of a DAG stage. */
  inputs?: string[]
  input?: unknown
  output?: unknown
  /** Set to make the stage throw: the encoded error is its outcome. */
  error?: { name: string; message: string; code?: string }
  probes?: Array<{ name: string; value: unknown }>
  outbound?: OutboundTrace[]
}

/**
 * A trace of pipeline `pipeline` over recording `rec-1` under `variant`, one StageTrace per spec.
 * @example buildTrace('local', [{ name: 'parse', input: 1, output: 2 }])
 */
export function buildTrace(variant: string, specs: readonly StageSpec[], pipeline = 'test-pipeline'): Trace {
  const stages = specs.map((spec, index): StageTrace => {
    const outcome: StageOutcome = spec.error
      ? { kind: 'error', error: captured({ error: spec.error }), message: spec.error.message }
      : { kind: 'ok', output: captured(spec.output ?? null) }
    const probes: ProbeTrace[] = (spec.probes ?? []).map((probe) => ({
      name: probe.name,
      value: captured(probe.value),
    }))
    return {
      name: spec.name,
      index,
      ...(spec.inputs && { inputs: spec.inputs }),
      input: captured(spec.input ?? null),
      outcome,
      probes,
      outbound: spec.outbound ?? [],
    }
  })
  return {
    format: 'parallax-trace',
    version: 1,
    pipeline,
    recordingId: 'rec-1',
    variant,
    stages,
    outbound: { recorded: 0, consumed: 0, unmatched: [] },
    timings: { stages: {}, totalMs: 0 },
  }
}

/**
 * Specs of a linear pipeline: stage i's input is stage i-1's output, stage 0's input is `request`.
 * @example linearStages('req', [1, 2]) // [{ name: 's0', input: 'req', output: 1 }, { name: 's1', input: 1, output: 2 }]
 */
export function linearStages(request: unknown, outputs: readonly unknown[]): StageSpec[] {
  return outputs.map((output, index) => ({
    name: `s${index}`,
    input: index === 0 ? request : outputs[index - 1],
    output,
  }))
}
