/**
 * Reading the proxy's `target` option: the origin of the service every request is forwarded to.
 */
import { isIP } from 'node:net'
import { ParallaxError } from '../../recording/errors.ts'

/**
 * A validated target.
 * @example const target: ProxyTarget = { origin: 'https://api.internal', host: 'api.internal', servername: 'api.internal' }
 */
export interface ProxyTarget {
  /** `http://host:port` or `https://host:port`, as undici's Pool takes it and recordings name it. */
  origin: string
  /** `host:port` (the port only when not the scheme's default). */
  host: string
  /**
   * The TLS server name (SNI, certificate check) of an https target named by DNS. Given explicitly:
   * undici would otherwise take it from each request's Host, which the proxy keeps as the client sent it.
   */
  servername: string | undefined
}

/**
 * Parses and checks a target: http or https, no path, query, fragment or credentials.
 * @example resolveTarget('http://127.0.0.1:3000') // { origin: 'http://127.0.0.1:3000', host: '127.0.0.1:3000' }
 */
export function resolveTarget(target: string | URL): ProxyTarget {
  let url: URL
  try {
    url = new URL(String(target))
  } catch {
    throw invalid(target, 'it is not a URL')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalid(target, 'it is not http or https')
  if (url.username !== '' || url.password !== '') throw invalid(target, 'it carries credentials')
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    throw invalid(target, 'it has a path, query or fragment; the proxy forwards each request path unchanged')
  }
  const https = url.protocol === 'https:'
  const servername = https && isIP(url.hostname.replace(/^\[|\]$/g, '')) === 0 ? url.hostname : undefined
  return { origin: url.origin, host: url.host, servername }
}

function invalid(target: string | URL, reason: string): ParallaxError {
  return new ParallaxError(
    'PARALLAX_USAGE',
    `Failed to create the recording proxy: target ${JSON.stringify(String(target))} is invalid: ${reason}.`,
    { hint: 'Pass the service origin only, e.g. --target http://127.0.0.1:3000.' },
  )
}
