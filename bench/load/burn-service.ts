/**
 * The bench's JSON endpoint unrecorded, its handler first spending `burnUs` µs of CPU in a busy loop:
 * a calibration for {@link ./quick-record.ts}. It shows what the closed loop makes of a known extra cost
 * per request (on 2 cores, where client and server share the machine, a slower server also makes each
 * request cost more elsewhere), so a recorder figure can be read against it. Options: `bodyBytes`, `burnUs`.
 */
import { jsonHandler } from './json-service.ts'
import type { CreateService } from './service.ts'

/**
 * Serves the endpoint after a busy loop of `burnUs` µs per request.
 * @example await startChildServer({ name: 'burn 10', module: new URL('./burn-service.ts', import.meta.url), options: { bodyBytes: 1024, burnUs: 10 } })
 */
export const createService: CreateService = (options) => {
  const handler = jsonHandler({ bodyBytes: Number(options['bodyBytes']) })
  const burnNs = BigInt(Math.round(Number(options['burnUs']) * 1000))
  let served = 0
  return {
    handler: (req, res) => {
      const until = process.hrtime.bigint() + burnNs
      while (process.hrtime.bigint() < until) {
        // Spending CPU on purpose.
      }
      served++
      handler(req, res)
    },
    endRound: () => ({ recorded: served }),
    close: () => {},
  }
}
