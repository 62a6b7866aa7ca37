/**
 * `--report <format>[=<file>]`, repeatable: the run rendered by each registered reporter, to a file or to
 * stdout. Files are written whole or not at all (temp file, sync, rename).
 */
import { resolve } from 'node:path'
import { ParallaxError } from '../recording/errors.ts'
import { writeFileAtomically } from '../recording/write-atomically.ts'
import {
  isReporterName,
  type ReporterName,
  type ReporterOptions,
  reporterNames,
  reporters,
} from '../report/index.ts'
import type { ReplayRun } from '../report/types.ts'

/** One requested report: a format and where it goes (stdout when `file` is absent). */
export interface ReportSpec {
  format: ReporterName
  file?: string
}

/**
 * Parses the `--report` values; throws a usage error for an unknown format or two reports on stdout.
 * @example parseReportSpecs(['junit=out/parallax.xml', 'html=out/report.html', 'markdown'])
 */
export function parseReportSpecs(values: readonly string[]): ReportSpec[] {
  const specs = values.map((value): ReportSpec => {
    const equals = value.indexOf('=')
    const format = (equals === -1 ? value : value.slice(0, equals)).trim()
    const file = equals === -1 ? undefined : value.slice(equals + 1).trim()
    if (!isReporterName(format)) {
      // A file name may hold a comma, so `json,junit` is not split: say how to ask for two reports.
      const hint = format.includes(',')
        ? `Repeat --report, once per report: --report json=out/parallax.json --report junit=out/parallax.xml (reports: ${reporterNames.join(', ')}).`
        : `Reports: ${reporterNames.join(', ')}; write --report junit=out/parallax.xml.`
      throw new ParallaxError(
        'PARALLAX_USAGE',
        `Failed to parse --report ${value}: there is no ${JSON.stringify(format)} report.`,
        { hint },
      )
    }
    if (file === '') {
      throw new ParallaxError(
        'PARALLAX_USAGE',
        `Failed to parse --report ${value}: the file name is empty.`,
        {
          hint: `Write --report ${format}=<file>, or --report ${format} for stdout.`,
        },
      )
    }
    return file === undefined ? { format } : { format, file }
  })
  const toStdout = specs.filter((spec) => spec.file === undefined)
  if (toStdout.length > 1) {
    throw new ParallaxError(
      'PARALLAX_USAGE',
      `Failed to parse --report: ${toStdout.map((spec) => spec.format).join(' and ')} would both go to stdout.`,
      { hint: 'Send all reports but one to files: --report html=report.html.' },
    )
  }
  return specs
}

/**
 * Renders and writes every file report; returns the text of the stdout report, if one was asked for.
 * @example const stdout = await writeReports(run, specs, { color: false, width: 100, verbose: false })
 */
export async function writeReports(
  run: ReplayRun,
  specs: readonly ReportSpec[],
  options: ReporterOptions,
): Promise<string | undefined> {
  let stdout: string | undefined
  for (const spec of specs) {
    const text = reporters[spec.format](options).render(run)
    if (spec.file === undefined) {
      stdout = text
      continue
    }
    try {
      await writeFileAtomically(resolve(spec.file), (handle) => handle.writeFile(text))
    } catch (error) {
      throw new ParallaxError(
        'PARALLAX_WRITE_FAILED',
        `Failed to write the ${spec.format} report to ${spec.file}: ${(error as Error).message}.`,
        {
          hint: 'Check that the folder can be created and written.',
          cause: error,
        },
      )
    }
  }
  return stdout
}
