/**
 * The `parallax` command line: thin commands over the modules; errors become `[parallax]` messages
 * on stderr with a hint and a documented exit code.
 */
import { readFileSync } from 'node:fs'
import { Command, CommanderError } from 'commander'
import { exitCodeFor, isParallaxError } from '../recording/errors.ts'
import { explainCommand } from './commands/explain.ts'
import { fuzzCommand } from './commands/fuzz.ts'
import { exportCommand, importCommand } from './commands/har.ts'
import { inspectCommand } from './commands/inspect.ts'
import { proxyCommand } from './commands/proxy.ts'
import { redactCommand } from './commands/redact.ts'
import { replayCommand } from './commands/replay.ts'
import { scanCommand } from './commands/scan.ts'
import { testCommand } from './commands/test.ts'
import { verifyCommand } from './commands/verify.ts'
import { EXIT, EXIT_CODES_HELP } from './exit-codes.ts'
import { describeParseError } from './parse-errors.ts'

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string
}

/**
 * Runs the CLI with `argv` (without node and script) and returns the exit code.
 * @example process.exitCode = await main(['replay', 'scenarios/copilot.ts'])
 */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('parallax')
    .description(
      'Deterministic replay and differential testing: record production, replay local vs production, pinpoint the diverging stage.',
    )
    .version(pkg.version)
    .showSuggestionAfterError(true)
    .addHelpText('after', `\n${EXIT_CODES_HELP}`)
  // The command whose parsing failed, so the hint names its own help (`parallax import har --help`).
  let failed = 'parallax'
  const quiet = (command: Command, name: string): void => {
    command
      .exitOverride((error) => {
        failed = name
        throw error
      })
      .configureOutput({ outputError: () => {} })
    for (const sub of command.commands) quiet(sub, `${name} ${sub.name()}`)
  }
  for (const command of [
    replayCommand(),
    testCommand(),
    verifyCommand(),
    explainCommand(),
    fuzzCommand(),
    inspectCommand(),
    importCommand(),
    exportCommand(),
    redactCommand(),
    scanCommand(),
    proxyCommand(),
  ]) {
    program.addCommand(command)
  }
  quiet(program, 'parallax')
  try {
    await program.parseAsync(argv, { from: 'user' })
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.agree
  } catch (error) {
    return report(error, failed)
  }
}

function report(error: unknown, command: string): number {
  if (error instanceof CommanderError) {
    // Help asked for exits 0; help shown because no command was given (already on stderr) is a usage error.
    if (error.code === 'commander.help' && error.exitCode !== 0) return EXIT.usage
    if (
      error.code === 'commander.helpDisplayed' ||
      error.code === 'commander.version' ||
      error.code === 'commander.help'
    ) {
      return EXIT.agree
    }
    const { message, hint } = describeParseError(error.message, command)
    process.stderr.write(`[parallax] ${message}\n  hint: ${hint}\n`)
    return EXIT.usage
  }
  if (isParallaxError(error)) {
    process.stderr.write(`[parallax] ${error.message}\n`)
    if (error.hint) process.stderr.write(`  hint: ${error.hint}\n`)
    return exitCodeFor(error)
  }
  process.stderr.write(
    `[parallax] Unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  )
  process.stderr.write('  hint: this is a bug in parallax; please report it with the command you ran.\n')
  return EXIT.internal
}
