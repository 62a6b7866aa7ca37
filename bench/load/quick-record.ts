/**
 * A quick loop for iterating on the recorder's cost: the bench's JSON endpoint served `off` and recorded
 * in child processes, driven by closed loops, printing the server's CPU µs per request (median of the
 * rounds) and the recorded modes' excess over `off`. Not a target check: `npm run bench -- record` is.
 *
 * Usage: node bench/load/quick-record.ts [--body 1024] [--fetch] [--modes off,memory] [--ms 1000]
 *   [--rounds 5] [--prof <dir>] (the server children then write `.cpuprofile`s into `<dir>/<case>/`)
 *   [--node-flags '--single-threaded-gc'] (flags for every server child)
 *   [--open <req/s>] (an open loop at that rate over all servers at once, in 250 ms turns, instead of a
 *   closed loop per server: the CPU a request costs an otherwise idle server)
 * A mode `memory@<folder>` serves the service of another checkout (e.g. a copy with the recorder as it
 * was), for an A/B comparison in one run; the first mode is the baseline. Mode `bare` is `memory` without
 * redaction (`./quick-service.ts`): the capture's own cost. Mode `burn:<µs>` is `off` spending that much
 * CPU per request in a busy loop (`./burn-service.ts`): what the closed loop makes of a known cost. Modes
 * `probe:<kind>` (`./probe-service.ts`) do one piece of a recorder's work each (an AsyncLocalStorage
 * context, a `finish` listener, a wrapped `res.end`, allocations kept in a ring…) without the recorder.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { type ChildServer, startChildServer } from './child-server.ts'
import { runClosedLoop } from './closed-loop.ts'
import { spread } from './figures.ts'
import { runOpenLoop } from './open-loop.ts'
import type { RecordMode } from './recorded-service.ts'

const { values } = parseArgs({
  options: {
    body: { type: 'string', default: '1024' },
    fetch: { type: 'boolean', default: false },
    modes: { type: 'string', default: 'off,memory' },
    ms: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '5' },
    prof: { type: 'string' },
    'node-flags': { type: 'string', default: '' },
    open: { type: 'string' },
  },
})
const cases = values.modes.split(',').map((spec) => {
  const [name, tree] = spec.split('@') as [string, string | undefined]
  const burnUs = name.startsWith('burn:') ? Number(name.slice('burn:'.length)) : undefined
  const file = name.startsWith('probe:')
    ? 'probe-service.ts'
    : name === 'bare'
      ? 'quick-service.ts'
      : burnUs !== undefined
        ? 'burn-service.ts'
        : 'recorded-service.ts'
  const module =
    tree === undefined
      ? new URL(`./${file}`, import.meta.url)
      : pathToFileURL(join(resolve(tree), 'bench/load', file))
  const mode = (
    name === 'bare' ? 'memory' : burnUs !== undefined || name.startsWith('probe:') ? 'off' : name
  ) as RecordMode
  return {
    label: spec,
    mode,
    module,
    folder: spec.replaceAll(/[^\w]+/g, '-'),
    bare: name === 'bare',
    burnUs: burnUs ?? 0,
  }
})
const headers = () => ({
  accept: 'application/json',
  'user-agent': 'parallax-bench/1',
  authorization: 'Bearer bench-7f3a9c2e51d04b8aa6e0',
  cookie: 'session=bench-4c1e; theme=dark',
  'x-request-id': `bench-${Math.random().toString(36).slice(2, 8)}`,
})

const upstream = values.fetch
  ? await startChildServer({
      name: 'upstream',
      module: new URL('./json-service.ts', import.meta.url),
      options: { bodyBytes: 256 },
    })
  : undefined
const servers: ChildServer[] = []
/** The disk modes' segment folders, removed at the end. */
const folders: string[] = []
const temporaryFolder = () => {
  const dir = mkdtempSync(join(tmpdir(), 'parallax-quick-record-'))
  folders.push(dir)
  return dir
}
try {
  for (const { label, mode, module, folder, bare, burnUs } of cases) {
    servers.push(
      await startChildServer({
        name: label,
        module,
        options: {
          mode,
          bodyBytes: Number(values.body),
          upstream: upstream === undefined ? null : `${upstream.origin}/quote`,
          dir: mode === 'disk' ? temporaryFolder() : null,
          redact: bare ? 'off' : 'default',
          burnUs,
          probe: label,
        },
        execArgv: [
          ...values['node-flags'].split(' ').filter(Boolean),
          ...(values.prof === undefined
            ? []
            : ['--cpu-prof', `--cpu-prof-dir=${join(resolve(values.prof), folder)}`]),
        ],
      }),
    )
  }
  const perRequest = cases.map(() => [] as number[])
  const served = cases.map(() => 0)
  const rounds = Number(values.rounds)
  for (let round = 0; round <= rounds; round++) {
    // Every other round backwards, so that no case always follows the same one.
    if (values.open !== undefined) {
      for (const server of servers) await server.begin()
      const load = await runOpenLoop({
        origins: servers.map((server) => server.origin),
        path: '/items',
        rate: Number(values.open),
        durationMs: round === 0 ? 500 : Number(values.ms),
        sliceMs: 250,
        connections: 64,
        headers,
      })
      for (const [index, server] of servers.entries()) {
        const result = await server.end()
        served[index]! += result.requests
        const ok = load.targets[index]!.ok
        if (round > 0) perRequest[index]!.push(result.cpuUs / Math.max(1, ok))
      }
      continue
    }
    const order = [...servers.entries()]
    if (round % 2 === 1) order.reverse()
    for (const [index, server] of order) {
      await server.begin()
      const load = await runClosedLoop({
        origin: server.origin,
        path: '/items',
        connections: 64,
        durationMs: round === 0 ? 500 : Number(values.ms),
        headers,
      })
      const result = await server.end()
      served[index]! += result.requests
      if (round > 0) perRequest[index]!.push(result.cpuUs / Math.max(1, load.ok))
    }
  }
  const base = spread(perRequest[0]!).median
  for (const [index, { label }] of cases.entries()) {
    const s = spread(perRequest[index]!)
    process.stdout.write(
      `${label.padEnd(24)} server CPU ${s.median.toFixed(1)} µs/req (${s.min.toFixed(1)}–${s.max.toFixed(1)})` +
        (index === 0 ? '' : `  +${(s.median - base).toFixed(1)} µs, ${(s.median / base).toFixed(2)}×`) +
        `  served ${served[index]}\n`,
    )
  }
} finally {
  for (const server of servers) await server.close()
  await upstream?.close()
  for (const dir of folders) rmSync(dir, { recursive: true, force: true })
}
