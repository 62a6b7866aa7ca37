/**
 * Open-loop load at a fixed arrival rate: requests start on a schedule whatever the answers do, as
 * independent clients would, so latency is measured at a load the server carries comfortably.
 *
 * Several targets are driven in turns of `sliceMs` (A, B, C, A, B, C, …), each alone at the full rate
 * during its turn, over one connection pool per target kept open throughout: on a shared, noisy machine
 * a stretch of interference (another process's burst, a descheduled client) then spreads over every
 * target alike, so their latencies compare even when the absolute tail moves between runs.
 */
import { Pool } from 'undici'
import { STUCK_MS, sendRequest } from './send-request.ts'

/** Options of {@link runOpenLoop}. */
export interface OpenLoopOptions {
  /** `http://127.0.0.1:<port>` of each target, driven in turns. */
  origins: readonly string[]
  path: string
  /** Requests per second during a target's turn. */
  rate: number
  /** Measured time per target; latencies of requests started in it are kept. */
  durationMs: number
  /** Length of one turn. Before the measured turns, each target gets one unmeasured turn (warm-up). */
  sliceMs: number
  /** Upper bound of each target's pool of connections (one request in flight on each). */
  connections: number
  headers(n: number): Record<string, string>
}

/** What one target's open-loop run measured. */
export interface OpenLoopTarget {
  /** Latency of each measured request, ascending, in ms: from its dispatch to the end of its body. */
  latenciesMs: Float64Array
  ok: number
  failed: number
  /** Requests sent, warm-up turn included. */
  sent: number
  firstError?: string
}

/** What one open-loop run measured. */
export interface OpenLoopResult {
  /** In the order of `origins`. */
  targets: OpenLoopTarget[]
  /** How late the schedule ran at worst (the client's own event-loop delay), in ms. */
  maxLagMs: number
}

/**
 * Sends `rate` requests per second to each origin in turns, `durationMs` each after a warm-up turn each,
 * and waits for the last answer.
 * @example const { targets: [off, on] } = await runOpenLoop({ origins: [a, b], path: '/', rate: 500, durationMs: 2000, sliceMs: 250, connections: 64, headers: () => ({}) })
 */
export async function runOpenLoop(options: OpenLoopOptions): Promise<OpenLoopResult> {
  const interval = 1000 / options.rate
  const count = options.origins.length
  const warmUpMs = count * options.sliceMs
  const ticks = Math.round(((warmUpMs + count * options.durationMs) * options.rate) / 1000)
  const pools = options.origins.map(
    (origin) =>
      new Pool(origin, {
        connections: options.connections,
        pipelining: 1,
        headersTimeout: STUCK_MS,
        bodyTimeout: STUCK_MS,
      }),
  )
  const latencies = options.origins.map((): number[] => [])
  const targets = options.origins.map(
    (): OpenLoopTarget => ({ latenciesMs: new Float64Array(0), ok: 0, failed: 0, sent: 0 }),
  )
  const inFlight: Promise<void>[] = []
  let sequence = 0
  let maxLagMs = 0

  const fire = (index: number, measured: boolean) => {
    const target = targets[index]!
    target.sent++
    const sentAt = performance.now()
    return sendRequest(pools[index]!, options.path, options.headers(sequence++)).then(
      (answer) => {
        if (measured) latencies[index]!.push(performance.now() - sentAt)
        if (answer.status >= 200 && answer.status < 300) target.ok++
        else {
          target.failed++
          target.firstError ??= `HTTP ${answer.status}`
        }
      },
      (error: unknown) => {
        if (measured) latencies[index]!.push(Number.POSITIVE_INFINITY)
        target.failed++
        target.firstError ??= String(error)
      },
    )
  }

  try {
    const start = performance.now()
    let tick = 0
    await new Promise<void>((resolve) => {
      const next = () => {
        const now = performance.now()
        // Every tick whose time has come fires now: a late timer delays requests, never drops them.
        for (; tick < ticks && start + tick * interval <= now; tick++) {
          const at = tick * interval
          maxLagMs = Math.max(maxLagMs, now - (start + at))
          inFlight.push(fire(Math.floor(at / options.sliceMs) % count, at >= warmUpMs))
        }
        if (tick >= ticks) return resolve()
        setTimeout(next, Math.max(0, start + tick * interval - performance.now()))
      }
      next()
    })
    await Promise.all(inFlight)
  } finally {
    await Promise.all(pools.map((pool) => pool.close()))
  }
  for (const [index, target] of targets.entries())
    target.latenciesMs = Float64Array.from(latencies[index]!).sort()
  return { targets, maxLagMs }
}
