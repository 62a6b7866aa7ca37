/**
 * The recorder's books: every inbound request it saw ends in exactly one column, so that
 * `requests = filtered + sampledOut + recorded + truncated + dropped + inFlight`, always. The counts are
 * readable with `stats()` and each change is published on the `parallax:recorder` diagnostics channel.
 */
import { channel } from 'node:diagnostics_channel'
import type { RecorderCounts } from '../recording/recording-store.ts'

/**
 * The name of the diagnostics channel a recorder publishes its events on.
 * @example subscribe(RECORDER_CHANNEL, ({ event, stats }) => metrics.gauge('recorded', stats.recorded))
 */
export const RECORDER_CHANNEL = 'parallax:recorder'

/**
 * Why a request chosen for recording has no recording: the capture failed (the app was served
 * normally), the redactor threw (dropped, never written raw), the sink refused it (a full queue), or
 * the sink threw.
 */
export type DropReason = keyof RecorderStats['dropped']

/**
 * What a recorder has done so far; the same counts a writer's status file keeps under `recorder`.
 * @example recorder.stats() // { requests: 12, recorded: 11, truncated: 1, dropped: { … }, … }
 */
export type RecorderStats = RecorderCounts

/** An event published on {@link RECORDER_CHANNEL}. */
export interface RecorderEvent {
  event: 'recorded' | 'truncated' | 'dropped' | 'filtered' | 'sampled-out'
  reason?: DropReason
  recordingId?: string
  stats: RecorderStats
}

/** The counters and their one-way transitions. */
export interface RecorderBooks {
  stats(): RecorderStats
  arrived(): void
  skipped(event: 'filtered' | 'sampled-out', inFlight: boolean): void
  started(): void
  handedOver(recordingId: string, truncated: boolean): void
  dropped(reason: DropReason, recordingId?: string): void
  unattributed(): void
  error(): void
}

/**
 * Creates zeroed books.
 * @example const books = createRecorderBooks(); books.arrived(); books.started()
 */
export function createRecorderBooks(): RecorderBooks {
  const counts: RecorderStats = {
    requests: 0,
    filtered: 0,
    sampledOut: 0,
    recorded: 0,
    truncated: 0,
    dropped: { captureFailed: 0, redactFailed: 0, sinkFull: 0, sinkFailed: 0 },
    inFlight: 0,
    unattributed: 0,
    errors: 0,
  }
  const events = channel(RECORDER_CHANNEL)
  const snapshot = (): RecorderStats => ({ ...counts, dropped: { ...counts.dropped } })
  const publish = (event: Omit<RecorderEvent, 'stats'>) => {
    if (events.hasSubscribers) events.publish({ ...event, stats: snapshot() })
  }
  return {
    stats: snapshot,
    arrived() {
      counts.requests++
    },
    skipped(event, inFlight) {
      if (inFlight) counts.inFlight--
      if (event === 'filtered') counts.filtered++
      else counts.sampledOut++
      publish({ event })
    },
    started() {
      counts.inFlight++
    },
    handedOver(recordingId, truncated) {
      counts.inFlight--
      if (truncated) counts.truncated++
      else counts.recorded++
      publish({ event: truncated ? 'truncated' : 'recorded', recordingId })
    },
    dropped(reason, recordingId) {
      counts.inFlight--
      counts.dropped[reason]++
      publish(
        recordingId === undefined ? { event: 'dropped', reason } : { event: 'dropped', reason, recordingId },
      )
    },
    unattributed() {
      counts.unattributed++
    },
    error() {
      counts.errors++
    },
  }
}
