/**
 * The copilot pipeline: parse → retrieve → decode → infer → render.
 */
import { definePipeline, type Pipeline, stage } from '../../src/pipeline/index.ts'
import { decodeStream } from './decode-stream.ts'
import { parseRequest } from './parse-request.ts'
import { createRanker } from './rank.ts'
import { renderSuggestions } from './render-suggestions.ts'
import { retrieveContext } from './retrieve-context.ts'

/**
 * Creates a copilot pipeline with its own ranking cache.
 * @example const pipeline = createCopilotPipeline()
 */
export function createCopilotPipeline(): Pipeline {
  return definePipeline('copilot', [
    stage('parse', parseRequest),
    stage('retrieve', retrieveContext),
    stage('decode', decodeStream),
    stage('infer', createRanker()),
    stage('render', renderSuggestions),
  ])
}

/**
 * The copilot pipeline the service runs and scenarios replay.
 * @example const response = await runPipeline(copilot, request, { config: productionConfig })
 */
export const copilot = createCopilotPipeline()
