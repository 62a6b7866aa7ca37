/**
 * `parallax explain <scenario>`: where the divergence enters, what only carries it, which configuration
 * keys it needs (delta debugging over the keys the two variants set differently), and the smallest
 * recording that still diverges there, written as a repro test.
 */
import { Command } from 'commander'
import { plural, sanitizeText } from '../../report/index.ts'
import { type Explanation, explainScenario } from '../../scenario/explain-scenario.ts'
import { loadScenario } from '../../scenario/load-scenario.ts'
import { describeOrigin, describeSize } from '../../scenario/shrink-scenario.ts'
import { writesAllowed } from '../ci-writes.ts'
import { EXIT } from '../exit-codes.ts'

interface ExplainFlags {
  json?: boolean
  shrink: boolean
  reproDir?: string
  allowWrite?: boolean
}

/** Builds the `explain` command. */
export function explainCommand(): Command {
  return new Command('explain')
    .description(
      'Name the stages that introduce the divergence (cross-feeding) and the configuration keys it needs, and shrink a diverging recording to a minimal repro test.',
    )
    .argument('<scenario>', 'scenario file, e.g. scenarios/copilot.ts')
    .option('--json', 'print the explanation as JSON on stdout')
    .option('--no-shrink', 'skip shrinking a diverging recording to a minimal repro')
    .option(
      '--repro-dir <dir>',
      "write the repro recording and test into <dir> (default: the recording beside the scenario's first recordings, the test into test/repro/)",
    )
    .option('--allow-write', 'write the repro when CI is set (it only shrinks and reports otherwise)')
    .addHelpText(
      'after',
      `
Examples:
  parallax explain scenarios/copilot.ts
  parallax explain scenarios/copilot.ts --repro-dir out/repro
  parallax explain scenarios/copilot.ts --no-shrink --json

Every stage of one diverging recording is cross-fed: run alone on its own input in a fresh isolate (a
stage whose output then changes reads state outside its input and is reported as impure, not blamed),
and, where its input differs between the variants, run under the first variant on the second one's
input: the same output means it only propagates the divergence, another means it introduces one too.

The configuration keys are found by delta debugging: the keys the two variants set differently (config
paths, env vars, time zone, locale) are taken from the second variant into the first, a subset at a time,
and a few diverging recordings replayed each time, until a minimal set still reproduces the divergence.

One diverging recording is then shrunk, each candidate replayed under both variants and kept only if it
still diverges at the same stage: outbound exchanges dropped, streamed responses merged into fewer
chunks, JSON bodies cut (array elements, object members, runs of characters), headers dropped — at most
300 replays. It is written as min-<hash>.ndjson and a vitest file <stage>-<hash>.test.ts that fails until
the bug is fixed. With CI set nothing is written unless --allow-write is given.

Exit codes: 0 explained (or nothing diverges), 2 usage or input error, 3 a replay failed.`,
    )
    .action(async (scenarioPath: string, flags: ExplainFlags) => {
      const scenario = await loadScenario(scenarioPath)
      const write = writesAllowed(flags.allowWrite)
      const explanation = await explainScenario(scenario, {
        onProgress: (text) => {
          if (process.stderr.isTTY) process.stderr.write(`\r\x1b[2K[parallax] ${text}`)
        },
        shrink: flags.shrink && {
          write,
          ...(flags.reproDir !== undefined && { recordingsDir: flags.reproDir, testDir: flags.reproDir }),
        },
      })
      if (process.stderr.isTTY) process.stderr.write('\r\x1b[2K')
      process.stdout.write(
        flags.json ? `${JSON.stringify(explanation, null, 2)}\n` : text(explanation, flags.shrink),
      )
      process.exitCode = EXIT.agree
    })
}

/** `a`, `a and b`, `a, b and c`. */
function listed(names: readonly string[]): string {
  const safe = names.map(sanitizeText)
  return safe.length <= 1 ? (safe[0] ?? '') : `${safe.slice(0, -1).join(', ')} and ${safe.at(-1)}`
}

function text(explanation: Explanation, shrink: boolean): string {
  const [left, right] = explanation.variants.map(sanitizeText)
  const lines = [`parallax explain · scenario ${sanitizeText(explanation.scenario)} · ${left} vs ${right}`]
  if (explanation.culprits.length === 0) {
    lines.push('  nothing diverges: the variants agree on every recording')
    return `${lines.join('\n')}\n`
  }
  const roles = explanation.stages?.roles
  for (const [index, culprit] of explanation.culprits.entries()) {
    // The main culprit's carriers as cross-feeding found them; the culprit rule's otherwise.
    const carriers =
      index === 0 && roles
        ? roles.filter((r) => r.role === 'propagates').map((r) => r.stage)
        : culprit.propagatedTo
    const carried = carriers.length > 0 ? `; ${listed(carriers)} only propagate` : ''
    lines.push(
      `  ${index === 0 ? 'culprit stage:' : 'also:         '} ${sanitizeText(culprit.place)}  (${plural(culprit.recordings, 'recording')}${carried})`,
    )
  }
  if (explanation.stages && roles) {
    lines.push(`  stages:        ${roles.map((r) => `${sanitizeText(r.stage)} ${r.role}`).join(' · ')}`)
    lines.push(
      `                 (cross-fed on ${sanitizeText(explanation.stages.recording)}: each stage run alone, and on the other variant's input)`,
    )
    for (const r of roles) {
      if (r.role === 'agrees' || r.role === 'propagates' || r.detail === undefined) continue
      const paths = r.paths?.length
        ? ` at ${r.paths
            .slice(0, 3)
            .map((p) => sanitizeText(p.path))
            .join(', ')}`
        : ''
      lines.push(`                 ${sanitizeText(r.stage)} ${r.role}: ${sanitizeText(r.detail)}${paths}`)
    }
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
    if (config.broken) {
      lines.push(
        `  broken:        hybrids taking ${config.broken.keys.map(sanitizeText).join(', ')} from ${right} fail to replay (counted as not reproducing): ${sanitizeText(config.broken.error)}`,
      )
    }
    lines.push(
      `                 (${plural(config.replays, 'replay')} of ${plural(config.recordings.length, 'recording')}: ${config.recordings.map(sanitizeText).join(', ')})`,
    )
  }
  if (shrink) lines.push(reproLine(explanation))
  return `${lines.join('\n')}\n`
}

/** `  smallest repro: <recording> (<size>, from <size>; <n> replays) + <test>`, or why there is none. */
function reproLine(explanation: Explanation): string {
  const repro = explanation.repro
  if (!repro) {
    const recording = explanation.stages?.recording ?? 'the sampled recording'
    return `  smallest repro: none: ${sanitizeText(recording)} does not diverge at ${sanitizeText(explanation.culprits[0]!.place)} when replayed on its own`
  }
  const sizes = `${describeSize(repro.to)}, from ${describeOrigin(repro.from)}; ${plural(repro.tests, 'replay')}`
  if (repro.written) {
    return `  smallest repro: ${sanitizeText(repro.recording)} (${sizes}) + ${sanitizeText(repro.test)}`
  }
  return `  smallest repro: ${sizes}; not written (CI is set: --allow-write writes ${sanitizeText(repro.recording)} and ${sanitizeText(repro.test)})`
}
