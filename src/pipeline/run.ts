/**
 * Running a pipeline in production, untraced: what the service does on every request.
 */
import { type Pipeline, REQUEST_INPUT, type StageContext } from './types.ts'

export interface RunOptions {
  config: Record<string, unknown>
  signal?: AbortSignal
}

/**
 * Runs every stage in order, each on the previous stage's output (or on the outputs of the stages it
 * names as `inputs`), and returns the last output.
 * @example const suggestions = await runPipeline(copilot, request, { config })
 */
export async function runPipeline(pipeline: Pipeline, input: unknown, options: RunOptions): Promise<unknown> {
  const config = Object.freeze({ ...options.config })
  const signal = options.signal ?? new AbortController().signal
  const outputs = new Map<string, unknown>([[REQUEST_INPUT, input]])
  let value = input
  for (const s of pipeline.stages) {
    const ctx: StageContext = { stage: s.name, config, signal }
    if (s.inputs !== undefined) {
      value =
        s.inputs.length === 1
          ? outputs.get(s.inputs[0]!)
          : Object.fromEntries(s.inputs.map((name) => [name, outputs.get(name)]))
    }
    value = await s.run(value, ctx)
    outputs.set(s.name, value)
  }
  return value
}
