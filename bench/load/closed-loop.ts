/**
 * Closed-loop load at saturation: `connections` keep-alive connections of one undici `Pool`, each with
 * one request in flight, as fast as the server answers, for a bounded time.
 */
import { Pool } from 'undici'
import { STUCK_MS, sendRequest } from './send-request.ts'

/** Options of {@link runClosedLoop}. */
export interface ClosedLoopOptions {
  /** `http://127.0.0.1:<port>` */
  origin: string
  path: string
  /** Keep-alive connections, each with one request in flight. */
  connections: number
  /** No request starts after this; those in flight finish. */
  durationMs: number
  /** The headers of request number `n` (0-based, across all connections). */
  headers(n: number): Record<string, string>
}

/** What one closed-loop run measured on the client side. */
export interface ClosedLoopResult {
  /** 2xx answers. */
  ok: number
  /** Other statuses and errors. */
  failed: number
  /** Response body bytes received. */
  bytes: number
  /** From the first request to the end of the last. */
  elapsedMs: number
  /** User + system CPU time of this (client) process meanwhile, in µs. */
  cpuUs: number
  /** The first error, to print when something failed. */
  firstError?: string
}

/**
 * Runs the load and closes the pool (its connections) before returning.
 * @example const { ok, elapsedMs } = await runClosedLoop({ origin, path: '/', connections: 64, durationMs: 1500, headers: () => ({}) })
 */
export async function runClosedLoop(options: ClosedLoopOptions): Promise<ClosedLoopResult> {
  const pool = new Pool(options.origin, {
    connections: options.connections,
    pipelining: 1,
    // A stuck server fails the run instead of hanging it.
    headersTimeout: STUCK_MS,
    bodyTimeout: STUCK_MS,
  })
  const result: ClosedLoopResult = { ok: 0, failed: 0, bytes: 0, elapsedMs: 0, cpuUs: 0 }
  let sequence = 0
  const cpuStart = process.cpuUsage()
  const start = performance.now()
  const deadline = start + options.durationMs
  const connection = async () => {
    while (performance.now() < deadline) {
      try {
        const answer = await sendRequest(pool, options.path, options.headers(sequence++))
        result.bytes += answer.bytes
        if (answer.status >= 200 && answer.status < 300) result.ok++
        else {
          result.failed++
          result.firstError ??= `HTTP ${answer.status}`
        }
      } catch (error) {
        result.failed++
        result.firstError ??= String(error)
      }
    }
  }
  try {
    await Promise.all(Array.from({ length: options.connections }, connection))
    result.elapsedMs = performance.now() - start
  } finally {
    await pool.close()
  }
  const cpu = process.cpuUsage(cpuStart)
  result.cpuUs = cpu.user + cpu.system
  return result
}
