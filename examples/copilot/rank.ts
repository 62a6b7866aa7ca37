/**
 * The `infer` stage: a small deterministic ranker, BM25 over the retrieved documents, then the sentence of
 * each best document that shares most with the query. No model weights: the same input gives the same output.
 */
import type { StageContext } from '../../src/pipeline/index.ts'
import { readCopilotConfig } from './config.ts'
import type { ContextDocument } from './data-source.ts'
import { createLogger } from './logger.ts'
import { createLruCache } from './lru-cache.ts'
import { tokenize } from './tokenize.ts'
import type { Candidate, DecodedContext, RankedContext } from './types.ts'

const K1 = 1.2
const B = 0.75
// A sentence ends at . ! ? followed by space and a capital (not inside `response.body.cancel()`), or after 。！？
const SENTENCE_END = /(?<=[.!?])\s+(?=[\p{Lu}¿¡])|(?<=[。！？])/u

/**
 * Creates the ranking stage. Its tokenization cache (`cache.maxEntries`) outlives a request but only
 * memoizes a pure function of the text: it never changes an answer or which calls a request makes.
 * @example stage('infer', createRanker())
 */
export function createRanker(): (input: DecodedContext, ctx: StageContext) => RankedContext {
  const cache = createLruCache<string, string[]>(1)
  const terms = (text: string): string[] => {
    let hit = cache.get(text)
    if (hit === undefined) {
      hit = tokenize(text)
      cache.set(text, hit)
    }
    return hit
  }

  return ({ query, documents }, ctx) => {
    const config = readCopilotConfig(ctx.config)
    if (cache.maxEntries !== config.cache.maxEntries) cache.resize(config.cache.maxEntries)
    const scores = bm25(
      query.terms,
      documents.map((doc) => terms(`${doc.title} ${doc.text}`)),
    )
    const best = documents
      .map((doc, order) => ({ doc, order, score: scores[order] ?? 0 }))
      .filter((hit) => hit.score > 0)
      .sort((a, b) => b.score - a.score || a.order - b.order)
      .slice(0, query.k)
    const candidates = best.map(({ doc, score }) => bestSentence(doc, score, new Set(query.terms), terms))
    if (config.features.rerank) candidates.sort((a, b) => b.score - a.score || compare(a.id, b.id))
    createLogger(config, ctx.stage).debug(
      `${documents.length} documents, ${candidates.length} candidates, cache ${cache.size}/${cache.maxEntries}`,
    )
    return { query, candidates }
  }
}

/** Okapi BM25 of each document for the query, with IDF over the retrieved set. */
function bm25(queryTerms: readonly string[], documents: ReadonlyArray<readonly string[]>): number[] {
  const count = documents.length
  const averageLength = documents.reduce((sum, doc) => sum + doc.length, 0) / Math.max(1, count) || 1
  const frequencies = documents.map((doc) => {
    const tf = new Map<string, number>()
    for (const term of doc) tf.set(term, (tf.get(term) ?? 0) + 1)
    return tf
  })
  const distinct = [...new Set(queryTerms)]
  const idf = new Map(
    distinct.map((term) => {
      const df = frequencies.filter((tf) => tf.has(term)).length
      return [term, Math.log(1 + (count - df + 0.5) / (df + 0.5))] as const
    }),
  )
  return frequencies.map((tf, index) => {
    const length = documents[index]?.length ?? 0
    let score = 0
    for (const term of distinct) {
      const f = tf.get(term) ?? 0
      if (f === 0) continue
      score += (idf.get(term) ?? 0) * ((f * (K1 + 1)) / (f + K1 * (1 - B + (B * length) / averageLength)))
    }
    return score
  })
}

function bestSentence(
  doc: ContextDocument,
  docScore: number,
  queryTerms: ReadonlySet<string>,
  terms: (text: string) => string[],
): Candidate {
  const sentences = doc.text
    .split(SENTENCE_END)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length > 0)
  let bestIndex = 0
  let bestShared = -1
  for (const [index, sentence] of sentences.entries()) {
    const shared = new Set(terms(sentence).filter((term) => queryTerms.has(term))).size
    if (shared > bestShared) {
      bestIndex = index
      bestShared = shared
    }
  }
  const coverage = queryTerms.size === 0 ? 0 : Math.max(0, bestShared) / queryTerms.size
  return {
    id: `${doc.id}#${bestIndex}`,
    text: sentences[bestIndex] ?? doc.text,
    source: doc.title,
    score: docScore * (0.5 + 0.5 * coverage),
  }
}

/** Code-unit order: never the locale's collation, which differs between machines. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
