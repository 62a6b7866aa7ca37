/**
 * The recorder's own CPU per request without sockets: the bench's JSON handler serves requests built in
 * memory (an `IncomingMessage` and a `ServerResponse` on a socket that swallows what is written), plain
 * and wrapped by a recorder, and the CPU time per request of each is compared. No kernel, no client,
 * no scheduling: the difference is the recorder's code and the garbage it leaves, which a loopback
 * load on a shared 2-core machine measures only to ±20%. For iterating; the load bench is the judge.
 *
 * With `--fetch`, each request first fetches a 256-byte answer from an upstream served by this process
 * on loopback (that part does touch sockets, in both cases alike).
 *
 * Usage: node bench/load/inprocess-record.ts [--body 1024] [--fetch] [--redact default|off] [--requests 20000] [--rounds 7]
 */
import { once } from 'node:events'
import { createServer, IncomingMessage, type RequestListener, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import { parseArgs } from 'node:util'
import { createRecorder } from '../../src/record/index.ts'
import type { Recording } from '../../src/recording/types.ts'
import { spread } from './figures.ts'
import { jsonHandler } from './json-service.ts'
import { MEMORY_RING } from './recorded-service.ts'

const { values } = parseArgs({
  options: {
    body: { type: 'string', default: '1024' },
    fetch: { type: 'boolean', default: false },
    redact: { type: 'string', default: 'default' },
    requests: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '7' },
  },
})

/** A socket as far as a ServerResponse needs one: writes succeed at once and go nowhere. */
class SinkSocket extends Writable {
  readonly remoteAddress = '127.0.0.1'
  readonly localAddress = '127.0.0.1'
  readonly localPort = 8080
  constructor() {
    // Strings pass as they are: encoding them is a real socket's work, not the service's.
    super({ decodeStrings: false })
  }
  override _write(_chunk: unknown, _encoding: string, callback: () => void): void {
    callback()
  }
  override _writev(_chunks: unknown[], callback: () => void): void {
    callback()
  }
  setTimeout(): this {
    return this
  }
}

let sequence = 0
function serve(handler: RequestListener): Promise<void> {
  const socket = new SinkSocket()
  const req = new IncomingMessage(socket as never)
  req.method = 'GET'
  req.url = '/items'
  req.httpVersion = '1.1'
  req.rawHeaders = [
    'Host',
    '127.0.0.1:8080',
    'accept',
    'application/json',
    'user-agent',
    'parallax-bench/1',
    'authorization',
    'Bearer bench-7f3a9c2e51d04b8aa6e0',
    'cookie',
    'session=bench-4c1e; theme=dark',
    'x-request-id',
    `bench-${(sequence++).toString(36)}`,
  ]
  req.push(null)
  const res = new ServerResponse(req)
  res.assignSocket(socket as never)
  const finished = once(res, 'finish').then(() => {})
  handler(req, res)
  return finished
}

async function round(handler: RequestListener, requests: number): Promise<number> {
  const start = process.cpuUsage()
  let next = 0
  // 64 requests in flight, as the load bench keeps 64 connections busy.
  const lane = async () => {
    while (next++ < requests) await serve(handler)
  }
  await Promise.all(Array.from({ length: 64 }, lane))
  await new Promise((resolve) => setTimeout(resolve, 5))
  const used = process.cpuUsage(start)
  return (used.user + used.system) / requests
}

const upstream = values.fetch ? createServer(jsonHandler({ bodyBytes: 256 })) : undefined
if (upstream !== undefined) {
  upstream.listen(0, '127.0.0.1')
  await once(upstream, 'listening')
}
const plain = jsonHandler({
  bodyBytes: Number(values.body),
  ...(upstream && { upstream: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/quote` }),
})
const ring: Recording[] = []
let received = 0
const recorder = createRecorder({
  service: 'bench',
  environment: 'bench',
  sample: 1,
  ...(values.redact === 'off' && { redact: false }),
  onRecording: (recording) => {
    ring[received++ % MEMORY_RING] = recording
  },
})
const recorded = recorder.wrap(plain)
const requests = Number(values.requests)
const off: number[] = []
const on: number[] = []
for (let r = 0; r <= Number(values.rounds); r++) {
  const a = await round(plain, requests)
  const b = await round(recorded, requests)
  if (r > 0) off.push(a) // round 0 warms up
  if (r > 0) on.push(b)
}
recorder.close()
upstream?.close()
upstream?.closeAllConnections()
const a = spread(off)
const b = spread(on)
const diffs = spread(on.map((value, index) => value - off[index]!))
process.stdout.write(
  `off      ${a.median.toFixed(2)} µs/req (${a.min.toFixed(2)}–${a.max.toFixed(2)})\n` +
    `recorded ${b.median.toFixed(2)} µs/req (${b.min.toFixed(2)}–${b.max.toFixed(2)})  redact: ${values.redact}\n` +
    `recorder +${diffs.median.toFixed(2)} µs/req (${diffs.min.toFixed(2)}–${diffs.max.toFixed(2)}), ${received} recordings\n`,
)
