/**
 * What every hook of one recorder shares: the async context that ties work to the inbound request
 * that caused it, the options, the error sink, and the guard that keeps the recorder's own reads out.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { Exchange, Nondeterminism } from '../recording/types.ts'

/** One outbound call in progress or done, able to describe itself as an Exchange at any moment. */
export interface OutboundCapture {
  /** The exchange as far as it got; when it has not finished, the response is marked `incomplete` with `reason`. */
  snapshot(reason: string): Exchange
  /** Whether the call ended (its response finished, or it failed): its response no longer changes. */
  ended(): boolean
}

/** The state of one inbound request being recorded. */
export interface Capture {
  /** Monotonic time of arrival: every `startedAtMs` is relative to it. */
  readonly arrivedAtMs: number
  /** ISO time of arrival. */
  readonly recordedAt: string
  /** Set once the recording was emitted: later reads and calls are no longer this request's. */
  finished: boolean
  readonly outbound: OutboundCapture[]
  readonly nondeterminism: Nondeterminism
}

/** The shared state of one recorder's hooks. */
export interface RecorderRuntime {
  readonly storage: AsyncLocalStorage<Capture>
  /**
   * The capture a library works for while it runs outside the request's own context (global fetch's
   * internals): its outbound calls belong to the request, its clock reads do not.
   */
  readonly libraryScope: AsyncLocalStorage<Capture>
  readonly maxBodyBytes: number
  /** Counts and forwards one of the recorder's own failures; never throws. */
  report(error: unknown): void
  /**
   * Counts an outbound call made while no inbound request was active in its context: it is not
   * recorded, rather than guessed into some request's recording.
   */
  unattributed(): void
  /** Whether recorder code is running now (its own calls and reads are neither recorded nor counted). */
  isGuarded(): boolean
  /**
   * Runs recorder code so that the clock and randomness it (or a library it calls) reads are not recorded.
   * @example runtime.guarded(() => dispatch(opts, handler))
   */
  guarded<T>(fn: () => T): T
  /** Runs a piece of hook code guarded, reporting its failure instead of throwing it into the app. */
  observe(fn: () => void): void
  /** The capture of the inbound request the current code works for, unless it is finished or guarded. */
  activeCapture(): Capture | undefined
  /** The capture an outbound call belongs to: the request's own, or the one a library works for. */
  outboundCapture(): Capture | undefined
}

/**
 * Creates the runtime shared by one recorder's hooks.
 * @example const runtime = createRecorderRuntime({ maxBodyBytes: 1 << 20, report })
 */
export function createRecorderRuntime(options: {
  maxBodyBytes: number
  report: (error: unknown) => void
  unattributed?: () => void
}): RecorderRuntime {
  const storage = new AsyncLocalStorage<Capture>()
  const libraryScope = new AsyncLocalStorage<Capture>()
  // A synchronous depth counter is enough: hooks only guard synchronous stretches of their own code.
  let guardDepth = 0
  const runtime: RecorderRuntime = {
    storage,
    libraryScope,
    maxBodyBytes: options.maxBodyBytes,
    report(error) {
      guardDepth++
      try {
        options.report(error)
      } catch {
        // The error sink itself failed: there is nowhere left to report to, and the app must not see it.
      } finally {
        guardDepth--
      }
    },
    unattributed() {
      options.unattributed?.()
    },
    isGuarded: () => guardDepth > 0,
    guarded(fn) {
      guardDepth++
      try {
        return fn()
      } finally {
        guardDepth--
      }
    },
    observe(fn) {
      try {
        runtime.guarded(fn)
      } catch (error) {
        runtime.report(error)
      }
    },
    activeCapture() {
      if (guardDepth > 0) return undefined
      const capture = storage.getStore()
      return capture === undefined || capture.finished ? undefined : capture
    },
    outboundCapture() {
      if (guardDepth > 0) return undefined
      const capture = storage.getStore() ?? libraryScope.getStore()
      return capture === undefined || capture.finished ? undefined : capture
    },
  }
  return runtime
}
