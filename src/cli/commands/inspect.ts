/**
 * `parallax inspect <path>`: what a recording file or folder holds — counts, routes, sizes, time span,
 * redactions and invalid lines — without replaying anything.
 */
import { Command } from 'commander'
import picocolors from 'picocolors'
import { loadRecordings, summarizeRecordings } from '../../recording/index.ts'
import { renderInspect, renderInspectJson } from '../../report/index.ts'
import { EXIT } from '../exit-codes.ts'

interface InspectFlags {
  json?: boolean
  color?: boolean
}

/** Builds the `inspect` command. */
export function inspectCommand(): Command {
  return new Command('inspect')
    .description(
      'Summarize a recording file or folder: counts, routes, sizes, time span, redactions, invalid lines.',
    )
    .argument('<path>', 'a .ndjson segment or a folder of them, e.g. recordings/copilot')
    .option('--json', 'print the summary as JSON on stdout')
    .option('--no-color', 'plain text, no colours (also NO_COLOR=1)')
    .addHelpText(
      'after',
      '\nExamples:\n  parallax inspect recordings/copilot\n  parallax inspect recordings --json\n\nExit codes: 0 every line loaded, 2 a line or file is invalid or the path does not exist.',
    )
    .action(async (path: string, flags: InspectFlags) => {
      const { recordings, errors } = await loadRecordings(path)
      const summary = summarizeRecordings(recordings, errors)
      const color =
        flags.color !== false && !flags.json && picocolors.isColorSupported && Boolean(process.stdout.isTTY)
      const text = flags.json
        ? renderInspectJson(path, summary)
        : renderInspect(path, summary, { color, width: process.stdout.columns || 100 })
      process.stdout.write(text)
      process.exitCode = errors.length > 0 ? EXIT.usage : EXIT.agree
    })
}
