/**
 * Loading a pipeline by module and export name, with errors that say what to fix.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { Pipeline } from '../../pipeline/types.ts'
import { ParallaxError } from '../../recording/errors.ts'
import type { PipelineRef } from '../types.ts'

/**
 * Imports `ref.module` and returns its `ref.export` (default `pipeline`) after checking it is a pipeline.
 * @example const copilot = await loadPipeline({ module: '/app/examples/copilot/pipeline.ts', export: 'copilot' })
 */
export async function loadPipeline(ref: PipelineRef): Promise<Pipeline> {
  const url = ref.module.startsWith('file:') ? ref.module : pathToFileURL(ref.module).href
  const exportName = ref.export ?? 'pipeline'
  const path = fileURLToPath(url)
  if (!existsSync(path)) {
    throw new ParallaxError('PARALLAX_NOT_FOUND', `Failed to load pipeline module ${path}: no such file.`, {
      hint: 'Check the `pipeline.module` path in the scenario (it is resolved relative to the scenario file).',
    })
  }
  let mod: Record<string, unknown>
  try {
    mod = (await import(url)) as Record<string, unknown>
  } catch (error) {
    throw new ParallaxError(
      'PARALLAX_PIPELINE_INVALID',
      `Failed to load pipeline module ${path}: it threw while loading.`,
      {
        hint: 'Run the module on its own (`node <module>`) to see the error.',
        cause: error,
      },
    )
  }
  const candidate = mod[exportName]
  if (!isPipeline(candidate)) {
    const found = Object.keys(mod).filter((key) => isPipeline(mod[key]))
    throw new ParallaxError(
      'PARALLAX_PIPELINE_INVALID',
      `Failed to load pipeline ${exportName} from ${path}: no such pipeline export.`,
      {
        hint:
          found.length > 0
            ? `Pipelines exported there: ${found.join(', ')}.`
            : 'Export one made with definePipeline(name, stages).',
      },
    )
  }
  return candidate
}

function isPipeline(value: unknown): value is Pipeline {
  if (typeof value !== 'object' || value === null) return false
  const { name, stages } = value as Partial<Pipeline>
  return (
    typeof name === 'string' && Array.isArray(stages) && stages.every((s) => typeof s?.run === 'function')
  )
}
