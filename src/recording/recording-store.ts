/**
 * The storage port for recordings: what the rest of parallax needs from a store, whatever it keeps
 * recordings in. Only implementations (ndjson-store.ts) touch node:fs.
 */
import type { ParallaxError } from './errors.ts'
import type { Recording } from './types.ts'

/** A recording as loaded, with where it came from so errors and reports can point at it. */
export interface LoadedRecording {
  recording: Recording
  file: string
  /** 1-based line of the recording in `file`. */
  line: number
}

/**
 * What a load produced: every recording that validated, and one typed error per line or file that did not.
 * A bad line never stops the others from loading.
 */
export interface LoadRecordingsResult {
  recordings: LoadedRecording[]
  errors: ParallaxError[]
}

/** Options for writing a segment; pass `createdAt` to make the output byte-for-byte reproducible. */
export interface WriteSegmentOptions {
  /** Who wrote the segment; defaults to parallax and its version. */
  creator?: { name: string; version: string }
  /** ISO-8601 time written in the header; defaults to now. */
  createdAt?: string | undefined
}

/**
 * Where recordings are kept and how to load and write them.
 * @example
 * const store: RecordingStore = createNdjsonStore('recordings')
 * const { recordings, errors } = await store.load()
 */
export interface RecordingStore {
  /** Where the store keeps its recordings (a folder for the NDJSON store), for messages. */
  readonly location: string
  /** Loads every recording the store holds. */
  load(): Promise<LoadRecordingsResult>
  /** Writes `recordings` as one segment called `name`, replacing it atomically; resolves to where it went. */
  write(name: string, recordings: readonly Recording[], options?: WriteSegmentOptions): Promise<string>
}
