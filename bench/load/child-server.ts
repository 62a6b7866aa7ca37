/**
 * A service under load runs in its own child process, so that its CPU time is measured apart from the
 * load generator's (as in production, where clients are other machines) and so that a process-wide
 * hook (a recorder) installed in one service cannot touch another or the load generator.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { pathToFileURL } from 'node:url'
import type { ServiceCounters, ServiceOptions } from './service.ts'

/** What the child measured between `begin()` and `end()`. */
export interface ServerRound {
  /** User + system CPU time of the whole child process (all threads), in µs. */
  cpuUs: number
  /** TCP connections the server accepted. */
  connections: number
  /** Requests the server received. */
  requests: number
  /** The service's own counters (see `ChildService.endRound`). */
  counters: ServiceCounters
}

/** Parent → child. */
export type ChildCommand = { type: 'begin' } | { type: 'end' } | { type: 'close' }

/** Child → parent. */
export type ChildReply =
  | { type: 'ready'; port: number; pid: number }
  | { type: 'begun' }
  | { type: 'ended'; round: ServerRound }
  | { type: 'failed'; message: string }

/** Options of {@link startChildServer}. */
export interface ChildServerOptions {
  /** Shown in errors. */
  name: string
  /** A module exporting `createService` (see `./service.ts`): a path, a file URL or its href. */
  module: string | URL
  /** Passed to `createService`. */
  options?: ServiceOptions
  /** Extra Node flags for the child, e.g. `['--cpu-prof', '--cpu-prof-dir=prof']`. */
  execArgv?: readonly string[]
  /** Environment of the child; default the parent's. */
  env?: NodeJS.ProcessEnv
}

/** A service serving on 127.0.0.1 in a child process. */
export interface ChildServer extends AsyncDisposable {
  readonly name: string
  /** `http://127.0.0.1:<port>` */
  readonly origin: string
  readonly pid: number
  /** Starts a round: the child collects garbage, then zeroes its CPU, connection and request counts. */
  begin(): Promise<void>
  /** Ends a round and returns what the child measured since `begin()`. */
  end(): Promise<ServerRound>
  /** Stops the server and waits for the child to exit. */
  close(): Promise<void>
}

const MAIN = new URL('./child-server-main.ts', import.meta.url)
const STARTUP_MS = 30_000
const COMMAND_MS = 60_000

/**
 * Starts a service in a child process (the same Node binary) and waits until it listens.
 * @example
 * await using server = await startChildServer({ name: 'off', module: new URL('./svc.ts', import.meta.url) })
 * await server.begin()
 * // … drive load at server.origin …
 * const { cpuUs, connections } = await server.end()
 */
export async function startChildServer(options: ChildServerOptions): Promise<ChildServer> {
  const moduleUrl =
    options.module instanceof URL
      ? options.module.href
      : options.module.startsWith('file:')
        ? options.module
        : pathToFileURL(options.module).href
  const child = fork(MAIN, [moduleUrl, JSON.stringify(options.options ?? {})], {
    execPath: process.execPath,
    execArgv: ['--expose-gc', ...(options.execArgv ?? [])],
    env: options.env ?? process.env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const replies = replyQueue(child, options.name)
  const ready = await replies.next('ready', STARTUP_MS)
  let closed: Promise<void> | undefined

  const command = async <T extends ChildReply['type']>(type: ChildCommand['type'], reply: T) => {
    child.send({ type } satisfies ChildCommand)
    return replies.next(reply, COMMAND_MS)
  }
  const server: ChildServer = {
    name: options.name,
    origin: `http://127.0.0.1:${ready.port}`,
    pid: ready.pid,
    async begin() {
      await command('begin', 'begun')
    },
    async end() {
      return (await command('end', 'ended')).round
    },
    close() {
      closed ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
        if (child.connected) child.send({ type: 'close' } satisfies ChildCommand)
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
        await exited
        clearTimeout(timer)
      })()
      return closed
    },
    [Symbol.asyncDispose]() {
      return server.close()
    },
  }
  return server
}

/** Hands out the child's replies in order; a failure, an exit or a timeout rejects the waiting call. */
function replyQueue(child: ChildProcess, name: string) {
  const pending: ChildReply[] = []
  let waiter: ((reply: ChildReply | Error) => void) | undefined
  const deliver = (reply: ChildReply | Error) => {
    if (waiter) {
      const resolve = waiter
      waiter = undefined
      resolve(reply)
    } else if (!(reply instanceof Error)) pending.push(reply)
  }
  child.on('message', (message: ChildReply) => deliver(message))
  child.on('exit', (code, signal) =>
    deliver(new Error(`Failed to drive bench server ${name}: its process exited (${signal ?? code}).`)),
  )
  child.on('error', (error) => deliver(error))
  return {
    next<T extends ChildReply['type']>(
      type: T,
      timeoutMs: number,
    ): Promise<Extract<ChildReply, { type: T }>> {
      return new Promise((resolve, reject) => {
        const settle = (reply: ChildReply | Error) => {
          clearTimeout(timer)
          if (reply instanceof Error) reject(reply)
          else if (reply.type === 'failed')
            reject(new Error(`Failed to drive bench server ${name}: ${reply.message}`))
          else if (reply.type !== type)
            reject(new Error(`Failed to drive bench server ${name}: expected ${type}, got ${reply.type}.`))
          else resolve(reply as Extract<ChildReply, { type: T }>)
        }
        const timer = setTimeout(
          () => settle(new Error(`Failed to drive bench server ${name}: no ${type} within ${timeoutMs} ms.`)),
          timeoutMs,
        )
        const queued = pending.shift()
        if (queued) settle(queued)
        else waiter = settle
      })
    },
  }
}
