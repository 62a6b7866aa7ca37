/**
 * The values that flow between the copilot pipeline's stages, in order: parse → retrieve → decode → infer → render.
 */
import type { ContextDocument } from './data-source.ts'

/** What `parse` makes of the inbound request: the text before the cursor and how to search for it. */
export interface SuggestQuery {
  /** The text before the cursor, NFC-normalized, whitespace collapsed. */
  text: string
  /** Search terms of `text` (see tokenize.ts). */
  terms: string[]
  /** Language of the documents to search. */
  lang: string
  /** How many suggestions to return. */
  k: number
}

/** What `retrieve` returns: the data source's answer as the raw byte chunks it arrived in, not yet decoded. */
export interface RetrievedContext {
  query: SuggestQuery
  chunks: Uint8Array[]
}

/** What `decode` returns: the documents parsed from the decoded answer. */
export interface DecodedContext {
  query: SuggestQuery
  documents: ContextDocument[]
}

/** A completion candidate: one sentence of a retrieved document. */
export interface Candidate {
  /** `<document id>#<sentence index>`. */
  id: string
  text: string
  /** Title of the document the sentence comes from. */
  source: string
  /** Relevance, unrounded. */
  score: number
}

/** What `infer` returns: the best candidates, best first. */
export interface RankedContext {
  query: SuggestQuery
  candidates: Candidate[]
}

/** A suggestion as the service answers it. */
export interface Suggestion {
  id: string
  text: string
  source: string
  /** Relevance rounded to 4 decimals. */
  score: number
}

/** The body of a `POST /suggest` answer. */
export interface SuggestResponse {
  requestId: string
  generatedAt: string
  suggestions: Suggestion[]
}
