/**
 * The `parse` stage: validates the inbound `POST /suggest` body and turns it into a search query.
 */
import type { PipelineRequest } from '../../src/pipeline/index.ts'
import { CopilotRequestError } from './request-error.ts'
import { tokenize } from './tokenize.ts'
import type { SuggestQuery } from './types.ts'

const LANGUAGES = ['en', 'fr', 'es', 'de', 'ja']
const MAX_TEXT_LENGTH = 2000
const DEFAULT_K = 3
const MAX_K = 5

/**
 * Reads `{ text, cursor?, lang?, k? }` from the request body; throws a {@link CopilotRequestError} on bad input.
 * @example parseRequest(pipelineRequest('POST', '/suggest', headers, body))
 */
export function parseRequest(request: PipelineRequest): SuggestQuery {
  const body = request.body
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid('the body must be a JSON object such as {"text": "How do I"}')
  }
  const { text, cursor, lang, k } = body as Record<string, unknown>
  if (typeof text !== 'string' || text.trim().length === 0) throw invalid('text must be a non-empty string')
  if (text.length > MAX_TEXT_LENGTH) throw invalid(`text must be at most ${MAX_TEXT_LENGTH} characters`)
  const at = cursor ?? text.length
  if (typeof at !== 'number' || !Number.isInteger(at) || at < 0 || at > text.length) {
    throw invalid(`cursor must be an integer from 0 to ${text.length} (UTF-16 code units)`)
  }
  if (isLowSurrogate(text.charCodeAt(at)) && isHighSurrogate(text.charCodeAt(at - 1))) {
    throw invalid(`cursor ${at} falls inside a surrogate pair`)
  }
  const language = lang ?? 'en'
  if (typeof language !== 'string' || !LANGUAGES.includes(language)) {
    throw invalid(`lang must be one of ${LANGUAGES.join(', ')}`)
  }
  const count = k ?? DEFAULT_K
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > MAX_K) {
    throw invalid(`k must be an integer from 1 to ${MAX_K}`)
  }
  const prefix = text.slice(0, at).normalize('NFC').replace(/\s+/gu, ' ').trim()
  const terms = tokenize(prefix)
  if (terms.length === 0) throw invalid('the text before the cursor has no words to search for')
  return { text: prefix, terms, lang: language, k: count }
}

function invalid(reason: string): CopilotRequestError {
  return new CopilotRequestError(`Failed to parse the suggest request: ${reason}.`)
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff
}
