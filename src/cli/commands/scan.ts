/**
 * `parallax scan <path>`: fails (exit 5) when committed recordings hold a secret the redaction rules
 * know, listing file:line, where, the rule and a masked hint — never the secret.
 */
import { Command } from 'commander'
import { type ScanFinding, type ScanReport, scanSegments } from '../../record/index.ts'
import { plural } from '../../report/index.ts'
import { shellCommand } from '../../scenario/index.ts'
import { EXIT } from '../exit-codes.ts'
import { type RedactionFlags, redactorFromFlags, withRedactionFlags } from './redact.ts'
import {
  type NonSegmentFile,
  nonSegmentAdvice,
  nonSegmentFiles,
  nonSegmentState,
} from './redact-non-segments.ts'

/**
 * Builds the `scan` command.
 * @example program.addCommand(scanCommand())
 */
export function scanCommand(): Command {
  return withRedactionFlags(
    new Command('scan')
      .description('Look for secrets in recordings on disk; exit 5 when one is found.')
      .argument('<path>', 'a segment file or a folder of them, e.g. recordings/'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  parallax scan recordings\n  parallax scan recordings --json --key ssn\n\nA file that is not a segment (e.g. a HAR file) is scanned line by line as raw text.\nExit codes: 0 no secret found, 5 a secret was found, 2 usage error, missing path or a line that does not load.',
    )
    .action(async (path: string, flags: RedactionFlags) => {
      const report = await scanSegments(path, redactorFromFlags(flags))
      const nonSegments = await nonSegmentFiles(path, 'scan recordings')
      process.stdout.write(flags.json ? renderJson(path, report) : renderText(path, report, nonSegments))
      process.exitCode =
        report.findings.length > 0 ? EXIT.secretFound : report.problems.length > 0 ? EXIT.usage : EXIT.agree
    })
}

function renderJson(path: string, report: ScanReport): string {
  return `${JSON.stringify({ format: 'parallax-scan', version: 1, path, ...report, secrets: report.findings.length }, null, 2)}\n`
}

function renderText(path: string, report: ScanReport, nonSegments: readonly NonSegmentFile[]): string {
  const lines: string[] = []
  for (const problem of report.problems) lines.push(`! ${problem.message}`)
  const outside = new Set(nonSegments.map((found) => found.file))
  // Findings come from recordings that loaded, from lines of a segment that did not load (scanned as raw
  // text), or from a file that is no segment at all (every line scanned as raw text): each counted apart.
  const inRecordings = report.findings.filter((f) => f.recording !== undefined)
  const inLines = report.findings.filter((f) => f.recording === undefined && !outside.has(f.file))
  const inFiles = new Set(report.findings.filter((f) => outside.has(f.file)).map((f) => f.file)).size
  const recordings = plural(report.recordings, 'recording')
  const files = plural(report.files, 'file')
  const advice = nonSegments.map(
    (found) =>
      `  hint: ${found.file} ${nonSegmentState(found)} (each of its lines was scanned as raw text); ${nonSegmentAdvice(found, path)}.`,
  )
  if (report.findings.length === 0) {
    lines.push(`No secrets found in ${recordings} (${files}).`, ...advice)
    return `${lines.join('\n')}\n`
  }
  const places = [
    ...(inRecordings.length > 0 ? [`${distinctLines(inRecordings)} of ${recordings}`] : []),
    ...(inLines.length > 0 ? [`${plural(distinctLines(inLines), 'line')} that did not load`] : []),
    ...(inFiles > 0
      ? [`${plural(inFiles, 'file')} that ${inFiles === 1 ? 'is' : 'are'} not a recording segment`]
      : []),
  ]
  const scope = inRecordings.length > 0 ? files : `${recordings}, ${files}`
  lines.push(`Found ${plural(report.findings.length, 'secret')} in ${places.join(' and ')} (${scope}):`)
  for (const f of report.findings)
    lines.push(`  ${f.file}:${f.line}  ${f.where}  ${f.rule}  ${f.hint}  → ${f.placeholder}`)
  lines.push(...advice)
  if (inRecordings.length + inLines.length > 0) {
    // redact refuses a folder that holds a file that is not a segment, and a segment with invalid lines.
    const first = [
      ...(nonSegments.length > 0
        ? [`deal with the ${nonSegments.length === 1 ? 'file' : 'files'} above`]
        : []),
      ...(report.problems.some((problem) => !outside.has(problem.file))
        ? ['fix or delete the lines that do not load (or add --drop-invalid to leave them out)']
        : []),
    ]
    const then = first.length > 0 ? `${first.join(' and ')}, then ` : ''
    lines.push(
      `  hint: ${then}replace them with \`${shellCommand(['parallax', 'redact', path, '--in-place'])}\`, then rotate these secrets: they reached disk.`,
    )
  } else {
    lines.push('  hint: rotate these secrets: they reached disk.')
  }
  return `${lines.join('\n')}\n`
}

/** How many distinct file:line places the findings are in. */
function distinctLines(findings: readonly ScanFinding[]): number {
  return new Set(findings.map((f) => `${f.file}:${f.line}`)).size
}
