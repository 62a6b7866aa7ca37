/**
 * The in-process recorder: wraps a node:http handler, ties every outbound call and nondeterministic
 * read to the inbound request that caused it, and hands over one redacted Recording per request.
 */
import { ParallaxError } from '../recording/errors.ts'
import type { Exchange, Recording, RecordingMeta } from '../recording/types.ts'
import { installFetchScope } from './fetch-scope.ts'
import { installHttpClientCapture } from './http-client-capture.ts'
import { createInboundWrap, type InboundSink, type InboundWrap } from './inbound-wrap.ts'
import { installNondeterminismHooks } from './nondeterminism-hooks.ts'
import { createPatchRegistry } from './patch-registry.ts'
import { realSources } from './real-sources.ts'
import { createRecorderRuntime } from './recorder-runtime.ts'
import { createHeaderRedactor } from './redact-headers.ts'
import { installUndiciCapture } from './undici-capture.ts'

/**
 * Bodies larger than this are kept truncated (size and SHA-256 still describe the whole).
 * @example createRecorder({ service, environment, onRecording, maxBodyBytes: DEFAULT_MAX_BODY_BYTES / 4 })
 */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024

/**
 * Options of {@link createRecorder}.
 * @example const options: RecorderOptions = { service: 'copilot', environment: 'production', onRecording: (r) => queue.push(r) }
 */
export interface RecorderOptions {
  service: string
  environment: string
  version?: string
  configFingerprint?: string
  pipeline?: string
  /** Bytes of each body kept in the recording; default {@link DEFAULT_MAX_BODY_BYTES}. */
  maxBodyBytes?: number
  /** Header names redacted in addition to the defaults (authorization, cookie, set-cookie, x-api-key…). */
  redactHeaders?: string[]
  /** HMAC key of the redaction placeholders; default a fixed, public key (see `DEFAULT_REDACTION_KEY`). */
  redactionKey?: string
  /** Receives each finished inbound exchange's recording, once. A throw is caught and counted. */
  onRecording: (recording: Recording) => void
  /** Receives the recorder's own failures, which are never thrown into the app. */
  onError?: (error: unknown) => void
}

/**
 * What a recorder has done so far.
 * @example recorder.stats() // { recorded: 12, errors: 0 }
 */
export interface RecorderStats {
  /** Recordings handed to `onRecording` without it throwing. */
  recorded: number
  /** The recorder's own failures (hooks, `onRecording`), each also passed to `onError`. */
  errors: number
}

/**
 * A running recorder; its global hooks stay installed until `close()`.
 * @example using recorder = createRecorder(options) // closed at the end of the scope
 */
export interface Recorder extends Disposable {
  /** Wraps a node:http request handler so each request it serves is recorded. */
  readonly wrap: InboundWrap
  stats(): RecorderStats
  /** Uninstalls every global hook, newest first. Idempotent. */
  close(): void
}

/**
 * Creates a recorder and installs its hooks: the undici global dispatcher (global fetch and undici),
 * node:http client channels, and the clock and randomness wrappers.
 * @example
 * const recorder = createRecorder({ service: 'copilot', environment: 'production', onRecording: (r) => queue.push(r) })
 * const server = createServer(recorder.wrap(handler))
 * // …
 * recorder.close()
 */
export function createRecorder(options: RecorderOptions): Recorder {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  validate(options, maxBodyBytes)
  const stats: RecorderStats = { recorded: 0, errors: 0 }
  const runtime = createRecorderRuntime({
    maxBodyBytes,
    redact: createHeaderRedactor({ names: options.redactHeaders ?? [], key: options.redactionKey }),
    report(error) {
      stats.errors++
      options.onError?.(error)
    },
  })
  const meta = recordingMeta(options)
  let sequence = 0
  const usedIds = new Set<string>()

  const emit: InboundSink = (capture, inbound) => {
    capture.finished = true
    sequence++
    const recording: Recording = {
      id: requestIdOf(inbound, usedIds) ?? recordingId(options.service, sequence),
      recordedAt: capture.recordedAt,
      meta: { ...meta },
      inbound,
      outbound: capture.outbound.map((call) => call.snapshot('unfinished: the inbound response ended first')),
      nondeterminism: {
        clock: [...capture.nondeterminism.clock],
        random: [...capture.nondeterminism.random],
        uuids: [...capture.nondeterminism.uuids],
      },
    }
    try {
      // Outside the request's context: whatever onRecording starts belongs to no recording.
      runtime.storage.exit(() => options.onRecording(recording))
      stats.recorded++
    } catch (error) {
      runtime.report(
        new ParallaxError(
          'PARALLAX_WRITE_FAILED',
          `Failed to hand over recording ${recording.id}: onRecording threw.`,
          {
            hint: 'Make onRecording only enqueue the recording; write it to disk asynchronously and catch there.',
            cause: error,
            details: { recordingId: recording.id },
          },
        ),
      )
    }
  }

  const patches = createPatchRegistry()
  try {
    installUndiciCapture(runtime, patches)
    installFetchScope(runtime, patches)
    installHttpClientCapture(runtime, patches)
    installNondeterminismHooks(runtime, patches)
  } catch (error) {
    patches.restore()
    throw new ParallaxError('PARALLAX_USAGE', `Failed to install the recorder: ${String(error)}.`, {
      hint: 'Create the recorder once per process, before the service starts, and close it on shutdown.',
      cause: error,
    })
  }

  let closed = false
  const recorder: Recorder = {
    wrap: createInboundWrap(runtime, emit),
    stats: () => ({ ...stats }),
    close() {
      if (closed) return
      closed = true
      for (const error of patches.restore()) runtime.report(error)
    },
    [Symbol.dispose]() {
      recorder.close()
    },
  }
  return recorder
}

function validate(options: RecorderOptions, maxBodyBytes: number): void {
  if (typeof options.service !== 'string' || options.service.length === 0) {
    throw new ParallaxError('PARALLAX_USAGE', 'Failed to create the recorder: `service` is empty.', {
      hint: "Name the service being recorded, e.g. createRecorder({ service: 'copilot', … }).",
    })
  }
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 0) {
    throw new ParallaxError(
      'PARALLAX_USAGE',
      `Failed to create the recorder: maxBodyBytes must be a non-negative integer, got ${String(maxBodyBytes)}.`,
      { hint: 'Pass a byte count such as 1048576 (1 MiB), or leave it out for that default.' },
    )
  }
  if (typeof options.onRecording !== 'function') {
    throw new ParallaxError(
      'PARALLAX_USAGE',
      'Failed to create the recorder: `onRecording` is not a function.',
      {
        hint: 'Pass onRecording: (recording) => queue.push(recording).',
      },
    )
  }
}

function recordingMeta(options: RecorderOptions): RecordingMeta {
  const meta: RecordingMeta = { service: options.service, environment: options.environment }
  if (options.version !== undefined) meta.version = options.version
  if (options.configFingerprint !== undefined) meta.configFingerprint = options.configFingerprint
  if (options.pipeline !== undefined) meta.pipeline = options.pipeline
  return meta
}

/** Tokens safe as a recording id: what load balancers and clients put in X-Request-Id. */
const MAX_REMEMBERED_IDS = 10_000
const REQUEST_ID = /^[A-Za-z0-9][\w.:-]{0,127}$/

/**
 * The inbound `x-request-id`, when it is a safe token not used before by this recorder: a recording then
 * carries the id the service's own logs use, so one can be found from the other.
 */
function requestIdOf(inbound: Exchange, used: Set<string>): string | undefined {
  const header = inbound.request.headers.find(([name]) => name.toLowerCase() === 'x-request-id')?.[1]
  if (header === undefined || !REQUEST_ID.test(header) || used.has(header)) return undefined
  // Bounded: a long-running recorder forgets old ids rather than growing without end.
  if (used.size >= MAX_REMEMBERED_IDS) used.clear()
  used.add(header)
  return header
}

/** `<service>-<arrival time, base36>-<sequence><random>`: the random tail keeps ids apart across processes. */
function recordingId(service: string, sequence: number): string {
  const tail = Math.floor(realSources.random() * 36 ** 4)
    .toString(36)
    .padStart(4, '0')
  return `${service}-${realSources.now().toString(36)}-${sequence.toString(36).padStart(4, '0')}${tail}`
}
