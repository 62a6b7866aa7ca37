/**
 * The network, clock and randomness patches are installed once per isolate and fed one recording at a time:
 * a recording replayed after another in the same isolate starts from its own first values, sequence counts and
 * empty logs, between recordings nothing is served, and closing the isolate leaves nothing patched.
 */
import nodeCrypto, * as cryptoNamespace from 'node:crypto'
import http, * as httpNamespace from 'node:http'
import https from 'node:https'
import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { isParallaxError } from '../../src/recording/errors.ts'
import type { Recording } from '../../src/recording/types.ts'
import { canonicalTraceJson, createReplayer, type Replayer } from '../../src/replay/index.ts'
import { installReplayRuntime, type ReplayRuntime } from '../../src/replay/isolate/replay-in-isolate.ts'
import { newDateMs } from './clock/with-determinism.ts'
import { reuse, reuseRecording, UPSTREAM } from './fixtures/reuse-pipeline.ts'

const T0 = Date.UTC(2026, 10, 24, 8, 0, 0)
const UUIDS = ['0b5a1c7e-1111-4222-8333-444455556666', '0b5a1c7e-7777-4888-9999-aaaabbbbcccc']

/** Breaks the rules: an unrecorded call and a high-resolution clock read, besides its own values. */
const first = reuseRecording({
  id: 'first',
  misbehave: true,
  clock: [T0, T0 + 10],
  random: [0.125],
  uuids: [UUIDS[0]!],
  counts: ['first-1', 'first-2'],
})
/** Keeps them, with other values for every source. */
const second = reuseRecording({
  id: 'second',
  clock: [T0 + 1000],
  random: [0.75],
  uuids: [UUIDS[1]!],
  counts: ['second-1', 'second-2'],
})

const variant = { name: 'local', config: {} }

function output(trace: { stages: Array<{ outcome: { kind: string } }> }): Record<string, unknown> {
  const outcome = trace.stages[0]?.outcome as { kind: 'ok'; output: { json: string } }
  return JSON.parse(outcome.output.json) as Record<string, unknown>
}

/** The identities every patch replaces, read the way code under test reads them. */
function identities() {
  const global = globalThis as unknown as Record<symbol, unknown>
  return {
    Date: globalThis.Date,
    dateNow: Date.now,
    mathRandom: Math.random,
    performanceNow: performance.now,
    cryptoRandomUUID: crypto.randomUUID,
    getRandomValues: crypto.getRandomValues,
    moduleRandomUUID: nodeCrypto.randomUUID,
    namespaceRandomUUID: cryptoNamespace.randomUUID,
    randomBytes: nodeCrypto.randomBytes,
    hrtime: process.hrtime,
    hrtimeBigint: process.hrtime.bigint,
    fetch: globalThis.fetch,
    Headers: globalThis.Headers,
    Request: globalThis.Request,
    Response: globalThis.Response,
    ClientRequest: http.ClientRequest,
    httpRequest: http.request,
    httpGet: http.get,
    httpNamespaceRequest: httpNamespace.request,
    httpsRequest: https.request,
    socketConnect: net.Socket.prototype.connect,
    undiciDispatcher: global[Symbol.for('undici.globalDispatcher.2')],
    legacyUndiciDispatcher: global[Symbol.for('undici.globalDispatcher.1')],
  }
}

describe('replay runtime: patches installed once per isolate', () => {
  let runtime: ReplayRuntime | undefined
  afterEach(() => {
    runtime?.close()
    runtime = undefined
  })

  it('installReplayRuntime: a second recording in the same isolate starts from its own values, counts and logs', async () => {
    runtime = installReplayRuntime()
    const broken = await runtime.replay(reuse, { recording: first, variant, seed: 1 })
    const clean = await runtime.replay(reuse, { recording: second, variant, seed: 1 })

    expect(broken.failure).toMatchObject({ code: 'PARALLAX_OUTBOUND_UNMATCHED' })
    expect(broken.outbound).toEqual({
      recorded: 2,
      consumed: 2,
      unmatched: [{ method: 'GET', url: `${UPSTREAM}/not-recorded`, stage: 'observe' }],
    })
    expect(output(broken)).toMatchObject({ counts: ['first-1', 'first-2'], now: T0, random: 0.125 })

    // Nothing of the first replay shows: no failure, no violation, no unmatched call, sequences from the start.
    expect(clean.failure).toBeUndefined()
    expect(clean.outbound).toEqual({ recorded: 2, consumed: 2, unmatched: [] })
    expect(clean.stages[0]!.outbound.map((call) => call.matched)).toEqual([0, 1])
    expect(output(clean)).toEqual({
      now: T0 + 1000,
      date: new Date(T0 + 1000).toISOString(),
      elapsedMs: 0,
      random: 0.75,
      uuid: UUIDS[1],
      counts: ['second-1', 'second-2'],
    })
  })

  it('installReplayRuntime: replaying a recording again after another gives byte-identical traces', async () => {
    runtime = installReplayRuntime()
    const alone = await runtime.replay(reuse, { recording: first, variant, seed: 7 })
    await runtime.replay(reuse, { recording: second, variant, seed: 7 })
    const again = await runtime.replay(reuse, { recording: first, variant, seed: 7 })
    const third = reuseRecording({ id: 'third', clock: [5], random: [], uuids: [], counts: ['x', 'y'] })
    await runtime.replay(reuse, { recording: third, variant, seed: 7 })
    const thirdTime = await runtime.replay(reuse, { recording: first, variant, seed: 7 })

    expect(canonicalTraceJson(again)).toBe(canonicalTraceJson(alone))
    expect(canonicalTraceJson(thirdTime)).toBe(canonicalTraceJson(alone))
  })

  it('installReplayRuntime: between recordings the real sources answer and every call fails offline', async () => {
    runtime = installReplayRuntime()
    await runtime.replay(reuse, { recording: second, variant, seed: 1 })

    expect(Date.now()).toBeGreaterThan(1_700_000_000_000)
    expect(newDateMs()).toBeGreaterThan(1_700_000_000_000)
    expect(crypto.randomUUID()).not.toBe(UUIDS[1])
    const failure = await fetch(`${UPSTREAM}/count`).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(TypeError)
    const cause = (failure as TypeError).cause
    expect(isParallaxError(cause, 'PARALLAX_OUTBOUND_UNMATCHED')).toBe(true)
    expect((cause as Error).message).toBe(
      `Failed to replay outbound call GET ${UPSTREAM}/count: it was made after its replay ended, when no recording is being served.`,
    )
  })

  it('installReplayRuntime: close leaves nothing patched, ESM bindings of builtins included', async () => {
    const before = identities()
    runtime = installReplayRuntime()
    const during = identities()
    await runtime.replay(reuse, { recording: second, variant, seed: 1 })
    runtime.close()
    runtime = undefined
    // The last ESM sync runs in a microtask once the whole registry is restored.
    await new Promise((resolve) => setImmediate(resolve))

    for (const name of [
      'Date',
      'mathRandom',
      'moduleRandomUUID',
      'fetch',
      'httpRequest',
      'socketConnect',
    ] as const)
      expect(during[name], name).not.toBe(before[name])
    const after = identities()
    for (const [name, value] of Object.entries(after)) {
      expect(value, name).toBe(before[name as keyof typeof before])
    }
    expect(Date.now()).toBeGreaterThan(1_700_000_000_000)
  })
})

describe('replayer: one isolate per variant, reused across recordings', () => {
  const replayers: Replayer[] = []
  afterEach(async () => {
    await Promise.all(replayers.splice(0).map((replayer) => replayer.close()))
  })

  const pipeline = { module: new URL('./fixtures/reuse-pipeline.ts', import.meta.url).href, export: 'reuse' }
  const replayAll = async (recordings: Recording[]) => {
    const replayer = createReplayer({ pipeline, variants: [{ name: 'local', config: {} }], seed: 3 })
    replayers.push(replayer)
    const traces = []
    for (const recording of recordings) traces.push(...(await replayer.replay(recording)))
    return traces
  }

  it('createReplayer: a recording after one that broke the rules replays as if it came first, in a worker isolate', async () => {
    const [broken, clean, brokenAgain] = await replayAll([first, second, first])
    const [cleanAlone] = await replayAll([second])

    expect(broken!.failure).toMatchObject({ code: 'PARALLAX_OUTBOUND_UNMATCHED' })
    expect(clean!.failure).toBeUndefined()
    expect(canonicalTraceJson(clean!)).toBe(canonicalTraceJson(cleanAlone!))
    expect(canonicalTraceJson(brokenAgain!)).toBe(canonicalTraceJson(broken!))
  })
})
