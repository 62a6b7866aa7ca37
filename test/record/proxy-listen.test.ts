/**
 * `proxy.listen` fails in the user's terms: a port in use says so and what to do, and a proxy whose
 * target is its own address is refused (it would forward every request to itself) and frees the port.
 */
import { once } from 'node:events'
import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { createRecordingProxy } from '../../src/record/proxy/create-recording-proxy.ts'
import { targetsItself } from '../../src/record/proxy/listen-checks.ts'
import { resolveTarget } from '../../src/record/proxy/resolve-target.ts'
import { isParallaxError } from '../../src/recording/errors.ts'

async function busyPort(): Promise<{ port: number } & AsyncDisposable> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    port: (server.address() as { port: number }).port,
    async [Symbol.asyncDispose]() {
      server.close()
      await once(server, 'close')
    },
  }
}

async function usageError(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (rejected: unknown) => rejected,
  )
  if (!isParallaxError(error, 'PARALLAX_USAGE')) throw new Error(`expected a usage error, got ${error}`)
  return error
}

describe('record: the proxy’s listen checks', () => {
  it('listen: a port in use is named as such, with what to do', async () => {
    await using busy = await busyPort()
    await using proxy = createRecordingProxy({ target: 'http://127.0.0.1:1', onRecording: () => {} })
    const error = await usageError(proxy.listen(busy.port, '127.0.0.1'))
    expect(error.message).toBe(`Failed to listen on 127.0.0.1:${busy.port}: the port is in use (EADDRINUSE).`)
    expect(error.hint).toContain(`Another process listens on port ${busy.port}`)
    expect(error.details).toMatchObject({ errno: 'EADDRINUSE', port: busy.port })
  })

  it('listen: the target’s own address is refused, and the port is released', async () => {
    const port = await (async () => {
      await using free = await busyPort()
      return free.port
    })()
    for (const target of [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
      await using proxy = createRecordingProxy({ target, onRecording: () => {} })
      const error = await usageError(proxy.listen(port, '127.0.0.1'))
      expect(error.message).toBe(
        `Failed to listen on 127.0.0.1:${port}: the target ${target} is this same address, so the proxy would forward every request to itself.`,
      )
    }
    await using proxy = createRecordingProxy({
      target: `http://127.0.0.1:${port + 1}`,
      onRecording: () => {},
    })
    expect((await proxy.listen(port, '127.0.0.1')).port).toBe(port)
  })

  it('targetsItself: the same port on the same, a loopback or a wildcard address; never another port', async () => {
    const at = (address: string, port = 8080) => ({
      address,
      family: address.includes(':') ? 'IPv6' : 'IPv4',
      port,
    })
    const target = (url: string) => resolveTarget(url)
    expect(await targetsItself(target('http://127.0.0.1:8080'), at('127.0.0.1'))).toBe(true)
    expect(await targetsItself(target('http://localhost:8080'), at('127.0.0.1'))).toBe(true)
    expect(await targetsItself(target('http://[::1]:8080'), at('127.0.0.1'))).toBe(true)
    expect(await targetsItself(target('http://127.0.0.1:8080'), at('0.0.0.0'))).toBe(true)
    expect(await targetsItself(target('http://127.0.0.1:8080'), at('::'))).toBe(true)
    expect(await targetsItself(target('http://127.0.0.1'), at('127.0.0.1', 80))).toBe(true)
    expect(await targetsItself(target('http://127.0.0.1:8081'), at('127.0.0.1'))).toBe(false)
    expect(await targetsItself(target('http://192.0.2.10:8080'), at('127.0.0.1'))).toBe(false)
    expect(await targetsItself(target('http://192.0.2.10:8080'), at('0.0.0.0'))).toBe(false)
  })
})
