/**
 * The `record` layer: capturing production traffic in process as Recordings.
 */
export {
  createRecorder,
  DEFAULT_MAX_BODY_BYTES,
  type Recorder,
  type RecorderOptions,
  type RecorderStats,
} from './create-recorder.ts'
export type { InboundHandler, InboundWrap } from './inbound-wrap.ts'
export {
  createHeaderRedactor,
  DEFAULT_REDACTED_HEADERS,
  DEFAULT_REDACTION_KEY,
  type HeaderRedactor,
  type HeaderRedactorOptions,
  redactedPlaceholder,
} from './redact-headers.ts'
