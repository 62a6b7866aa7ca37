/**
 * The `render` stage: the answer's shape. It reads the clock and randomness on purpose (a request id and a
 * timestamp), which replay feeds from the recording.
 */
import type { RankedContext, SuggestResponse } from './types.ts'

const SCORE_DECIMALS = 4

/**
 * Builds the `POST /suggest` answer from the ranked candidates, scores rounded to 4 decimals.
 * @example const response = renderSuggestions(ranked)
 */
export function renderSuggestions({ query, candidates }: RankedContext): SuggestResponse {
  const scale = 10 ** SCORE_DECIMALS
  return {
    requestId: crypto.randomUUID(),
    generatedAt: new Date(Date.now()).toISOString(),
    suggestions: candidates.slice(0, query.k).map(({ id, text, source, score }) => ({
      id,
      text,
      source,
      score: Math.round(score * scale) / scale,
    })),
  }
}
