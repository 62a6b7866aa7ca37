/**
 * A writer's counters on disk: `<prefix>-<start>-<pid>-<random>.writer.json`, replaced atomically
 * (temp file, rename) so a reader sees the old or the new counters, never half of them. Writes are
 * single-flight and never awaited on the batch path: a stalled disk cannot hold the writer up here.
 */
import { join } from 'node:path'
import type { WriterStatus } from '../../recording/recording-store.ts'
import { realSources } from '../real-sources.ts'
import type { WriterFileSystem } from './writer-file-system.ts'

/**
 * The status file of one writer.
 * @example status.update() // after a batch; status.update(true) at rotation and close
 */
export interface StatusFile {
  /** Asks for the file to be rewritten: now when `now`, else at most once per interval. */
  update(now?: boolean): void
  /** Resolves once no rewrite is in progress or asked for. */
  settle(): Promise<void>
}

/**
 * What a status file needs: where, how often, the counters to write, and where failures go.
 * @example createStatusFile({ fs, dir: 'recordings', name: 'copilot-20261124T080000Z-1-0000abcd.writer.json', intervalMs: 100, snapshot, onFailure })
 */
export interface StatusFileOptions {
  fs: WriterFileSystem
  dir: string
  name: string
  intervalMs: number
  snapshot: () => WriterStatus
  onFailure: (error: unknown, file: string) => void
}

/**
 * Creates the status file writer (nothing is written until the first `update`).
 * @example const status = createStatusFile({ fs, dir, name, intervalMs: 1000, snapshot, onFailure })
 */
export function createStatusFile(options: StatusFileOptions): StatusFile {
  const { fs, dir, name, intervalMs } = options
  const file = join(dir, name)
  const temp = join(dir, `.${name}.tmp`)
  let writing: Promise<void> | undefined
  let dirty = false
  let timer: NodeJS.Timeout | undefined
  let lastWriteMs = -Infinity

  const writeOnce = async () => {
    lastWriteMs = realSources.monotonicMs()
    try {
      // Inside the try: the snapshot reads counters handed in from outside (a recorder's books).
      const text = `${JSON.stringify(options.snapshot(), null, 2)}\n`
      await fs.mkdir(dir)
      await fs.writeFile(temp, text)
      await fs.rename(temp, file)
    } catch (error) {
      options.onFailure(error, file)
    }
  }
  const kick = () => {
    if (timer !== undefined) {
      clearTimeout(timer)
      timer = undefined
    }
    dirty = true
    if (writing !== undefined) return
    writing = (async () => {
      while (dirty) {
        dirty = false
        await writeOnce()
      }
    })().finally(() => {
      writing = undefined
    })
  }

  return {
    update(now = false) {
      if (now) return kick()
      // Always from a timer: update() is called on the request path when a recording is dropped.
      timer ??= setTimeout(kick, Math.max(0, lastWriteMs + intervalMs - realSources.monotonicMs())).unref()
    },
    async settle() {
      while (writing !== undefined) await writing
    },
  }
}
