/**
 * The redaction engine beside the request path: what `createRedactor()` costs per 1 KB JSON body, per
 * header list and per URL, against `JSON.parse` of the same body measured in the same run (a body the
 * recorder captures is at least parsed once by the service, so that is the natural unit).
 *
 * Targets (ratios to `JSON.parse` of the 1 KB body, the baseline):
 * - redacting a clean 1 KB JSON body ≤ 6× a parse (one pass over its bytes finds no rule literal and no
 *   secret name, so no rule runs: see `src/record/redact/term-scan.ts`);
 * - redacting a 1 KB JSON body holding 3 secrets ≤ 20× (each secret costs an HMAC, and a body that changed
 *   is scanned once more, which is what makes redacting twice change nothing);
 * - redacting a 10-header list (an Authorization header and a two-cookie Cookie among them) ≤ 10×;
 * - a URL with a query and no secret ≤ 3×.
 * The absolute figures (µs per call) are printed in the table.
 */
import { createRedactor } from '../src/record/index.ts'
import type { HeaderList } from '../src/recording/types.ts'
import { runSuite, type SuiteResult } from './harness.ts'

/** About 1 KB of JSON like an API answer: ids, names, nested objects, a list. */
function jsonBody(secrets: boolean): Buffer {
  const items = Array.from({ length: 9 }, (_, i) => ({
    id: `item-${i.toString(36).padStart(4, '0')}`,
    name: `Suggestion ${i}`,
    score: Math.round(((i * 7919) % 1000) / 10) / 100,
    tags: ['parse', 'render'],
  }))
  const body = {
    requestId: '6f1c2a8e-0b7d-4e8a-9c1f-2d3e4f5a6b7c',
    user: { id: 42, name: 'Ada Lovelace', email: 'ada@example.test', locale: 'en-GB' },
    ...(secrets && {
      session: { access_token: 'N3x8fKq2LmZp9Rt4Vw7Yb1Cd5Ef6Gh8J', refresh_token: 'r9T2mK4pL7qX1zV3' },
    }),
    items,
    note: secrets ? 'charged with sk_live_4eC39HqLyjWDarjtT1zdp7dc' : 'charged with the default card on file',
  }
  return Buffer.from(JSON.stringify(body))
}

const HEADERS: HeaderList = [
  ['host', 'api.example.test'],
  ['user-agent', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)'],
  ['accept', 'application/json'],
  ['accept-encoding', 'gzip, br'],
  [
    'authorization',
    'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  ],
  ['cookie', 'theme=dark; session=N3x8fKq2LmZp9Rt4Vw7Yb1Cd5Ef6Gh8J'],
  ['content-type', 'application/json'],
  ['content-length', '1024'],
  ['x-request-id', '6f1c2a8e-0b7d-4e8a-9c1f-2d3e4f5a6b7c'],
  ['traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'],
]

const URL_TEXT = 'https://api.example.test/v1/search?q=running+shoes&page=2&sort=price&lang=en'

/** Runs the redaction suite. */
export async function run(): Promise<SuiteResult[]> {
  const redactor = createRedactor({ key: 'bench-key' })
  const clean = jsonBody(false)
  const secret = jsonBody(true)
  const cleanText = clean.toString()
  const suite = await runSuite({
    title: `Redacting beside the request path (JSON body ${clean.byteLength} B clean, ${secret.byteLength} B with 3 secrets)`,
    baseline: 'JSON.parse 1 KB body',
    // Each case first runs for a while, so calls per sample are learned from warm code, not a cold call.
    warmupMs: 300,
    sampleMs: 50,
    rounds: 9,
    cases: [
      { name: 'JSON.parse 1 KB body', fn: () => JSON.parse(cleanText) },
      { name: 'redact clean 1 KB JSON body', fn: () => redactor.bytes(clean, 'application/json') },
      { name: 'redact 1 KB JSON body, 3 secrets', fn: () => redactor.bytes(secret, 'application/json') },
      { name: 'redact 10-header list', fn: () => redactor.headers(HEADERS) },
      { name: 'redact URL with query', fn: () => redactor.url(URL_TEXT) },
    ],
    targets: [
      { case: 'redact clean 1 KB JSON body', max: 6 },
      { case: 'redact 1 KB JSON body, 3 secrets', max: 20 },
      { case: 'redact 10-header list', max: 10 },
      { case: 'redact URL with query', max: 3 },
    ],
  })
  return [suite]
}
