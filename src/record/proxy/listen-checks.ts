/**
 * What can go wrong when the proxy starts listening, said in the user's terms: a port in use or
 * reserved, an address not of this machine, and a proxy whose target is its own address, which would
 * forward every request to itself until the sockets run out.
 */
import { lookup } from 'node:dns/promises'
import { type AddressInfo, isIP } from 'node:net'
import { hostname, networkInterfaces } from 'node:os'
import { ParallaxError } from '../../recording/errors.ts'
import type { ProxyTarget } from './resolve-target.ts'

/** The longest a target's name may take to resolve for the loop check; past it the check passes. */
const LOOKUP_TIMEOUT_MS = 2_000

/**
 * The error for a failed `server.listen`, naming the cause and what to do (`details.errno`).
 * @example listenError(Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' }), '127.0.0.1', 8080)
 */
export function listenError(cause: unknown, host: string | undefined, port: number): ParallaxError {
  const errno = (cause as NodeJS.ErrnoException | undefined)?.code ?? 'EUNKNOWN'
  const address = hostPort(host ?? '::', port)
  const [reason, hint] = listenProblem(errno, port, cause)
  return new ParallaxError('PARALLAX_USAGE', `Failed to listen on ${address}: ${reason}.`, {
    hint,
    cause,
    details: { errno, host: host ?? '::', port },
  })
}

function listenProblem(errno: string, port: number, cause: unknown): [string, string] {
  switch (errno) {
    case 'EADDRINUSE':
      return [
        'the port is in use (EADDRINUSE)',
        `Another process listens on port ${port} (\`ss -ltnp 'sport = :${port}'\` or \`lsof -iTCP:${port} -sTCP:LISTEN\` shows which): stop it, or pick a free port (0 picks one).`,
      ]
    case 'EACCES':
    case 'EPERM':
      return [
        `this user may not listen on port ${port} (${errno})`,
        'Ports below 1024 need privileges: pick one from 1024 up, e.g. 8080.',
      ]
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return [
        `the address is not one of this machine's (${errno})`,
        'Listen on an address of this machine: 127.0.0.1 (this machine only) or 0.0.0.0 (every interface).',
      ]
    default:
      return [
        `${(cause as Error | undefined)?.message ?? String(cause)}`,
        'Pick a free port (0 picks one) and an address of this machine.',
      ]
  }
}

/**
 * The error for a proxy whose target is the address it listens on.
 * @example selfTargetError(target, { address: '127.0.0.1', family: 'IPv4', port: 8080 })
 */
export function selfTargetError(target: ProxyTarget, bound: AddressInfo): ParallaxError {
  const address = hostPort(bound.address, bound.port)
  return new ParallaxError(
    'PARALLAX_USAGE',
    `Failed to listen on ${address}: the target ${target.origin} is this same address, so the proxy would forward every request to itself.`,
    {
      hint: `The proxy listens on one port and the service on another: listen elsewhere (e.g. port ${bound.port === 8080 ? 8081 : 8080}), or point the target at the service's own port.`,
      details: { target: target.origin, address: bound.address, port: bound.port },
    },
  )
}

/**
 * True when requests sent to `target` would reach the proxy bound at `bound`: the same port, and a
 * target host that is the bound address, or is loopback while the proxy listens on loopback
 * (`localhost` and `127.0.0.1` count as one), or is any address of this machine while it listens on all.
 * @example await targetsItself(resolveTarget('http://localhost:8080'), { address: '127.0.0.1', family: 'IPv4', port: 8080 }) // true
 */
export async function targetsItself(target: ProxyTarget, bound: AddressInfo): Promise<boolean> {
  const url = new URL(target.origin)
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80))
  if (port !== bound.port) return false
  const listening = plainAddress(bound.address)
  const addresses = await targetAddresses(url.hostname.replace(/^\[|\]$/g, ''))
  if (isUnspecified(listening)) {
    const local = localAddresses()
    return addresses.some((address) => isLoopback(address) || isUnspecified(address) || local.has(address))
  }
  return addresses.some(
    (address) =>
      address === listening || isUnspecified(address) || (isLoopback(address) && isLoopback(listening)),
  )
}

/** The addresses a target host stands for: itself when an IP, else what the resolver says (none on failure). */
async function targetAddresses(host: string): Promise<string[]> {
  if (isIP(host) !== 0) return [plainAddress(host)]
  if (host === 'localhost' || host.endsWith('.localhost')) return ['127.0.0.1', '::1']
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<[]>((resolve) => {
    timer = setTimeout(() => resolve([]), LOOKUP_TIMEOUT_MS).unref()
  })
  const resolved = lookup(host, { all: true })
    .then((found) => found.map((entry) => plainAddress(entry.address)))
    .catch(() => [])
  try {
    const addresses = await Promise.race([resolved, timeout])
    return host.toLowerCase() === hostname().toLowerCase() ? [...addresses, '127.0.0.1'] : addresses
  } finally {
    clearTimeout(timer)
  }
}

function localAddresses(): Set<string> {
  return new Set(
    Object.values(networkInterfaces()).flatMap((entries) =>
      (entries ?? []).map((entry) => plainAddress(entry.address)),
    ),
  )
}

/** `::ffff:127.0.0.1` is `127.0.0.1`; an IPv6 zone is dropped. */
function plainAddress(address: string): string {
  return address
    .toLowerCase()
    .replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1')
    .replace(/%.*$/, '')
}

function isLoopback(address: string): boolean {
  return address === '::1' || /^127\./.test(address)
}

function isUnspecified(address: string): boolean {
  return address === '0.0.0.0' || address === '::'
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}
