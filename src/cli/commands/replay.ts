/**
 * `parallax replay <scenario>`: replay recordings under two variants and pinpoint the diverging stage.
 */
import { relative } from 'node:path'
import { Command, Option } from 'commander'
import picocolors from 'picocolors'
import { ParallaxError } from '../../recording/errors.ts'
import { parseTarget } from '../../replay/index.ts'
import { plural, type ReplayRun, renderJson, renderTerminal, reporterNames } from '../../report/index.ts'
import { sanitizeText } from '../../report/sanitize-text.ts'
import {
  detectNoise,
  type LearnedNoise,
  learnNoise,
  type NoiseDetection,
  noiseDetectionJson,
} from '../../scenario/detect-noise.ts'
import { loadScenario, type ResolvedScenario } from '../../scenario/load-scenario.ts'
import { runScenario } from '../../scenario/run-scenario.ts'
import { runTargets } from '../../scenario/run-targets.ts'
import { writesAllowed } from '../ci-writes.ts'
import { EXIT, EXIT_CODES_HELP } from '../exit-codes.ts'
import { addNoiseOptions, type NoiseFlags, noiseArgs, noiseFromFlags } from '../noise-flags.ts'
import { createProgress } from '../progress.ts'
import { parseReportSpecs, type ReportSpec, writeReports } from '../report-flags.ts'
import { terminalWidth } from '../terminal-width.ts'

interface ReplayFlags extends NoiseFlags {
  detectNoise?: boolean
  learnNoise?: boolean
  report?: string[]
  allowWrite?: boolean
  target?: string[]
  allowSideEffects?: boolean
  concurrency?: number
  rate?: number
  variants?: string
  recording?: string[]
  seed?: number
  json?: boolean
  color?: boolean
  verbose?: boolean
}

/** Builds the `replay` command. */
export function replayCommand(): Command {
  const command = new Command('replay')
    .description(
      'Replay recordings under two variants side by side and pinpoint the stage where they diverge.',
    )
    .argument(
      '<scenario>',
      'scenario file, e.g. scenarios/copilot.ts (with --target: a recordings folder or file)',
    )
    .option('--variants <a,b>', "the two variants to compare (default: the scenario's compare)")
    .option('--recording <id...>', 'replay only these recording ids')
    .addOption(
      new Option(
        '--seed <n>',
        'seed for randomness beyond the recording (default: the scenario seed, 1)',
      ).argParser(parseSeed),
    )
    .option('--json', 'print the result as JSON on stdout (see docs/json-output.md)')
    .option(
      '--report <spec...>',
      `also write reports, each <format>[=<file>] (formats: ${reporterNames.join(', ')}); without a file, to stdout in place of the terminal report`,
    )
    .option('--no-color', 'plain text, no colours (also NO_COLOR=1)')
    .option('--verbose', 'show every changed path, not the first few')
    .option(
      '--detect-noise',
      'replay each recording twice under each variant and list the paths that differ between the two runs (exit 1 if any)',
    )
    .option(
      '--learn-noise',
      'like --detect-noise, and add the noisy paths as ignore rules to <scenario>.noise.json (both print JSON with --json; neither takes --report, --target or noise rules)',
    )
    .option('--allow-write', 'let --learn-noise write when CI is set (it refuses otherwise)')
    .option(
      '--target <name=url...>',
      'black-box mode: send the recorded requests of the folder given in place of <scenario> to 2 running services (or 3: primary, secondary, candidate) and diff their answers',
    )
    .option(
      '--allow-side-effects',
      'target mode: also send POST, PUT, PATCH, DELETE (skipped and listed otherwise)',
    )
    .addOption(
      new Option('--concurrency <n>', 'target mode: requests in flight per target (default 8)').argParser(
        parsePositive,
      ),
    )
    .addOption(
      new Option(
        '--rate <factor>',
        'target mode: replay at the recorded pace times <factor>, e.g. 2x',
      ).argParser(parseRate),
    )
  return addNoiseOptions(command)
    .addHelpText(
      'after',
      `\nExamples:\n  parallax replay scenarios/copilot.ts\n  parallax replay scenarios/copilot.ts --json\n  parallax replay scenarios/copilot.ts --report junit=out/parallax.xml --report html=out/parallax.html\n  parallax replay recordings/api --target local=http://127.0.0.1:3000 --target prod=http://127.0.0.1:4000\n  parallax replay scenarios/api.ts --ignore '**.requestId' --tolerance '**.score=0.001'\n\nNoise rules (docs/noise-rules.md) add to the scenario's own; the report says what each hid.\n\n${EXIT_CODES_HELP}`,
    )
    .action(async (scenarioPath: string, flags: ReplayFlags) => {
      process.exitCode = await replay(scenarioPath, flags)
    })
}

async function replay(scenarioPath: string, flags: ReplayFlags): Promise<number> {
  if (flags.detectNoise || flags.learnNoise) rejectNoiseDetectionFlags(flags)
  if (flags.target !== undefined) return replayTargets(scenarioPath, flags)
  const scenario = await loadScenario(scenarioPath)
  if (flags.learnNoise && !writesAllowed(flags.allowWrite)) {
    throw new ParallaxError(
      'PARALLAX_USAGE',
      'Refusing to --learn-noise in CI: it writes rules beside the scenario.',
      {
        hint: 'Learn noise on a workstation and commit the file, or pass --allow-write if this CI job is meant to write it.',
      },
    )
  }
  if (flags.detectNoise || flags.learnNoise) return findNoise(scenario, flags)
  const noise = noiseFromFlags(flags)
  const reports = parseReportSpecs(flags.report ?? [])
  if (flags.json && reports.some((report) => report.file === undefined)) {
    throw new ParallaxError(
      'PARALLAX_USAGE',
      'Failed to parse the command line: --json and a --report without a file both want stdout.',
      {
        hint: 'Give the report a file: --report junit=out/parallax.xml.',
      },
    )
  }
  const variants = flags.variants === undefined ? undefined : parseVariants(flags.variants)
  const progress = createProgress(process.stderr)
  let run: Awaited<ReturnType<typeof runScenario>>
  try {
    run = await runScenario(scenario, {
      ...(variants ? { variants } : {}),
      ...(flags.recording ? { recordingIds: flags.recording } : {}),
      ...(flags.seed === undefined ? {} : { seed: flags.seed }),
      ...(noise && { noise, replayFlags: noiseArgs(flags) }),
      // The HTML report shows the diverging values side by side.
      ...(reports.some((report) => report.format === 'html') && { keepValues: true }),
      onProgress: (done, total, outcome) => progress.update(done, total, outcome.recordingId),
    })
  } finally {
    progress.stop()
  }
  return finish(run, reports, flags)
}

/**
 * Writes the reports, prints the stdout one (the terminal report by default, then `appendix`), and
 * returns the exit code the run's summary calls for.
 */
async function finish(
  run: ReplayRun,
  reports: ReportSpec[],
  flags: ReplayFlags,
  appendix = '',
): Promise<number> {
  const color =
    flags.color !== false && !flags.json && picocolors.isColorSupported && Boolean(process.stdout.isTTY)
  const options = { color, width: terminalWidth(process.stdout), verbose: flags.verbose === true }
  const reported = await writeReports(run, reports, options)
  const text = reported ?? (flags.json ? renderJson(run) : `${renderTerminal(run, options)}${appendix}`)
  if ((reported !== undefined || flags.json) && appendix !== '') process.stderr.write(appendix)
  await new Promise<void>((resolve, reject) =>
    process.stdout.write(text, (error) => (error ? reject(error) : resolve())),
  )
  if (run.summary.failed > 0) return EXIT.replayFailed
  if (run.summary.diverge > 0) return EXIT.diverge
  if (run.summary.invalid > 0) return EXIT.usage
  return EXIT.agree
}

/** Target mode: the recordings under `path` sent to running services, their answers compared. */
async function replayTargets(path: string, flags: ReplayFlags): Promise<number> {
  const targets = (flags.target ?? []).map(parseTarget)
  const noise = noiseFromFlags(flags)
  const reports = parseReportSpecs(flags.report ?? [])
  const progress = createProgress(process.stderr)
  let result: Awaited<ReturnType<typeof runTargets>>
  try {
    result = await runTargets(path, targets, {
      ...(flags.allowSideEffects && { allowSideEffects: true }),
      ...(flags.concurrency !== undefined && { concurrency: flags.concurrency }),
      ...(flags.rate !== undefined && { rate: flags.rate }),
      ...(flags.recording && { recordingIds: flags.recording }),
      ...(noise && { noise, replayFlags: noiseArgs(flags) }),
      ...(reports.some((report) => report.format === 'html') && { keepValues: true }),
      onProgress: (done, total, outcome) => progress.update(done, total, outcome.recordingId),
    })
  } finally {
    progress.stop()
  }
  const { run, skipped } = result
  const appendix =
    skipped.length === 0
      ? ''
      : `\nNot sent (${skipped.length}):\n${skipped.map((s) => `  ${sanitizeText(s.recordingId)} ${sanitizeText(s.route)}: ${s.reason}`).join('\n')}\n`
  return finish(run, reports, flags, appendix)
}

function parsePositive(value: string): number {
  const number = Number(value)
  if (!Number.isSafeInteger(number) || number < 1) {
    throw new ParallaxError(
      'PARALLAX_USAGE',
      `Failed to parse ${value}: it is not a positive whole number.`,
      {
        hint: 'Write --concurrency 8.',
      },
    )
  }
  return number
}

function parseRate(value: string): number {
  const rate = Number(value.replace(/x$/i, ''))
  if (!(rate > 0) || !Number.isFinite(rate)) {
    throw new ParallaxError('PARALLAX_USAGE', `Failed to parse --rate ${value}: it is not a speed factor.`, {
      hint: 'Write --rate 2x (twice the recorded pace) or --rate 0.5x.',
    })
  }
  return rate
}

async function findNoise(scenario: ResolvedScenario, flags: ReplayFlags): Promise<number> {
  const progress = createProgress(process.stderr)
  let detection: NoiseDetection
  try {
    detection = await detectNoise(scenario, {
      ...(flags.variants === undefined ? {} : { variants: parseVariants(flags.variants) }),
      ...(flags.recording ? { recordingIds: flags.recording } : {}),
      ...(flags.seed === undefined ? {} : { seed: flags.seed }),
      onProgress: (done, total) => progress.update(done, total, 'replaying twice'),
    })
  } finally {
    progress.stop()
  }
  const lines = [
    `parallax noise · scenario ${sanitizeText(detection.scenario)} · each of ${detection.variants.map(sanitizeText).join(', ')} replayed twice · ${plural(detection.recordings, 'recording')}${detection.failed > 0 ? ` (${detection.failed} failed, not compared)` : ''}`,
  ]
  if (detection.findings.length === 0) {
    lines.push('No noise: every variant gave the same traces twice.')
  } else {
    lines.push(`${plural(detection.findings.length, 'noisy path')}:`)
    for (const finding of detection.findings) {
      lines.push(
        `  ${sanitizeText(finding.path)}  in ${sanitizeText(finding.where)} under ${finding.variants.map(sanitizeText).join(', ')}, ${plural(finding.recordings, 'recording')} (e.g. ${sanitizeText(finding.example)})`,
      )
    }
  }
  let learned: LearnedNoise | undefined
  if (flags.learnNoise) {
    const written = await learnNoise(scenario, detection.rules)
    // Shown as the replay report shows files: relative to the working directory.
    learned = { ...written, file: relative(process.cwd(), written.file) }
    const { added } = learned
    if (added.length > 0) {
      lines.push(
        `Wrote ${plural(added.length, 'new ignore rule')} to ${learned.file} (${learned.rules.ignore?.length ?? 0} in all): review them (a rule that hides a real bug hides it everywhere).`,
      )
    } else if (detection.findings.length > 0) {
      lines.push(`No new rules: ${learned.file} already ignores every noisy path.`)
    }
  }
  const text = flags.json
    ? `${JSON.stringify(noiseDetectionJson(detection, learned), null, 2)}\n`
    : `${lines.join('\n')}\n`
  await new Promise<void>((resolve, reject) =>
    process.stdout.write(text, (error) => (error ? reject(error) : resolve())),
  )
  if (flags.learnNoise) return EXIT.agree
  return detection.findings.length > 0 ? EXIT.diverge : EXIT.agree
}

/**
 * Flags that mean nothing to --detect-noise and --learn-noise are usage errors, not silently ignored: the
 * reports render a comparison of two variants, not a list of noisy paths.
 */
function rejectNoiseDetectionFlags(flags: ReplayFlags): void {
  const mode = flags.learnNoise ? '--learn-noise' : '--detect-noise'
  const noiseFlag = noiseArgs(flags)[0]
  const conflict =
    flags.report !== undefined
      ? { flag: '--report', hint: `${mode} writes no report; --json prints what it finds as JSON.` }
      : flags.target !== undefined
        ? {
            flag: '--target',
            hint: 'Noise detection replays a scenario. Against running services, give a third --target (primary, secondary, candidate): what the first two disagree on is treated as noise.',
          }
        : noiseFlag !== undefined
          ? {
              flag: noiseFlag,
              hint: `${mode} lists every path that differs between two runs of a variant, whatever the rules: drop ${noiseFlag}.`,
            }
          : undefined
  if (conflict === undefined) return
  throw new ParallaxError(
    'PARALLAX_USAGE',
    `Failed to parse the command line: ${conflict.flag} does not apply to ${mode}.`,
    { hint: conflict.hint },
  )
}

function parseVariants(value: string): [string, string] {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean)
  if (names.length !== 2) {
    throw new ParallaxError(
      'PARALLAX_USAGE',
      `Failed to parse --variants ${value}: it needs exactly two names.`,
      {
        hint: 'Write --variants local,production.',
      },
    )
  }
  return [names[0]!, names[1]!]
}

function parseSeed(value: string): number {
  const seed = Number(value)
  if (!Number.isSafeInteger(seed)) {
    throw new ParallaxError('PARALLAX_USAGE', `Failed to parse --seed ${value}: it is not an integer.`, {
      hint: 'Write --seed 1234.',
    })
  }
  return seed
}
