/**
 * The smallest repro of a scenario's divergence: one diverging recording shrunk (explain/shrink-recording.ts)
 * while it still diverges at the same place under the scenario's two variants, written as a one-recording
 * segment and a self-contained vitest file that fails until the bug is fixed.
 */
import { hash } from 'node:crypto'
import { mkdir, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path'
import { pathToFileURL } from 'node:url'
import {
  type RecordingSize,
  SHRINK_MAX_TESTS,
  type ShrinkResult,
  shrinkRecording,
} from '../explain/shrink-recording.ts'
import { writeSegment } from '../recording/index.ts'
import type { Recording } from '../recording/types.ts'
import { pinOutbound } from '../replay/index.ts'
import { placeOf } from './divergence-place.ts'
import type { ResolvedScenario } from './load-scenario.ts'
import { openScenarioReplayer, type ScenarioReplayer } from './run-scenario.ts'

/**
 * Shrinks `recording` while it still diverges at `place` under the scenario's compared variants; undefined
 * when it does not diverge there to begin with. Candidates are replayed with `route` matching, so the
 * inbound request shrinks too (its calls then ask other URLs); the result gets the URLs its calls asked
 * (pinOutbound) and is checked to diverge with ordinary exact matching — else the shrink is redone with
 * exact matching. `tests` counts every replay (about `maxTests`, default 300, plus the checks).
 * @example const shrunk = await shrinkDivergence(scenario, recording, 'decode')
 */
export async function shrinkDivergence(
  scenario: ResolvedScenario,
  recording: Recording,
  place: string,
  options: { maxTests?: number; onProgress?: (text: string) => void } = {},
): Promise<ShrinkResult | undefined> {
  const route = openScenarioReplayer(scenario, { matching: 'route' })
  const exact = openScenarioReplayer(scenario)
  let checks = 0
  const divergesThere = (replayer: ScenarioReplayer) => async (candidate: Recording) => {
    checks++
    try {
      return placeOf((await replayer.compare(candidate)).result) === place
    } catch {
      // A candidate that breaks the replay (an isolate crash) shows nothing.
      return false
    }
  }
  // The budget covers every replay: the first check, the pinning replay and the exact check included.
  const budget = { ...options, maxTests: Math.max(0, (options.maxTests ?? SHRINK_MAX_TESTS) - 3) }
  try {
    if (!(await divergesThere(route)(recording))) return undefined
    const shrunk = await shrinkRecording(recording, divergesThere(route), budget)
    const { traces } = await route.compare(shrunk.recording)
    const pinned = pinOutbound(shrunk.recording, traces[0])
    if (await divergesThere(exact)(pinned)) return { ...shrunk, recording: pinned, tests: checks + 1 }
    // A call whose request body followed the changed request: only exact matching keeps it replayable.
    if (!(await divergesThere(exact)(recording))) return undefined
    const strict = await shrinkRecording(recording, divergesThere(exact), budget)
    return { ...strict, tests: checks + 1 }
  } finally {
    await Promise.all([route.close(), exact.close()])
  }
}

/**
 * The folder of a scenario's first recordings entry, where a repro recording goes by default: itself
 * when it is a folder, the file's folder, or the part of a glob before its first pattern.
 * @example await recordingsFolder(scenario.recordings) // '/repo/recordings/copilot'
 */
export async function recordingsFolder(entries: readonly string[]): Promise<string> {
  const first = entries[0]!
  const steps = first.split(sep)
  const pattern = steps.findIndex((step) => /[*?[{]/.test(step))
  if (pattern !== -1) return steps.slice(0, pattern).join(sep) || sep
  const info = await stat(first).catch(() => undefined)
  return info?.isDirectory() ? first : dirname(first)
}

/** What a repro is made of and where it goes. */
export interface ReproOptions {
  scenarioFile: string
  /** The shrunk recording (its id is replaced by `min-<hash>`). */
  recording: Recording
  /** Where it diverges: `decode`. */
  place: string
  /** The two variants it diverges under, as compared. */
  variants: [string, string]
  recordingsDir: string
  testDir: string
  /** The module the test imports `loadScenario` and `runScenario` from; default `parallax/scenario`. */
  parallaxModule?: string
  /** How it was made, for the test's header. */
  made?: { from: string; before: RecordingSize; after: RecordingSize; tests: number }
}

/** The two files of a repro, before they are written. */
export interface ReproFiles {
  /** `min-<8 hex of the recording's SHA-256>`. */
  id: string
  recordingFile: string
  /** The recording under its new id. */
  recording: Recording
  testFile: string
  testSource: string
}

/**
 * Names and renders a repro's files without writing them: `<recordingsDir>/min-<hash>.ndjson` and
 * `<testDir>/<place>-<hash>.test.ts`.
 * @example planRepro({ scenarioFile, recording, place: 'decode', variants, recordingsDir, testDir }).testFile
 */
export function planRepro(options: ReproOptions): ReproFiles {
  const digest = hash('sha256', JSON.stringify(options.recording)).slice(0, 8)
  const id = `min-${digest}`
  const recordingFile = join(options.recordingsDir, `${id}.ndjson`)
  const testFile = join(options.testDir, `${slug(options.place)}-${digest}.test.ts`)
  return {
    id,
    recordingFile,
    recording: { ...options.recording, id },
    testFile,
    testSource: reproTest({ ...options, id, recordingFile, testFile }),
  }
}

/**
 * Writes a repro: the shrunk recording as a one-recording segment and the vitest file that replays it.
 * @example const { recordingFile, testFile } = await writeRepro({ scenarioFile, recording, place, variants, recordingsDir, testDir })
 */
export async function writeRepro(options: ReproOptions): Promise<ReproFiles> {
  const files = planRepro(options)
  await writeSegment(files.recordingFile, [files.recording])
  await mkdir(dirname(files.testFile), { recursive: true })
  await writeFile(files.testFile, files.testSource)
  return files
}

/**
 * `1 outbound exchange, 70-byte bodies`.
 * @example describeSize({ outbound: 8, bodyBytes: 1796, chunks: 8 }) // '8 outbound exchanges, 1796-byte bodies'
 */
export function describeSize(size: RecordingSize): string {
  return `${size.outbound} outbound exchange${size.outbound === 1 ? '' : 's'}, ${size.bodyBytes}-byte bodies`
}

/**
 * `8 exchanges/1796 bytes`: the size a repro was shrunk from.
 * @example describeOrigin({ outbound: 1, bodyBytes: 1893, chunks: 49 }) // '1 exchange/1893 bytes'
 */
export function describeOrigin(size: RecordingSize): string {
  return `${size.outbound} exchange${size.outbound === 1 ? '' : 's'}/${size.bodyBytes} bytes`
}

/** A file-name-safe form of a place: `retrieve (outbound)` → `retrieve-outbound`. */
function slug(place: string): string {
  return (
    place
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'divergence'
  )
}

/** The test file: formatted as biome formats it, every value that varies in a string constant. */
function reproTest(options: ReproOptions & { id: string; recordingFile: string; testFile: string }): string {
  const [left, right] = options.variants
  const from = (file: string) => {
    const path = relative(dirname(options.testFile), file)
    // Another drive (Windows): no relative path leads there.
    if (isAbsolute(path)) return pathToFileURL(file).href
    const posix = path.split(sep).join('/')
    return posix.startsWith('.') ? posix : `./${posix}`
  }
  const made = options.made
  const how = made
    ? `recording ${made.from} shrunk by \`parallax explain\` to ${options.id} (${describeSize(made.after)}, from ` +
      `${describeOrigin(made.before)}) in ${made.tests} replays, each checked to still diverge there`
    : `recording ${options.id}, made by \`parallax explain\``
  const header = [
    ...wrap(
      comment(
        `Smallest repro of a divergence at ${options.place} between ${left} and ${right} (scenario ` +
          `${basename(options.scenarioFile)}): ${how}.`,
      ),
    ),
    '',
    ...wrap(
      "It fails until the bug is fixed; then delete it (and its recording) or change the scenario's expectation.",
    ),
  ]
  return `/**
${header.map((line) => ` *${line === '' ? '' : ` ${line}`}`).join('\n')}
 */
import { fileURLToPath } from 'node:url'
import { loadScenario, runScenario } from ${literal(options.parallaxModule ?? 'parallax/scenario')}
import { expect, it } from 'vitest'

const SCENARIO = ${literal(from(options.scenarioFile))}
const RECORDING = ${literal(from(options.recordingFile))}
const LEFT = ${literal(left)}
const RIGHT = ${literal(right)}
const TITLE = ${literal(`${options.id}: ${left} and ${right} agree (they diverged at ${options.place})`)}

it(TITLE, { timeout: 120_000 }, async () => {
  const scenario = await loadScenario(fileURLToPath(new URL(SCENARIO, import.meta.url)))
  const recordings = [fileURLToPath(new URL(RECORDING, import.meta.url))]
  const run = await runScenario({ ...scenario, recordings }, { variants: [LEFT, RIGHT] })
  const result = run.recordings[0]?.result
  let status = 'agree'
  const details: string[] = []
  if (result === undefined) {
    status = 'was not replayed'
  } else if (result.kind === 'failed') {
    status = \`failed under \${result.variant}\`
    details.push(result.error.message)
  } else if (result.comparison.divergence.kind !== 'none') {
    const divergence = result.comparison.divergence
    const place =
      divergence.kind === 'stage' ? divergence.culprit : \`\${divergence.stage} (\${divergence.source})\`
    status = \`diverges at \${place}\`
    if (divergence.kind === 'stage' && divergence.checkpoint)
      details.push(\`in probe \${divergence.checkpoint}\`)
    for (const change of divergence.paths.slice(0, 5)) {
      details.push(\`\${change.path}: \${shown(change.before, change.after)}\`)
    }
  }
  const message = [\`\${RECORDING} \${status} (\${LEFT} vs \${RIGHT})\`, ...details].join('\\n  ')
  expect(status, message).toBe('agree')
})

/** Two values as JSON, each clipped around where they first differ. */
function shown(before: unknown, after: unknown): string {
  const left = JSON.stringify(before) ?? 'undefined'
  const right = JSON.stringify(after) ?? 'undefined'
  let at = 0
  while (at < left.length && left[at] === right[at]) at++
  const start = Math.max(0, at - 24)
  const clip = (text: string) =>
    \`\${start > 0 ? '…' : ''}\${text.slice(start, start + 64)}\${start + 64 < text.length ? '…' : ''}\`
  return \`\${clip(left)} → \${clip(right)}\`
}
`
}

/** Words in lines of at most 100 characters (a longer word on a line of its own). */
function wrap(text: string): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > 100) {
      lines.push(line)
      line = word
    } else {
      line = line === '' ? word : `${line} ${word}`
    }
  }
  return [...lines, line]
}

/** Text safe inside a block comment. */
function comment(text: string): string {
  return text.replaceAll('*/', '* /').replace(/[\r\n]+/g, ' ')
}

/** A string literal as biome writes one: single quotes, unless the text holds more of them than of double quotes. */
function literal(text: string): string {
  const singles = text.split("'").length - 1
  const doubles = text.split('"').length - 1
  const quote = singles > doubles ? '"' : "'"
  const escaped = JSON.stringify(text).slice(1, -1).replaceAll('\\"', '"').replaceAll(quote, `\\${quote}`)
  return `${quote}${escaped}${quote}`
}
