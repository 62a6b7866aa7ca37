/**
 * The end of one captured exchange: it becomes a Recording (id, meta, the inbound exchange, no
 * outbound calls), is redacted, and is handed to `onRecording`, with every outcome entered in the books.
 */
import type { ServerResponse } from 'node:http'
import { ParallaxError } from '../../recording/errors.ts'
import type { Recording, RecordingMeta } from '../../recording/types.ts'
import type { RecorderBooks } from '../recorder-books.ts'
import { createRecordingIds } from '../recording-ids.ts'
import { isErrorStatus } from '../request-selection.ts'
import type { ExchangeCapture } from './exchange-capture.ts'

/**
 * Hands over the recording of a finished exchange; `onlyIfError` keeps it only when the client got a
 * server error (an exchange sampling left out). Never throws.
 * @example handOver(capture, res, undefined, false)
 */
export type RecordingHandOver = (
  capture: ExchangeCapture,
  res: ServerResponse,
  incomplete: string | undefined,
  onlyIfError: boolean,
) => void

/**
 * Options of {@link createRecordingHandOver}.
 * @example const options: RecordingHandOverOptions = { meta, redact, onRecording, books, report }
 */
export interface RecordingHandOverOptions {
  meta: RecordingMeta
  redact: (recording: Recording) => Recording
  onRecording: (recording: Recording) => unknown
  books: RecorderBooks
  /** Receives a failure; counted by the caller. Never throws. */
  report: (error: unknown) => void
}

/**
 * Creates the hand-over of one proxy.
 * @example const handOver = createRecordingHandOver({ meta, redact, onRecording, books, report })
 */
export function createRecordingHandOver(options: RecordingHandOverOptions): RecordingHandOver {
  const { books, report } = options
  const ids = createRecordingIds(options.meta.service)
  return (capture, res, incomplete, onlyIfError) => {
    let recording: Recording
    try {
      const inbound = capture.exchange(res, incomplete)
      if (onlyIfError && !isErrorStatus(inbound.response.status)) {
        books.skipped('sampled-out', true)
        return
      }
      // Keys in sorted order, so the writer serializes it natively (see exchangeFromParts).
      recording = {
        id: ids.next(inbound.request.headers),
        inbound,
        meta: { ...options.meta },
        nondeterminism: { clock: [], random: [], uuids: [] },
        // The proxy sees only the service's front door, not the calls the service makes behind it.
        outbound: [],
        recordedAt: capture.recordedAt(),
      }
    } catch (error) {
      books.dropped('captureFailed')
      report(failure(`Failed to record ${exchangeName(res)}: the capture threw.`, error))
      return
    }
    let redacted: Recording
    try {
      redacted = options.redact(recording)
    } catch (error) {
      books.dropped('redactFailed', recording.id)
      report(
        failure(`Failed to redact recording ${recording.id}: redact threw.`, error, {
          hint: 'The recording was dropped, never handed over unredacted. Fix the redact function.',
          recordingId: recording.id,
        }),
      )
      return
    }
    let accepted: unknown
    try {
      accepted = options.onRecording(redacted)
    } catch (error) {
      books.dropped('sinkFailed', redacted.id)
      report(
        failure(`Failed to hand over recording ${redacted.id}: onRecording threw.`, error, {
          hint: 'Make onRecording only enqueue the recording; write it to disk asynchronously and catch there.',
          recordingId: redacted.id,
        }),
      )
      return
    }
    if (accepted === false) books.dropped('sinkFull', redacted.id)
    else books.handedOver(redacted.id, hasTruncatedBody(redacted))
  }
}

function failure(
  message: string,
  cause: unknown,
  extra: { hint?: string; recordingId?: string } = {},
): ParallaxError {
  return new ParallaxError('PARALLAX_WRITE_FAILED', message, {
    hint: extra.hint ?? 'The exchange was proxied unrecorded. Report this with the error as a parallax bug.',
    cause,
    ...(extra.recordingId === undefined ? {} : { details: { recordingId: extra.recordingId } }),
  })
}

function exchangeName(res: ServerResponse): string {
  return `${res.req.method ?? 'GET'} ${(res.req.url ?? '/').slice(0, 200)}`
}

function hasTruncatedBody(recording: Recording): boolean {
  const { request, response } = recording.inbound
  return request.body?.truncated === true || response.body?.truncated === true
}
