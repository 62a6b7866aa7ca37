/**
 * Replay in real isolates (worker threads and child processes) of a pipeline that misbehaves on purpose:
 * every way a replay can go wrong ends in a failed trace with a typed code, never in a false green.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { compareTraces } from '../../src/diff/index.ts'
import type { Trace } from '../../src/pipeline/types.ts'
import { createReplayer, type Replayer, type Variant } from '../../src/replay/index.ts'
import { greetingRecording, UPSTREAM } from '../support/recordings.ts'

const pipeline = { module: new URL('../fixtures/fault-pipeline.ts', import.meta.url).href, export: 'faults' }
const replayers: Replayer[] = []

function variant(name: string, config: Record<string, unknown>, extra: Partial<Variant> = {}): Variant {
  return { name, config: { upstream: UPSTREAM, ...config }, ...extra }
}

async function replayOnce(variants: Variant[], recording = greetingRecording('ada')): Promise<Trace[]> {
  const replayer = createReplayer({ pipeline, variants })
  replayers.push(replayer)
  return replayer.replay(recording)
}

afterEach(async () => {
  await Promise.all(replayers.splice(0).map((replayer) => replayer.close()))
})

describe('replay in isolates', () => {
  it('replay: a well-behaved pipeline replays offline, consuming the recorded call', async () => {
    const [trace] = await replayOnce([variant('local', { fault: 'none' })])
    expect(trace!.failure).toBeUndefined()
    expect(trace!.stages.map((s) => s.name)).toEqual(['parse', 'lookup', 'shout'])
    expect(trace!.outbound).toEqual({ recorded: 1, consumed: 1, unmatched: [] })
    const shout = JSON.parse((trace!.stages[2]!.outcome as { output: { json: string } }).output.json)
    // Clock and UUID come from the recording, not from this machine.
    expect(shout.at).toBe('2026-11-24T08:00:00.000Z')
    expect(shout.id).toBe('6f1c2a8e-0b7d-4e8a-9c1f-2d3e4f5a6b7c')
  })

  it('replay: variants that differ in one stage make it the culprit, later stages do not exist to blame', async () => {
    const [left, right] = await replayOnce([variant('local', {}), variant('production', { upper: true })])
    const comparison = compareTraces(left!, right!)
    expect(comparison.divergence).toMatchObject({ kind: 'stage', culprit: 'shout' })
    expect(comparison.divergence.kind === 'stage' && comparison.divergence.paths).toEqual([
      { op: 'replace', path: '$.text', before: 'hello, ada', after: 'HELLO, ADA' },
    ])
  })

  it('replay: a stage that throws is an output, compared like any other', async () => {
    const [left, right] = await replayOnce([variant('local', {}), variant('production', { fault: 'throw' })])
    expect(right!.failure).toBeUndefined()
    expect(right!.stages[2]!.outcome).toMatchObject({ kind: 'error', message: 'cannot shout at ada' })
    expect(compareTraces(left!, right!).divergence).toMatchObject({
      kind: 'stage',
      culprit: expect.stringMatching(/^shout/),
    })
  })

  it('replay: a stage that hangs fails with PARALLAX_STAGE_TIMEOUT naming the stage', async () => {
    const [trace] = await replayOnce([variant('local', { fault: 'hang' })])
    expect(trace!.failure).toMatchObject({ code: 'PARALLAX_STAGE_TIMEOUT' })
    expect(trace!.failure!.message).toContain('lookup')
  })

  it('replay: a stage that blocks the event loop is stopped by the watchdog and the isolate replaced', async () => {
    const replayer = createReplayer({ pipeline, variants: [variant('local', { fault: 'spin' })] })
    replayers.push(replayer)
    const [trace] = await replayer.replay(greetingRecording('ada'))
    expect(trace!.failure).toMatchObject({ code: 'PARALLAX_STAGE_TIMEOUT' })
    expect(trace!.failure!.message).toContain('lookup')
  })

  it('replay: an isolate that exits mid-replay gives PARALLAX_ISOLATE_CRASHED, in a worker and in a child process', async () => {
    const [worker, child] = await replayOnce([
      variant('worker', { fault: 'exit' }),
      variant('child', { fault: 'exit' }, { tz: 'UTC' }),
    ])
    expect(worker!.failure).toMatchObject({ code: 'PARALLAX_ISOLATE_CRASHED' })
    expect(child!.failure).toMatchObject({ code: 'PARALLAX_ISOLATE_CRASHED' })
    expect(child!.failure!.message).toContain('process')
  })

  it('replay: recordings queued behind one that kills the isolate run on a fresh isolate, in order', async () => {
    const replayer = createReplayer({ pipeline, variants: [variant('local', { fault: 'exit-on-boom' })] })
    replayers.push(replayer)
    const recordings = ['ada', 'boom', 'bob', 'cy'].map((name) => greetingRecording(name))
    const traces: Trace[] = []
    for await (const [trace] of replayer.replayAll(recordings, 3)) traces.push(trace!)
    expect(traces.map((t) => [t.recordingId, t.failure?.code ?? 'ok'])).toEqual([
      ['greet-ada', 'ok'],
      ['greet-boom', 'PARALLAX_ISOLATE_CRASHED'],
      ['greet-bob', 'ok'],
      ['greet-cy', 'ok'],
    ])
  })

  it('replay: an unrecorded call swallowed by the stage still fails the replay, naming the closest recorded call', async () => {
    const [trace] = await replayOnce([variant('local', { fault: 'swallow-unrecorded' })])
    expect(trace!.failure).toMatchObject({ code: 'PARALLAX_OUTBOUND_UNMATCHED' })
    expect(trace!.failure!.message).toContain(`${UPSTREAM}/not-recorded`)
    expect(JSON.stringify(trace!.failure)).toContain('/greeting')
  })

  it('replay: a recorded call made once more than recorded is an error, not a repeated response', async () => {
    const [trace] = await replayOnce([variant('local', { fault: 'extra-call' })])
    expect(trace!.failure).toMatchObject({ code: 'PARALLAX_OUTBOUND_UNMATCHED' })
  })

  it('replay: a replay that consumes none of the recorded calls is vacuous and fails', async () => {
    const [trace] = await replayOnce([variant('local', { fault: 'skip-call' })])
    expect(trace!.failure).toMatchObject({ code: 'PARALLAX_VACUOUS_REPLAY' })
  })

  it('replay: a replay whose last stage returns nothing is vacuous and fails', async () => {
    const [trace] = await replayOnce([variant('local', { fault: 'no-result' })])
    expect(trace!.failure).toMatchObject({ code: 'PARALLAX_VACUOUS_REPLAY' })
    expect(trace!.failure!.message).toContain('shout')
  })

  it('replay: reading an uncontrolled nondeterminism source fails the replay with a determinism violation', async () => {
    const [trace] = await replayOnce([variant('local', { fault: 'entropy' })])
    expect(trace!.failure).toMatchObject({ code: 'PARALLAX_DETERMINISM_VIOLATION' })
    expect(trace!.failure!.message).toContain('crypto.getRandomValues')
  })

  it('replay: a variant with a time zone runs in a child process that sees it', async () => {
    const replayer = createReplayer({
      pipeline,
      variants: [variant('local', {}), variant('tokyo', {}, { tz: 'Asia/Tokyo' })],
    })
    replayers.push(replayer)
    expect(replayer.variants).toEqual([
      { name: 'local', isolation: 'worker' },
      { name: 'tokyo', isolation: 'process' },
    ])
    const [left, right] = await replayer.replay(greetingRecording('ada'))
    const comparison = compareTraces(left!, right!)
    expect(comparison.divergence).toMatchObject({ kind: 'stage', culprit: 'shout' })
    expect(JSON.stringify(comparison.divergence)).toContain('Asia/Tokyo')
  })

  it('replay: randomness beyond the recording comes from the seed, so two replays agree', async () => {
    const replayer = createReplayer({
      pipeline,
      variants: [variant('a', { fault: 'rng' }), variant('b', { fault: 'rng' })],
    })
    replayers.push(replayer)
    const recording = greetingRecording('ada', {
      nondeterminism: { clock: [0], random: [], uuids: ['6f1c2a8e-0b7d-4e8a-9c1f-2d3e4f5a6b7c'] },
    })
    const [a, b] = await replayer.replay(recording)
    expect(compareTraces(a!, b!).divergence.kind).toBe('none')
  })
})
