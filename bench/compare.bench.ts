/**
 * The differ end to end, against the measures (ratios from one run):
 * (a) 5 stages × 2 variants × 10 MB outputs read from disk, compared: at most 2.5× the time to just read
 *     the same files (each value hashed first; only the stage where the divergence enters is parsed);
 * (b) 100 KB outputs with a few changes: at least 0.5× the ops/s of `JSON.parse` of one output;
 * (c) memory for a 10 MB compare (a child process: peak RSS over what holding the two texts takes): at
 *     most 10× the document size.
 */
import { spawnSync } from 'node:child_process'
import { webcrypto } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { compareTraces } from '../src/diff/index.ts'
import type { CapturedValue, StageTrace, Trace } from '../src/pipeline/types.ts'
import { capture, ITEMS_10MB, makeOutput, type Output, sha256, withChanges } from './diff-fixtures.ts'
import { runSuite, type SuiteResult } from './harness.ts'

const STAGES = 5
/** The stage where the variants start to differ (0-based): the two after it only carry it. */
const CULPRIT = 2
/** Items that make about 100 KB. */
const ITEMS_100KB = 270
const MEMORY_MAX = 10

/** Stage i's output: the document with a stage marker, so every stage's value is distinct. */
function stageOutput(base: Output, index: number): Output {
  return { ...base, model: `stage-${index}` }
}

/** A trace of `values` (the request, then each stage's output), each stage's input the previous output. */
function traceOf(variant: string, values: readonly CapturedValue[]): Trace {
  const stages = values.slice(1).map(
    (output, index): StageTrace => ({
      name: `stage${index}`,
      index,
      input: values[index]!,
      outcome: { kind: 'ok', output },
      probes: [],
      outbound: [],
    }),
  )
  return {
    format: 'parallax-trace',
    version: 1,
    pipeline: 'bench',
    recordingId: 'rec-bench',
    variant,
    stages,
    outbound: { recorded: 0, consumed: 0, unmatched: [] },
    timings: { stages: {}, totalMs: 0 },
  }
}

/** Both variants' stage outputs: equal before CULPRIT, a few changes at CULPRIT, carried after it. */
function variantTexts(count: number): { left: string[]; right: string[] } {
  const base = makeOutput(count)
  const changed = withChanges(base) as Output
  const left: string[] = []
  const right: string[] = []
  for (let index = 0; index < STAGES; index++) {
    left.push(capture(stageOutput(base, index)).json)
    right.push(capture(stageOutput(index < CULPRIT ? base : changed, index)).json)
  }
  return { left, right }
}

/**
 * Reads the files of both variants, hashes every value, and compares the two traces. The digest is taken
 * of the bytes as read (the SHA-256 of a value's UTF-8 text, as the tracer takes it), before decoding them,
 * on libuv's thread pool while the main thread reads and decodes: in a replay, each variant's tracer
 * hashes its values in that variant's own isolate, off the thread that compares.
 */
async function compareFromDisk(dir: string): Promise<Trace[]> {
  const files = (variant: string) =>
    Array.from({ length: STAGES }, (_, index) => readFileSync(join(dir, `${variant}-${index}.json`)))
  const hashed = (bytes: Buffer[]) =>
    bytes.map(async (value) => Buffer.from(await webcrypto.subtle.digest('SHA-256', value)).toString('hex'))
  const local = files('local')
  const localDigests = hashed(local)
  const production = files('production')
  const productionDigests = hashed(production)
  const values = async (bytes: Buffer[], digests: Array<Promise<string>>): Promise<CapturedValue[]> => {
    const texts = bytes.map((value) => value.toString('utf8'))
    return [
      capture({ request: 'bench' }),
      ...(await Promise.all(digests)).map((digest, index) => ({ json: texts[index]!, digest })),
    ]
  }
  const left = await values(local, localDigests)
  const right = await values(production, productionDigests)
  return [traceOf('local', left), traceOf('production', right)]
}

function readAll(dir: string): number {
  let total = 0
  for (const variant of ['local', 'production'])
    for (let index = 0; index < STAGES; index++)
      total += readFileSync(join(dir, `${variant}-${index}.json`), 'utf8').length
  return total
}

/** Runs the end-to-end benches. */
export async function run(): Promise<SuiteResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'parallax-bench-compare-'))
  try {
    const { left, right } = variantTexts(ITEMS_10MB)
    for (let index = 0; index < STAGES; index++) {
      writeFileSync(join(dir, `local-${index}.json`), left[index]!)
      writeFileSync(join(dir, `production-${index}.json`), right[index]!)
    }
    const size = `${(left[0]!.length / 1e6).toFixed(1)} MB`
    const [l, r] = await compareFromDisk(dir)
    const check = compareTraces(l!, r!)
    if (check.divergence.kind !== 'stage' || check.divergence.culprit !== `stage${CULPRIT}`) {
      throw new Error(`Failed to set up the compare bench: ${JSON.stringify(check.divergence).slice(0, 200)}`)
    }
    const read = `read ${STAGES * 2} files of ${size}`
    const endToEnd = `read + hash all + compareTraces`
    const disk = await runSuite({
      title: `${STAGES} stages × 2 variants × ${size} outputs from disk, diverging at stage ${CULPRIT + 1} of ${STAGES}`,
      baseline: read,
      rounds: 5,
      cases: [
        { name: read, fn: () => readAll(dir) },
        {
          name: endToEnd,
          fn: async () => {
            const [a, b] = await compareFromDisk(dir)
            return compareTraces(a!, b!)
          },
        },
      ],
      targets: [{ case: endToEnd, max: 2.5 }],
    })

    const small = variantTexts(ITEMS_100KB)
    const smallValues = (texts: string[]) => [
      capture({ request: 'bench' }),
      ...texts.map((json) => ({ json, digest: sha256(json) })),
    ]
    const smallLeft = traceOf('local', smallValues(small.left))
    const smallRight = traceOf('production', smallValues(small.right))
    const parse = `JSON.parse ${(small.left[0]!.length / 1e3).toFixed(0)} KB`
    const compare = `compareTraces, ${STAGES} stages of ${(small.left[0]!.length / 1e3).toFixed(0)} KB, 5 changes`
    const hundred = await runSuite({
      title: '100 KB outputs with a few changes (target: ≥ 0.5× the ops/s of JSON.parse, so ≤ 2× its time)',
      baseline: parse,
      cases: [
        { name: parse, fn: () => JSON.parse(small.left[0]!) },
        { name: compare, fn: () => compareTraces(smallLeft, smallRight) },
      ],
      targets: [{ case: compare, max: 2 }],
    })
    return [disk, hundred, memorySuite(dir, size)]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Peak memory of one 10 MB compare, in a child process so nothing else is in its heap. */
function memorySuite(dir: string, size: string): SuiteResult {
  const child = spawnSync(
    process.execPath,
    [
      new URL('./load/compare-memory.ts', import.meta.url).pathname,
      join(dir, 'local-2.json'),
      join(dir, 'production-2.json'),
    ],
    { encoding: 'utf8' },
  )
  if (child.status !== 0) throw new Error(`Failed to measure compare memory: ${child.stderr}`)
  const figures = JSON.parse(child.stdout) as { documentBytes: number; heldBytes: number; peakBytes: number }
  const ratio = (figures.peakBytes - figures.heldBytes) / figures.documentBytes
  const title = `Memory of one ${size} compare (5 changes), peak RSS over holding both texts`
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`
  const pass = ratio <= MEMORY_MAX
  process.stdout.write(
    `\n${title}\n  document ${mb(figures.documentBytes)}, RSS holding both texts ${mb(figures.heldBytes)}, peak ${mb(figures.peakBytes)}: ${ratio.toFixed(1)}× the document\n\n${pass ? 'PASS' : 'MISS'}  compare memory ≤ ${MEMORY_MAX}× the document size: ${ratio.toFixed(1)}×\n`,
  )
  return {
    title,
    baseline: 'document',
    rounds: 1,
    cases: [],
    targets: [{ label: `compare memory ≤ ${MEMORY_MAX}× the document size`, ratio, max: MEMORY_MAX, pass }],
  }
}
