/**
 * `definePipeline` and `stage`: a pipeline is an ordered, inspectable list of named stages. Each stage
 * takes the previous stage's output, or the outputs of the earlier stages it names (`inputs`), which
 * makes the pipeline a DAG run in the order it is listed.
 */
import { ParallaxError } from '../recording/errors.ts'
import { type Pipeline, REQUEST_INPUT, type Stage, type StageFn, type StageOptions } from './types.ts'

const DEFAULT_STAGE_TIMEOUT_MS = 10_000
const STAGE_NAME = /^[A-Za-z_][\w.-]{0,63}$/

/**
 * Names a stage function.
 * @example stage('decode', (bytes, ctx) => decode(bytes, ctx.config.decoder))
 */
export function stage<I, O>(name: string, run: StageFn<I, O>, options: StageOptions = {}): Stage<I, O> {
  if (!STAGE_NAME.test(name)) {
    throw new ParallaxError(
      'PARALLAX_PIPELINE_INVALID',
      `Failed to define stage ${JSON.stringify(name)}: invalid name.`,
      {
        hint: 'Use a letter or _ then letters, digits, _, . or - (at most 64 characters).',
      },
    )
  }
  if (typeof run !== 'function') {
    throw new ParallaxError(
      'PARALLAX_PIPELINE_INVALID',
      `Failed to define stage ${name}: its run is not a function.`,
    )
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_STAGE_TIMEOUT_MS
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new ParallaxError(
      'PARALLAX_PIPELINE_INVALID',
      `Failed to define stage ${name}: timeoutMs must be a positive number.`,
    )
  }
  const inputs = options.inputs
  if (
    inputs !== undefined &&
    (!Array.isArray(inputs) || inputs.length === 0 || !inputs.every((i) => typeof i === 'string'))
  ) {
    throw new ParallaxError(
      'PARALLAX_PIPELINE_INVALID',
      `Failed to define stage ${name}: inputs must be a non-empty list of stage names.`,
      {
        hint: "Write inputs: ['parse', 'retrieve'], or leave inputs out to take the previous stage's output.",
      },
    )
  }
  return Object.freeze(
    inputs === undefined
      ? { name, run, timeoutMs }
      : { name, run, timeoutMs, inputs: Object.freeze([...inputs]) },
  )
}

/**
 * Defines a pipeline; rejects an empty list or duplicate stage names at definition time.
 * @example
 * export const copilot = definePipeline('copilot', [stage('parse', parse), stage('decode', decode)])
 */
export function definePipeline(name: string, stages: ReadonlyArray<Stage<never, unknown>>): Pipeline {
  if (typeof name !== 'string' || name.length === 0) {
    throw new ParallaxError('PARALLAX_PIPELINE_INVALID', 'Failed to define pipeline: it has no name.')
  }
  if (stages.length === 0) {
    throw new ParallaxError(
      'PARALLAX_PIPELINE_INVALID',
      `Failed to define pipeline ${name}: it has no stages.`,
      {
        hint: 'Pass at least one stage(name, fn).',
      },
    )
  }
  const seen = new Set<string>()
  for (const s of stages) {
    if (seen.has(s.name)) {
      throw new ParallaxError(
        'PARALLAX_PIPELINE_INVALID',
        `Failed to define pipeline ${name}: stage ${s.name} appears twice.`,
        {
          hint: 'Give every stage a unique name; the culprit is reported by name.',
        },
      )
    }
    for (const input of s.inputs ?? []) {
      if (input === REQUEST_INPUT || seen.has(input)) continue
      const later = stages.some((other) => other.name === input)
      throw new ParallaxError(
        'PARALLAX_PIPELINE_INVALID',
        `Failed to define pipeline ${name}: stage ${s.name} takes the output of ${input}, ${later ? 'which runs after it' : 'which is not a stage of the pipeline'}.`,
        {
          hint: `A stage takes the outputs of stages listed before it, or ${REQUEST_INPUT} (the pipeline's input).`,
        },
      )
    }
    if (s.name === REQUEST_INPUT && stages.some((other) => other.inputs !== undefined)) {
      throw new ParallaxError(
        'PARALLAX_PIPELINE_INVALID',
        `Failed to define pipeline ${name}: a stage is named ${REQUEST_INPUT}, the name inputs use for the pipeline's input.`,
        { hint: 'Rename the stage.' },
      )
    }
    seen.add(s.name)
  }
  return Object.freeze({ name, stages: Object.freeze([...stages]) as readonly Stage[] })
}
