/**
 * `parallax replay <scenario>`: replay recordings under two variants and pinpoint the diverging stage.
 */
import { Command, Option } from 'commander'
import picocolors from 'picocolors'
import { ParallaxError } from '../../recording/errors.ts'
import { renderJson, renderTerminal } from '../../report/index.ts'
import { loadScenario } from '../../scenario/load-scenario.ts'
import { runScenario } from '../../scenario/run-scenario.ts'
import { EXIT, EXIT_CODES_HELP } from '../exit-codes.ts'
import { addNoiseOptions, type NoiseFlags, noiseFromFlags } from '../noise-flags.ts'
import { createProgress } from '../progress.ts'

interface ReplayFlags extends NoiseFlags {
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
    .argument('<scenario>', 'scenario file, e.g. scenarios/copilot.ts')
    .option('--variants <a,b>', "the two variants to compare (default: the scenario's compare)")
    .option('--recording <id...>', 'replay only these recording ids')
    .addOption(
      new Option(
        '--seed <n>',
        'seed for randomness beyond the recording (default: the scenario seed, 1)',
      ).argParser(parseSeed),
    )
    .option('--json', 'print the result as JSON on stdout (see docs/json-output.md)')
    .option('--no-color', 'plain text, no colours (also NO_COLOR=1)')
    .option('--verbose', 'show every changed path, not the first few')
  return addNoiseOptions(command)
    .addHelpText(
      'after',
      `\nExamples:\n  parallax replay scenarios/copilot.ts\n  parallax replay scenarios/copilot.ts --json\n  parallax replay scenarios/api.ts --ignore '**.requestId' --tolerance '**.score=0.001'\n\nNoise rules (docs/noise-rules.md) add to the scenario's own; the report says what each hid.\n\n${EXIT_CODES_HELP}`,
    )
    .action(async (scenarioPath: string, flags: ReplayFlags) => {
      process.exitCode = await replay(scenarioPath, flags)
    })
}

async function replay(scenarioPath: string, flags: ReplayFlags): Promise<number> {
  const scenario = await loadScenario(scenarioPath)
  const noise = noiseFromFlags(flags)
  const variants = flags.variants === undefined ? undefined : parseVariants(flags.variants)
  const progress = createProgress(process.stderr)
  let run: Awaited<ReturnType<typeof runScenario>>
  try {
    run = await runScenario(scenario, {
      ...(variants ? { variants } : {}),
      ...(flags.recording ? { recordingIds: flags.recording } : {}),
      ...(flags.seed === undefined ? {} : { seed: flags.seed }),
      ...(noise && { noise }),
      onProgress: (done, total, outcome) => progress.update(done, total, outcome.recordingId),
    })
  } finally {
    progress.stop()
  }
  const color =
    flags.color !== false && !flags.json && picocolors.isColorSupported && Boolean(process.stdout.isTTY)
  const text = flags.json
    ? renderJson(run)
    : renderTerminal(run, { color, width: process.stdout.columns || 100, verbose: flags.verbose === true })
  await new Promise<void>((resolve, reject) =>
    process.stdout.write(text, (error) => (error ? reject(error) : resolve())),
  )
  if (run.summary.failed > 0) return EXIT.replayFailed
  if (run.summary.diverge > 0) return EXIT.diverge
  if (run.summary.invalid > 0) return EXIT.usage
  return EXIT.agree
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
