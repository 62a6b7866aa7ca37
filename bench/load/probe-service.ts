/**
 * The bench's JSON endpoint unrecorded, its handler first doing one piece of what a recorder does, for
 * {@link ./quick-record.ts} (`--modes off,probe:alloc,…`): how much the closed loop makes of each kind
 * of per-request work, apart from the recorder. Options: `bodyBytes`, `probe` (the mode's name):
 * - `probe:burn` spends 10 µs of CPU in a busy loop (as `burn:10`);
 * - `probe:burnafter` spends them once the response is finished (where the recorder does its work);
 * - `probe:burnlater` spends them after the event loop's I/O, for all the responses finished in it at once;
 * - `probe:als` runs the handler in an `AsyncLocalStorage` context;
 * - `probe:finish` listens for the response's `finish`;
 * - `probe:immediate` schedules one `setImmediate`;
 * - `probe:wrapend` wraps `res.end` and keeps its argument;
 * - `probe:alloc` allocates 40 small objects and 40 48-byte Buffers, kept in a ring of the last 256.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { ServerResponse } from 'node:http'
import { jsonHandler } from './json-service.ts'
import type { CreateService } from './service.ts'

const RING = 256

/**
 * Serves the endpoint after the probe's work.
 * @example await startChildServer({ name: 'probe:alloc', module: new URL('./probe-service.ts', import.meta.url), options: { bodyBytes: 1024, probe: 'probe:alloc' } })
 */
export const createService: CreateService = (options) => {
  const handler = jsonHandler({ bodyBytes: Number(options['bodyBytes']) })
  const probe = String(options['probe']).replace(/^probe:/, '')
  const storage = new AsyncLocalStorage<{ served: number }>()
  const ring: unknown[] = []
  let served = 0
  let later = 0
  const burnLater = () => {
    burn(10 * later)
    later = 0
  }
  const keep = (value: unknown) => {
    ring[served % RING] = value
  }
  const work: Record<string, (res: ServerResponse) => void> = {
    burn: () => burn(10),
    burnafter: (res) => res.once('finish', () => burn(10)),
    burnlater: (res) =>
      res.once('finish', () => {
        if (later++ === 0) setImmediate(burnLater)
      }),
    finish: (res) => res.once('finish', () => keep(served)),
    immediate: () => setImmediate(() => keep(served)),
    alloc: () => {
      const garbage: unknown[] = []
      for (let i = 0; i < 40; i++) garbage.push({ i, text: `x${i}-${served}`, bytes: Buffer.alloc(48) })
      keep(garbage)
    },
    wrapend: (res) => {
      const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse
      res.end = ((...args: unknown[]) => {
        keep(args[0])
        return end(...args)
      }) as ServerResponse['end']
    },
  }
  if (probe !== 'als' && work[probe] === undefined)
    throw new Error(`Failed to start probe-service: no probe ${probe}.`)
  return {
    handler: (req, res) => {
      served++
      if (probe === 'als') {
        storage.run({ served }, () => handler(req, res))
        return
      }
      work[probe]!(res)
      handler(req, res)
    },
    endRound: () => ({ recorded: served }),
    close: () => {},
  }
}

function burn(us: number): void {
  const until = process.hrtime.bigint() + BigInt(us * 1000)
  while (process.hrtime.bigint() < until) {
    // Spending CPU on purpose.
  }
}
