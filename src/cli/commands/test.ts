/**
 * `parallax test [paths…]`: every scenario (default: the `scenarios/` folder) replayed and held to its
 * expectation — the regression suite CI runs on real traffic.
 */
import { relative, resolve } from 'node:path'
import { Command, Option } from 'commander'
import { ParallaxError } from '../../recording/errors.ts'
import { writeFileAtomically } from '../../recording/write-atomically.ts'
import { plural, renderJunitRuns, sanitizeText, toJsonResult } from '../../report/index.ts'
import {
  findScenarioFiles,
  parseShard,
  runSuite,
  type SuiteRun,
  scenarioPassed,
} from '../../scenario/index.ts'
import { EXIT } from '../exit-codes.ts'
import { createProgress } from '../progress.ts'

interface TestFlags {
  shard?: string
  bail?: boolean
  filter?: string
  report?: string[]
  failOnUnused?: boolean
}

/** The reports `parallax test` writes: a whole suite in one file. */
const SUITE_REPORTS = ['junit', 'json'] as const

/** Builds the `test` command. */
export function testCommand(): Command {
  return new Command('test')
    .description(
      'Replay every scenario and hold it to its expectation (agree, or a known divergence): a CI suite.',
    )
    .argument('[paths...]', 'scenario files or folders (default: scenarios/)')
    .addOption(
      new Option(
        '--shard <i/n>',
        'run only shard i of n of the recordings (a CI matrix of n machines runs each once)',
      ),
    )
    .option('--bail', 'stop after the first scenario that fails')
    .option(
      '--filter <text>',
      'only scenarios whose name or file, or recordings whose id or route, contain <text>',
    )
    .option('--report <spec...>', `write the suite as ${SUITE_REPORTS.join(' or ')}, each <format>=<file>`)
    .addHelpText(
      'after',
      `
Examples:
  parallax test
  parallax test --shard 2/4 --report junit=out/parallax.xml
  parallax test scenarios/copilot.ts --filter fr-

A scenario expects every recording to agree, or, with expect: { divergeAt: 'decode' }, a known bug kept as a
test: recordings agree or diverge at that stage, and the suite fails once none does (the bug is fixed:
update the expectation). A shard or a filter runs part of the recordings, so that last check is left to a
full run.

Exit codes:
  0  every scenario meets its expectation
  1  a recording breaks its scenario's expectation, or a known divergence is gone
  2  usage or input error (unknown flag, missing file, invalid scenario or recording)
  3  a replay failed (unrecorded outbound call, determinism violation, stage timeout, crash)
  4  unexpected internal error (a bug in parallax: please report it)`,
    )
    .action(async (paths: string[], flags: TestFlags) => {
      process.exitCode = await test(paths, flags)
    })
}

async function test(paths: string[], flags: TestFlags): Promise<number> {
  const shard = flags.shard === undefined ? undefined : parseShard(flags.shard)
  const reports = (flags.report ?? []).map(parseSuiteReport)
  const files = findScenarioFiles(paths)
  const progress = createProgress(process.stderr)
  let scenario = ''
  let suite: SuiteRun
  try {
    suite = await runSuite(files, {
      ...(shard && { shard }),
      ...(flags.bail && { bail: true }),
      ...(flags.filter !== undefined && { filter: flags.filter }),
      ...(flags.failOnUnused && { failOnUnused: true }),
      onScenarioStart: (file) => {
        scenario = relative(process.cwd(), file)
      },
      onProgress: (done, total, outcome) =>
        progress.update(done, total, `${scenario} ${outcome.recordingId}`),
    })
  } finally {
    progress.stop()
  }
  for (const report of reports) {
    const runs = suite.scenarios.map((s) => s.run)
    const text =
      report.format === 'junit'
        ? renderJunitRuns(runs)
        : `${JSON.stringify({ format: 'parallax-test-result', version: 1, passed: suite.passed, scenarios: runs.map(toJsonResult) }, null, 2)}\n`
    await writeFileAtomically(resolve(report.file), (handle) => handle.writeFile(text))
  }
  process.stdout.write(
    summaryText(suite, shard === undefined ? '' : ` · shard ${shard.index}/${shard.count}`),
  )
  if (suite.scenarios.some((s) => s.run.summary.failed > 0)) return EXIT.replayFailed
  if (!suite.passed) {
    const invalidOnly = suite.scenarios.every((s) => s.failed === 0 && s.problem === undefined)
    return invalidOnly ? EXIT.usage : EXIT.diverge
  }
  return EXIT.agree
}

function parseSuiteReport(value: string): { format: (typeof SUITE_REPORTS)[number]; file: string } {
  const equals = value.indexOf('=')
  const format = equals === -1 ? value : value.slice(0, equals)
  const file = equals === -1 ? '' : value.slice(equals + 1)
  if (!(SUITE_REPORTS as readonly string[]).includes(format) || file === '') {
    throw new ParallaxError(
      'PARALLAX_USAGE',
      `Failed to parse --report ${value}: parallax test writes ${SUITE_REPORTS.join(' or ')} to a file.`,
      {
        hint: 'Write --report junit=out/parallax.xml (for a single scenario, parallax replay has every format).',
      },
    )
  }
  return { format: format as (typeof SUITE_REPORTS)[number], file }
}

/** One block per scenario (failing recordings listed), then one line for the suite. */
function summaryText(suite: SuiteRun, shardText: string): string {
  const lines: string[] = []
  let recordings = 0
  for (const result of suite.scenarios) {
    const { run } = result
    recordings += run.recordings.length
    const ok = scenarioPassed(result)
    const expect =
      result.expect === 'agree'
        ? 'expects agreement'
        : `expects a known divergence at ${result.expect.divergeAt}`
    lines.push(
      `${ok ? '✓' : '✗'} ${sanitizeText(run.scenario)} (${relative(process.cwd(), result.file)}): ${plural(run.recordings.length, 'recording')}, ${run.summary.agree} agree, ${run.summary.diverge} diverge, ${run.summary.failed} failed; ${expect}`,
    )
    for (const outcome of run.recordings) {
      if (outcome.expectation?.met !== false) continue
      lines.push(
        `    ${sanitizeText(outcome.recordingId)} ${sanitizeText(outcome.route)}: ${sanitizeText(outcome.expectation.reason)}`,
      )
      lines.push(`      replay: ${sanitizeText(outcome.replayKey)}`)
    }
    if (result.problem) lines.push(`    ${result.problem}`)
    else if (result.unusedOutbound.calls > 0) {
      lines.push(
        `    note: ${plural(result.unusedOutbound.calls, 'recorded outbound call')} (in ${plural(result.unusedOutbound.recordings, 'recording')}) ${result.unusedOutbound.calls === 1 ? 'was' : 'were'} not used by any replay (--fail-on-unused to fail on it)`,
      )
    }
    if (run.summary.invalid > 0)
      lines.push(`    ${plural(run.summary.invalid, 'invalid recording line')} (parallax inspect lists them)`)
  }
  for (const skipped of suite.skipped)
    lines.push(`- ${relative(process.cwd(), skipped.file)}: skipped, ${skipped.reason}`)
  const passed = suite.scenarios.filter(scenarioPassed).length
  const failed = suite.scenarios.length - passed
  lines.push(
    `parallax test: ${plural(suite.scenarios.length, 'scenario')}, ${passed} passed, ${failed} failed · ${plural(recordings, 'recording')}${shardText}${suite.bailed ? ' · stopped early (--bail)' : ''}`,
  )
  return `${lines.join('\n')}\n`
}
