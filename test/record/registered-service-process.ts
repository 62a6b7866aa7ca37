/**
 * `test/fixtures/registered-service.ts` run as a user runs a service under the recorder: a child process
 * started with `--import` of the recorder's register entry (the sources' file; `parallax/register`
 * resolves to the built dist/ of an installed package, see test/cli/installed-package.test.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { ROOT } from '../support/run-node.ts'

const REGISTER = pathToFileURL(resolve(ROOT, 'src/record/register.ts')).href
const SERVICE = resolve(ROOT, 'test/fixtures/registered-service.ts')

/** The running service; disposing of it stops it with SIGTERM (when still running). */
export interface RegisteredService extends AsyncDisposable {
  child: ChildProcess
  port: number
  /** All the service wrote on stderr so far. */
  stderr(): string
  /** GETs `path` and returns the status, the body read. */
  get(path: string): Promise<number>
}

/**
 * Starts the service with `env` over this process's environment (a key set to undefined is removed) and
 * resolves once it listens.
 * @example await using service = await startRegisteredService({ PARALLAX_OUT: dir })
 */
export async function startRegisteredService(
  env: Record<string, string | undefined>,
): Promise<RegisteredService> {
  const child = spawn(process.execPath, ['--import', REGISTER, SERVICE], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  let stdout = ''
  const port = await new Promise<number>((resolvePort, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      const match = /listening (\d+)/.exec(stdout)
      if (match) resolvePort(Number(match[1]))
    })
    child.once('exit', (code) => reject(new Error(`service exited (${code}) before listening: ${stderr}`)))
  })
  return {
    child,
    port,
    stderr: () => stderr,
    async get(path) {
      const answer = await fetch(`http://127.0.0.1:${port}${path}`)
      await answer.text()
      return answer.status
    },
    async [Symbol.asyncDispose]() {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = once(child, 'exit')
      child.kill('SIGTERM')
      await exited
    },
  }
}
