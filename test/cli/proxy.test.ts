/**
 * `parallax proxy`: a real child process forwarding to a loopback service, recording what passes,
 * finalizing its segment on SIGTERM.
 */
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { httpOrigin } from '../../src/cli/commands/proxy.ts'
import { bodyText } from '../../src/recording/body.ts'
import { loadRecordings } from '../../src/recording/load-recordings.ts'
import { startLoopback } from '../record/loopback.ts'
import { startProxy } from '../support/proxy-process.ts'
import { parallax } from '../support/run-node.ts'

describe('cli: parallax proxy', () => {
  it('proxy: forwards and records every exchange, redacted, and finalizes its segment on SIGTERM', async () => {
    await using service = await startLoopback((req, res) => {
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ path: req.url, password: 'hunter2-service-side' }))
    })
    const out = await mkdtemp(join(tmpdir(), 'parallax-proxy-cli-'))
    const proxy = await startProxy([
      '--listen',
      '127.0.0.1:0',
      '--target',
      service.url,
      '--out',
      out,
      '--service',
      'api',
    ])
    const url = proxy.url
    for (let i = 0; i < 5; i++) {
      const answer = await fetch(`${url}/items/${i}?api_key=sk_live_proxyCliSecret123456789`)
      expect(await answer.json()).toEqual({
        path: `/items/${i}?api_key=sk_live_proxyCliSecret123456789`,
        password: 'hunter2-service-side',
      })
    }
    expect(await proxy.stop()).toBe(0)
    expect(proxy.stderr()).toContain('5 requests · 5 recorded (0 with a body cut) · 5 written · 0 dropped')

    const { recordings, errors, writers } = await loadRecordings(out)
    expect(errors).toEqual([])
    expect(recordings).toHaveLength(5)
    // The writer's status file keeps the proxy's books (only the recorder's counts).
    expect(writers?.[0]?.recorder).toEqual({
      requests: 5,
      filtered: 0,
      sampledOut: 0,
      recorded: 5,
      truncated: 0,
      dropped: { captureFailed: 0, redactFailed: 0, sinkFull: 0, sinkFailed: 0 },
      inFlight: 0,
      unattributed: 0,
      errors: 0,
    })
    const first = recordings.map((r) => r.recording).find((r) => r.inbound.request.url.includes('/items/0'))
    expect(first?.meta).toMatchObject({ service: 'api', environment: 'production' })
    expect(first?.inbound.request.url).toMatch(new RegExp(`^${service.url}/items/0\\?api_key=%5Bredacted%3A`))
    expect(bodyText(first?.inbound.response.body)).toMatch(/"password":"\[redacted:[0-9a-f]{12}\]"/)
    for (const file of await readdir(out)) {
      const bytes = await readFile(join(out, file))
      expect(bytes.includes('sk_live_proxyCliSecret')).toBe(false)
      expect(bytes.includes('hunter2-service-side')).toBe(false)
    }
  })

  it('proxy: an IPv6 address is printed in brackets, and one request is counted in the singular', async () => {
    await using service = await startLoopback((_req, res) => res.end('ok'))
    const out = await mkdtemp(join(tmpdir(), 'parallax-proxy-cli-'))
    const proxy = await startProxy(['--listen', '[::1]:0', '--target', service.url, '--out', out])
    const url = proxy.url
    expect(url).toMatch(/^http:\/\/\[::1\]:\d+$/)
    expect(await (await fetch(`${url}/one`)).text()).toBe('ok')
    expect(await proxy.stop()).toBe(0)
    expect(proxy.stderr()).toContain('[parallax] 1 request · 1 recorded')
  })

  it('proxy: httpOrigin brackets an IPv6 host and leaves an IPv4 one bare', () => {
    expect(httpOrigin({ address: '::1', port: 8080 })).toBe('http://[::1]:8080')
    expect(httpOrigin({ address: '127.0.0.1', port: 8080 })).toBe('http://127.0.0.1:8080')
  })

  it('proxy: a missing --target or a bad --listen is a usage error with a hint', async () => {
    const missing = await parallax(['proxy', '--listen', '127.0.0.1:0', '--out', 'x'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain("required option '--target <origin>' not specified")
    const bad = await parallax([
      'proxy',
      '--listen',
      'nowhere',
      '--target',
      'http://127.0.0.1:1',
      '--out',
      'x',
    ])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('Failed to parse --listen "nowhere"')
    expect(bad.stderr).toContain('hint: Give host:port')
  })
})
