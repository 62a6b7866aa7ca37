/**
 * The `decode` stage: runs the retrieved bytes through the WebAssembly UTF-8 decoder and parses the documents.
 */
import { probe, type StageContext } from '../../src/pipeline/index.ts'
import { readCopilotConfig } from './config.ts'
import type { ContextDocument } from './data-source.ts'
import { decodeChunks, loadDecoder } from './decoder.ts'
import { createLogger } from './logger.ts'
import type { DecodedContext, RetrievedContext } from './types.ts'

// Compile the decoder when the pipeline module loads, not inside the first request: a replay isolate loads
// the module before it patches clock and randomness, so wabt's start-up never runs under those patches.
await loadDecoder()

const REPLACEMENT = /\uFFFD/g

/**
 * Decodes the data source's bytes with a decoder of `decoder.bufferSize` and parses the JSON documents.
 * @example const { documents } = await decodeStream(retrieved, ctx)
 */
export async function decodeStream(input: RetrievedContext, ctx: StageContext): Promise<DecodedContext> {
  const config = readCopilotConfig(ctx.config)
  const log = createLogger(config, ctx.stage)
  const text = await decodeChunks(input.chunks, config.decoder.bufferSize)
  probe('text', text)
  const replaced = text.match(REPLACEMENT)?.length ?? 0
  const bytes = input.chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0)
  if (replaced > 0) log.warn(`${replaced} replacement characters in ${bytes} decoded bytes`)
  else log.debug(`${bytes} bytes decoded to ${text.length} UTF-16 code units`)
  return { query: input.query, documents: parseDocuments(text) }
}

/**
 * Parses the decoded data source answer into documents; throws on anything else.
 * @example parseDocuments('[{"id":"a","title":"t","text":"x","score":1}]')
 */
export function parseDocuments(text: string): ContextDocument[] {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new Error('Failed to decode context: the data source answer is not JSON.', { cause: error })
  }
  if (!Array.isArray(value))
    throw new Error('Failed to decode context: the data source answer is not an array.')
  return value.map((item: unknown, index) => {
    const { id, title, text: body, score } = (item ?? {}) as Record<string, unknown>
    if (
      typeof id !== 'string' ||
      typeof title !== 'string' ||
      typeof body !== 'string' ||
      typeof score !== 'number'
    ) {
      throw new Error(`Failed to decode context: document ${index} lacks id, title, text or score.`)
    }
    return { id, title, text: body, score }
  })
}
