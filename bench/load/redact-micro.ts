/**
 * µs per `redactor.recording()` on a typical 1 KB JSON exchange with one outbound call: the redaction
 * share of the recorder's per-request cost. `node bench/load/redact-micro.ts [iterations]`
 */
import { createRedactor } from '../../src/record/index.ts'
import { bodyFromBytes } from '../../src/recording/body.ts'
import type { Exchange, Recording } from '../../src/recording/types.ts'

const json = Buffer.from(
  JSON.stringify({
    items: Array.from({ length: 12 }, (_, i) => ({
      id: i,
      name: `item ${i}`,
      price: i * 3.5,
      tags: ['a', 'b'],
    })),
  }),
)
const headers: Array<[string, string]> = [
  ['host', 'api.example.test'],
  ['user-agent', 'undici'],
  ['accept', 'application/json'],
  ['content-type', 'application/json'],
  [
    'authorization',
    'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijklmnopqrstuvwxyz012345',
  ],
  ['cookie', 'sid=abc123def456; theme=dark'],
  ['x-request-id', 'req-12345'],
  ['content-length', String(json.length)],
]
const exchange = (url: string): Exchange => ({
  request: { method: 'POST', url, headers, body: bodyFromBytes(json) },
  response: {
    status: 200,
    headers: [
      ['content-type', 'application/json'],
      ['date', 'Tue, 24 Nov 2026 08:00:00 GMT'],
    ],
    body: bodyFromBytes(json),
  },
  startedAtMs: 0,
  durationMs: 3,
})
const recording: Recording = {
  id: 'r1',
  recordedAt: '2026-11-24T08:00:00.000Z',
  meta: { service: 's', environment: 'e' },
  inbound: exchange('http://127.0.0.1:3000/v1/items?page=2&sort=asc'),
  outbound: [exchange('http://127.0.0.1:4000/lookup?id=42')],
  nondeterminism: { clock: [1, 2], random: [0.5], uuids: [] },
}
const redactor = createRedactor()
const iterations = Number(process.argv[2] ?? 20_000)
for (let i = 0; i < 2000; i++) redactor.recording(recording)
const start = process.cpuUsage()
for (let i = 0; i < iterations; i++) redactor.recording(recording)
const used = process.cpuUsage(start)
console.log(
  `redactor.recording: ${((used.user + used.system) / iterations).toFixed(1)} µs CPU per recording (2 exchanges, 1 KB JSON bodies)`,
)
