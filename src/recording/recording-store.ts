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
  /**
   * What a crash is expected to leave, skipped and reported but not an error (a torn last line of an
   * unfinalized segment). `loadRecordings` always sets it; a load with only warnings succeeded.
   */
  warnings?: LoadWarning[]
  /** The persisted counters of every writer that wrote into the loaded folder (see docs/recording-files.md). */
  writers?: LoadedWriterStatus[]
  /** The segment files read: how many, how many were still unfinalized (`.open`), and their bytes on disk. */
  segments?: { read: number; unfinalized: number; bytes: number }
}

/**
 * Something a load skipped without calling it an error: a crash leaves it, and the rest still loaded.
 * `torn`: the last line of an unfinalized segment was cut off mid-write; `vanished`: a file was renamed or
 * deleted by a running writer while the folder was being read; `status-unreadable`: a writer status file
 * could not be read (its counters are missing from the totals).
 * @example for (const warning of result.warnings ?? []) console.warn(`[parallax] ${warning.message}`)
 */
export type LoadWarning =
  | { kind: 'torn'; file: string; line: number; message: string }
  | { kind: 'vanished'; file: string; message: string }
  | { kind: 'status-unreadable'; file: string; message: string }

/**
 * Name endings of the files a recordings folder holds. A segment is `<name>.ndjson` or `<name>.ndjson.gz`
 * once finalized, with `.open` appended while a writer still appends to it; `<name>.writer.json` holds
 * one writer's counters.
 * @example file.endsWith(SEGMENT_FILE_SUFFIX.open)
 */
export const SEGMENT_FILE_SUFFIX = {
  plain: '.ndjson',
  gzip: '.ndjson.gz',
  open: '.open',
  writerStatus: '.writer.json',
} as const

/**
 * The `format` of a writer status file.
 * @example if (json.format === WRITER_STATUS_FORMAT) readCounters(json)
 */
export const WRITER_STATUS_FORMAT = 'parallax-writer-status'

/**
 * One production writer's counters, as it persists them beside its segments: every recording handed to it
 * is written, dropped (by reason) or still pending, so `enqueued = written + dropped + pending`.
 * @example const lost = status.dropped.queueFull + status.dropped.writeFailed
 */
export interface WriterStatus {
  format: typeof WRITER_STATUS_FORMAT
  version: 1
  /** `<pid>-<random>`: also part of the name of every segment this writer wrote. */
  writer: string
  prefix: string
  pid: number
  /** ISO-8601 times the writer started and last wrote this file. */
  startedAt: string
  updatedAt: string
  /** `closed` once close() finished; a writer killed (or still running) stays `running`. */
  state: 'running' | 'closed'
  enqueued: number
  written: number
  /** Recordings accepted but not yet written when the file was written: lost if the writer then died. */
  pending: number
  dropped: { queueFull: number; serializeFailed: number; writeFailed: number; closed: number }
  /** Segments this writer finalized. */
  segments: number
  /** Finalized segments (any writer's of the same prefix) this writer deleted to stay under its total cap. */
  deleted: { segments: number; bytes: number }
  /** Failures inside the writer (each also counted where it dropped recordings). */
  errors: number
  /**
   * The books of the in-process recorder that fed this writer (`startRecorder`, `--import
   * parallax/register`), as of this file's last write; absent for a writer fed otherwise.
   */
  recorder?: RecorderCounts
}

/**
 * An in-process recorder's books: every inbound request it saw ends in exactly one column, so that
 * `requests = filtered + sampledOut + recorded + truncated + dropped + inFlight`, always.
 * @example const lost = counts.dropped.sinkFull + counts.dropped.redactFailed
 */
export interface RecorderCounts {
  /** Inbound requests seen. */
  requests: number
  /** Left out by an include/exclude route rule. */
  filtered: number
  /** Left out by sampling (and not kept as an error). */
  sampledOut: number
  /** Handed to the sink complete. */
  recorded: number
  /** Handed to the sink with at least one body cut by `maxBodyBytes` (size and hash still whole). */
  truncated: number
  /**
   * Chosen for recording but not handed over: the capture failed, the redactor threw (never written
   * raw), the sink's queue was full, or the sink threw.
   */
  dropped: { captureFailed: number; redactFailed: number; sinkFull: number; sinkFailed: number }
  /** Being served (their recording not finished yet). */
  inFlight: number
  /** Outbound calls made outside any recorded request's context: not recorded, never guessed. */
  unattributed: number
  /** The recorder's own failures. */
  errors: number
}

/**
 * A writer status as loaded, with the file it came from.
 * @example for (const { file, dropped } of result.writers ?? []) console.log(file, dropped.queueFull)
 */
export interface LoadedWriterStatus extends WriterStatus {
  file: string
}

/**
 * Options of a load.
 * @example await loadRecordings('recordings/', { onProgress: ({ bytesRead, totalBytes }) => bar.update(bytesRead, totalBytes) })
 */
export interface LoadRecordingsOptions {
  /** Called as segment bytes are read from disk (compressed bytes for `.gz`), with the total to read. */
  onProgress?: (progress: LoadProgress) => void
}

/**
 * How far a load got: bytes read so far of all segment files, and the file being read.
 * @example const percent = (100 * progress.bytesRead) / progress.totalBytes
 */
export interface LoadProgress {
  bytesRead: number
  totalBytes: number
  file: string
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
