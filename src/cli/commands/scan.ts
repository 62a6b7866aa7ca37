/**
 * `parallax scan <path>`: fails (exit 5) when committed recordings hold a secret the redaction rules
 * know, listing file:line, where, the rule and a masked hint — never the secret.
 */
import { Command } from 'commander'
import { type ScanReport, scanSegments } from '../../record/index.ts'
import { EXIT } from '../exit-codes.ts'
import { type RedactionFlags, redactorFromFlags, withRedactionFlags } from './redact.ts'

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
      '\nExamples:\n  parallax scan recordings\n  parallax scan recordings --json --key ssn\n\nExit codes: 0 no secret found, 5 a secret was found, 2 usage error, missing path or a line that does not load.',
    )
    .action(async (path: string, flags: RedactionFlags) => {
      const report = await scanSegments(path, redactorFromFlags(flags))
      process.stdout.write(flags.json ? renderJson(path, report) : renderText(path, report))
      process.exitCode =
        report.findings.length > 0 ? EXIT.secretFound : report.problems.length > 0 ? EXIT.usage : EXIT.agree
    })
}

function renderJson(path: string, report: ScanReport): string {
  return `${JSON.stringify({ format: 'parallax-scan', version: 1, path, ...report, secrets: report.findings.length }, null, 2)}\n`
}

function renderText(path: string, report: ScanReport): string {
  const lines: string[] = []
  const scope = `${count(report.recordings, 'recording')} (${count(report.files, 'file')})`
  for (const problem of report.problems) lines.push(`! ${problem.message}`)
  if (report.findings.length === 0) {
    lines.push(`No secrets found in ${scope}.`)
    return `${lines.join('\n')}\n`
  }
  const recordings = new Set(report.findings.map((f) => `${f.file}:${f.line}`)).size
  lines.push(
    `Found ${report.findings.length} secret${report.findings.length === 1 ? '' : 's'} in ${recordings} of ${scope}:`,
  )
  for (const f of report.findings)
    lines.push(`  ${f.file}:${f.line}  ${f.where}  ${f.rule}  ${f.hint}  → ${f.placeholder}`)
  lines.push(
    `  hint: replace them with \`parallax redact ${path} --in-place\`, then rotate these secrets: they reached disk.`,
  )
  return `${lines.join('\n')}\n`
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}
