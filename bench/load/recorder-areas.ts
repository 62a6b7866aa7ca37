import { relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { type CpuProfile, indexProfile, loadProfiles, profileSamples } from './cpu-profile-summary.ts'
import { formatTable } from './figures.ts'

const root = resolve(import.meta.dirname, '../..')
const OURS = /\/src\/record(ing)?\//

/** The area a parallax file belongs to. */
function areaOf(file: string): string {
  if (/src\/record\/redact\//.test(file)) return 'redaction'
  if (/src\/record\/(byte-collector|proxy\/body-tee)|src\/recording\/(body|content-encoding)/.test(file))
    return 'bodies (byte-collector, body, content-encoding)'
  if (/src\/record\/(inbound-wrap|inbound-channel|wrap-instance-method)/.test(file))
    return 'inbound (inbound-wrap, -channel)'
  if (/src\/record\/header-list/.test(file)) return 'header-list'
  if (/src\/record\/(undici-capture|fetch-scope|http-client-capture|outbound-exchange)/.test(file))
    return 'outbound (undici, fetch-scope, exchange)'
  if (/src\/record\/(create-recorder|recording-ids|recorder-books|request-selection)/.test(file))
    return 'create-recorder, ids, books'
  if (/src\/record\/(recorder-runtime|nondeterminism-hooks|real-sources)/.test(file))
    return 'runtime, clock/random hooks'
  if (/src\/record\/sink\/|src\/recording\/(sorted-json|write-segment)/.test(file)) return 'sink, sortedJson'
  return file
}

interface Frame {
  functionName: string
  url: string
  lineNumber: number
}

/** Whether a parallax frame calling `callee` is only handing the call through to what it wraps. */
function passesThrough(callee: Frame): boolean {
  const { url, functionName: name } = callee
  if (OURS.test(url)) return false
  if (url.includes('/bench/')) return true
  if (url.includes('/node_modules/undici/') || url.startsWith('node:internal/deps/undici')) return true
  if (url === 'node:_http_outgoing' && (name === 'end' || name === 'write')) return true
  if (url === 'node:events' && name === 'emit') return true
  if (url.startsWith('node:internal/streams/readable') && name.endsWith('push')) return true
  if (url.startsWith('node:internal/bootstrap/web') && name === 'fetch') return true
  return false
}

function label(frame: Frame): string {
  const name = frame.functionName || '(anonymous)'
  if (frame.url === '') return name
  const file = frame.url.startsWith('file:') ? relative(root, fileURLToPath(frame.url)) : frame.url
  return `${name} (${file}:${frame.lineNumber + 1})`
}

interface Bill {
  areas: Map<string, number>
  billed: Map<string, number>
  passed: Map<string, number>
  gcUs: number
}

function bill(profiles: CpuProfile[]): Bill {
  const result: Bill = { areas: new Map(), billed: new Map(), passed: new Map(), gcUs: 0 }
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us)
  for (const profile of profiles) {
    const { byId, parent } = indexProfile(profile)
    for (const { id, us, node } of profileSamples(profile, byId)) {
      if (node.callFrame.functionName === '(garbage collector)') result.gcUs += us
      let callee: Frame | undefined
      // Whether a frame between the leaf and the parallax frame is the app's (or what a wrapper wraps).
      let app = false
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const frame = byId.get(at)!.callFrame
        if (OURS.test(frame.url)) {
          const edge = `${label(frame)} → ${callee ? label(callee) : '(self)'}`
          // The clock and randomness wrappers run the real source for the app: that is the app's read.
          if (app || (callee !== undefined && frame.url.endsWith('/nondeterminism-hooks.ts')))
            add(result.passed, edge, us)
          else {
            add(result.billed, edge, us)
            add(result.areas, areaOf(fileURLToPath(frame.url)), us)
          }
          break
        }
        if (passesThrough(frame)) app = true
        callee = frame
      }
    }
  }
  return result
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      requests: { type: 'string' },
      against: { type: 'string' },
      'against-requests': { type: 'string' },
      edges: { type: 'string', default: '15' },
    },
  })
  const requests = Number(values.requests)
  const recorded = bill(loadProfiles(positionals))
  const per = (us: number) => `${(us / requests).toFixed(2)} µs`
  const rows = [...recorded.areas.entries()].sort((a, b) => b[1] - a[1]).map(([area, us]) => [area, per(us)])
  const total = [...recorded.areas.values()].reduce((a, b) => a + b, 0)
  rows.push(['recorder code, total', per(total)])
  if (values.against !== undefined) {
    const base = bill(loadProfiles([values.against]))
    const baseGc = base.gcUs / Number(values['against-requests'])
    rows.push(['GC growth over the baseline', `${(recorded.gcUs / requests - baseGc).toFixed(2)} µs`])
  }
  process.stdout.write(`${formatTable(['area', 'per request'], rows)}\n`)
  const top = Number(values.edges)
  if (top > 0) {
    const edges = (map: Map<string, number>) =>
      [...map.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([edge, us]) => [edge, per(us)])
    process.stdout.write(
      `\n${formatTable(['billed to the recorder', 'per request'], edges(recorded.billed))}\n`,
    )
    process.stdout.write(
      `\n${formatTable(['passed through to the app', 'per request'], edges(recorded.passed))}\n`,
    )
  }
}
