/**
 * `parallax verify <scenario> --candidate <module>`: production traffic replayed against a candidate fix —
 * what it fixes, what still diverges, what it newly breaks.
 */
import { relative, resolve } from 'node:path'
import { Command } from 'commander'
import { writeFileAtomically } from '../../recording/write-atomically.ts'
import { sanitizeText } from '../../report/index.ts'
import { loadScenario } from '../../scenario/load-scenario.ts'
import { type Verification, type VerifyClass, verifyCandidate } from '../../scenario/verify-candidate.ts'
import { EXIT } from '../exit-codes.ts'
import { createProgress } from '../progress.ts'

interface VerifyFlags {
  candidate: string
  export?: string
  markdown?: string
}

const LABELS: Record<VerifyClass, string> = {
  fixed: 'fixed',
  'still-diverging': 'still diverging',
  'newly-diverging': 'newly diverging',
  unchanged: 'unchanged (agree)',
  failed: 'replay failed',
}

/** Builds the `verify` command. */
export function verifyCommand(): Command {
  return new Command('verify')
    .description(
      'Replay the recordings against a candidate pipeline: what it fixes, what still diverges, what it newly breaks.',
    )
    .argument('<scenario>', 'scenario file, e.g. scenarios/copilot.ts')
    .requiredOption(
      '--candidate <module>',
      'the changed pipeline module (same stages), e.g. examples/copilot/candidate-pipeline.ts',
    )
    .option('--export <name>', "the candidate module's export holding the pipeline (default: the scenario's)")
    .option('--markdown <file>', 'also write a Markdown summary for the pull request')
    .addHelpText(
      'after',
      `
Examples:
  parallax verify scenarios/copilot.ts --candidate examples/copilot/candidate-pipeline.ts
  parallax verify scenarios/copilot.ts --candidate src/pipeline.ts --markdown out/verify.md

Exit codes:
  0  no recording newly diverges (fixed, still diverging and unchanged are listed)
  1  at least one recording agreed before and diverges with the candidate
  2  usage or input error (unknown flag, missing file, a candidate that fails to load)
  3  a replay failed`,
    )
    .action(async (scenarioPath: string, flags: VerifyFlags) => {
      process.exitCode = await verify(scenarioPath, flags)
    })
}

async function verify(scenarioPath: string, flags: VerifyFlags): Promise<number> {
  const scenario = await loadScenario(scenarioPath)
  const progress = createProgress(process.stderr)
  let verification: Verification
  try {
    verification = await verifyCandidate(
      scenario,
      { module: resolve(flags.candidate), ...(flags.export !== undefined && { export: flags.export }) },
      { onProgress: (done, total, label) => progress.update(done, total, label) },
    )
  } finally {
    progress.stop()
  }
  const lines = [
    `parallax verify · scenario ${sanitizeText(verification.scenario)} · ${verification.variants.map(sanitizeText).join(' vs ')} · candidate ${relative(process.cwd(), verification.candidate)}`,
    '',
  ]
  for (const recording of verification.recordings) {
    const mark = { fixed: '✓', 'still-diverging': '✗', 'newly-diverging': '✗', unchanged: '·', failed: '!' }[
      recording.class
    ]
    lines.push(
      `  ${mark} ${sanitizeText(recording.recordingId)}  ${sanitizeText(recording.route)}  ${LABELS[recording.class]}: ${sanitizeText(recording.before)} → ${sanitizeText(recording.after)}`,
    )
  }
  const counts = verification.counts
  lines.push(
    '',
    `Summary: ${counts.fixed} fixed · ${counts['still-diverging']} still diverging · ${counts['newly-diverging']} newly diverging · ${counts.unchanged} unchanged${counts.failed > 0 ? ` · ${counts.failed} replay failed` : ''}`,
  )
  process.stdout.write(`${lines.join('\n')}\n`)
  if (flags.markdown !== undefined) {
    const text = markdown(verification)
    await writeFileAtomically(resolve(flags.markdown), (handle) => handle.writeFile(text))
  }
  if (counts['newly-diverging'] > 0) return EXIT.diverge
  if (counts.failed > 0) return EXIT.replayFailed
  return EXIT.agree
}

/** The pull-request summary: the counts, then the recordings that changed verdict. */
function markdown(verification: Verification): string {
  const code = (text: string) => `\`${sanitizeText(text).replaceAll('`', "'").replaceAll('|', '\\|')}\``
  const { counts } = verification
  const verdict =
    counts['newly-diverging'] > 0
      ? `❌ The candidate newly breaks ${counts['newly-diverging']} recording(s).`
      : counts['still-diverging'] > 0
        ? `⚠️ The candidate fixes ${counts.fixed}; ${counts['still-diverging']} still diverge.`
        : `✅ The candidate fixes ${counts.fixed} recording(s) and breaks none.`
  const lines = [
    `### parallax verify: ${code(verification.scenario)}, ${code(verification.variants[0])} vs ${code(verification.variants[1])}`,
    '',
    verdict,
    '',
    '| fixed | still diverging | newly diverging | unchanged | replay failed |',
    '| ---: | ---: | ---: | ---: | ---: |',
    `| ${counts.fixed} | ${counts['still-diverging']} | ${counts['newly-diverging']} | ${counts.unchanged} | ${counts.failed} |`,
  ]
  const changed = verification.recordings.filter((r) => r.class !== 'unchanged').slice(0, 50)
  if (changed.length > 0) {
    lines.push('', '| recording | route | verdict | before → after |', '| --- | --- | --- | --- |')
    for (const r of changed)
      lines.push(
        `| ${code(r.recordingId)} | ${code(r.route)} | ${LABELS[r.class]} | ${code(r.before)} → ${code(r.after)} |`,
      )
  }
  return `${lines.join('\n')}\n`
}
