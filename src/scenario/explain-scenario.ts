/**
 * `parallax explain`, first part: which stage introduces the divergence (the culprit rule over the
 * scenario's recordings) and which configuration keys it needs — the keys the two variants set
 * differently, delta-debugged (ddmin) by replaying hybrid variants (the left variant with some keys taken
 * from the right) until a minimal set that still reproduces the divergence at the same stage is left.
 */
import { differingKeys, hybrid, settingKeys } from '../explain/config-keys.ts'
import { ddmin } from '../explain/ddmin.ts'
import type { Variant } from '../replay/types.ts'
import { type RecordingOutcome, type ReplayRun, statusOf } from '../report/index.ts'
import type { ResolvedScenario } from './load-scenario.ts'
import { runScenario } from './run-scenario.ts'

/** Recordings of the main culprit's group replayed for each hybrid. */
const SAMPLE = 3

/** What explain found. */
export interface Explanation {
  scenario: string
  variants: [string, string]
  /** Divergences by where they enter, most frequent first. */
  culprits: Array<{ place: string; recordings: number; propagatedTo: string[] }>
  /** The bisection of the main culprit's configuration, when anything diverges. */
  config?: {
    place: string
    differing: string[]
    /** A minimal set of keys that, taken from the right variant, reproduces the divergence. */
    sufficient: string[]
    /** The values of the sufficient keys under both variants. */
    values: Array<{ key: string; left: unknown; right: unknown }>
    /** False when even every differing key together does not reproduce it (it does not come from config). */
    reproduced: boolean
    /** Replays of hybrid variants it took (each over the sampled recordings). */
    replays: number
    recordings: string[]
  }
}

/**
 * Explains a scenario's divergence.
 * @example const { culprits, config } = await explainScenario(await loadScenario('scenarios/copilot.ts'))
 */
export async function explainScenario(
  scenario: ResolvedScenario,
  options: { onProgress?: (text: string) => void; cwd?: string } = {},
): Promise<Explanation> {
  const cwd = options.cwd ?? process.cwd()
  const [leftName, rightName] = scenario.compare
  const left = scenario.variants.find((v) => v.name === leftName)!
  const right = scenario.variants.find((v) => v.name === rightName)!
  options.onProgress?.('replaying every recording under both variants')
  const run = await runScenario(scenario, { cwd })
  const culprits = culpritsOf(run)
  const explanation: Explanation = { scenario: scenario.name, variants: [leftName, rightName], culprits }
  const main = culprits[0]
  if (main === undefined) return explanation
  const sample = run.recordings
    .filter((o) => placeOf(o) === main.place)
    .slice(0, SAMPLE)
    .map((o) => o.recordingId)
  const differing = differingKeys(left, right)
  let replays = 0
  const reproduces = async (keys: readonly string[]) => {
    replays++
    options.onProgress?.(`replaying with ${keys.length} of ${differing.length} keys from ${rightName}`)
    const mixed: Variant = { ...hybrid(left, right, keys), name: `${leftName}+${keys.length}` }
    const trial = await runScenario(
      { ...scenario, variants: [left, mixed] },
      { cwd, variants: [leftName, mixed.name], recordingIds: sample },
    )
    return trial.recordings.some((outcome) => placeOf(outcome) === main.place)
  }
  const reproduced = differing.length > 0 && (await reproduces(differing))
  let sufficient: string[] = []
  if (reproduced) {
    const result = await ddmin(differing, reproduces)
    sufficient = result.minimal
  }
  const l = settingKeys(left)
  const r = settingKeys(right)
  explanation.config = {
    place: main.place,
    differing,
    sufficient,
    values: sufficient.map((key) => ({ key, left: l.get(key), right: r.get(key) })),
    reproduced,
    replays,
    recordings: sample,
  }
  return explanation
}

/** Where a recording's divergence enters: `decode`, `retrieve (outbound)`; undefined when it agrees. */
function placeOf(outcome: RecordingOutcome): string | undefined {
  if (outcome.result.kind !== 'compared') return undefined
  const divergence = outcome.result.comparison.divergence
  if (divergence.kind === 'stage') return divergence.culprit
  if (divergence.kind === 'external') return `${divergence.stage} (${divergence.source})`
  return undefined
}

function culpritsOf(run: ReplayRun): Explanation['culprits'] {
  const byPlace = new Map<string, { place: string; recordings: number; propagatedTo: Set<string> }>()
  for (const outcome of run.recordings) {
    if (statusOf(outcome.result) !== 'diverge' || outcome.result.kind !== 'compared') continue
    const place = placeOf(outcome)!
    const entry = byPlace.get(place) ?? { place, recordings: 0, propagatedTo: new Set<string>() }
    entry.recordings++
    const divergence = outcome.result.comparison.divergence
    if (divergence.kind !== 'none') for (const stage of divergence.propagatedTo) entry.propagatedTo.add(stage)
    byPlace.set(place, entry)
  }
  return [...byPlace.values()]
    .sort((a, b) => b.recordings - a.recordings)
    .map((entry) => ({
      place: entry.place,
      recordings: entry.recordings,
      propagatedTo: [...entry.propagatedTo],
    }))
}
