/**
 * Runs a Node script as a user would: a child process with this Node, `NO_COLOR=1`, its exit code and output.
 */
import { execFile } from 'node:child_process'
import { resolve } from 'node:path'

/** The repository root, where `bin/parallax.js` and `examples/` live. */
export const ROOT = resolve(import.meta.dirname, '../..')

export interface NodeResult {
  code: number
  stdout: string
  stderr: string
}

/**
 * Runs `node <args>` in `cwd` (default the repository root); never rejects, the exit code says how it went.
 * @example const { code, stdout } = await runNode(['bin/parallax.js', 'replay', 'scenarios/copilot.ts'])
 */
export function runNode(
  args: string[],
  cwd = ROOT,
  timeout = 60_000,
  env: Record<string, string | undefined> = {},
): Promise<NodeResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      args,
      { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...env }, timeout },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 99) : 0
        done({ code, stdout, stderr })
      },
    )
  })
}

/**
 * Runs the `parallax` command with `args` in `cwd`.
 * @example const { code, stderr } = await parallax(['replay', 'scenarios/nope.ts'])
 */
export function parallax(
  args: string[],
  cwd = ROOT,
  env: Record<string, string | undefined> = {},
): Promise<NodeResult> {
  return runNode([resolve(ROOT, 'bin/parallax.js'), ...args], cwd, 60_000, env)
}
