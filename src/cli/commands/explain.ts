/**
 * `parallax explain <scenario>`: where the divergence enters, what only carries it, and which
 * configuration keys it needs (delta debugging over the keys the two variants set differently).
 */
import { Command } from 'commander'
import { sanitizeText } from '../../report/index.ts'
import { type Explanation, explainScenario } from '../../scenario/explain-scenario.ts'
import { loadScenario } from '../../scenario/load-scenario.ts'
import { EXIT } from '../exit-codes.ts'

/** Builds the `explain` command. */
export function explainCommand(): Command {
  return new Command('explain')
    .description('Name the stage that introduces the divergence and the configuration keys it needs.')
    .argument('<scenario>', 'scenario file, e.g. scenarios/copilot.ts')
    .option('--json', 'print the explanation as JSON on stdout')
    .addHelpText(
      'after',
      `
Examples:
  parallax explain scenarios/copilot.ts

The configuration keys are found by delta debugging: the keys the two variants set differently (config
paths, env vars, time zone, locale) are taken from the second variant into the first, a subset at a time,
and a few diverging recordings replayed each time, until a minimal set still reproduces the divergence.

Exit codes: 0 explained (or nothing diverges), 2 usage or input error, 3 a replay failed.`,
    )
    .action(async (scenarioPath: string, flags: { json?: boolean }) => {
      const scenario = await loadScenario(scenarioPath)
      const explanation = await explainScenario(scenario, {
        onProgress: (text) => {
          if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K[parallax] ${text}`)
        },
      })
      if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K')
      process.stdout.write(flags.json ? `${JSON.stringify(explanation, null, 2)}\n` : text(explanation))
      process.exitCode = EXIT.agree
    })
}

function text(explanation: Explanation): string {
  const [left, right] = explanation.variants.map(sanitizeText)
  const lines = [`parallax explain · scenario ${sanitizeText(explanation.scenario)} · ${left} vs ${right}`]
  if (explanation.culprits.length === 0) {
    lines.push('  nothing diverges: the variants agree on every recording')
    return `${lines.join('\n')}\n`
  }
  for (const [index, culprit] of explanation.culprits.entries()) {
    const carried =
      culprit.propagatedTo.length > 0 ? `; ${culprit.propagatedTo.join(' and ')} only propagate` : ''
    lines.push(
      `  ${index === 0 ? 'culprit stage:' : 'also:         '} ${sanitizeText(culprit.place)}  (${culprit.recordings} recording${culprit.recordings === 1 ? '' : 's'}${carried})`,
    )
  }
  const config = explanation.config
  if (config) {
    const others = config.differing.length - config.sufficient.length
    if (!config.reproduced) {
      lines.push(
        `  config:        the ${config.differing.length} differing keys together do not reproduce it at ${sanitizeText(config.place)}: it does not come from configuration alone`,
      )
    } else {
      const keys = config.values
        .map(
          (v) =>
            `${sanitizeText(v.key)} (${sanitizeText(JSON.stringify(v.left) ?? 'unset')} vs ${sanitizeText(JSON.stringify(v.right) ?? 'unset')})`,
        )
        .join(', ')
      lines.push(
        `  config:        ${keys} ${config.sufficient.length === 1 ? 'is' : 'are'} sufficient; the ${others} other differing key${others === 1 ? ' is' : 's are'} not needed`,
      )
    }
    lines.push(
      `                 (${config.replays} replays of ${config.recordings.length} recordings: ${config.recordings.map(sanitizeText).join(', ')})`,
    )
  }
  return `${lines.join('\n')}\n`
}
