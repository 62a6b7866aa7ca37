/**
 * Finding noise: every recording replayed twice under each compared variant, in separate isolates, and the
 * two runs of a variant compared stage by stage. Replay is deterministic by contract, so whatever differs
 * between two runs of the same variant is noise the replay did not pin down (a clock read the recorder
 * missed, an unordered collection, a per-process id) — the primary/secondary trick of Diffy. The noisy
 * paths come back as `ignore` rules a person reviews; `--learn-noise` writes them beside the scenario.
 */
import { existsSync, readFileSync } from 'node:fs'
import { basename, dirname, extname, join, relative } from 'node:path'
import { type ChangedPath, diffJson, type NoiseRules } from '../diff/index.ts'
import type { CapturedValue, StageTrace, Trace } from '../pipeline/types.ts'
import { ParallaxError } from '../recording/errors.ts'
import { writeFileAtomically } from '../recording/write-atomically.ts'
import { createReplayer } from '../replay/index.ts'
import type { ResolvedScenario } from './load-scenario.ts'
import { loadScenarioRecordings } from './run-scenario.ts'

/** One noisy path: where two runs of the same variant differed. */
export interface NoiseFinding {
  /** The path with array indexes generalized: `$.items[*].at`. */
  path: string
  /** Where it was seen first: `decode output`, `retrieve:scores probe`, `request`. */
  where: string
  /** Variants under which it differed. */
  variants: string[]
  /** Recordings in which it differed, and one of them. */
  recordings: number
  example: string
}

/**
 * What noise detection found.
 * @example const { findings, rules } = await detectNoise(scenario)
 */
export interface NoiseDetection {
  scenario: string
  variants: string[]
  /** Recordings replayed twice under every variant. */
  recordings: number
  /** Recordings whose replay failed under some run (not compared). */
  failed: number
  findings: NoiseFinding[]
  /** The findings as rules: one `ignore` per noisy path. */
  rules: NoiseRules
}

export interface DetectNoiseOptions {
  /** The variants to replay twice; default the scenario's `compare`. */
  variants?: readonly string[]
  recordingIds?: readonly string[]
  seed?: number
  onProgress?: (done: number, total: number) => void
  output?: NodeJS.WritableStream
}

/**
 * Replays each recording twice under each variant and lists the paths that differ between the two runs.
 * @example const detection = await detectNoise(await loadScenario('scenarios/copilot.ts'))
 */
export async function detectNoise(
  scenario: ResolvedScenario,
  options: DetectNoiseOptions = {},
): Promise<NoiseDetection> {
  const names = options.variants ?? scenario.compare
  const variants = names.map((name) => {
    const variant = scenario.variants.find((v) => v.name === name)
    if (!variant) {
      throw new ParallaxError(
        'PARALLAX_USAGE',
        `Failed to detect noise in ${scenario.name}: it has no variant ${name}.`,
        {
          hint: `Variants: ${scenario.variants.map((v) => v.name).join(', ')}.`,
        },
      )
    }
    return variant
  })
  const recordings = (await loadScenarioRecordings(scenario.recordings)).loaded
  const selected = options.recordingIds
    ? recordings.filter((entry) => options.recordingIds!.includes(entry.recording.id))
    : recordings
  if (selected.length === 0) {
    throw new ParallaxError(
      'PARALLAX_NOT_FOUND',
      `Failed to detect noise in ${scenario.name}: no recording loaded.`,
      {
        hint: 'Record some first, or check the recordings of the scenario.',
      },
    )
  }
  // Two isolates per variant: the second run must not share a process, a cache or a JIT state with the first.
  const replayer = createReplayer({
    pipeline: scenario.pipeline,
    variants: variants.flatMap((variant) => [variant, { ...variant, name: `${variant.name} (again)` }]),
    seed: options.seed ?? scenario.seed,
    allowHosts: scenario.allowHosts,
    ...(options.output ? { output: options.output } : {}),
  })
  const found = new Map<string, NoiseFinding & { seen: Set<string> }>()
  let failed = 0
  let done = 0
  try {
    for await (const traces of replayer.replayAll(selected.map((entry) => entry.recording))) {
      done++
      options.onProgress?.(done, selected.length)
      if (traces.some((trace) => trace.failure)) {
        failed++
        continue
      }
      for (let v = 0; v < variants.length; v++) {
        const first = traces[2 * v]!
        const second = traces[2 * v + 1]!
        for (const { where, paths } of runDifferences(first, second)) {
          for (const change of paths) {
            const path = change.path.replace(/\[\d+\]/g, '[*]')
            const finding = found.get(path) ?? {
              path,
              where,
              variants: [],
              recordings: 0,
              example: first.recordingId,
              seen: new Set<string>(),
            }
            if (!finding.variants.includes(variants[v]!.name)) finding.variants.push(variants[v]!.name)
            if (!finding.seen.has(first.recordingId)) {
              finding.seen.add(first.recordingId)
              finding.recordings++
            }
            found.set(path, finding)
          }
        }
      }
    }
  } finally {
    await replayer.close()
  }
  const findings = [...found.values()]
    .map(({ seen: _seen, ...finding }) => finding)
    .sort((a, b) => b.recordings - a.recordings || a.path.localeCompare(b.path))
  return {
    scenario: scenario.name,
    variants: variants.map((v) => v.name),
    recordings: selected.length,
    failed,
    findings,
    rules: findings.length === 0 ? {} : { ignore: findings.map((finding) => finding.path) },
  }
}

/** The changed paths between two runs of one variant: the request, then each stage's probes and output. */
function runDifferences(first: Trace, second: Trace): Array<{ where: string; paths: ChangedPath[] }> {
  const out: Array<{ where: string; paths: ChangedPath[] }> = []
  const add = (where: string, left: CapturedValue, right: CapturedValue) => {
    if (left.digest !== right.digest)
      out.push({ where, paths: diffJson(JSON.parse(left.json), JSON.parse(right.json)) })
  }
  const byName = new Map<string, StageTrace>(second.stages.map((stage) => [stage.name, stage]))
  const [head] = first.stages
  const other = head && byName.get(head.name)
  if (head && other) add('request', head.input, other.input)
  for (const stage of first.stages) {
    const twin = byName.get(stage.name)
    if (!twin) continue
    for (const [index, probe] of stage.probes.entries()) {
      const match = twin.probes[index]
      if (match && match.name === probe.name)
        add(`${stage.name}:${probe.name} probe`, probe.value, match.value)
    }
    const left = stage.outcome.kind === 'ok' ? stage.outcome.output : stage.outcome.error
    const right = twin.outcome.kind === 'ok' ? twin.outcome.output : twin.outcome.error
    add(`${stage.name} output`, left, right)
  }
  return out
}

/**
 * The file where learned noise rules of a scenario live: `scenarios/copilot.noise.json` beside
 * `scenarios/copilot.ts`. loadScenario adds its rules to the scenario's own.
 * @example noiseFileOf('/repo/scenarios/copilot.ts') // '/repo/scenarios/copilot.noise.json'
 */
export function noiseFileOf(scenarioFile: string): string {
  return join(dirname(scenarioFile), `${basename(scenarioFile, extname(scenarioFile))}.noise.json`)
}

/** What learning did: the rules file, the rules it holds now, and the ignore rules this run added to it. */
export interface LearnedNoise {
  file: string
  rules: NoiseRules
  /** Ignore rules that were not in the file yet; empty when the file was left as it was (or not created). */
  added: string[]
}

/**
 * Writes learned rules beside the scenario, added to the rules already learned there (nothing is dropped:
 * a person removes what should not be ignored). The file is only written when a rule is new.
 * @example const { added } = await learnNoise(scenario, detection.rules)
 */
export async function learnNoise(scenario: ResolvedScenario, rules: NoiseRules): Promise<LearnedNoise> {
  const file = noiseFileOf(scenario.file)
  const before = existsSync(file) ? readNoiseFile(file) : {}
  const known = new Set(before.ignore ?? [])
  const added = [...new Set(rules.ignore ?? [])].filter((path) => !known.has(path))
  if (added.length === 0) return { file, rules: before, added }
  const merged: NoiseRules = { ...before, ignore: [...known, ...added] }
  await writeFileAtomically(file, (handle) => handle.writeFile(`${JSON.stringify(merged, null, 2)}\n`))
  return { file, rules: merged, added }
}

/**
 * The detection as `parallax replay --detect-noise --json` prints it (docs/json-output.md): versioned, every
 * key present, `learned` null unless rules were learned. `file` is the rules file as the caller shows it.
 * @example noiseDetectionJson(detection, learned && { ...learned, file: 'scenarios/api.noise.json' })
 */
export function noiseDetectionJson(detection: NoiseDetection, learned?: LearnedNoise): JsonNoiseDetection {
  return {
    format: 'parallax-noise-detection',
    version: 1,
    scenario: detection.scenario,
    variants: [...detection.variants],
    recordings: detection.recordings,
    failed: detection.failed,
    findings: detection.findings.map((finding) => ({
      path: finding.path,
      where: finding.where,
      variants: [...finding.variants],
      recordings: finding.recordings,
      example: finding.example,
    })),
    ignore: [...(detection.rules.ignore ?? [])],
    learned:
      learned === undefined
        ? null
        : { file: learned.file, added: [...learned.added], ignore: [...(learned.rules.ignore ?? [])] },
  }
}

/** The JSON form of a noise detection (see {@link noiseDetectionJson}). */
export interface JsonNoiseDetection {
  format: 'parallax-noise-detection'
  version: 1
  scenario: string
  variants: string[]
  recordings: number
  failed: number
  findings: NoiseFinding[]
  /** The noisy paths as ignore rules. */
  ignore: string[]
  /** With --learn-noise: the rules file, the rules this run added to it, and every ignore rule it holds. */
  learned: { file: string; added: string[]; ignore: string[] } | null
}

/**
 * Reads a learned-rules file (JSON NoiseRules); a file that is not JSON is a usage error naming it.
 * @example readNoiseFile('scenarios/copilot.noise.json').ignore
 */
export function readNoiseFile(file: string): NoiseRules {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as NoiseRules
  } catch (error) {
    throw new ParallaxError(
      'PARALLAX_USAGE',
      `Failed to read noise rules ${relative(process.cwd(), file)}: ${(error as Error).message}.`,
      {
        hint: 'Fix the JSON, or delete the file and learn the rules again with parallax replay --learn-noise.',
        cause: error,
      },
    )
  }
}
