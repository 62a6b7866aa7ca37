/**
 * The backstop that keeps replay offline whatever the client: every socket connect goes through
 * `net.Socket.prototype.connect` (net.connect, net.createConnection, tls.connect and every HTTP
 * client end there), and during replay it may open a real connection only to an allowed host.
 */
import net from 'node:net'
import type { PatchRegistry } from '../../record/patch-registry.ts'
import { inFrameworkScope } from '../framework-scope.ts'
import type { NetworkContext } from './network-context.ts'
import { outboundRequest, requestDigest } from './normalize-request.ts'
import { refusedConnectionError } from './outbound-errors.ts'

type Connect = (this: net.Socket, ...args: unknown[]) => net.Socket

/**
 * Refuses real connections to hosts outside allowHosts. Install it before msw listens: msw then
 * connects its own passthrough sockets through it, so even a request msw let through stays offline.
 * @example guardRealConnections(context, patches)
 */
export function guardRealConnections(context: NetworkContext, patches: PatchRegistry): void {
  const next = net.Socket.prototype.connect as unknown as Connect
  const connect: Connect = function connect(this: net.Socket, ...args: unknown[]) {
    // msw's intercepted sockets carry their own `connect` and a handle that never dials: nothing escapes.
    if (Object.hasOwn(this, 'connect')) return next.apply(this, args)
    return admit(this, args, context, next)
  }
  patches.replace(net.Socket.prototype, 'connect', connect as unknown as net.Socket['connect'])
}

/**
 * Refuses, at the attempt itself, every connection the code under test opens outside the HTTP clients
 * that the recording answers (raw net/tls sockets, an undici Client/Pool/Agent of its own). Install it
 * after msw listens, so it runs before msw's own socket interception.
 * @example refuseRawSockets(context, patches)
 */
export function refuseRawSockets(context: NetworkContext, patches: PatchRegistry): void {
  const next = net.Socket.prototype.connect as unknown as Connect
  const connect: Connect = function connect(this: net.Socket, ...args: unknown[]) {
    // Framework scope means one of our patched HTTP entry points opened it: msw answers what it carries.
    if (inFrameworkScope()) return next.apply(this, args)
    return admit(this, args, context, next)
  }
  patches.replace(net.Socket.prototype, 'connect', connect as unknown as net.Socket['connect'])
}

function admit(socket: net.Socket, args: unknown[], context: NetworkContext, next: Connect): net.Socket {
  const target = connectTarget(args)
  if (target.kind === 'tcp' && context.isAllowed(target.host, target.port)) return next.apply(socket, args)
  const url =
    target.kind === 'tcp' ? `tcp://${formatHost(target.host)}:${target.port}` : `unix://${target.path}`
  const digest = requestDigest(outboundRequest('CONNECT', url, [], Buffer.alloc(0)))
  const error = refusedConnectionError(url, digest)
  context.report({ method: 'CONNECT', url, requestDigest: digest, matched: null }, error)
  // Fail like a refused connection does: asynchronously, with 'error' then 'close'.
  process.nextTick(() => socket.destroy(error))
  return socket
}

type ConnectTarget = { kind: 'tcp'; host: string; port: string } | { kind: 'ipc'; path: string }

/** Reads the target out of any `connect` signature, including the normalized array net.connect passes. */
function connectTarget(args: unknown[]): ConnectTarget {
  const list = Array.isArray(args[0]) ? (args[0] as unknown[]) : args
  const first = list[0]
  if (first !== null && typeof first === 'object') {
    const options = first as {
      host?: string
      hostname?: string
      port?: number | string
      path?: string
      servername?: string
    }
    if (options.path !== undefined && options.port === undefined)
      return { kind: 'ipc', path: String(options.path) }
    return {
      kind: 'tcp',
      host: options.host ?? options.hostname ?? 'localhost',
      port: String(options.port ?? ''),
    }
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return { kind: 'ipc', path: first }
  const host = typeof list[1] === 'string' ? list[1] : 'localhost'
  return { kind: 'tcp', host, port: String(first ?? '') }
}

function formatHost(host: string): string {
  return net.isIPv6(host) ? `[${host}]` : host
}
