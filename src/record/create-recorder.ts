/**
 * The in-process recorder: wraps a node:http handler, ties every outbound call and nondeterministic
 * read to the inbound request that caused it, and hands over one redacted Recording per request.
 */
import { ParallaxError } from '../recording/errors.ts'
import type { Exchange, Recording, RecordingMeta } from '../recording/types.ts'
import { installFetchScope } from './fetch-scope.ts'
import { installHttpClientCapture } from './http-client-capture.ts'
import { installInboundChannel } from './inbound-channel.ts'
import {
  beginInbound,
  createInboundWrap,
  type InboundBegin,
  type InboundSink,
  type InboundWrap,
  markBegun,
} from './inbound-wrap.ts'
import { installNondeterminismHooks } from './nondeterminism-hooks.ts'
import { createPatchRegistry } from './patch-registry.ts'
import { realSources } from './real-sources.ts'
import { createRecorderBooks, type RecorderStats } from './recorder-books.ts'
import { type Capture, createRecorderRuntime } from './recorder-runtime.ts'
import { createHeaderRedactor } from './redact-headers.ts'
import { createRequestSelection, isErrorStatus, type SelectionOptions } from './request-selection.ts'
import { installUndiciCapture, installUndiciInstanceCapture } from './undici-capture.ts'

/**
 * Bodies larger than this are kept truncated (size and SHA-256 still describe the whole).
 * @example createRecorder({ service, environment, onRecording, maxBodyBytes: DEFAULT_MAX_BODY_BYTES / 4 })
 */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024

/**
 * Options of {@link createRecorder}.
 * @example const options: RecorderOptions = { service: 'copilot', environment: 'production', onRecording: (r) => queue.push(r) }
 */
export interface RecorderOptions extends SelectionOptions {
  service: string
  environment: string
  version?: string
  configFingerprint?: string
  pipeline?: string
  /**
   * Record every node:http server in the process through the `http.server.request.start` diagnostics
   * channel (what `--import parallax/register` does), instead of only handlers passed to `wrap`. Default false.
   */
  captureServers?: boolean
  /** Bytes of each body kept in the recording; default {@link DEFAULT_MAX_BODY_BYTES}. */
  maxBodyBytes?: number
  /** Header names redacted in addition to the defaults (authorization, cookie, set-cookie, x-api-key…). */
  redactHeaders?: string[]
  /** HMAC key of the redaction placeholders; default a fixed, public key (see `DEFAULT_REDACTION_KEY`). */
  redactionKey?: string
  /**
   * Receives each finished recording, once, outside the request's context. Return `false` when it was
   * refused (a full queue): it is counted as dropped. A throw is caught and counted too.
   */
  onRecording: (recording: Recording) => unknown
  /** Receives the recorder's own failures, which are never thrown into the app. */
  onError?: (error: unknown) => void
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
  const select = createRequestSelection(options)
  const books = createRecorderBooks()
  const runtime = createRecorderRuntime({
    maxBodyBytes,
    redact: createHeaderRedactor({ names: options.redactHeaders ?? [], key: options.redactionKey }),
    report(error) {
      books.error()
      options.onError?.(error)
    },
    unattributed: () => books.unattributed(),
  })
  const meta = recordingMeta(options)
  let sequence = 0
  const usedIds = new Set<string>()
  /** Captures that sampling left out, kept only if they end in a server error. */
  const onlyIfError = new WeakSet<Capture>()

  const hand = (recording: Recording) => {
    let accepted: unknown
    try {
      // Outside the request's context: whatever onRecording starts belongs to no recording.
      accepted = runtime.storage.exit(() => options.onRecording(recording))
    } catch (error) {
      books.dropped('sinkFailed', recording.id)
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
      return
    }
    if (accepted === false) books.dropped('sinkFull', recording.id)
    else books.handedOver(recording.id, hasTruncatedBody(recording))
  }

  const sink: InboundSink = (capture, inbound) => {
    capture.finished = true
    if (inbound === undefined) {
      books.dropped('captureFailed')
      return
    }
    if (onlyIfError.has(capture) && !isErrorStatus(inbound.response.status)) {
      books.skipped('sampled-out', true)
      return
    }
    sequence++
    hand({
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
    })
  }

  const begin: InboundBegin = (req, res) => {
    if (markBegun(req)) return undefined
    books.arrived()
    const selection = select(req.method ?? 'GET', req.url ?? '/')
    if (selection === 'filtered' || selection === 'sampled-out') {
      books.skipped(selection, false)
      return undefined
    }
    books.started()
    try {
      const capture = runtime.guarded(() => beginInbound(runtime, sink, req, res))
      if (selection === 'record-if-error') onlyIfError.add(capture)
      return capture
    } catch (error) {
      books.dropped('captureFailed')
      runtime.report(error)
      return undefined
    }
  }

  const patches = createPatchRegistry()
  try {
    installUndiciCapture(runtime, patches)
    installUndiciInstanceCapture(runtime, patches)
    installFetchScope(runtime, patches)
    installHttpClientCapture(runtime, patches)
    installNondeterminismHooks(runtime, patches)
    if (options.captureServers === true) installInboundChannel(runtime, patches, begin)
  } catch (error) {
    patches.restore()
    throw new ParallaxError('PARALLAX_USAGE', `Failed to install the recorder: ${String(error)}.`, {
      hint: 'Create the recorder once per process, before the service starts, and close it on shutdown.',
      cause: error,
    })
  }

  let closed = false
  const recorder: Recorder = {
    wrap: createInboundWrap(runtime, begin),
    stats: books.stats,
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

function hasTruncatedBody(recording: Recording): boolean {
  return [recording.inbound, ...recording.outbound].some(
    (exchange) => exchange.request.body?.truncated === true || exchange.response.body?.truncated === true,
  )
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
