/**
 * Where a process's CPU time went, from V8 `.cpuprofile` files (`node --cpu-prof`): the top functions by
 * self time; for the code under one path (default `src/record/`) the time of each of its functions as the
 * innermost frame of that code on the stack, split by what it was calling; and, against the profiles of a
 * baseline process, the self time per request that grew.
 *
 * Usage:
 *   node bench/load/cpu-profile-summary.ts <file.cpuprofile | folder>… [--requests N]
 *     [--against <baseline file | folder> --against-requests M] [--match src/record/] [--top 20]
 * A folder means every `.cpuprofile` in it; several profiles are added up. With the request counts
 * (bench/record.bench.ts prints them when run with PARALLAX_BENCH_CPU_PROF), times are per request.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { formatTable } from './figures.ts'

interface CallFrame {
  functionName: string
  url: string
  lineNumber: number
}

export interface ProfileNode {
  id: number
  callFrame: CallFrame
  children?: number[]
}

/** The parts of V8's `.cpuprofile` this reads. */
export interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

/** Microseconds by label. */
type Times = Map<string, number>

/** The sums {@link summarizeProfiles} makes, in µs. */
export interface ProfileSummary {
  totalUs: number
  /** `(idle)`, `(program)`, `(garbage collector)` */
  specialUs: Times
  self: Times
  /** Time of samples with a frame under `match` on the stack. */
  matchedUs: number
  /** By the innermost frame under `match` and the frame it was calling (`(self)` when none). */
  matchedEdges: Times
}

const root = resolve(import.meta.dirname, '../..')

/**
 * Adds up profiles.
 * @example summarizeProfiles([JSON.parse(readFileSync('CPU.123.cpuprofile', 'utf8'))], 'src/record/')
 */
export function summarizeProfiles(profiles: readonly CpuProfile[], match: string): ProfileSummary {
  const summary: ProfileSummary = {
    totalUs: 0,
    specialUs: new Map(),
    self: new Map(),
    matchedUs: 0,
    matchedEdges: new Map(),
  }
  for (const profile of profiles) {
    const { byId, parent } = indexProfile(profile)
    for (const { id, us, node } of profileSamples(profile, byId)) {
      summary.totalUs += us
      const frame = node.callFrame
      if (frame.url === '' && frame.functionName.startsWith('('))
        add(summary.specialUs, frame.functionName, us)
      add(summary.self, label(frame), us)
      let callee: CallFrame | undefined
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const caller = byId.get(at)!.callFrame
        if (caller.url.includes(match)) {
          summary.matchedUs += us
          add(summary.matchedEdges, `${label(caller)} → ${callee ? label(callee) : '(self)'}`, us)
          break
        }
        callee = caller
      }
    }
  }
  return summary
}

/** How {@link formatProfileSummary} prints. */
export interface SummaryFormat {
  match: string
  top: number
  /** Requests the profiled process served: times are then printed per request. */
  requests?: number
  /** A baseline to print the growth of self time per request against. */
  against?: { summary: ProfileSummary; requests: number }
}

/**
 * Renders a summary as plain-text tables.
 * @example process.stdout.write(formatProfileSummary(summary, { match: 'src/record/', top: 20, requests: 41_000 }))
 */
export function formatProfileSummary(summary: ProfileSummary, format: SummaryFormat): string {
  const perRequest = format.requests !== undefined
  const time = (us: number) =>
    perRequest ? `${(us / format.requests!).toFixed(2)} µs/req` : `${(us / 1000).toFixed(1)} ms`
  const share = (us: number) => `${((us / summary.totalUs) * 100).toFixed(1)}%`
  const table = (title: string, times: Times) => {
    const rows = [...times.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, format.top)
      .map(([name, us]) => [name, time(us), share(us)])
    return `\n${title}\n${formatTable(['function (file:line)', 'time', 'of all'], rows)}`
  }
  const special = [...summary.specialUs.entries()].map(([name, us]) => `${name} ${share(us)}`).join(', ')
  const lines = [
    `sampled ${time(summary.totalUs)}: ${special}`,
    `stacks through ${format.match}: ${time(summary.matchedUs)} (${share(summary.matchedUs)})`,
    table('Top functions by self time', summary.self),
    table(
      `Innermost ${format.match} frame → what it was running (a wrapper → the app's own function, e.g. res.end, is the app's time)`,
      summary.matchedEdges,
    ),
  ]
  if (format.against !== undefined && perRequest) {
    const base = format.against
    const grown: Times = new Map()
    for (const [name, us] of summary.self) {
      const delta = us / format.requests! - (base.summary.self.get(name) ?? 0) / base.requests
      grown.set(name, delta)
    }
    const rows = [...grown.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, format.top)
      .map(([name, delta]) => [
        name,
        `+${delta.toFixed(2)} µs/req`,
        `${((base.summary.self.get(name) ?? 0) / base.requests).toFixed(2)} µs/req`,
      ])
    const total = summary.totalUs / format.requests! - base.summary.totalUs / base.requests
    lines.push(
      `\nSelf time per request grown over the baseline (sampled time per request ${total >= 0 ? '+' : ''}${total.toFixed(1)} µs, idle included)`,
      formatTable(['function (file:line)', 'grown by', 'baseline'], rows),
    )
  }
  return lines.join('\n')
}

function label(frame: CallFrame): string {
  const name = frame.functionName || '(anonymous)'
  if (frame.url === '') return name
  const file = frame.url.startsWith('file:') ? relative(root, fileURLToPath(frame.url)) : frame.url
  return `${name} (${file}:${frame.lineNumber + 1})`
}

/**
 * A profile's nodes by id, and each node's parent.
 * @example const { byId, parent } = indexProfile(profile)
 */
export function indexProfile(profile: CpuProfile): {
  byId: Map<number, ProfileNode>
  parent: Map<number, number>
} {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  return { byId, parent }
}

/**
 * Each sample with its leaf node and the microseconds it stands for (the time until the next sample).
 * @example for (const { node, us } of profileSamples(profile, byId)) total += us
 */
export function* profileSamples(
  profile: CpuProfile,
  byId: Map<number, ProfileNode>,
): Generator<{ id: number; us: number; node: ProfileNode }> {
  for (const [index, id] of profile.samples.entries()) {
    const us = profile.timeDeltas[index + 1] ?? profile.timeDeltas[index] ?? 0
    const node = byId.get(id)
    if (node !== undefined) yield { id, us, node }
  }
}

function add(times: Times, key: string, us: number): void {
  times.set(key, (times.get(key) ?? 0) + us)
}

/**
 * The profiles in `paths` (`.cpuprofile` files, or folders of them).
 * @example loadProfiles(['/tmp/prof/1-KB-memory'])
 */
export function loadProfiles(paths: readonly string[]): CpuProfile[] {
  return paths
    .flatMap((path) =>
      statSync(path).isDirectory()
        ? readdirSync(path)
            .filter((name) => name.endsWith('.cpuprofile'))
            .map((name) => join(path, name))
        : [path],
    )
    .map((file) => JSON.parse(readFileSync(file, 'utf8')) as CpuProfile)
}

if (import.meta.main) {
  const args = process.argv.slice(2)
  const option = (name: string) => {
    const at = args.indexOf(name)
    if (at < 0) return undefined
    const [, value] = args.splice(at, 2)
    return value
  }
  const match = option('--match') ?? 'src/record/'
  const top = Number(option('--top') ?? 20)
  const requests = option('--requests')
  const against = option('--against')
  const againstRequests = option('--against-requests')
  const profiles = loadProfiles(args)
  if (profiles.length === 0) {
    process.stderr.write(
      '[parallax] Usage: cpu-profile-summary.ts <file.cpuprofile | folder>… [--requests N] [--against <folder> --against-requests M] [--match path] [--top N]\n',
    )
    process.exitCode = 2
  } else {
    const format: SummaryFormat = { match, top }
    if (requests !== undefined) format.requests = Number(requests)
    if (against !== undefined && againstRequests !== undefined) {
      format.against = {
        summary: summarizeProfiles(loadProfiles([against]), match),
        requests: Number(againstRequests),
      }
    }
    process.stdout.write(`${formatProfileSummary(summarizeProfiles(profiles, match), format)}\n`)
  }
}
