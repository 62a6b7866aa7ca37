/**
 * The runner's side of a variant's isolate: spawns a worker thread or a child process, sends it
 * recordings one at a time, watches it (a stage that blocks the event loop cannot time itself out),
 * and turns crashes into failed traces. A dead isolate is replaced before the next recording.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { Worker } from 'node:worker_threads'
import type { Trace } from '../../pipeline/types.ts'
import {
  deserializeError,
  isParallaxError,
  ParallaxError,
  type SerializedError,
  serializeError,
} from '../../recording/errors.ts'
import type { Recording } from '../../recording/types.ts'
import type { Matching } from '../network/exchange-book.ts'
import type { Isolation, PipelineRef, Variant } from '../types.ts'
import {
  type FromIsolate,
  type IsolateInit,
  type ReplayMessage,
  STAGE_PROGRESS,
  type ToIsolate,
} from './protocol.ts'
import type { IsolateReplayRequest } from './replay-in-isolate.ts'

// entry.ts beside this file in the sources, entry.js in a built package (dist/).
const ENTRY = new URL(import.meta.url.endsWith('.ts') ? './entry.ts' : './entry.js', import.meta.url)
/** Grace on top of the sum of stage timeouts before the watchdog declares the isolate hung. */
const WATCHDOG_GRACE_MS = 5_000
const READY_TIMEOUT_MS = 30_000
/** How long a closing isolate may take to exit on its own (open handles in the pipeline module) before it is killed. */
const STOP_GRACE_MS = 2_000

/** A stage run alone on an input (see IsolateReplayRequest.only). */
export type StageOnly = NonNullable<IsolateReplayRequest['only']>

export interface IsolateOptions {
  /** Hosts the variant may really reach during replay (none by default). */
  allowHosts?: string[]
  /** Where the isolate's stdout and stderr go (default: this process's stderr, so `--json` stays pure). */
  output?: NodeJS.WritableStream
  /** How outbound calls find their recorded exchange (default `exact`). */
  matching?: Matching
}

export interface IsolateHandle {
  readonly variant: string
  readonly isolation: Isolation
  /**
   * Replays one recording; resolves with a trace (a failed replay is a trace with `failure`). `recordingJson`
   * is `JSON.stringify(recording)` when the caller already has it (a replayer serializes once for all variants).
   */
  replay(recording: Recording, seed: number, recordingJson?: string, only?: StageOnly): Promise<Trace>
  close(): Promise<void>
}

/**
 * Chooses the isolation for a variant: a worker thread unless it sets env, TZ or locale, which are process-wide.
 * @example resolveIsolation({ name: 'prod', config: {}, tz: 'UTC' }) // 'process'
 */
export function resolveIsolation(variant: Variant): Isolation {
  const needsProcess = variant.env !== undefined || variant.tz !== undefined || variant.locale !== undefined
  if (variant.isolation === 'worker' && needsProcess) {
    throw new ParallaxError(
      'PARALLAX_USAGE',
      `Failed to isolate variant ${variant.name}: env, tz and locale need a child process.`,
      {
        hint: `Remove isolation: 'worker' from variant ${variant.name}, or drop its env/tz/locale.`,
      },
    )
  }
  return variant.isolation ?? (needsProcess ? 'process' : 'worker')
}

/**
 * Creates the isolate for one variant; it starts lazily on the first replay.
 * @example
 * const local = createIsolate({ name: 'local', config }, { module: pipelinePath, export: 'copilot' })
 * const trace = await local.replay(recording, 1)
 */
export function createIsolate(
  variant: Variant,
  pipeline: PipelineRef,
  options: IsolateOptions = {},
): IsolateHandle {
  const isolation = resolveIsolation(variant)
  let live: Promise<Live> | undefined
  let nextId = 1

  const ensure = () => {
    live ??= start(variant, isolation, pipeline, options).catch((error: unknown) => {
      live = undefined
      throw error
    })
    return live
  }

  const handle: IsolateHandle = {
    variant: variant.name,
    isolation,
    async replay(recording, seed, recordingJson = JSON.stringify(recording), only) {
      const current = ensure()
      const isolate = await current
      const id = nextId++
      const request: ReplayMessage = {
        type: 'replay',
        id,
        recordingJson,
        variant: { name: variant.name, config: variant.config },
        seed,
        ...(only && { only }),
        ...(options.matching && { matching: options.matching }),
      }
      const outcome = await isolate.run(request)
      if (outcome.kind === 'trace') return outcome.trace
      if (live === current) live = undefined
      // Sent behind a replay that killed the isolate: it never ran, so it runs again on a fresh one.
      if (outcome.kind === 'requeue') {
        void isolate.kill()
        return handle.replay(recording, seed, recordingJson, only)
      }
      await isolate.kill()
      return failedTrace(recording, variant.name, isolate.pipelineName, outcome.error)
    },
    async close() {
      const current = live
      live = undefined
      if (current) await (await current.catch(() => undefined))?.stop()
    },
  }
  return handle
}

type RunOutcome =
  | { kind: 'trace'; trace: Trace }
  | { kind: 'dead'; error: SerializedError }
  /** The isolate died while this replay waited behind another one: it never started. */
  | { kind: 'requeue' }

/** A replay sent to the isolate and not answered yet; the isolate runs them one at a time, in order. */
interface InFlight {
  id: number
  resolve: (outcome: RunOutcome) => void
  stage: string | undefined
}

interface Live {
  pipelineName: string
  run(request: ReplayMessage): Promise<RunOutcome>
  stop(): Promise<void>
  kill(): Promise<void>
}

interface Channel {
  send(message: ToIsolate): void
  on(listener: (message: FromIsolate) => void): void
  onExit(listener: (reason: string) => void): void
  stop(): Promise<void>
  kill(): Promise<void>
}

async function start(
  variant: Variant,
  isolation: Isolation,
  pipeline: PipelineRef,
  options: IsolateOptions,
): Promise<Live> {
  const output = options.output ?? process.stderr
  const init: IsolateInit = { pipeline, ...(options.allowHosts ? { allowHosts: options.allowHosts } : {}) }
  // A worker shares memory: it notes the running stage there instead of sending a message per stage.
  const shared = isolation === 'worker' ? new SharedArrayBuffer(STAGE_PROGRESS.bytes) : undefined
  const progress = shared ? new Int32Array(shared) : undefined
  const channel = shared
    ? workerChannel({ ...init, progress: shared }, output)
    : processChannel(init, variant, output)

  // Replays are sent as soon as they are asked for, so the isolate never waits for the runner between two
  // recordings; the first of `queue` is the one running, and the watchdog watches only that one.
  const queue: InFlight[] = []
  let stageNames: string[] = []
  /** The stage the pending replay is running, from shared memory (worker) or the last `stage` message (process). */
  const runningStage = (): string | undefined => {
    const pending = queue[0]
    if (!pending) return undefined
    if (progress && Atomics.load(progress, STAGE_PROGRESS.replay) === pending.id) {
      const index = Atomics.load(progress, STAGE_PROGRESS.stage)
      return index > 0 ? stageNames[index - 1] : undefined
    }
    return pending.stage
  }
  let watchdog: NodeJS.Timeout | undefined
  let stageTimeouts = 0
  let isReady = false
  let dead: SerializedError | undefined
  /** Set when we asked the isolate to stop: its exit is then no news. */
  let stopping = false

  const die = (error: SerializedError) => {
    const first = dead === undefined
    dead ??= error
    clearTimeout(watchdog)
    const [running, ...waiting] = queue.splice(0)
    running?.resolve({ kind: 'dead', error: dead })
    for (const entry of waiting) entry.resolve({ kind: 'requeue' })
    // Died with nothing running (a stray timer of the last replay threw): no trace can carry the reason.
    if (first && isReady && !running && !stopping) {
      output.write(`[parallax] The ${variant.name} isolate stopped between two replays: ${error.message}\n`)
    }
  }

  const watch = () => {
    clearTimeout(watchdog)
    const running = queue[0]
    if (!running) return
    const limit = stageTimeouts + WATCHDOG_GRACE_MS
    watchdog = setTimeout(() => {
      const stage = runningStage() ?? 'before the first stage'
      die(
        serializeError(
          new ParallaxError(
            'PARALLAX_STAGE_TIMEOUT',
            `Failed to replay under ${variant.name}: stage ${stage} blocked the isolate for ${limit} ms (the sum of the stage timeouts plus ${WATCHDOG_GRACE_MS} ms).`,
            {
              hint: `Look for a synchronous loop in ${stage}; the isolate was stopped.`,
              details: { stage, limitMs: limit },
            },
          ),
        ),
      )
      void channel.kill()
    }, limit)
  }

  const ready = new Promise<{ name: string }>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new ParallaxError(
          'PARALLAX_ISOLATE_CRASHED',
          `Failed to start the ${variant.name} isolate: it did not get ready within ${READY_TIMEOUT_MS} ms.`,
        ),
      )
    }, READY_TIMEOUT_MS)
    channel.on((message) => {
      if (message.type === 'ready') {
        clearTimeout(timer)
        isReady = true
        stageNames = message.pipeline.stages.map((s) => s.name)
        stageTimeouts = message.pipeline.stages.reduce((sum, s) => sum + s.timeoutMs, 0)
        resolve(message.pipeline)
      } else if (message.type === 'fatal') {
        clearTimeout(timer)
        if (!isReady) reject(rebuild(message.error))
        die(message.error)
      } else if (message.type === 'stage' && queue[0]?.id === message.id) {
        queue[0].stage = message.name
      } else if (message.type === 'trace' && queue[0]?.id === message.id) {
        queue.shift()?.resolve({ kind: 'trace', trace: message.trace })
        watch()
      }
    })
    channel.onExit((reason) => {
      clearTimeout(timer)
      const stage = runningStage()
      const error = serializeError(
        new ParallaxError(
          'PARALLAX_ISOLATE_CRASHED',
          `Failed to replay under ${variant.name}: the ${isolation} isolate ${reason}.`,
          {
            hint: stage
              ? `It was running stage ${stage}; look for process.exit or a native crash there.`
              : 'Run the pipeline module on its own to see whether it exits while loading.',
          },
        ),
      )
      if (!isReady) reject(rebuild(error))
      die(error)
    })
  })
  const info = await ready.catch(async (error: unknown) => {
    // A module that failed to load may still hold timers or servers: never leave its isolate running.
    await channel.kill()
    throw error
  })

  return {
    pipelineName: info.name,
    run(request) {
      // Died between two replays: this one never started, so it runs on a fresh isolate.
      if (dead) return Promise.resolve({ kind: 'requeue' })
      return new Promise<RunOutcome>((resolve) => {
        queue.push({ id: request.id, resolve, stage: undefined })
        if (queue.length === 1) watch()
        channel.send(request)
      })
    },
    stop: () => {
      stopping = true
      return channel.stop()
    },
    kill: () => {
      stopping = true
      return channel.kill()
    },
  }
}

/** The error an isolate sent back, as a ParallaxError: its own when it was one, ISOLATE_CRASHED around it otherwise. */
function rebuild(error: SerializedError): Error {
  const rebuilt = deserializeError(error)
  if (isParallaxError(rebuilt)) return rebuilt
  return new ParallaxError('PARALLAX_ISOLATE_CRASHED', `Failed to start the isolate: ${error.message}`, {
    hint: 'Run the pipeline module on its own to see the error.',
    cause: rebuilt,
  })
}

function workerChannel(init: IsolateInit, output: NodeJS.WritableStream): Channel {
  const worker = new Worker(ENTRY, { workerData: init, stdout: true, stderr: true })
  worker.stdout.pipe(output, { end: false })
  worker.stderr.pipe(output, { end: false })
  let exited = false
  return {
    send: (message) => worker.postMessage(message),
    on: (listener) => worker.on('message', listener),
    onExit: (listener) => {
      worker.on('error', (error) => listener(`threw ${error.message}`))
      worker.on('exit', (code) => {
        exited = true
        listener(`exited with code ${code}`)
      })
    },
    stop: async () => {
      if (exited) return
      worker.postMessage({ type: 'close' } satisfies ToIsolate)
      if (!(await exitsWithin(new Promise((resolve) => worker.once('exit', resolve)))))
        await worker.terminate()
    },
    kill: async () => {
      if (!exited) await worker.terminate()
    },
  }
}

function processChannel(init: IsolateInit, variant: Variant, output: NodeJS.WritableStream): Channel {
  const child: ChildProcess = fork(ENTRY, {
    env: isolateEnv(variant, init),
    execArgv: [],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'advanced',
  })
  child.stdout?.pipe(output, { end: false })
  child.stderr?.pipe(output, { end: false })
  let exited = false
  const exitedPromise = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return {
    send: (message) => child.send(message),
    on: (listener) => child.on('message', (message) => listener(message as FromIsolate)),
    onExit: (listener) => {
      child.on('error', (error) => listener(`failed: ${error.message}`))
      child.on('exit', (code, signal) => {
        exited = true
        listener(signal ? `was killed by ${signal}` : `exited with code ${code}`)
      })
    },
    stop: async () => {
      if (exited) return
      child.send({ type: 'close' } satisfies ToIsolate)
      if (await exitsWithin(exitedPromise)) return
      child.kill('SIGKILL')
      await exitedPromise
    },
    kill: async () => {
      if (exited) return
      child.kill('SIGKILL')
      await exitedPromise
    },
  }
}

/** A child's environment: a clean base (so the host's shell does not leak in), then the variant's settings. */
function isolateEnv(variant: Variant, init: IsolateInit): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {}
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'SystemRoot']) {
    const value = process.env[key]
    if (value !== undefined) base[key] = value
  }
  const posixLocale = variant.locale ? `${variant.locale.replaceAll('-', '_')}.UTF-8` : undefined
  const locale = posixLocale ? { LC_ALL: posixLocale, LANG: posixLocale } : {}
  // The host's time zone unless the variant names one, as worker variants see it.
  const tz = variant.tz ?? process.env['TZ']
  return {
    ...base,
    ...(tz === undefined ? {} : { TZ: tz }),
    ...locale,
    ...variant.env,
    PARALLAX_ISOLATE_INIT: JSON.stringify(init),
  }
}

/** The trace of a replay whose isolate died: no stages, and the reason. */
function failedTrace(recording: Recording, variant: string, pipeline: string, error: SerializedError): Trace {
  return {
    format: 'parallax-trace',
    version: 1,
    pipeline,
    recordingId: recording.id,
    variant,
    stages: [],
    outbound: { recorded: recording.outbound.length, consumed: 0, unmatched: [] },
    failure: error,
    timings: { stages: {}, totalMs: 0 },
  }
}

/** True when `exited` settles within the stop grace; the timer is the host's, never a replay's patched one. */
async function exitsWithin(exited: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const grace = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), STOP_GRACE_MS)
  })
  try {
    return await Promise.race([exited.then(() => true as const), grace])
  } finally {
    clearTimeout(timer)
  }
}
