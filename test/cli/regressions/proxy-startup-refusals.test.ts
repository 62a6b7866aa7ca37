/**
 * `parallax proxy` says what is wrong before taking traffic: a port in use is named as such (it printed
 * "PARALLAX_USAGE"), an --out that is not a folder is refused (it served and dropped everything, exit 0),
 * a target that is the proxy's own address is refused (it looped on itself), and running on the public
 * redaction key is warned about (it was silent).
 */
import { once } from 'node:events'
import { mkdtemp, readdir, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startLoopback } from '../../record/loopback.ts'
import { startProxy } from '../../support/proxy-process.ts'
import { ROOT, runNode } from '../../support/run-node.ts'

const BIN = resolve(ROOT, 'bin/parallax.js')
const WITHOUT_KEY = { PARALLAX_REDACTION_KEY: undefined }

/** Runs `parallax proxy …` expecting it to refuse: a proxy that starts instead is killed after 15 s (code 99). */
function refused(args: string[]) {
  return runNode([BIN, 'proxy', ...args], ROOT, 15_000, WITHOUT_KEY)
}

async function listeningServer(): Promise<Server & AsyncDisposable> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return Object.assign(server, {
    async [Symbol.asyncDispose]() {
      server.close()
      await once(server, 'close')
    },
  })
}

async function freePort(): Promise<number> {
  await using server = await listeningServer()
  return (server.address() as { port: number }).port
}

describe('cli: parallax proxy refuses to start on a bad setting, and says why', () => {
  it('proxy: a port in use is named as such, with what to do, not as PARALLAX_USAGE', async () => {
    await using busy = await listeningServer()
    const port = (busy.address() as { port: number }).port
    const out = await mkdtemp(join(tmpdir(), 'parallax-proxy-busy-'))
    const result = await refused([
      '--listen',
      `127.0.0.1:${port}`,
      '--target',
      'http://127.0.0.1:1',
      '--out',
      out,
    ])
    expect(result.code).toBe(2)
    expect(result.stderr).not.toContain('PARALLAX_USAGE')
    expect(result.stderr).toContain(
      `[parallax] Failed to listen on 127.0.0.1:${port}: the port is in use (EADDRINUSE).`,
    )
    expect(result.stderr).toContain(`hint: Another process listens on port ${port}`)
    expect(result.stderr).toContain('pick a free port')
  })

  it('proxy: an --out that is a file is refused before any traffic, with a hint naming --out', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parallax-proxy-out-'))
    const file = join(dir, 'afile')
    await writeFile(file, 'hi\n')
    const result = await refused(['--listen', '127.0.0.1:0', '--target', 'http://127.0.0.1:1', '--out', file])
    expect(result.code).toBe(2)
    expect(result.stderr).not.toContain('listening')
    expect(result.stderr).toContain(
      `[parallax] Failed to use ${file} as the recordings folder: it is a file, not a folder (EEXIST).`,
    )
    expect(result.stderr).toContain('point --out at another folder, e.g. --out recordings/api.')

    const below = await refused([
      '--listen',
      '127.0.0.1:0',
      '--target',
      'http://127.0.0.1:1',
      '--out',
      join(file, 'sub'),
    ])
    expect(below.code).toBe(2)
    expect(below.stderr).toContain('a part of its path is a file, not a folder (ENOTDIR)')
  })

  it('proxy: a missing --out folder is created at startup and left with no probe file', async () => {
    await using service = await startLoopback((_req, res) => res.end('ok'))
    const out = join(await mkdtemp(join(tmpdir(), 'parallax-proxy-new-')), 'a', 'b')
    await using _proxy = await startProxy(
      ['--listen', '127.0.0.1:0', '--target', service.url, '--out', out],
      {},
    )
    expect(await readdir(out)).toEqual([])
  })

  it('proxy: a target that is the proxy’s own address is refused, also as localhost for 127.0.0.1', async () => {
    const port = await freePort()
    const out = await mkdtemp(join(tmpdir(), 'parallax-proxy-self-'))
    for (const target of [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
      const result = await refused(['--listen', `127.0.0.1:${port}`, '--target', target, '--out', out])
      expect(result.code, result.stderr).toBe(2)
      expect(result.stderr).toContain(
        `[parallax] Failed to listen on 127.0.0.1:${port}: the target ${target} is this same address, so the proxy would forward every request to itself.`,
      )
      expect(result.stderr).toContain('hint: The proxy listens on one port and the service on another')
    }
    // The port was released: a proxy in front of a service on it starts.
    await using busy = await listeningServer()
    const other = (busy.address() as { port: number }).port
    await using proxy = await startProxy(
      ['--listen', `127.0.0.1:${port}`, '--target', `http://127.0.0.1:${other}`, '--out', out],
      {},
    )
    expect(proxy.url).toBe(`http://127.0.0.1:${port}`)
  })

  it('proxy: warns once at startup when PARALLAX_REDACTION_KEY is unset, not when it is set', async () => {
    await using service = await startLoopback((_req, res) => res.end('ok'))
    const out = await mkdtemp(join(tmpdir(), 'parallax-proxy-key-'))
    const args = ['--listen', '127.0.0.1:0', '--target', service.url, '--out', out]
    {
      await using proxy = await startProxy(args, WITHOUT_KEY)
      const warnings = proxy.stderr().match(/PARALLAX_REDACTION_KEY is not set/g) ?? []
      expect(warnings).toHaveLength(1)
      expect(proxy.stderr()).toContain(
        '[parallax] PARALLAX_REDACTION_KEY is not set: the placeholders use the public default key. Set it to a long random secret, e.g. PARALLAX_REDACTION_KEY=$(openssl rand -hex 32)',
      )
    }
    await using keyed = await startProxy(args, { PARALLAX_REDACTION_KEY: 'a-long-random-secret-for-tests' })
    expect(keyed.stderr()).not.toContain('PARALLAX_REDACTION_KEY')
  })

  it('proxy: --sample and --max-body-bytes take decimal numbers only', async () => {
    for (const [flag, value] of [
      ['--sample', '0x1'],
      ['--sample', '1e-1'],
      ['--max-body-bytes', '0x10'],
      ['--max-body-bytes', '1e3'],
    ] as const) {
      const result = await refused([
        '--listen',
        '127.0.0.1:0',
        '--target',
        'http://127.0.0.1:1',
        '--out',
        'x',
        flag,
        value,
      ])
      expect(result.code, `${flag} ${value}`).toBe(2)
      expect(result.stderr).toContain(`argument '${value}' is invalid`)
      expect(result.stderr).toContain('in decimal')
    }
  })
})
