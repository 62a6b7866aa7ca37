/**
 * `parallax redact <path>`: re-applies the redaction rules to recordings already on disk — a dry-run
 * summary by default, `--in-place` or `--out <dir>` to write. Also holds the flags `parallax scan` shares
 * (extra names and patterns, and the key from PARALLAX_REDACTION_KEY).
 */
import { Command } from 'commander'
import {
  createRedactor,
  type Redactor,
  redactionKeyWarning,
  redactSegments,
  type SegmentOutput,
  type SegmentRedaction,
} from '../../record/index.ts'
import { ParallaxError } from '../../recording/errors.ts'
import { plural } from '../../report/index.ts'
import { EXIT } from '../exit-codes.ts'
import { nonSegmentFiles, notASegment } from './redact-non-segments.ts'

/**
 * The rule flags of `redact` and `scan`.
 * @example const flags: RedactionFlags = { header: ['x-session'], pattern: ['acme_[a-z0-9]{32}'] }
 */
export interface RedactionFlags {
  header?: string[]
  query?: string[]
  key?: string[]
  pattern?: string[]
  allow?: string[]
  without?: string[]
  json?: boolean
}

interface RedactFlags extends RedactionFlags {
  out?: string
  inPlace?: boolean
  dropInvalid?: boolean
}

const collect = (value: string, previous: string[] = []) => [...previous, value]

/**
 * Adds the rule flags (`--header`, `--query`, `--key`, `--pattern`, `--allow`, `--without`, `--json`).
 * @example withRedactionFlags(new Command('scan'))
 */
export function withRedactionFlags(command: Command): Command {
  return command
    .option('--header <name>', 'also redact this header (repeatable; *suffix matches name endings)', collect)
    .option('--query <name>', 'also redact this query parameter (repeatable)', collect)
    .option('--key <name>', 'also redact this JSON key / form field (repeatable)', collect)
    .option('--pattern <regex>', 'also redact text matching this regular expression (repeatable)', collect)
    .option(
      '--allow <name>',
      'never treat this header, parameter or key name as secret (repeatable)',
      collect,
    )
    .option('--without <rule>', 'turn off a default text rule, e.g. openai-key (repeatable)', collect)
    .option('--json', 'print the result as JSON on stdout')
}

/**
 * The redactor the flags describe, keyed by PARALLAX_REDACTION_KEY (the public default key when unset).
 * @example const redactor = redactorFromFlags(flags)
 */
export function redactorFromFlags(flags: RedactionFlags): Redactor {
  const names = (add: string[] = []) => ({ add, remove: flags.allow ?? [] })
  return createRedactor({
    key: process.env['PARALLAX_REDACTION_KEY'] || undefined,
    headers: names(flags.header),
    query: names(flags.query),
    bodyKeys: names(flags.key),
    patterns: {
      add: (flags.pattern ?? []).map((pattern, index) => ({ name: `pattern-${index + 1}`, pattern })),
      remove: flags.without ?? [],
    },
  })
}

/**
 * Builds the `redact` command.
 * @example program.addCommand(redactCommand())
 */
export function redactCommand(): Command {
  return withRedactionFlags(
    new Command('redact')
      .description(
        'Re-apply the redaction rules to recordings on disk (a dry run unless --in-place or --out).',
      )
      .argument('<path>', 'a segment file or a folder of them, e.g. recordings/')
      .option('--out <dir>', 'write every redacted segment below this folder (same layout)')
      .option('--in-place', 'rewrite the segments that change, atomically')
      .option('--drop-invalid', 'leave lines that do not load out of the rewritten segments'),
  )
    .addHelpText(
      'after',
      '\nExamples:\n  parallax redact recordings\n  parallax redact recordings --in-place\n  parallax redact recordings --out recordings-clean --key ssn\n\nThe placeholder key is read from PARALLAX_REDACTION_KEY.\nExit codes: 0 done (or nothing to do), 2 usage error, missing path, invalid lines or a file that is not a segment (e.g. a HAR file: use parallax import har).',
    )
    .action(async (path: string, flags: RedactFlags) => {
      if (flags.out !== undefined && flags.inPlace) {
        throw new ParallaxError(
          'PARALLAX_USAGE',
          'Failed to parse the command line: --out and --in-place exclude each other.',
          {
            hint: 'Pass --in-place to rewrite the segments, or --out <dir> to write redacted copies, not both.',
          },
        )
      }
      const output: SegmentOutput = flags.inPlace
        ? { mode: 'in-place' }
        : flags.out !== undefined
          ? { mode: 'out', out: flags.out }
          : { mode: 'dry-run' }
      const redactor = redactorFromFlags(flags)
      const [refused, ...others] = await nonSegmentFiles(path, 'redact recordings')
      if (refused !== undefined) throw notASegment(refused, path, others.length)
      const warning = output.mode === 'dry-run' ? undefined : redactionKeyWarning(process.env)
      if (warning !== undefined) process.stderr.write(warning)
      const results = await redactSegments(path, {
        redactor,
        output,
        dropInvalid: flags.dropInvalid === true,
      })
      process.stdout.write(flags.json ? renderJson(path, output, results) : renderText(output, results))
      process.exitCode = EXIT.agree
    })
}

function renderJson(path: string, output: SegmentOutput, results: SegmentRedaction[]): string {
  const files = results.map(({ findings, ...file }) => ({
    ...file,
    findings: findings.map(({ line, where, rule, hint, placeholder }) => ({
      line,
      where,
      rule,
      hint,
      placeholder,
    })),
  }))
  const totals = {
    files: results.length,
    written: results.filter((r) => r.written !== undefined).length,
    recordings: sum(results, 'recordings'),
    changed: sum(results, 'changed'),
    values: sum(results, 'values'),
    dropped: sum(results, 'dropped'),
  }
  return `${JSON.stringify({ format: 'parallax-redact', version: 1, path, mode: output.mode, totals, files }, null, 2)}\n`
}

function renderText(output: SegmentOutput, results: SegmentRedaction[]): string {
  const lines: string[] = []
  for (const r of results) {
    const state =
      r.written !== undefined
        ? ` → ${r.written}`
        : r.skipped !== undefined
          ? ` (not rewritten: ${r.skipped})`
          : ''
    const dropped = r.dropped > 0 ? `, ${plural(r.dropped, 'invalid line')} dropped` : ''
    const values = `${plural(r.recordings, 'recording')}, ${r.changed} with secrets, ${plural(r.values, 'value')}`
    lines.push(`${r.file}  ${values}${dropped}${state}`)
    if (output.mode === 'dry-run') {
      for (const f of r.findings) lines.push(`  ${r.file}:${f.line}  ${f.where}  ${f.rule}  ${f.hint}`)
    }
  }
  const values = plural(sum(results, 'values'), 'value')
  const of = `${sum(results, 'changed')} of ${plural(sum(results, 'recordings'), 'recording')}`
  const files = plural(results.length, 'file')
  if (sum(results, 'values') === 0) {
    lines.push(`Nothing to redact in ${plural(sum(results, 'recordings'), 'recording')} (${files}).`)
  } else if (output.mode === 'dry-run') {
    lines.push(`Dry run: would redact ${values} in ${of} (${files}). Write with --in-place or --out <dir>.`)
  } else {
    const written = results.filter((r) => r.written !== undefined).length
    lines.push(`Redacted ${values} in ${of}; wrote ${written} of ${files}.`)
  }
  return `${lines.join('\n')}\n`
}

function sum(results: SegmentRedaction[], field: 'recordings' | 'changed' | 'values' | 'dropped'): number {
  return results.reduce((total, r) => total + r[field], 0)
}
