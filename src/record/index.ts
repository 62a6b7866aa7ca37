/**
 * The `record` layer: capturing production traffic in process as Recordings.
 */
export {
  createRecorder,
  DEFAULT_MAX_BODY_BYTES,
  type Recorder,
  type RecorderOptions,
} from './create-recorder.ts'
export type { InboundHandler, InboundWrap } from './inbound-wrap.ts'
export {
  type DropReason,
  RECORDER_CHANNEL,
  type RecorderEvent,
  type RecorderStats,
} from './recorder-books.ts'
export {
  createHeaderRedactor,
  DEFAULT_REDACTED_HEADERS,
  DEFAULT_REDACTION_KEY,
  type HeaderRedactor,
  type HeaderRedactorOptions,
  redactedPlaceholder,
} from './redact-headers.ts'
export type { RouteRule, SelectionOptions } from './request-selection.ts'
