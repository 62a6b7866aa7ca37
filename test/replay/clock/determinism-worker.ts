/**
 * Worker-thread entry for worker.test.ts: installs determinism inside the thread, reads every source the
 * way a stage would (including an ESM named import of node:crypto bound before installation), and posts
 * what it saw.
 */
import { randomUUID } from 'node:crypto'
import { parentPort, workerData } from 'node:worker_threads'
import { createPatchRegistry } from '../../../src/record/patch-registry.ts'
import type { Nondeterminism } from '../../../src/recording/types.ts'
import { installDeterminism } from '../../../src/replay/clock/index.ts'

const { recorded, seed } = workerData as { recorded: Nondeterminism; seed: number }
const OriginalDate = Date
const originalRandomUUID = randomUUID

const patches = createPatchRegistry()
const determinism = installDeterminism({ patches, recorded, seed })
let observed: Record<string, unknown>
try {
  observed = {
    generatedAt: new Date(Date.now()).toISOString(),
    requestId: crypto.randomUUID(),
    namedImportUuid: randomUUID(),
    random: [Math.random(), Math.random()],
    elapsedMs: performance.now(),
    hrtime: process.hrtime.bigint().toString(),
  }
} finally {
  patches.restore()
}
parentPort?.postMessage({
  observed,
  violations: determinism.violations.map((v) => ({ code: v.code, source: v.details?.['source'] })),
  consumed: determinism.consumed(),
  restored: Date === OriginalDate && randomUUID === originalRandomUUID && Date.now() > 1_700_000_000_000,
})
