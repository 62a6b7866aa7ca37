/**
 * Side-by-side replay of the copilot demo's checked-in recordings against the cheapest possible way to
 * run the same work, measured in the same run:
 *
 * - baseline `stages back to back`: for each recording, the copilot stage functions of both variants
 *   called one after the other in this process, no capture, the outbound call answered by a plain
 *   in-memory function (the recorded bytes in their recorded chunks);
 * - `side-by-side replay`: the real thing — both variants in their own worker threads, network from
 *   the recording through msw, clock and randomness fed from it, every stage's input and output
 *   captured canonically and hashed, then compared by the culprit rule (diffing only where hashes differ),
 *   recordings queued ahead in the isolates as `parallax replay` does (`replayer.replayAll`).
 *
 * Target: replay throughput ≥ 0.35× the baseline's, i.e. replay time ≤ 1 / 0.35 ≈ 2.86× baseline time.
 */
import { join, resolve } from 'node:path'
import { compareTraces } from '../src/diff/index.ts'
import { pipelineRequest, runPipeline } from '../src/pipeline/index.ts'
import type { Trace } from '../src/pipeline/types.ts'
import { bodyBytes, loadRecordings, type Recording } from '../src/recording/index.ts'
import { createReplayer, loadPipeline } from '../src/replay/index.ts'
import { loadScenario } from '../src/scenario/index.ts'
import { runSuite, type SuiteResult } from './harness.ts'

const root = resolve(import.meta.dirname, '..')

/** Answers `fetch` from the recording's outbound exchanges, in their recorded chunks: no msw, no matching rules. */
function inMemoryFetch(recording: Recording): typeof fetch {
  return async (input) => {
    const url = String(input instanceof Request ? input.url : input)
    const exchange = recording.outbound.find((candidate) => candidate.request.url === url)
    if (!exchange) throw new TypeError(`bench: no recorded answer for ${url}`)
    const bytes = bodyBytes(exchange.response.body)
    const sizes = exchange.response.chunks?.map((chunk) => chunk.size) ?? [bytes.byteLength]
    let offset = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const size = sizes.shift()
        if (size === undefined) return controller.close()
        controller.enqueue(bytes.subarray(offset, offset + size))
        offset += size
      },
    })
    return new Response(body, { status: exchange.response.status, headers: exchange.response.headers })
  }
}

export async function run(): Promise<SuiteResult[]> {
  const scenario = await loadScenario(join(root, 'scenarios/copilot.ts'))
  const { recordings } = await loadRecordings(join(root, 'recordings/copilot'))
  const pipeline = await loadPipeline(scenario.pipeline)
  const inputs = recordings.map(({ recording }) => {
    const { method, url, headers, body } = recording.inbound.request
    return { recording, input: pipelineRequest(method, new URL(url).pathname, headers, bodyBytes(body)) }
  })
  const realFetch = globalThis.fetch

  const backToBack = async () => {
    let last: unknown
    for (const { recording, input } of inputs) {
      globalThis.fetch = inMemoryFetch(recording)
      try {
        for (const variant of scenario.variants)
          last = await runPipeline(pipeline, input, { config: variant.config })
      } finally {
        globalThis.fetch = realFetch
      }
    }
    return last
  }

  const replayer = createReplayer({
    pipeline: scenario.pipeline,
    variants: scenario.variants,
    seed: scenario.seed,
  })
  const sideBySide = async () => {
    let diverging = 0
    for await (const traces of replayer.replayAll(inputs.map(({ recording }) => recording))) {
      const [left, right] = traces as [Trace, Trace]
      if (left.failure || right.failure) throw new Error(`bench: replay of ${left.recordingId} failed`)
      if (compareTraces(left, right).divergence.kind !== 'none') diverging++
    }
    return diverging
  }

  try {
    const result = await runSuite({
      title: `side-by-side replay of ${inputs.length} copilot recordings × 2 variants`,
      baseline: 'stages back to back',
      cases: [
        { name: 'stages back to back', fn: backToBack },
        { name: 'side-by-side replay', fn: sideBySide },
      ],
      // Throughput ≥ 0.35× baseline ⇔ time ≤ 1/0.35× baseline.
      targets: [{ case: 'side-by-side replay', max: 1 / 0.35, label: 'throughput ≥ 0.35× baseline' }],
      sampleMs: 200,
      // Steady state: the two worker isolates start cold (unoptimized code, background compilation), and a
      // suite replays hundreds of recordings; both cases get the same warm-up.
      warmupMs: 3000,
    })
    return [result]
  } finally {
    await replayer.close()
  }
}
