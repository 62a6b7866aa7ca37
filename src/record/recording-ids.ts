/**
 * Recording ids, for the in-process recorder and the proxy alike: the client's
 * `x-request-id` when it is a safe token not seen before, otherwise a generated one.
 */
import type { HeaderList } from '../recording/types.ts'
import { realSources } from './real-sources.ts'

/** Tokens safe as a recording id: what load balancers and clients put in X-Request-Id. */
const REQUEST_ID = /^[A-Za-z0-9][\w.:-]{0,127}$/
/** Bounded: a long-running proxy forgets old ids rather than growing without end. */
const MAX_REMEMBERED_IDS = 10_000
const REQUEST_ID_HEADER = 'x-request-id'

/**
 * Hands out one id per recording.
 * @example const ids = createRecordingIds('api'); ids.next(headers) // 'req-42' or 'api-m3k2…-0001x7q2k9'
 */
export interface RecordingIds {
  /** The id of the recording of a request with these headers. */
  next(requestHeaders: HeaderList): string
}

/**
 * Creates the id source of one recorder or proxy. Ids have the shape
 * `<service>-<arrival time, base36>-<sequence><tail>`: the tail, drawn once per id source, keeps ids
 * apart across processes; the sequence keeps them apart within one.
 * @example createRecordingIds('api').next([['X-Request-Id', 'req-42']]) // 'req-42'
 */
export function createRecordingIds(service: string): RecordingIds {
  const used = new Set<string>()
  let sequence = 0
  const tail = Math.floor(realSources.random() * 36 ** 6)
    .toString(36)
    .padStart(6, '0')
  // Formatting the time costs more than the rest of an id: once per millisecond is enough.
  let lastMs = Number.NaN
  let lastMs36 = ''
  return {
    next(requestHeaders) {
      sequence++
      // The length first: most headers are then passed over without lower-casing their names.
      const header = requestHeaders.find(
        ([name]) => name.length === REQUEST_ID_HEADER.length && name.toLowerCase() === REQUEST_ID_HEADER,
      )?.[1]
      if (header !== undefined && REQUEST_ID.test(header) && !used.has(header)) {
        if (used.size >= MAX_REMEMBERED_IDS) used.clear()
        used.add(header)
        return header
      }
      const now = realSources.now()
      if (now !== lastMs) {
        lastMs = now
        lastMs36 = now.toString(36)
      }
      return `${service}-${lastMs36}-${sequence.toString(36).padStart(4, '0')}${tail}`
    },
  }
}
