/**
 * `definePipeline` and `stage`: a pipeline is an ordered, inspectable list of named stages.
 */
import { ParallaxError } from '../recording/errors.ts'
import type { Pipeline, Stage, StageFn, StageOptions } from './types.ts'

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
  return Object.freeze({ name, run, timeoutMs })
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
    seen.add(s.name)
  }
  return Object.freeze({ name, stages: Object.freeze([...stages]) as readonly Stage[] })
}
