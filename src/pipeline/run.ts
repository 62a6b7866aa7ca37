/**
 * Running a pipeline in production, untraced: what the service does on every request.
 */
import type { Pipeline, StageContext } from './types.ts'

export interface RunOptions {
  config: Record<string, unknown>
  signal?: AbortSignal
}

/**
 * Runs every stage in order, each on the previous stage's output, and returns the last output.
 * @example const suggestions = await runPipeline(copilot, request, { config })
 */
export async function runPipeline(pipeline: Pipeline, input: unknown, options: RunOptions): Promise<unknown> {
  const config = Object.freeze({ ...options.config })
  const signal = options.signal ?? new AbortController().signal
  let value = input
  for (const s of pipeline.stages) {
    const ctx: StageContext = { stage: s.name, config, signal }
    value = await s.run(value, ctx)
  }
  return value
}
