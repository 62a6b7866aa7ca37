/**
 * The engine of shrinking: the smallest recording found so far, each candidate checked at most once
 * within a budget of checks, and the run-removal loop the passes of shrink-recording.ts share.
 */
import { hash } from 'node:crypto'
import type { Recording } from '../recording/types.ts'

/** The state of one shrink: the smallest recording so far, and the candidates checked. */
export interface Search {
  current: Recording
  tests: number
  exhausted(): boolean
  /** Checks a candidate never checked before; when it still diverges it becomes the current one. */
  attempt(candidate: Recording): Promise<boolean>
}

/**
 * Starts a search from `recording`, checking at most `maxTests` candidates.
 * @example const search = createSearch(recording, stillDiverges, { maxTests: 300 })
 */
export function createSearch(
  recording: Recording,
  stillDiverges: (candidate: Recording) => Promise<boolean>,
  options: { maxTests: number; onTested?: (current: Recording, tests: number) => void },
): Search {
  const { maxTests } = options
  // Every candidate is smaller than the current recording, so one seen before never holds now: either it
  // failed, or it held and was left behind as something smaller held since.
  const seen = new Set<string>()
  const keyOf = (candidate: Recording) => hash('sha256', JSON.stringify(candidate))
  seen.add(keyOf(recording))
  const search: Search = {
    current: recording,
    tests: 0,
    exhausted: () => search.tests >= maxTests,
    async attempt(candidate) {
      const key = keyOf(candidate)
      if (seen.has(key) || search.exhausted()) return false
      seen.add(key)
      search.tests++
      const holds = await stillDiverges(candidate)
      if (holds) search.current = candidate
      options.onTested?.(search.current, search.tests)
      return holds
    },
  }
  return search
}

/** One kind of reduction, tried over the whole recording; true when it kept any. */
export type Pass = (search: Search) => Promise<boolean>

/**
 * Removes runs of a list's items, the longest power of two up to half the list first, then ever shorter
 * powers of two down to single items (powers of two, because buffers are: removing 64 bytes before a
 * character cut at a 64-byte boundary keeps it cut there), with
 * `remove(start, count)` checking each removal (true when it was kept); the list may shrink meanwhile.
 * @example await removeRuns(search, () => headers().length, (start, count) => search.attempt(without(start, count)))
 */
export async function removeRuns(
  search: Search,
  length: () => number,
  remove: (start: number, count: number) => Promise<boolean>,
): Promise<boolean> {
  let progress = false
  for (let size = 2 ** Math.floor(Math.log2(Math.max(1, length() / 2))); ; size = Math.floor(size / 2)) {
    for (let start = 0; start < length() && !search.exhausted(); ) {
      if (await remove(start, Math.min(size, length() - start))) progress = true
      else start += size
    }
    if (size <= 1 || search.exhausted()) return progress
  }
}
