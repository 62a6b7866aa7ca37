/**
 * `parallax import har <file.har>` and `parallax export har <path>`: traffic captured by browsers and
 * tools in, recordings out to HAR viewers. The conversion lives in src/recording/har/; this file reads,
 * redacts, writes and reports.
 */
import { basename } from 'node:path'
import { Command } from 'commander'
import { createRedactor } from '../../record/index.ts'
import {
  createNdjsonStore,
  type HarSkippedEntry,
  harFromRecordings,
  loadRecordings,
  ParallaxError,
  type Recording,
  readHarFile,
  recordingsFromHar,
  writeHarFile,
} from '../../recording/index.ts'
import { plural } from '../../report/index.ts'
import { EXIT } from '../exit-codes.ts'

interface ImportFlags {
  out: string
  service?: string
  environment?: string
  redact: boolean
  redactHeader?: string[]
}

interface ExportFlags {
  out: string
  pages: boolean
}

const EXIT_HELP =
  'Exit codes: 0 every entry imported, 2 an entry was skipped (the others are written) or the file is not HAR.'

/**
 * Redacts imported recordings before they reach disk, with the recorder's rules (secret headers plus
 * `extraHeaders`, URLs, bodies, tokens by pattern) and key (`PARALLAX_REDACTION_KEY`).
 * @example redactImported(recordings, ['x-session'])
 */
export function redactImported(
  recordings: readonly Recording[],
  extraHeaders: readonly string[],
): Recording[] {
  // Placeholders match no rule, so a file written by `export har` imports back exactly.
  const redactor = createRedactor({
    headers: { add: [...extraHeaders] },
    ...(process.env.PARALLAX_REDACTION_KEY && { key: process.env.PARALLAX_REDACTION_KEY }),
  })
  return recordings.map((recording) => redactor.recording(recording))
}

/** A segment name from the HAR file's name: `Chrome export (1).har` → `Chrome-export-1`. */
function segmentName(file: string): string {
  const stem = basename(file).replace(/\.har$/i, '')
  const name = stem.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+|-+$/g, '')
  return name === '' || name.includes('..') ? 'imported' : name
}

function entryLabel(entry: HarSkippedEntry): string {
  const request =
    entry.method !== undefined && entry.url !== undefined ? ` (${entry.method} ${entry.url})` : ''
  return `log.entries[${entry.index}]${request}`
}

function skippedSummary(skipped: readonly HarSkippedEntry[]): string {
  if (skipped.length === 0) return 'skipped 0'
  const shown = skipped.slice(0, 3).map((entry) => `log.entries[${entry.index}]: ${entry.reason}`)
  const more = skipped.length > shown.length ? `; ${skipped.length - shown.length} more` : ''
  return `skipped ${skipped.length} (${shown.join('; ')}${more})`
}

async function importHar(file: string, flags: ImportFlags): Promise<number> {
  const result = recordingsFromHar(await readHarFile(file), {
    source: file,
    ...(flags.service === undefined ? {} : { service: flags.service }),
    ...(flags.environment === undefined ? {} : { environment: flags.environment }),
  })
  for (const entry of result.skipped) {
    process.stderr.write(`[parallax] Skipped ${entryLabel(entry)} of ${file}: ${entry.reason}.\n`)
  }
  if (result.recordings.length === 0) {
    const reason =
      result.entries === 0
        ? 'it holds no entries'
        : `none of its ${plural(result.entries, 'entry', 'entries')} could be imported`
    throw new ParallaxError('PARALLAX_RECORDING_INVALID', `Failed to import HAR ${file}: ${reason}.`, {
      hint: 'Capture some traffic first (DevTools: keep the Network panel open while the page loads), then save it as HAR.',
      details: { file, skipped: result.skipped },
    })
  }
  const recordings = flags.redact
    ? redactImported(result.recordings, flags.redactHeader ?? [])
    : result.recordings
  const written = await createNdjsonStore(flags.out).write(segmentName(file), recordings)
  const imported = result.entries - result.skipped.length
  process.stdout.write(
    `Imported ${imported} of ${plural(result.entries, 'entry', 'entries')} from ${file} as ${plural(recordings.length, 'recording')} into ${written}` +
      ` (${flags.redact ? 'secrets redacted' : 'NOT redacted'}); ${skippedSummary(result.skipped)}.\n`,
  )
  return result.skipped.length > 0 ? EXIT.usage : EXIT.agree
}

async function exportHar(path: string, flags: ExportFlags): Promise<number> {
  const { recordings, errors } = await loadRecordings(path)
  for (const error of errors) process.stderr.write(`[parallax] ${error.message}\n`)
  if (recordings.length === 0) {
    throw new ParallaxError(
      'PARALLAX_RECORDING_INVALID',
      `Failed to export HAR from ${path}: it holds no valid recording.`,
      {
        hint: 'Pass a .ndjson segment or a folder of them that `parallax inspect` shows recordings in.',
        details: { path },
      },
    )
  }
  const har = harFromRecordings(
    recordings.map((loaded) => loaded.recording),
    { pages: flags.pages },
  )
  await writeHarFile(flags.out, har)
  const invalid = errors.length > 0 ? `; ${plural(errors.length, 'invalid line')} left out` : ''
  process.stdout.write(
    `Exported ${plural(recordings.length, 'recording')} (${plural(har.log.entries.length, 'entry', 'entries')}) from ${path} to ${flags.out}${invalid}.\n`,
  )
  return errors.length > 0 ? EXIT.usage : EXIT.agree
}

function quiet(command: Command): Command {
  return command.exitOverride().configureOutput({ outputError: () => {} })
}

/**
 * Builds the `import` command and its `har` subcommand.
 * @example program.addCommand(importCommand())
 */
export function importCommand(): Command {
  const har = new Command('har')
    .description(
      'Import a HAR 1.2 file as recordings: one recording per entry, secrets redacted (headers, URLs, bodies).',
    )
    .argument('<file.har>', 'a HAR file, e.g. saved from DevTools (Network → Save all as HAR)')
    .requiredOption('--out <dir>', 'folder to write the segment into (<dir>/<file name>.ndjson)')
    .option('--service <name>', "meta.service of the recordings (default: each entry's host name)")
    .option('--environment <name>', 'meta.environment of the recordings (default: imported)')
    .option(
      '--redact-header <name...>',
      'more header names to redact, besides Authorization, Cookie, Set-Cookie, API keys',
    )
    .option('--no-redact', 'keep secret headers as they are (only for captures without real credentials)')
    .addHelpText(
      'after',
      `\nExamples:\n  parallax import har checkout.har --out recordings/imported\n  parallax import har staging.har --out recordings/staging --service checkout --environment staging\n  parallax import har exported.har --out recordings   # a file from \`parallax export har\` imports back exactly\n\n${EXIT_HELP}`,
    )
    .action(async (file: string, flags: ImportFlags) => {
      process.exitCode = await importHar(file, flags)
    })
  return quiet(
    new Command('import').description('Import traffic captured by other tools as recordings.'),
  ).addCommand(quiet(har))
}

/**
 * Builds the `export` command and its `har` subcommand.
 * @example program.addCommand(exportCommand())
 */
export function exportCommand(): Command {
  const har = new Command('har')
    .description(
      'Export recordings as a HAR 1.2 file for HAR viewers: every inbound and outbound exchange as an entry.',
    )
    .argument('<path>', 'a .ndjson segment or a folder of them, e.g. recordings/copilot')
    .requiredOption('--out <file.har>', 'the HAR file to write (replaced if it exists)')
    .option(
      '--no-pages',
      'no HAR page per recording (by default each recording is a page grouping its entries)',
    )
    .addHelpText(
      'after',
      '\nExamples:\n  parallax export har recordings/copilot --out copilot.har\n  parallax export har recordings/2026-11-24.ndjson --out day.har --no-pages\n\nExit codes: 0 every recording exported, 2 a line was invalid (the others are exported) or the path does not exist.',
    )
    .action(async (path: string, flags: ExportFlags) => {
      process.exitCode = await exportHar(path, flags)
    })
  return quiet(
    new Command('export').description('Export recordings to formats other tools read.'),
  ).addCommand(quiet(har))
}
