/**
 * Sampling and route filters, and the books: every request lands in exactly one column.
 */
import { describe, expect, it } from 'vitest'
import type { RecorderStats } from '../../src/record/index.ts'
import { createRequestSelection } from '../../src/record/request-selection.ts'
import { isParallaxError } from '../../src/recording/errors.ts'
import { recorderFixture, startLoopback } from './loopback.ts'

function balance(stats: RecorderStats): number {
  const dropped = Object.values(stats.dropped).reduce((sum, count) => sum + count, 0)
  return stats.filtered + stats.sampledOut + stats.recorded + stats.truncated + dropped + stats.inFlight
}

describe('record: which requests are recorded', () => {
  it('createRequestSelection: globs match method and path, ignore the query, and exclude wins', () => {
    const select = createRequestSelection({
      include: ['/api/**', 'POST /v1/complete', /^GET \/raw\?/],
      exclude: ['/api/internal/*'],
    })
    expect(select('GET', '/api/items?q=1')).toBe('record')
    expect(select('GET', '/api/a/b/c')).toBe('record')
    expect(select('GET', '/api/internal/x')).toBe('filtered')
    expect(select('GET', '/api/internal/x/y')).toBe('record')
    expect(select('POST', '/v1/complete')).toBe('record')
    expect(select('GET', '/v1/complete')).toBe('filtered')
    expect(select('GET', '/raw?x')).toBe('record')
    expect(select('GET', '/health')).toBe('filtered')
  })

  it('createRequestSelection: a sample outside 0..1 or an empty rule is a usage error with a hint', () => {
    for (const options of [{ sample: 1.5 }, { sample: Number.NaN }, { include: [''] }]) {
      let error: unknown
      try {
        createRequestSelection(options)
      } catch (caught) {
        error = caught
      }
      expect(isParallaxError(error, 'PARALLAX_USAGE')).toBe(true)
    }
  })

  it('createRecorder: samples about the asked fraction, keeps every server error, and the books balance', async () => {
    using fixture = recorderFixture({ sample: 0.25, exclude: ['/health'] })
    await using app = await startLoopback(
      fixture.recorder.wrap((req, res) => {
        res.statusCode = req.url?.startsWith('/fail') ? 503 : 200
        res.end('x')
      }),
    )
    const paths = [
      ...Array.from({ length: 400 }, (_, i) => `/ok/${i}`),
      ...Array.from({ length: 40 }, (_, i) => `/fail/${i}`),
      ...Array.from({ length: 20 }, () => '/health'),
    ]
    for (let i = 0; i < paths.length; i += 40) {
      await Promise.all(paths.slice(i, i + 40).map(async (path) => (await fetch(`${app.url}${path}`)).text()))
    }
    await expect.poll(() => fixture.recorder.stats().inFlight).toBe(0)
    const stats = fixture.recorder.stats()
    expect(stats.requests).toBe(460)
    expect(balance(stats)).toBe(460)
    expect(stats.filtered).toBe(20)
    const failures = fixture.recordings.filter((r) => r.inbound.response.status === 503)
    expect(failures).toHaveLength(40)
    const ok = fixture.recordings.length - failures.length
    // 400 draws at p = 0.25: mean 100, sd ≈ 8.7; ±6 sd never fails by chance.
    expect(ok).toBeGreaterThan(48)
    expect(ok).toBeLessThan(152)
    expect(stats.sampledOut).toBe(400 - ok)
  })

  it('createRecorder: with recordErrors off, unsampled requests are never captured', async () => {
    using fixture = recorderFixture({ sample: 0, recordErrors: false })
    await using app = await startLoopback(
      fixture.recorder.wrap((_req, res) => {
        res.statusCode = 500
        res.end()
      }),
    )
    await (await fetch(`${app.url}/`)).text()
    expect(fixture.recorder.stats()).toMatchObject({ requests: 1, sampledOut: 1, inFlight: 0, recorded: 0 })
  })

  it('createRecorder: a refusing sink (full queue) and bodies cut by the cap are counted in their columns', async () => {
    let accept = false
    using fixture = recorderFixture({ maxBodyBytes: 4, onRecording: () => accept })
    await using app = await startLoopback(fixture.recorder.wrap((req, res) => res.end(req.url)))
    await (await fetch(`${app.url}/refused`)).text()
    accept = true
    await (await fetch(`${app.url}/long-enough-to-cut`)).text()
    await (await fetch(`${app.url}/a`)).text()
    await expect.poll(() => fixture.recorder.stats().inFlight).toBe(0)
    expect(fixture.recorder.stats()).toMatchObject({
      requests: 3,
      recorded: 1,
      truncated: 1,
      dropped: { sinkFull: 1 },
    })
  })
})
