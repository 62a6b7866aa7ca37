/**
 * Regression: the replay command a report prints left out the command-line noise flags (and, against
 * targets, --allow-side-effects), so pasting it replayed another comparison and showed another result.
 */
import { execFileSync } from 'node:child_process'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { describe, expect, it } from 'vitest'
import { bodyFromBytes } from '../../../src/recording/body.ts'
import type { Recording } from '../../../src/recording/types.ts'
import { startLoopback } from '../../record/loopback.ts'
import { jsonExchange, recordingsFolder } from '../../support/recordings.ts'
import { parallax, ROOT } from '../../support/run-node.ts'

/** The replay command's arguments after `parallax`, as a shell reads them. */
function pasted(replayKey: string): string[] {
  const args = execFileSync('sh', ['-c', `printf '%s\\0' ${replayKey}`], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .slice(0, -1)
  expect(args[0]).toBe('parallax')
  return args.slice(1)
}

describe('regression: replay commands keep the flags that change the result', () => {
  it('cli: the replayKey of a run with noise flags carries them, quoted, and replays the same result', async () => {
    const flags = ['--ignore', '$', '--mask', '/never [0-9]+/i', '--tolerance', '**.score=0.001']
    const first = await parallax([
      'replay',
      'scenarios/copilot.ts',
      '--recording',
      'fr-abort',
      '--json',
      ...flags,
    ])
    expect(first.code, first.stderr).toBe(0)
    const result = JSON.parse(first.stdout)
    const [recording] = result.recordings
    expect(recording.replayKey).toBe(
      "parallax replay scenarios/copilot.ts --recording fr-abort --variants local,production --seed 1 --ignore '$' --mask '/never [0-9]+/i' --tolerance '**.score=0.001'",
    )
    const again = await parallax([...pasted(recording.replayKey), '--json'])
    expect(again.code, again.stderr).toBe(0)
    expect(JSON.parse(again.stdout).summary).toEqual(result.summary)
  })

  it('cli: against targets, the replayKey carries the noise flags and --allow-side-effects', async () => {
    let counter = 0
    const answer = (_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ ok: true, requestId: counter++ }))
    }
    await using a = await startLoopback(answer)
    await using b = await startLoopback(answer)
    const order = jsonExchange('POST', 'http://shop.invalid/orders', {})
    order.request.body = bodyFromBytes(Buffer.from('{"sku":"a"}'))
    const recording: Recording = {
      id: 'order #1',
      recordedAt: '2026-11-24T08:00:00.000Z',
      meta: { service: 'shop', environment: 'production' },
      inbound: order,
      outbound: [],
      nondeterminism: { clock: [], random: [], uuids: [] },
    }
    const folder = await recordingsFolder([recording])
    const args = ['replay', folder, '--target', `v1=${a.url}`, '--target', `v2=${b.url}`]
    const first = await parallax([...args, '--ignore', '$.body.requestId', '--allow-side-effects', '--json'])
    expect(first.code, first.stderr).toBe(0)
    const result = JSON.parse(first.stdout)
    expect(result.summary).toMatchObject({ total: 1, agree: 1 })
    const { replayKey } = result.recordings[0]
    expect(replayKey).toContain(" --recording 'order #1' --allow-side-effects --ignore '$.body.requestId'")
    const again = await parallax([...pasted(replayKey), '--json'])
    expect(again.code, again.stderr).toBe(0)
    expect(JSON.parse(again.stdout).summary).toEqual(result.summary)
  })
})
