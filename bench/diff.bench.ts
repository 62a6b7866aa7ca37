/**
 * Benchmarks of the diff layer against `JSON.parse` of the same output, measured in the same run:
 * (a) deciding that two 10 MB stage outputs are equal must cost at most half a parse;
 * (b) localizing 5 leaf changes in a 10 MB output (28k objects with ids) at most 4 parses, growing
 *     linearly from 1 MB to 10 MB (at most 15×).
 */
import { createHash } from 'node:crypto'
import { compareTraces, compileNoiseRules, diffJson, type NoiseRule } from '../src/diff/index.ts'
import type { CapturedValue, StageTrace, Trace } from '../src/pipeline/types.ts'
import { CHANGES, capture, ITEMS_1MB, ITEMS_10MB, makeOutput, sha256, withChanges } from './diff-fixtures.ts'
import { runSuite, type SuiteResult } from './harness.ts'

function sha256WholeString(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/** A three-stage trace whose middle stage returns `output`: parse → retrieve (big output) → render. */
function traceOf(variant: string, output: CapturedValue): Trace {
  const query = capture({ prefix: 'par', lang: 'ts' })
  const stage = (name: string, index: number, input: CapturedValue, out: CapturedValue): StageTrace => ({
    name,
    index,
    input,
    outcome: { kind: 'ok', output: out },
    probes: [],
    outbound: [],
  })
  return {
    format: 'parallax-trace',
    version: 1,
    pipeline: 'copilot',
    recordingId: 'rec-bench',
    variant,
    stages: [
      stage('parse', 0, capture({ body: { prefix: 'par' } }), query),
      stage('retrieve', 1, query, output),
      stage('render', 2, output, capture({ shown: output.digest.slice(0, 8) })),
    ],
    outbound: { recorded: 0, consumed: 0, unmatched: [] },
    timings: { stages: {}, totalMs: 0 },
  }
}

function megabytes(text: string): string {
  return `${(text.length / 1e6).toFixed(1)} MB`
}

/** Builds both sides for one size and checks that the diff finds exactly the planted changes. */
function fixture(count: number) {
  const output = makeOutput(count)
  const left = capture(output)
  const changed = withChanges(output)
  const right = capture(changed)
  const inserted = capture(withChanges(output, true))
  // An equal value captured separately: distinct strings, so nothing compares by reference.
  const same = capture(structuredClone(output))
  const found = compareTraces(traceOf('local', left), traceOf('production', right))
  if (found.divergence.kind !== 'stage' || found.divergence.paths.length !== CHANGES) {
    throw new Error(
      `Failed to set up the diff bench: expected ${CHANGES} changed paths, got ${JSON.stringify(found.divergence).slice(0, 300)}.`,
    )
  }
  const shifted = compareTraces(traceOf('local', left), traceOf('production', inserted))
  if (shifted.divergence.kind !== 'stage' || shifted.divergence.paths.length !== CHANGES + 1) {
    throw new Error(`Failed to set up the diff bench: expected ${CHANGES + 1} changed paths after an insert.`)
  }
  return { output, changed, left, right, same, inserted }
}

/** Runs the diff benchmarks. */
export async function run(): Promise<SuiteResult[]> {
  const big = fixture(ITEMS_10MB)
  const small = fixture(ITEMS_1MB)
  const size = megabytes(big.left.json)
  const parse = `JSON.parse ${size}`

  const equalLeft = traceOf('local', big.left)
  const equalRight = traceOf('production', big.same)
  const equality = await runSuite({
    title: `Deciding that two ${size} stage outputs are equal`,
    baseline: parse,
    cases: [
      { name: parse, fn: () => JSON.parse(big.left.json) },
      { name: 'digest compare (precomputed)', fn: () => big.left.digest === big.same.digest },
      { name: 'sha256 of both texts + compare', fn: () => sha256(big.left.json) === sha256(big.same.json) },
      {
        name: 'same, one update() per text',
        fn: () => sha256WholeString(big.left.json) === sha256WholeString(big.same.json),
      },
      { name: 'canonical text compare', fn: () => big.left.json === big.same.json },
      { name: 'compareTraces, equal traces', fn: () => compareTraces(equalLeft, equalRight) },
    ],
    targets: [
      { case: 'digest compare (precomputed)', max: 0.5 },
      { case: 'sha256 of both texts + compare', max: 0.5 },
      { case: 'canonical text compare', max: 0.5 },
      { case: 'compareTraces, equal traces', max: 0.5 },
    ],
  })

  const bigLeft = traceOf('local', big.left)
  const bigRight = traceOf('production', big.right)
  const smallLeft = traceOf('local', small.left)
  const smallRight = traceOf('production', small.right)
  const localize10 = `compareTraces ${size}, ${CHANGES} changes`
  const localize1 = `compareTraces ${megabytes(small.left.json)}, ${CHANGES} changes`
  const insertedRight = traceOf('production', big.inserted)
  const localizeShifted = `compareTraces ${size}, 1 insert + ${CHANGES} changes`
  const localizing = await runSuite({
    title: `Localizing ${CHANGES} leaf changes in a ${size} output (${ITEMS_10MB} objects with ids)`,
    baseline: parse,
    cases: [
      { name: parse, fn: () => JSON.parse(big.left.json) },
      { name: localize10, fn: () => compareTraces(bigLeft, bigRight) },
      { name: `diffJson, already parsed ${size}`, fn: () => diffJson(big.output, big.changed) },
      { name: localize1, fn: () => compareTraces(smallLeft, smallRight) },
      { name: localizeShifted, fn: () => compareTraces(bigLeft, insertedRight) },
    ],
    targets: [
      { case: localize10, max: 4 },
      { case: localizeShifted, max: 4, label: 'items no longer line up: parsed and aligned by id' },
      { case: localize10, against: localize1, max: 15, label: 'growth 1 MB → 10 MB, linear' },
    ],
  })
  const masks = await runSuite(maskSuite())
  // The target is absolute: each rule ≤ 10 ms on a 100 KB adversarial input.
  for (const result of masks.cases.filter((c) => c.name.includes('worst 100 KB'))) {
    const label = `${result.name} ≤ ${MASK_TARGET_MS} ms (absolute)`
    const pass = result.medianMs <= MASK_TARGET_MS
    process.stdout.write(`${pass ? 'PASS' : 'MISS'}  ${label}: ${result.medianMs.toFixed(2)} ms\n`)
    masks.targets.push({ label, ratio: result.medianMs / MASK_TARGET_MS, max: 1, pass })
  }
  return [equality, localizing, masks]
}

/** The bound for one mask on 100 KB of adversarial text, in milliseconds. */
const MASK_TARGET_MS = 10

/**
 * Noise masks on 100 KB of hostile text (the issue's target: each rule ≤ 10 ms on a 100 KB adversarial
 * input, read in the ms column; one call masks one 100 KB string, as a rule does to each string of a
 * diverging value): patterns that backtrack exponentially or rescan the text from every position on a
 * backtracking engine, which run on parallax's automaton (with two whose many short matches each made V8's
 * linear-time engine rescan to the end: minutes), and patterns proven linear on the usual engine, each on
 * its own worst text; against an ordinary mask on ordinary text of the same size.
 */
function maskSuite(): Parameters<typeof runSuite>[0] {
  const size = 100_000
  const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
  const hostile: Array<[string, string, string]> = [
    ['(a+)+$', `${'a'.repeat(size)}!`, 'exponential'],
    ['(x|x)*y', 'x'.repeat(size), 'exponential'],
    ['([a-z]+)*[0-9]', `${'abc'.repeat(size / 3)}!`, 'exponential'],
    ['<[^>]+>', '<'.repeat(size), 'quadratic'],
    ['[0-9]+ms', '1'.repeat(size), 'quadratic'],
    ['(?:foo|bar)+!', 'foo'.repeat(size / 3), 'quadratic'],
    ['a+b|a', 'a'.repeat(size), 'quadratic'],
    ['<[^>]+>|<', '<'.repeat(size), 'quadratic'],
    // An automaton with a large table (767 sets of states: the \w+ may be the z).
    ['(?:\\w+\\s){8}z', 'ab '.repeat(size / 3), 'quadratic'],
    [uuid, 'a'.repeat(size), 'linear'],
    ['\\d{4}-\\d{2}-\\d{2}T[0-9:.]+Z', `2026-11-24T${'1'.repeat(size)}`, 'linear'],
    // Counted repetitions proven linear; past 32 steps from each position they run on the automaton.
    ['[0-9a-f-]{36}', `${'a'.repeat(35)}g`.repeat(size / 36), 'linear'],
    ['[0-9a-f]{64}', `${'a'.repeat(63)}g`.repeat(size / 64), 'linear'],
  ]
  const ordinary = `${'req 3f2a1b2c-1234-4abc-8def-0123456789ab ok; '.repeat(size / 44)}`
  const masked = (pattern: string, text: string) => {
    const rule = compileNoiseRules({ masks: [{ pattern }] }, 'bench').rules[0] as NoiseRule & { kind: 'mask' }
    return {
      engine: rule.engine,
      fn: () => rule.replace(text, '<m>'),
    }
  }
  const baseline = `uuid mask, ordinary 100 KB`
  return {
    title:
      'Noise masks, one rule on one 100 KB string (issue target: ≤ 10 ms per rule on a 100 KB hostile input; the engine is chosen when the mask is compiled)',
    baseline,
    rounds: 5,
    cases: [
      { name: baseline, fn: masked(uuid, ordinary).fn },
      ...hostile.map(([pattern, text, worst]) => {
        const { engine, fn } = masked(pattern, text)
        return {
          name: `/${pattern}/ on its worst 100 KB (${worst} when backtracking) → ${engine} engine`,
          fn,
        }
      }),
    ],
  }
}
