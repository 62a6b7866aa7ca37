/**
 * The production recorder in one call: every server in the process captured through the diagnostics
 * channel, recordings queued to a bounded writer that batches them to NDJSON segments off the request
 * path, flushed on SIGTERM, SIGINT and before exit. What `--import parallax/register` runs.
 */
import { createRecorder, type Recorder, type RecorderOptions } from './create-recorder.ts'
import type { RecorderStats } from './recorder-books.ts'
import { createSegmentWriter, type SegmentWriterOptions, type SegmentWriterStats } from './sink/index.ts'

/**
 * Options of {@link startRecorder}: the recorder's (without `onRecording`) plus where and how to write.
 * @example const options: StartRecorderOptions = { out: 'recordings/api', service: 'api', environment: 'production', sample: 0.05 }
 */
export interface StartRecorderOptions
  extends Omit<RecorderOptions, 'onRecording' | 'captureServers'>,
    Omit<SegmentWriterOptions, 'dir' | 'onError' | 'service'> {
  /** The folder segments are written to (created if missing). */
  out: string
  /** Record every node:http server in the process (default true); false records only `wrap`ped handlers. */
  captureServers?: boolean
  /** Flush and finalize on SIGTERM, SIGINT and `beforeExit` (default true). */
  handleSignals?: boolean
}

/**
 * A running production recorder.
 * @example
 * const running = startRecorder({ out: 'recordings/api', service: 'api', environment: 'production' })
 * // …
 * await running.stop()
 */
export interface RunningRecorder extends AsyncDisposable {
  /** Wraps a handler explicitly (needed only with `captureServers: false`). */
  readonly wrap: Recorder['wrap']
  /** The recorder's books and the writer's, read together. */
  stats(): { recorder: RecorderStats; writer: SegmentWriterStats }
  /** Writes everything queued so far. */
  flush(): Promise<void>
  /** Uninstalls the hooks, writes what is queued and finalizes the segment. Idempotent. */
  stop(): Promise<void>
}

/**
 * Starts recording this process to `out`.
 * @example
 * import { startRecorder } from 'parallax/record'
 * startRecorder({ out: 'recordings/api', service: 'api', environment: 'production', sample: 0.05 })
 */
export function startRecorder(options: StartRecorderOptions): RunningRecorder {
  const { out, handleSignals = true, captureServers = true, ...rest } = options
  // The writer first: a bad option then throws before any hook is installed. Its status file keeps the
  // recorder's books too, read whenever the file is written.
  let recorderStats: (() => RecorderStats) | undefined
  const writer = createSegmentWriter({
    ...rest,
    dir: out,
    onError: options.onError,
    recorderStats: () => recorderStats?.(),
  })
  const recorder = createRecorder({
    ...rest,
    captureServers,
    onRecording: (recording) => writer.enqueue(recording),
  })
  recorderStats = recorder.stats
  let stopping: Promise<void> | undefined
  const stop = () => {
    stopping ??= (async () => {
      detachSignals()
      recorder.close()
      await writer.close()
    })()
    return stopping
  }
  const detachSignals = handleSignals ? attachSignals(stop) : () => {}
  return {
    wrap: recorder.wrap,
    stats: () => ({ recorder: recorder.stats(), writer: writer.stats() }),
    flush: () => writer.flush(),
    stop,
    [Symbol.asyncDispose]: stop,
  }
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const

/**
 * On SIGTERM or SIGINT: finalize, then, unless the app listens for that signal itself (it then decides
 * when to exit), re-raise it so the process ends as it would have without the recorder. Before a
 * natural exit: finalize (the event loop gets the writes done, then exits again).
 */
function attachSignals(stop: () => Promise<void>): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    detach()
    const appListens = process.listenerCount(signal) > 0
    void stop().finally(() => {
      if (!appListens) process.kill(process.pid, signal)
    })
  }
  const onBeforeExit = () => {
    detach()
    void stop()
  }
  for (const signal of SIGNALS) process.once(signal, onSignal)
  process.once('beforeExit', onBeforeExit)
  const detach = () => {
    for (const signal of SIGNALS) process.removeListener(signal, onSignal)
    process.removeListener('beforeExit', onBeforeExit)
  }
  return detach
}
