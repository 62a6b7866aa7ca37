/**
 * The recording proxy under load, against the same proxy with capture off, measured in the same run:
 *
 * - `plain proxy (capture off)`, the baseline: `createRecordingProxy` with `sample: 0, recordErrors: false`
 *   — the same forwarding code (node:http server → undici Pool → target, streaming both ways, header
 *   filtering), no byte collector, no recording;
 * - `recording proxy`: every exchange captured (bounded tee on both bodies, SHA-256, chunk timeline),
 *   turned into a Recording, redacted with the default header redactor and handed to a ring of the last
 *   `RING` recordings, as a writer's queue holds them (the disk writer's cost is its own bench's);
 * - `direct (no proxy)`, for scale only: the target without a proxy in front.
 *
 * Both proxies run in one worker thread, so the proxy has a core of its own; this thread holds the target
 * and the load: an undici Pool per case, keep-alive on loopback, `CONCURRENCY` requests in flight. One
 * call of a case is a batch of requests; the harness runs the cases in interleaved rounds after a warm-up,
 * medians with min–max. After each table, the proxy thread's CPU time per request (median over samples).
 *
 * Targets, as the in-process recorder's bench sets them (bench/record.bench.ts):
 * - 1 KiB JSON answers to small POSTs (API traffic): recording proxy throughput ≥ 0.8× the plain proxy's,
 *   i.e. batch time ≤ 1.25×;
 * - 64 KiB answers streamed in 8 KiB chunks (the body cost): throughput ≥ 0.5×. Capture pays per byte —
 *   SHA-256 over every byte (the format's `sha256`, about 1 GB/s on the 2-core reference machine) and one
 *   UTF-8 decode into the recording's text — so a body-heavy workload cannot stay within 0.8×; the µs of
 *   proxy CPU per captured KiB are printed beside it.
 */
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { Pool } from 'undici'
import { createRecordingProxy } from '../src/record/proxy/create-recording-proxy.ts'
import type { Recording } from '../src/recording/types.ts'
import { runSuite, type SuiteResult } from './harness.ts'

const CONCURRENCY = 32
/** Recordings kept alive at once, as a writer's queue would hold them before they reach disk. */
const RING = 256
const ROLE = 'parallax-proxy-bench'

interface Workload {
  title: string
  path: string
  method: 'GET' | 'POST'
  body?: string
  /** Requests per call of a case. */
  batch: number
  /** Bytes of request and response body captured per exchange. */
  capturedBytes: number
  /** The least recording-proxy throughput allowed, as a fraction of the plain proxy's. */
  minThroughput: number
  label: string
}

const REQUEST_JSON = JSON.stringify({ query: 'q'.repeat(160), page: 1 })

const WORKLOADS: Workload[] = [
  {
    title: '1 KiB JSON answers to 200 B POSTs',
    path: '/json',
    method: 'POST',
    body: REQUEST_JSON,
    batch: 400,
    capturedBytes: REQUEST_JSON.length + 1024,
    minThroughput: 0.8,
    label: 'throughput ≥ 0.8× plain proxy',
  },
  {
    title: '64 KiB answers streamed in 8 KiB chunks',
    path: '/stream',
    method: 'GET',
    batch: 100,
    capturedBytes: 64 * 1024,
    minThroughput: 0.5,
    label: 'body cost: throughput ≥ 0.5× plain proxy',
  },
]

const jsonAnswer = JSON.stringify({
  items: Array.from({ length: 16 }, (_, i) => ({ id: i, name: `item ${i}`, score: i / 16 })),
}).padEnd(1024, ' ')
const streamPiece = Buffer.alloc(8 * 1024, 'abcdefgh')

/** The target: answers each workload's route. */
function startTarget(): Promise<Server> {
  const server = createServer((req, res) => {
    req.resume()
    req.once('end', () => {
      if (req.url === '/json') {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': jsonAnswer.length })
        res.end(jsonAnswer)
        return
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream' })
      let sent = 0
      const next = () => {
        while (sent < 8) {
          sent++
          if (!res.write(streamPiece)) return void res.once('drain', next)
        }
        res.end()
      }
      next()
    })
  })
  server.listen(0, '127.0.0.1')
  return once(server, 'listening').then(() => server)
}

type ToWorker = { type: 'cpu' } | { type: 'close' }
type FromWorker =
  | { type: 'ready'; ports: { plain: number; recording: number } }
  | { type: 'cpu'; micros: number; recorded: number }
  | { type: 'closed' }

/** The worker side: both proxies in front of the target, answering CPU queries. */
async function serveProxies(target: string): Promise<void> {
  const ring: Recording[] = []
  let recorded = 0
  const recording = createRecordingProxy({
    target,
    service: 'bench',
    onRecording: (entry) => {
      ring[recorded++ % RING] = entry
    },
  })
  const plain = createRecordingProxy({
    target,
    service: 'bench',
    sample: 0,
    recordErrors: false,
    onRecording: () => {},
  })
  const ports = {
    plain: (await plain.listen(0, '127.0.0.1')).port,
    recording: (await recording.listen(0, '127.0.0.1')).port,
  }
  const post = (message: FromWorker) => parentPort!.postMessage(message)
  parentPort!.on('message', (message: ToWorker) => {
    if (message.type === 'cpu') {
      const { user, system } = process.threadCpuUsage()
      post({ type: 'cpu', micros: user + system, recorded })
    } else {
      void Promise.all([plain.destroy(), recording.destroy()]).then(() => post({ type: 'closed' }))
    }
  })
  post({ type: 'ready', ports })
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === ROLE) {
  await serveProxies((workerData as { target: string }).target)
}

/** The main side's handle on the proxy worker: one question at a time. */
async function startProxyWorker(target: string) {
  const worker = new Worker(new URL(import.meta.url), { workerData: { role: ROLE, target } })
  worker.unref()
  let failed: ((error: Error) => void) | undefined
  worker.on('error', (error) => failed?.(error))
  const next = () =>
    new Promise<FromWorker>((resolve, reject) => {
      failed = reject
      worker.once('message', resolve)
    })
  const ready = await next()
  if (ready.type !== 'ready') throw new Error('Failed to start the proxy bench worker.')
  return {
    ports: ready.ports,
    async cpu(): Promise<{ micros: number; recorded: number }> {
      const reply = next()
      worker.postMessage({ type: 'cpu' } satisfies ToWorker)
      const answer = await reply
      if (answer.type !== 'cpu') throw new Error('Failed to read the proxy worker CPU time.')
      return answer
    },
    async close() {
      const reply = next()
      worker.postMessage({ type: 'close' } satisfies ToWorker)
      await reply
      await worker.terminate()
    },
  }
}

/** Sends `workload.batch` requests, `CONCURRENCY` at a time, each answer read whole; returns the bytes read. */
async function sendBatch(pool: Pool, workload: Workload): Promise<number> {
  let started = 0
  let bytes = 0
  const lane = async () => {
    while (started < workload.batch) {
      started++
      const { statusCode, body } = await pool.request({
        path: workload.path,
        method: workload.method,
        ...(workload.body === undefined
          ? {}
          : { body: workload.body, headers: { 'content-type': 'application/json' } }),
      })
      bytes += (await body.arrayBuffer()).byteLength
      if (statusCode !== 200) throw new Error(`bench: ${workload.path} answered ${statusCode}`)
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, lane))
  return bytes
}

export async function run(): Promise<SuiteResult[]> {
  const target = await startTarget()
  const targetOrigin = `http://127.0.0.1:${(target.address() as AddressInfo).port}`
  const proxies = await startProxyWorker(targetOrigin)
  const pools = {
    direct: new Pool(targetOrigin, { connections: CONCURRENCY }),
    plain: new Pool(`http://127.0.0.1:${proxies.ports.plain}`, { connections: CONCURRENCY }),
    recording: new Pool(`http://127.0.0.1:${proxies.ports.recording}`, { connections: CONCURRENCY }),
  }
  const results: SuiteResult[] = []
  try {
    for (const workload of WORKLOADS) {
      /** Proxy-thread CPU µs per request, one value per measured call. */
      const cpu = { plain: [] as number[], recording: [] as number[] }
      const measured = (name: 'plain' | 'recording') => async () => {
        const before = await proxies.cpu()
        const bytes = await sendBatch(pools[name], workload)
        const after = await proxies.cpu()
        cpu[name].push((after.micros - before.micros) / workload.batch)
        if (name === 'recording' && after.recorded - before.recorded !== workload.batch) {
          throw new Error(
            `bench: ${after.recorded - before.recorded} of ${workload.batch} exchanges recorded`,
          )
        }
        return bytes
      }
      const result = await runSuite({
        title: `proxying ${workload.title}, batches of ${workload.batch}, ${CONCURRENCY} in flight`,
        baseline: 'plain proxy (capture off)',
        cases: [
          { name: 'plain proxy (capture off)', fn: measured('plain') },
          { name: 'recording proxy', fn: measured('recording') },
          { name: 'direct (no proxy)', fn: () => sendBatch(pools.direct, workload) },
        ],
        // Throughput ≥ x× the plain proxy's ⇔ batch time ≤ 1/x×.
        targets: [{ case: 'recording proxy', max: 1 / workload.minThroughput, label: workload.label }],
        rounds: 9,
        sampleMs: 250,
        warmupMs: 1000,
      })
      const plainCpu = median(cpu.plain)
      const recordingCpu = median(cpu.recording)
      const added = recordingCpu - plainCpu
      const perKiB =
        workload.capturedBytes >= 16 * 1024
          ? `, ${(added / (workload.capturedBytes / 1024)).toFixed(2)} µs per captured KiB`
          : ''
      process.stdout.write(
        `proxy thread CPU per request (median of ${cpu.plain.length} calls): plain ${plainCpu.toFixed(1)} µs, ` +
          `recording ${recordingCpu.toFixed(1)} µs (${(recordingCpu / plainCpu).toFixed(2)}×: ` +
          `+${added.toFixed(1)} µs per exchange${perKiB})\n`,
      )
      results.push(result)
    }
  } finally {
    await Promise.all(Object.values(pools).map((pool) => pool.close()))
    await proxies.close()
    target.closeAllConnections()
    target.close()
  }
  return results
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}
