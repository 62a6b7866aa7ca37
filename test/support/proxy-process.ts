/**
 * `parallax proxy …` as a user runs it: a child process with this Node, resolved once it says where it
 * listens (its startup line on stderr).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { resolve } from 'node:path'
import { ROOT } from './run-node.ts'

/** A running proxy; disposing of it stops it with SIGTERM (when still running). */
export interface RunningProxy extends AsyncDisposable {
  child: ChildProcess
  /** `http://host:port` it listens on (IPv6 hosts in brackets). */
  url: string
  /** All it wrote on stderr so far. */
  stderr(): string
  /** Sends SIGTERM and resolves with the exit code once it has exited. */
  stop(): Promise<number | null>
}

/**
 * Starts `parallax proxy <args>` with `env` over this process's environment and `NO_COLOR=1`.
 * @example await using proxy = await startProxy(['--listen', '127.0.0.1:0', '--target', url, '--out', dir])
 */
export async function startProxy(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<RunningProxy> {
  const child = spawn(process.execPath, [resolve(ROOT, 'bin/parallax.js'), 'proxy', ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  const url = await new Promise<string>((resolveUrl, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
      const match = /proxy listening on (http:\/\/\S+) →/.exec(stderr)
      if (match) resolveUrl(match[1] as string)
    })
    child.once('exit', (code) => reject(new Error(`proxy exited (${code}): ${stderr}`)))
  })
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
    const exited = once(child, 'exit') as Promise<[number | null]>
    child.kill('SIGTERM')
    return (await exited)[0]
  }
  return {
    child,
    url,
    stderr: () => stderr,
    stop,
    async [Symbol.asyncDispose]() {
      await stop()
    },
  }
}
