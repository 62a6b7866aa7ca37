/**
 * Progress on stderr while recordings replay: a bar on a TTY, nothing otherwise (the report follows).
 */
import cliProgress from 'cli-progress'

export interface Progress {
  update(done: number, total: number, label: string): void
  stop(): void
}

/**
 * A progress bar on `stream` when it is a terminal; silent otherwise.
 * @example const progress = createProgress(process.stderr); progress.update(1, 6, 'rec-1'); progress.stop()
 */
export function createProgress(stream: NodeJS.WriteStream): Progress {
  if (!stream.isTTY) return { update() {}, stop() {} }
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: '[parallax] replaying {bar} {value}/{total} {label}',
      hideCursor: true,
      clearOnComplete: true,
      barsize: 24,
    },
    cliProgress.Presets.shades_classic,
  )
  let started = false
  return {
    update(done, total, label) {
      if (!started) {
        bar.start(total, 0, { label })
        started = true
      }
      bar.update(done, { label })
    },
    stop() {
      if (started) bar.stop()
    },
  }
}
