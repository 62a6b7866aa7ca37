/**
 * `parallax fuzz <scenario>`: differential fuzzing — recordings varied around the ones on which the two
 * variants agree, replayed until they diverge; the divergence shrunk, saved and reported with the seed
 * and path that reproduce it.
 */
import { relative } from 'node:path'
import { Command, InvalidArgumentError } from 'commander'
import { type FuzzReport, fuzzScenario } from '../../fuzz/fuzz-scenario.ts'
import { plainChange, plural, sanitizeText } from '../../report/index.ts'
import { loadScenario, shellCommand } from '../../scenario/index.ts'
import { recordingsFolder } from '../../scenario/shrink-scenario.ts'
import { writesAllowed } from '../ci-writes.ts'
import { EXIT } from '../exit-codes.ts'
import { createProgress } from '../progress.ts'

interface FuzzFlags {
  runs: number
  seed?: number
  path?: string
  timeBudget?: number
  recording?: string[]
  out?: string
  save: boolean
  allowWrite?: boolean
  json?: boolean
}

/** Builds the `fuzz` command. */
export function fuzzCommand(): Command {
  return new Command('fuzz')
    .description('Vary recorded traffic until the two variants diverge; shrink, save and report what does.')
    .argument('<scenario>', 'scenario file, e.g. scenarios/copilot.ts')
    .option('--runs <n>', 'runs to try', positiveInteger, 1000)
    .option('--seed <n>', "fast-check's seed (default: a fresh one, printed)", integer)
    .option('--path <path>', "replay a counterexample directly: fast-check's path, with its --seed")
    .option(
      '--time-budget <duration>',
      'stop after this long, keeping what was found (30s, 2m, 500ms)',
      duration,
    )
    .option('--recording <id...>', 'fuzz around these recordings only')
    .option('--out <dir>', "where the counterexample is saved (default: the scenario's recordings folder)")
    .option('--no-save', 'do not save the counterexample')
    .option('--allow-write', 'save the counterexample even though CI is set (it is not saved otherwise)')
    .option('--json', 'print the report as JSON on stdout')
    .addHelpText(
      'after',
      `
Examples:
  parallax fuzz scenarios/copilot.ts --runs 2000 --seed 42
  parallax fuzz scenarios/copilot.ts --time-budget 60s --recording en-retry

Each run derives a recording from one on which the variants agree: its inbound JSON body and every
outbound response body varied by their shape (the same keys and types; strings with combining marks,
astral emoji, right-to-left text, NUL and other multi-byte characters; numbers at their boundaries;
empty, huge and missing fields), streamed responses cut at other byte offsets, a response reset partway.
Outbound calls are answered by route (method, origin, path, in order), since the changed request asks
its dependencies other queries. The property: the two variants agree under the scenario's noise rules.
A divergence is shrunk to the fewest changes that keep it, saved as a recording (fuzz-<digest>.ndjson,
its outbound URLs set to those the pipeline called) and printed with the seed and path that reproduce
it. Ctrl-C or --time-budget stop cleanly with what was found.

Exit codes: 0 no divergence found, 1 a divergence found, 2 usage or input error.`,
    )
    .action(async (scenarioPath: string, flags: FuzzFlags) => {
      const scenario = await loadScenario(scenarioPath)
      const save = flags.save && writesAllowed(flags.allowWrite)
      const saveDir = flags.out ?? (await recordingsFolder(scenario.recordings))
      const controller = new AbortController()
      const onSigint = () => controller.abort()
      process.once('SIGINT', onSigint)
      const progress = createProgress(process.stderr)
      let report: FuzzReport
      try {
        report = await fuzzScenario(scenario, {
          runs: flags.runs,
          ...(flags.seed !== undefined && { seed: flags.seed }),
          ...(flags.path !== undefined && { path: flags.path }),
          ...(flags.timeBudget !== undefined && { timeBudgetMs: flags.timeBudget }),
          ...(flags.recording && { recordingIds: flags.recording }),
          ...(save && { saveDir }),
          signal: controller.signal,
          onStart: (from, seed) =>
            process.stderr.write(
              `[parallax] fuzzing ${scenario.name} around ${plural(from.length, 'recording')}, ${plural(flags.runs, 'run')}, seed ${seed} (Ctrl-C stops with what was found)\n`,
            ),
          onRun: (runs, requested, shrinking) =>
            progress.update(runs, requested, shrinking ? 'diverged: shrinking' : 'fuzzing'),
        })
      } finally {
        progress.stop()
        process.removeListener('SIGINT', onSigint)
      }
      const notSaved = flags.save && !save ? 'not saved: CI is set (pass --allow-write to save)' : undefined
      process.stdout.write(
        flags.json ? `${JSON.stringify(report, null, 2)}\n` : text(report, scenarioPath, notSaved),
      )
      process.exitCode = report.finding ? EXIT.diverge : EXIT.agree
    })
}

function text(report: FuzzReport, scenarioPath: string, notSaved: string | undefined): string {
  const [left, right] = report.variants.map(sanitizeText)
  const lines = [
    `parallax fuzz · scenario ${sanitizeText(report.scenario)} · ${left} vs ${right} · seed ${report.seed}`,
  ]
  const skipped =
    report.alreadyDiverging.length > 0
      ? ` (left out, already diverging: ${report.alreadyDiverging.map(sanitizeText).join(', ')})`
      : ''
  lines.push(`  from:    ${report.from.map(sanitizeText).join(', ')}${skipped}`)
  const seconds = report.durationMs / 1000
  const stopped = report.stopped ? `, stopped early (${report.stopped})` : ''
  const failed = report.failedReplays > 0 ? `, ${plural(report.failedReplays, 'replay')} failed` : ''
  const finding = report.finding
  if (!finding) {
    lines.push(
      `  no divergence in ${report.runs} of ${plural(report.requested, 'run')} (${seconds.toFixed(1)} s${stopped}${failed})`,
    )
    return `${lines.join('\n')}\n`
  }
  lines.push(
    `  found:   ${left} and ${right} diverge at ${sanitizeText(finding.place)} on run ${finding.foundAtRun} (shrunk in ${plural(finding.shrinks, 'run')} from ${finding.shrunkFromBytes} to ${plural(finding.bytes, 'byte')}${stopped}${failed})`,
    `  changes from ${sanitizeText(finding.from)}:`,
    ...finding.changes.map((change) => `    ${sanitizeText(change)}`),
    '  differs:',
    ...finding.paths.flatMap((path) => plainChange(path, 60).map((line) => `    ${line}`)),
  )
  const cwd = process.cwd()
  const exchanges = plural(finding.repro.outbound, 'outbound exchange')
  lines.push(
    `  smallest: ${exchanges}, ${finding.repro.bytes}-byte bodies (shrunk by bytes in ${finding.repro.replays} more replays)`,
  )
  if (finding.saved) {
    lines.push(
      `  saved:   ${sanitizeText(relative(cwd, finding.saved.file))} (recording ${finding.saved.id})`,
    )
  } else if (notSaved) {
    lines.push(`  ${notSaved}`)
  }
  const reproduce = shellCommand([
    'parallax',
    'fuzz',
    scenarioPath,
    '--seed',
    String(report.seed),
    '--path',
    finding.path,
    '--recording',
    ...report.from,
  ])
  lines.push(`  reproduce: ${reproduce}`)
  return `${lines.join('\n')}\n`
}

function positiveInteger(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer.')
  return n
}

function integer(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n)) throw new InvalidArgumentError('expected an integer.')
  return n
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/**
 * A duration such as `30s`, `2m`, `500ms` or `90` (seconds), in milliseconds.
 * @example duration('2m') // 120000
 */
export function duration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim())
  if (!match) throw new InvalidArgumentError('expected a duration such as 30s, 2m or 500ms.')
  const ms = Number(match[1]) * UNITS[match[2] ?? 's']!
  if (ms <= 0) throw new InvalidArgumentError('expected a duration above zero.')
  return ms
}
