/**
 * The in-process recorder: wraps a node:http handler, ties every outbound call and nondeterministic
 * read to the inbound request that caused it, and hands over one redacted Recording per request.
 */
import { AsyncResource } from 'node:async_hooks'
import { ParallaxError } from '../recording/errors.ts'
import { metaFromParts } from '../recording/recording-parts.ts'
import type { Exchange, Recording } from '../recording/types.ts'
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
import { createRecorderBooks, type RecorderStats } from './recorder-books.ts'
import { type Capture, createRecorderRuntime, type RecorderRuntime } from './recorder-runtime.ts'
import { createRecordingIds } from './recording-ids.ts'
import { type RedactionOptions, recordingRedaction } from './redact/create-redactor.ts'
import {
  createRequestSelection,
  isErrorStatus,
  isReplayTraffic,
  type SelectionOptions,
} from './request-selection.ts'
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
  /** Rules of the default redactor beyond `redactHeaders` (query parameters, body keys, text patterns). */
  redaction?: Omit<RedactionOptions, 'key'>
  /**
   * Receives each finished recording, once, outside every request's context (in the context the
   * recorder was created in: none of the request's AsyncLocalStorage stores, the app's included, is set).
   * Return `false` when it was refused (a full queue): it is counted as dropped. A throw is caught and
   * counted too.
   */
  onRecording: (recording: Recording) => unknown
  /**
   * Applied to each recording before it is handed over (and so before anything is queued or written);
   * default: `recordingRedaction({ names: redactHeaders, key: redactionKey, rules: redaction })`
   * (secret headers, URL userinfo and query parameters, body fields, tokens found by pattern anywhere).
   * `false` hands recordings over unredacted. A throw drops the recording and counts it
   * (`dropped.redactFailed`): it is never handed over unredacted.
   */
  redact?: ((recording: Recording) => Recording) | false
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
    report(error) {
      books.error()
      options.onError?.(error)
    },
    unattributed: () => books.unattributed(),
  })
  const meta = metaFromParts(options)
  const ids = createRecordingIds(options.service)
  /** Captures that sampling left out, kept only if they end in a server error. */
  const onlyIfError = new WeakSet<Capture>()

  const redact = options.redact ?? defaultRedaction(options)
  // Recordings are handed over outside every request's context, in the context the recorder was created
  // in: bound once, where storage.exit would build a new context for each recording.
  const handOver = runtime.storage.exit(() =>
    AsyncResource.bind((recording: Recording) => options.onRecording(recording)),
  )
  const hand = (captured: Recording) => {
    let recording = captured
    if (redact !== false) {
      try {
        recording = redact(captured)
      } catch (error) {
        books.dropped('redactFailed', captured.id)
        runtime.report(
          new ParallaxError(
            'PARALLAX_WRITE_FAILED',
            `Failed to redact recording ${captured.id}: the redactor threw; it was dropped.`,
            {
              hint: 'Check the custom redaction rules; the recording was not written.',
              details: {
                recordingId: captured.id,
                reason: error instanceof Error ? error.name : typeof error,
              },
            },
          ),
        )
        return
      }
    }
    let accepted: unknown
    try {
      // Outside the request's context: whatever onRecording starts belongs to no recording.
      accepted = handOver(recording)
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

  /**
   * Builds, redacts and hands over one finished capture. `outbound` holds the snapshots of the calls that
   * had not ended when the response did (taken then); the others are built now.
   */
  const record = (capture: Capture, build: () => Exchange, outbound: Array<Exchange | undefined>) => {
    let inbound: Exchange
    try {
      inbound = runtime.guarded(build)
    } catch (error) {
      books.dropped('captureFailed')
      runtime.report(error)
      return
    }
    if (onlyIfError.has(capture) && !isErrorStatus(inbound.response.status)) {
      books.skipped('sampled-out', true)
      return
    }
    // Keys in sorted order, here and in every part of a recording: the writer then serializes it natively.
    runtime.observe(() =>
      hand({
        id: ids.next(inbound.request.headers),
        inbound,
        meta: { ...meta },
        // Not copied: a finished capture records no more reads.
        nondeterminism: capture.nondeterminism,
        outbound: capture.outbound.map((call, index) => outbound[index] ?? call.snapshot(UNFINISHED)),
        recordedAt: capture.recordedAt,
      }),
    )
  }
  // Finished captures are recorded together once the event loop's I/O is done, not each in its response's
  // 'finish' event: interleaved with the I/O, the same work cost the server twice as much CPU under load
  // (bench/load/quick-record.ts). close() records what is left at once.
  const finished = createFinishedQueue(runtime, record)

  const sink: InboundSink = (capture, build) => {
    capture.finished = true
    let outbound: Array<Exchange | undefined>
    try {
      outbound = capture.outbound.map((call) => (call.ended() ? undefined : call.snapshot(UNFINISHED)))
    } catch (error) {
      books.dropped('captureFailed')
      runtime.report(error)
      return
    }
    finished.push(capture, build, outbound)
  }

  const begin: InboundBegin = (req, res) => {
    if (markBegun(req)) return undefined
    books.arrived()
    const selection = isReplayTraffic(req.rawHeaders)
      ? 'filtered'
      : select(req.method ?? 'GET', req.url ?? '/')
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
      finished.drain()
    },
    [Symbol.dispose]() {
      recorder.close()
    },
  }
  return recorder
}

const UNFINISHED = 'unfinished: the inbound response ended first'

/** Captures waiting to be recorded, and the recording of all of them after the loop's I/O. */
interface FinishedQueue {
  push(capture: Capture, build: () => Exchange, outbound: Array<Exchange | undefined>): void
  /** Records every waiting capture now. */
  drain(): void
}

function createFinishedQueue(
  runtime: RecorderRuntime,
  record: (capture: Capture, build: () => Exchange, outbound: Array<Exchange | undefined>) => void,
): FinishedQueue {
  let waiting: Array<[Capture, () => Exchange, Array<Exchange | undefined>]> = []
  const drain = () => {
    // Captures that finish meanwhile (an onRecording that serves a request) are recorded in this drain too.
    while (waiting.length > 0) {
      const batch = waiting
      waiting = []
      for (const [capture, build, outbound] of batch) record(capture, build, outbound)
    }
  }
  // Scheduled from the context the recorder was created in, outside every request's: the turn holds no
  // request's context (nor keeps its capture alive).
  const schedule = runtime.storage.exit(() => AsyncResource.bind(() => setImmediate(drain)))
  return {
    push(capture, build, outbound) {
      waiting.push([capture, build, outbound])
      if (waiting.length === 1) schedule()
    },
    drain,
  }
}

function defaultRedaction(options: RecorderOptions): (recording: Recording) => Recording {
  return recordingRedaction({
    ...(options.redactHeaders && { names: options.redactHeaders }),
    ...(options.redactionKey !== undefined && { key: options.redactionKey }),
    ...(options.redaction && { rules: options.redaction }),
  })
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
