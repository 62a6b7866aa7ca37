/**
 * The writer's queue: recordings waiting for their batch, first in first out, with the bytes they are
 * charged and when they arrived. Taking a batch never copies the rest of the queue.
 */
import type { Recording } from '../../recording/types.ts'

/** One queued recording: `seq` numbers admissions, so flush() can wait for everything before it. */
export interface Queued {
  recording: Recording | undefined
  charge: number
  seq: number
  atMs: number
}

/**
 * A FIFO of queued recordings.
 * @example queue.push({ recording, charge: 1024, seq: 0, atMs: 0 }); const batch = queue.take(1 << 20)
 */
export interface RecordingQueue {
  readonly length: number
  /** Bytes charged by the recordings still queued. */
  readonly bytes: number
  /** The oldest queued recording. */
  peek(): Queued | undefined
  push(entry: Queued): void
  /** Takes the oldest recordings up to `maxBytes` (at least one). */
  take(maxBytes: number): Queued[]
  /** Empties the queue, returning what it held. */
  clear(): Queued[]
}

/**
 * Creates an empty queue.
 * @example const queue = createRecordingQueue()
 */
export function createRecordingQueue(): RecordingQueue {
  let entries: Queued[] = []
  let head = 0
  let bytes = 0
  return {
    get length() {
      return entries.length - head
    },
    get bytes() {
      return bytes
    },
    peek: () => entries[head],
    push(entry) {
      entries.push(entry)
      bytes += entry.charge
    },
    take(maxBytes) {
      let taken = 0
      let end = head
      while (end < entries.length && (end === head || taken + entries[end]!.charge <= maxBytes)) {
        taken += entries[end]!.charge
        end++
      }
      const batch = entries.slice(head, end)
      bytes -= taken
      head = end
      if (head === entries.length) {
        entries = []
        head = 0
      } else if (head > 4096 && head * 2 > entries.length) {
        entries = entries.slice(head)
        head = 0
      }
      return batch
    },
    clear() {
      const rest = entries.slice(head)
      entries = []
      head = 0
      bytes = 0
      return rest
    },
  }
}
