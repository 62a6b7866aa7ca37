/**
 * A candidate fix of the demo's bug, for `parallax verify`: the same pipeline with a `decode` stage that
 * decodes the stream with the platform's streaming UTF-8 decoder, which carries a character split across
 * two chunks over to the next one, instead of the WebAssembly decoder whose buffer flush cuts it.
 *
 *   npx parallax verify scenarios/copilot.ts --candidate examples/copilot/candidate-pipeline.ts
 */
import { definePipeline, probe, type StageContext, stage } from '../../src/pipeline/index.ts'
import { parseDocuments } from './decode-stream.ts'
import { parseRequest } from './parse-request.ts'
import { createRanker } from './rank.ts'
import { renderSuggestions } from './render-suggestions.ts'
import { retrieveContext } from './retrieve-context.ts'
import type { DecodedContext, RetrievedContext } from './types.ts'

/**
 * The fixed `decode`: chunks through one streaming TextDecoder, so no buffer size can split a character.
 * @example await decodeStreamFixed(retrieved, ctx)
 */
export async function decodeStreamFixed(
  input: RetrievedContext,
  _ctx: StageContext,
): Promise<DecodedContext> {
  const decoder = new TextDecoder('utf-8')
  let text = ''
  for (const chunk of input.chunks) text += decoder.decode(chunk, { stream: true })
  text += decoder.decode()
  probe('text', text)
  return { query: input.query, documents: parseDocuments(text) }
}

/** The copilot pipeline with the fixed decode stage. */
export const copilot = definePipeline('copilot', [
  stage('parse', parseRequest),
  stage('retrieve', retrieveContext),
  stage('decode', decodeStreamFixed),
  stage('infer', createRanker()),
  stage('render', renderSuggestions),
])
