/**
 * Zero code change: `node --import parallax/register service.js` records a service that knows nothing
 * of parallax, writes redacted segments, and finalizes them when the service is stopped.
 */
import { once } from 'node:events'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { bodyText } from '../../src/recording/body.ts'
import { loadRecordings } from '../../src/recording/load-recordings.ts'
import { parallax } from '../support/run-node.ts'
import { startLoopback } from './loopback.ts'
import { startRegisteredService } from './registered-service-process.ts'

describe('record: --import parallax/register', () => {
  it('register: records a service with no parallax code, redacted, and finalizes on SIGTERM', async () => {
    await using dependency = await startLoopback((req, res) => res.end(`dep saw ${req.url}`))
    const out = await mkdtemp(join(tmpdir(), 'parallax-register-'))
    const service = await startRegisteredService({
      PARALLAX_OUT: out,
      PARALLAX_SERVICE: 'orders',
      PARALLAX_ENVIRONMENT: 'production',
      DEPENDENCY_URL: dependency.url,
      FETCH_AT_START: '1',
    })
    for (let i = 0; i < 20; i++) {
      const answer = await fetch(`http://127.0.0.1:${service.port}/orders/${i}`, {
        headers: { authorization: 'Bearer sk_live_registerTestSecret0123456789' },
      })
      expect(answer.status).toBe(200)
      await answer.text()
    }
    service.child.kill('SIGTERM')
    const [code, signal] = (await once(service.child, 'exit')) as [number | null, NodeJS.Signals | null]
    // The recorder re-raised the signal after finalizing: the process ended as SIGTERM ends it.
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' })

    const files = await readdir(out)
    expect(files.filter((file) => file.endsWith('.open'))).toEqual([])
    const { recordings, errors } = await loadRecordings(out)
    expect(errors).toEqual([])
    expect(recordings).toHaveLength(20)
    const first = recordings.map((r) => r.recording).find((r) => r.inbound.request.url.endsWith('/orders/0'))
    expect(first?.meta).toMatchObject({ service: 'orders', environment: 'production' })
    expect(first?.outbound.map((call) => call.request.url)).toEqual([`${dependency.url}/lookup/orders/0`])
    expect(bodyText(first?.outbound[0]?.response.body)).toBe('dep saw /lookup/orders/0')
    const at = (JSON.parse(bodyText(first?.inbound.response.body)) as { at: number }).at
    expect(first?.nondeterminism.clock).toContain(at)
    for (const file of files) {
      expect((await readFile(join(out, file))).includes('sk_live_registerTestSecret')).toBe(false)
    }

    // The writer's status file keeps the recorder's books: inspect shows where every request went and
    // the call made at start-up, outside any request.
    const inspect = await parallax(['inspect', out])
    expect(inspect.code).toBe(0)
    expect(inspect.stdout).toMatch(
      /\n {2}recorder {4}20 requests: 20 recorded, 0 dropped\n {2}outside {5}1 outbound call outside any request, not recorded\n/,
    )
    const summary = JSON.parse((await parallax(['inspect', out, '--json'])).stdout)
    expect(summary.writers.recorders).toMatchObject({
      count: 1,
      requests: 20,
      recorded: 20,
      inFlight: 0,
      unattributed: 1,
      dropped: { total: 0 },
    })
  })

  it('register: an app that handles SIGTERM itself still gets its segments finalized', async () => {
    await using dependency = await startLoopback((_req, res) => res.end('ok'))
    const out = await mkdtemp(join(tmpdir(), 'parallax-register-'))
    const service = await startRegisteredService({
      PARALLAX_OUT: out,
      DEPENDENCY_URL: dependency.url,
      STAY_ON_SIGTERM: '1',
    })
    await (await fetch(`http://127.0.0.1:${service.port}/a`)).text()
    service.child.kill('SIGTERM')
    const [code] = (await once(service.child, 'exit')) as [number | null]
    expect(code).toBe(0)
    const { recordings } = await loadRecordings(out)
    expect(recordings).toHaveLength(1)
  })

  it('register: a bad setting is reported once and the service runs unrecorded', async () => {
    await using dependency = await startLoopback((_req, res) => res.end('ok'))
    const service = await startRegisteredService({ PARALLAX_OUT: '', DEPENDENCY_URL: dependency.url })
    const answer = await fetch(`http://127.0.0.1:${service.port}/a`)
    expect(answer.status).toBe(200)
    await answer.text()
    service.child.kill('SIGTERM')
    await once(service.child, 'exit')
    expect(service.stderr()).toContain('[parallax] Failed to start recording: PARALLAX_OUT is not set.')
    expect(service.stderr()).toContain('The service runs unrecorded.')
  })
})
