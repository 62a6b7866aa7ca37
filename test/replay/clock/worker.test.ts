import { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import type { Nondeterminism } from '../../../src/recording/types.ts'

const ENTRY = new URL('./determinism-worker.ts', import.meta.url)
const RECORDED: Nondeterminism = {
  clock: [Date.UTC(2025, 10, 24, 8, 0, 0)],
  random: [0.3],
  uuids: ['0b5a1c7e-1111-4222-8333-444455556666'],
}

function runInWorker(recorded: Nondeterminism, seed: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(ENTRY, { workerData: { recorded, seed } })
    worker.once('message', (message) => {
      resolve(message)
      void worker.terminate()
    })
    worker.once('error', reject)
    worker.once('exit', (code) =>
      reject(new Error(`determinism worker exited with code ${code} before answering`)),
    )
  })
}

describe('installDeterminism: inside a worker thread', () => {
  it('installDeterminism: feeds a worker thread from the recording, named node:crypto imports included', async () => {
    const first = await runInWorker(RECORDED, 7)
    const second = await runInWorker(RECORDED, 7)

    expect(first).toMatchObject({
      observed: {
        generatedAt: '2025-11-24T08:00:00.000Z',
        requestId: RECORDED.uuids[0],
        elapsedMs: 0,
      },
      violations: [{ code: 'PARALLAX_DETERMINISM_VIOLATION', source: 'process.hrtime.bigint' }],
      consumed: { clock: 1, random: 1, uuids: 1 },
      restored: true,
    })
    const observed = first['observed'] as { namedImportUuid: string; random: number[] }
    expect(observed.namedImportUuid).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    )
    expect(observed.random[0]).toBe(0.3)
    expect(second).toEqual(first)
  })
})
