/**
 * `parallax inspect <path>`: what a recording file or folder holds — counts, routes, sizes, time span,
 * redactions, invalid lines, and what the writers dropped or lost — without replaying anything.
 */
import cliProgress from 'cli-progress'
import { Command } from 'commander'
import picocolors from 'picocolors'
import { loadRecordings, summarizeRecordings } from '../../recording/index.ts'
import { renderInspect, renderInspectJson } from '../../report/index.ts'
import { EXIT } from '../exit-codes.ts'
import { terminalWidth } from '../terminal-width.ts'

interface InspectFlags {
  json?: boolean
  color?: boolean
  progress?: boolean
}

/** On a terminal, a folder this large gets a progress bar while it is read. */
const PROGRESS_FROM_BYTES = 16 * 1024 * 1024

/** Builds the `inspect` command. */
export function inspectCommand(): Command {
  return new Command('inspect')
    .description(
      'Summarize a recording file or folder: counts, routes, sizes, time span, redactions, invalid lines.',
    )
    .argument('<path>', 'a .ndjson segment or a folder of them, e.g. recordings/copilot')
    .option('--json', 'print the summary as JSON on stdout')
    .option('--no-color', 'plain text, no colours (also NO_COLOR=1)')
    .option('--progress', 'show reading progress on stderr even when it is not a terminal')
    .addHelpText(
      'after',
      '\nExamples:\n  parallax inspect recordings/copilot\n  parallax inspect recordings --json\n\nExit codes: 0 every line loaded (torn last lines of unfinalized segments are skipped, not errors),\n2 a line or file is invalid or the path does not exist.',
    )
    .action(async (path: string, flags: InspectFlags) => {
      const progress = readingProgress(process.stderr, flags.progress === true)
      let loaded: Awaited<ReturnType<typeof loadRecordings>>
      try {
        loaded = await loadRecordings(path, { onProgress: progress.update })
      } finally {
        progress.stop()
      }
      const { recordings, errors, ...more } = loaded
      const summary = summarizeRecordings(recordings, errors, more)
      const color =
        flags.color !== false && !flags.json && picocolors.isColorSupported && Boolean(process.stdout.isTTY)
      const text = flags.json
        ? renderInspectJson(path, summary)
        : renderInspect(path, summary, { color, width: terminalWidth(process.stdout) })
      process.stdout.write(text)
      process.exitCode = errors.length > 0 ? EXIT.usage : EXIT.agree
    })
}

/**
 * A bar of the bytes read so far on `stream`: on a terminal for folders past PROGRESS_FROM_BYTES, or
 * always when asked (`--progress`), then as plain lines when the stream is not a terminal.
 */
function readingProgress(stream: NodeJS.WriteStream, asked: boolean) {
  const tty = Boolean(stream.isTTY)
  let bar: cliProgress.SingleBar | undefined
  return {
    update({ bytesRead, totalBytes }: { bytesRead: number; totalBytes: number }) {
      if (bar === undefined) {
        if (!asked && !(tty && totalBytes >= PROGRESS_FROM_BYTES)) return
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: '[parallax] reading {bar} {percentage}% {read} of {total_read}',
            noTTYOutput: !tty,
            notTTYSchedule: 1000,
            hideCursor: true,
            clearOnComplete: true,
            barsize: 24,
          },
          cliProgress.Presets.shades_classic,
        )
        bar.start(totalBytes, 0, { read: mib(0), total_read: mib(totalBytes) })
      }
      bar.setTotal(totalBytes)
      bar.update(bytesRead, { read: mib(bytesRead), total_read: mib(totalBytes) })
    },
    stop() {
      bar?.stop()
    },
  }
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`
}
