/**
 * The recording proxy's header rules, as pure functions: what is forwarded each way, in what order.
 */
import { describe, expect, it } from 'vitest'
import {
  passedThrough,
  type RequestHeaderOptions,
  requestHeadersToTarget,
  responseHeadersToClient,
} from '../../src/record/proxy/proxy-headers.ts'

const hop = { address: '127.0.0.1', protocol: 'http' } as const
const plain: RequestHeaderOptions = { host: 'client', forwarded: false, hop }

describe('record: proxy headers', () => {
  it('requestHeadersToTarget: drops hop-by-hop headers, the ones Connection names, proxy-* and Expect', () => {
    expect(
      requestHeadersToTarget(
        [
          'Host',
          'api',
          'Connection',
          'keep-alive, X-Hop',
          'X-Hop',
          '1',
          'Keep-Alive',
          'timeout=5',
          'TE',
          'trailers',
          'Trailer',
          'X-T',
          'Transfer-Encoding',
          'chunked',
          'Upgrade',
          'h2c',
          'Proxy-Authorization',
          'Basic eA==',
          'Proxy-Connection',
          'keep-alive',
          'Expect',
          '100-continue',
          'X-Kept',
          'yes',
          'Accept',
          '*/*',
        ],
        plain,
      ),
    ).toEqual(['Host', 'api', 'X-Kept', 'yes', 'Accept', '*/*'])
  })

  it('requestHeadersToTarget: keeps order, case and repeats, and only the first Host', () => {
    expect(
      requestHeadersToTarget(['x-b', '1', 'Host', 'a', 'X-A', '2', 'host', 'b', 'x-b', '3'], plain),
    ).toEqual(['x-b', '1', 'Host', 'a', 'X-A', '2', 'x-b', '3'])
  })

  it("requestHeadersToTarget: in target mode sends no Host of the client (undici sends the target's)", () => {
    expect(requestHeadersToTarget(['Host', 'a', 'Accept', '*/*'], { ...plain, host: 'target' })).toEqual([
      'Accept',
      '*/*',
    ])
  })

  it('requestHeadersToTarget: appends the client to the last X-Forwarded-For and adds the missing X-Forwarded-*', () => {
    const forwarded = { ...plain, forwarded: true }
    expect(
      requestHeadersToTarget(
        [
          'Host',
          'a',
          'X-Forwarded-For',
          '1.1.1.1',
          'X-Forwarded-For',
          '2.2.2.2',
          'X-Forwarded-Proto',
          'https',
        ],
        forwarded,
      ),
    ).toEqual([
      'Host',
      'a',
      'X-Forwarded-For',
      '1.1.1.1',
      'X-Forwarded-For',
      '2.2.2.2, 127.0.0.1',
      'X-Forwarded-Proto',
      'https',
      'X-Forwarded-Host',
      'a',
    ])
    expect(requestHeadersToTarget(['Host', 'a'], forwarded)).toEqual([
      'Host',
      'a',
      'X-Forwarded-For',
      '127.0.0.1',
      'X-Forwarded-Proto',
      'http',
      'X-Forwarded-Host',
      'a',
    ])
  })

  it('requestHeadersToTarget: adds a Via entry naming the proxy after the client\u2019s own; passedThrough finds it', () => {
    const named = { ...plain, forwarded: true, via: 'parallax-0a1b2c3d', hop: { ...hop, httpVersion: '1.0' } }
    const out = requestHeadersToTarget(['Host', 'a', 'Via', '1.1 edge (cache)'], named)
    expect(out.slice(0, 4)).toEqual(['Host', 'a', 'Via', '1.1 edge (cache)'])
    expect(out.slice(-2)).toEqual(['Via', '1.0 parallax-0a1b2c3d'])
    // Without forwarded headers nothing is added, Via included.
    expect(requestHeadersToTarget(['Host', 'a'], { ...named, forwarded: false })).toEqual(['Host', 'a'])

    expect(passedThrough(out, 'parallax-0a1b2c3d')).toBe(true)
    expect(passedThrough(['VIA', 'HTTP/2 edge, 1.1   parallax-0a1b2c3d (x)'], 'parallax-0a1b2c3d')).toBe(true)
    // Another proxy's name, the name in a comment or another header: no loop.
    expect(passedThrough(out, 'parallax-ffffffff')).toBe(false)
    expect(passedThrough(['Via', '1.1 edge (parallax-0a1b2c3d)'], 'parallax-0a1b2c3d')).toBe(false)
    expect(passedThrough(['X-Via', '1.1 parallax-0a1b2c3d'], 'parallax-0a1b2c3d')).toBe(false)
  })

  it('responseHeadersToClient: keeps every Set-Cookie in place and drops hop-by-hop headers', () => {
    expect(
      responseHeadersToClient([
        'Set-Cookie',
        'a=1',
        'Connection',
        'close, X-Hop',
        'X-Hop',
        '1',
        'Transfer-Encoding',
        'chunked',
        'Content-Type',
        'text/plain',
        'Set-Cookie',
        'b=2',
        'Proxy-Authenticate',
        'Basic',
        'Upgrade',
        'h2c',
      ]),
    ).toEqual(['Set-Cookie', 'a=1', 'Content-Type', 'text/plain', 'Set-Cookie', 'b=2'])
  })
})
