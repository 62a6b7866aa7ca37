/**
 * The JSON endpoint of `./json-service.ts` served unrecorded or recorded, for load benches of the recorder:
 * a child-process service module (see `./child-server.ts`). Options: `mode` (`off` | `memory` | `disk`),
 * `bodyBytes`, `upstream` (a URL fetched once per request, or null) and `dir` (the disk mode's folder).
 */
import { createRecorder } from '../../src/record/index.ts'
import { createSegmentWriter } from '../../src/record/sink/index.ts'
import type { Recording } from '../../src/recording/types.ts'
import { jsonHandler } from './json-service.ts'
import type { CreateService, ServiceCounters } from './service.ts'

/** `off` installs no recorder at all (the baseline); `memory` and `disk` record every request. */
export type RecordMode = 'off' | 'memory' | 'disk'

/** Recordings the memory mode keeps alive (a ring), as a bounded queue in front of a writer would. */
export const MEMORY_RING = 256

/**
 * The bench's JSON endpoint, recorded as `options.mode` says: `off` installs no recorder at all; `memory`
 * hands each recording to a ring of the last {@link MEMORY_RING}; `disk` to the NDJSON segment writer.
 * @example await startChildServer({ name: '1 KB memory', module: new URL('./recorded-service.ts', import.meta.url), options: { mode: 'memory', bodyBytes: 1024 } })
 */
export const createService: CreateService = (options) => {
  const mode = String(options['mode']) as RecordMode
  const handler = jsonHandler({
    bodyBytes: Number(options['bodyBytes']),
    upstream: typeof options['upstream'] === 'string' ? options['upstream'] : undefined,
  })
  if (mode === 'off') return { handler }

  const ring: Recording[] = []
  let received = 0
  const dir = options['dir']
  if (mode === 'disk' && typeof dir !== 'string') {
    throw new Error('Failed to start recorded-service: the disk mode needs `dir`, a folder for its segments.')
  }
  const writer = mode === 'disk' ? createSegmentWriter({ dir: dir as string, service: 'bench' }) : undefined
  const recorder = createRecorder({
    service: 'bench',
    environment: 'bench',
    // Every request recorded; headers redacted with the default names (authorization, cookie, …).
    sample: 1,
    onRecording:
      writer === undefined
        ? (recording) => {
            ring[received++ % MEMORY_RING] = recording
          }
        : (recording) => writer.enqueue(recording),
  })
  let last: ServiceCounters = {}
  return {
    handler: recorder.wrap(handler),
    async endRound() {
      // The writer's pending work belongs to the round that produced it.
      await writer?.flush()
      const stats = recorder.stats()
      const written = writer?.stats()
      const now: ServiceCounters = {
        recorded: stats.recorded + stats.truncated,
        dropped: sum(Object.values(stats.dropped)),
        errors: stats.errors,
        ...(written && {
          written: written.written,
          'sink dropped': sum(Object.values(written.dropped)),
          errors: stats.errors + written.errors,
        }),
      }
      const round = Object.fromEntries(
        Object.entries(now).map(([key, value]) => [key, value - (last[key] ?? 0)]),
      )
      last = now
      return round
    },
    async close() {
      recorder.close()
      await writer?.close()
    },
  }
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0)
}
