/**
 * The `retrieve` stage: asks the data source for documents and keeps its answer as raw bytes.
 * Decoding is the next stage's job, so the bytes and their chunking are what a trace shows here.
 */
import type { StageContext } from '../../src/pipeline/index.ts'
import { readCopilotConfig } from './config.ts'
import { createLogger } from './logger.ts'
import type { RetrievedContext, SuggestQuery } from './types.ts'

/** Documents to fetch per suggestion asked for: the ranking stage needs some to choose from. */
const DOCUMENTS_PER_SUGGESTION = 3
const MAX_DOCUMENTS = 10

/**
 * Calls `GET <dataSource.url>/context?q=…&k=…&lang=…` within `timeouts.retrieveMs` and returns the body's chunks.
 * @example const { chunks } = await retrieveContext(query, ctx)
 */
export async function retrieveContext(query: SuggestQuery, ctx: StageContext): Promise<RetrievedContext> {
  const config = readCopilotConfig(ctx.config)
  const log = createLogger(config, ctx.stage)
  const base = config.dataSource.url.endsWith('/') ? config.dataSource.url : `${config.dataSource.url}/`
  const url = new URL('context', base)
  url.searchParams.set('q', query.text)
  url.searchParams.set('k', String(Math.min(MAX_DOCUMENTS, query.k * DOCUMENTS_PER_SUGGESTION)))
  url.searchParams.set('lang', query.lang)
  const deadline = AbortSignal.timeout(config.timeouts.retrieveMs)
  const signal = AbortSignal.any([ctx.signal, deadline])
  try {
    const response = await fetch(url, { headers: { accept: 'application/json' }, signal })
    if (!response.ok || response.body === null) {
      await response.body?.cancel()
      throw new Error(`Failed to retrieve context: the data source answered ${response.status}.`)
    }
    const chunks: Uint8Array[] = []
    for await (const chunk of response.body) chunks.push(new Uint8Array(chunk))
    const bytes = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0)
    log.debug(
      `GET ${url.pathname}${url.search} -> ${response.status}, ${bytes} bytes in ${chunks.length} chunks`,
    )
    return { query, chunks }
  } catch (error) {
    if (deadline.aborted && !ctx.signal.aborted) {
      log.error(`no answer from the data source within ${config.timeouts.retrieveMs} ms`)
      throw new Error(
        `Failed to retrieve context: the data source did not answer within ${config.timeouts.retrieveMs} ms.`,
        { cause: error },
      )
    }
    throw error
  }
}
