/**
 * Replay stays offline for every client kind: a real loopback server counts connections while each
 * client tries to reach it with an empty recording, and must see none.
 */
import http from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import net from 'node:net'
import tls from 'node:tls'
import { Agent, Client, Pool, fetch as undiciFetch, request as undiciRequest } from 'undici'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { isParallaxError } from '../../../src/recording/errors.ts'
import { recordingWith, type ServedNetwork, serve } from './network-fixtures.ts'

let served: ServedNetwork | undefined
let server: net.Server
let connections = 0
let port = 0
const sockets = new Set<net.Socket>()

beforeEach(async () => {
  connections = 0
  server = net.createServer((socket) => {
    connections++
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.end('HTTP/1.1 200 OK\r\ncontent-length: 4\r\nconnection: close\r\n\r\nreal')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})

afterEach(async () => {
  served?.patches.restore()
  served = undefined
  for (const socket of sockets) socket.destroy()
  await new Promise((resolve) => server.close(resolve))
})

/** Resolves with the error a socket-style client emits, or fails when it connects. */
function socketError(socket: net.Socket): Promise<unknown> {
  return new Promise((resolve) => {
    socket.once('error', resolve)
    socket.once('connect', () => resolve(new Error('connected')))
    socket.once('secureConnect', () => resolve(new Error('connected')))
  })
}

function requestError(module: typeof http | typeof https, url: string): Promise<unknown> {
  return new Promise((resolve) => {
    const req = module.get(url, { rejectUnauthorized: false }, () => resolve(new Error('answered')))
    req.once('error', resolve)
  })
}

describe('serveFromRecording: lockdown', () => {
  it('serveFromRecording: no client kind opens a real connection, and each one gets an error', async () => {
    served = serve(recordingWith([]))
    const origin = `http://127.0.0.1:${port}`
    const dispatchers = [new Pool(origin), new Client(origin), new Agent()]
    const outcomes: Record<string, unknown> = {
      fetch: await fetch(`${origin}/x`).catch((error: unknown) => error),
      undiciRequest: await undiciRequest(`${origin}/x`).catch((error: unknown) => error),
      undiciFetch: await undiciFetch(`${origin}/x`).catch((error: unknown) => error),
      undiciPool: await dispatchers[0]!
        .request({ path: '/x', method: 'GET' })
        .catch((error: unknown) => error),
      undiciClient: await dispatchers[1]!
        .request({ path: '/x', method: 'GET' })
        .catch((error: unknown) => error),
      undiciAgent: await undiciRequest(`${origin}/x`, { dispatcher: dispatchers[2]! }).catch(
        (error: unknown) => error,
      ),
      http: await requestError(http, `${origin}/x`),
      https: await requestError(https, `https://127.0.0.1:${port}/x`),
      netConnect: await socketError(net.connect(port, '127.0.0.1')),
      netCreateConnection: await socketError(net.createConnection({ port, host: '127.0.0.1' })),
      netSocketConnect: await socketError(new net.Socket().connect(port, '127.0.0.1')),
      tlsConnect: await socketError(tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false })),
    }
    await Promise.all(dispatchers.map((dispatcher) => dispatcher.destroy()))

    for (const [client, outcome] of Object.entries(outcomes)) {
      const parallax = isParallaxError(outcome) ? outcome : (outcome as { cause?: unknown })?.cause
      expect(isParallaxError(parallax, 'PARALLAX_OUTBOUND_UNMATCHED'), `${client}: ${String(outcome)}`).toBe(
        true,
      )
    }
    expect(connections).toBe(0)
    expect(served.calls.filter((call) => call.method === 'CONNECT').map((call) => call.url)).toEqual(
      Array(7).fill(`tcp://127.0.0.1:${port}`),
    )
    expect(served.calls.every((call) => call.matched === null)).toBe(true)

    // The counter is live: once the replay is over, the same server is reachable again.
    served.patches.restore()
    served = undefined
    expect(await (await fetch(`${origin}/x`)).text()).toBe('real')
    expect(connections).toBe(1)
  })

  it('serveFromRecording: allowHosts lets the allowed host through for real and keeps others offline', async () => {
    served = serve(recordingWith([]), [`127.0.0.1:${port}`])
    expect(await (await fetch(`http://127.0.0.1:${port}/x`)).text()).toBe('real')
    const { body } = await undiciRequest(`http://127.0.0.1:${port}/x`)
    expect(await body.text()).toBe('real')
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1')
      let text = ''
      socket.on('data', (chunk) => {
        text += chunk
      })
      socket.on('end', () => resolve(text))
      socket.on('error', reject)
    })
    expect(raw).toContain('real')
    expect(connections).toBe(3)
    const blocked = await fetch(`http://localhost:${port}/x`).catch((error: unknown) => error)
    expect(isParallaxError((blocked as TypeError).cause, 'PARALLAX_OUTBOUND_UNMATCHED')).toBe(true)
    expect(connections).toBe(3)
    expect(served.errors).toHaveLength(1)
  })
})
