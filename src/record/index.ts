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
  createRecordingProxy,
  DEFAULT_MAX_CONNECTIONS,
  type RecordingProxy,
  type RecordingProxyOptions,
  type RecordingProxyStats,
} from './proxy/create-recording-proxy.ts'
export { HOP_BY_HOP_HEADERS, type HostHeaderMode } from './proxy/proxy-headers.ts'
export { createProxyRedaction } from './proxy/proxy-redaction.ts'
export {
  type DropReason,
  RECORDER_CHANNEL,
  type RecorderEvent,
  type RecorderStats,
} from './recorder-books.ts'
export {
  createRedactor,
  type RedactionAudit,
  type RedactionFinding,
  type RedactionOptions,
  type Redactor,
} from './redact/create-redactor.ts'
export { DEFAULT_TEXT_RULES } from './redact/default-text-rules.ts'
export { maskSecret } from './redact/find-secrets.ts'
export {
  DEFAULT_REDACTION_KEY,
  isPlaceholder,
  PLACEHOLDER_PATTERN,
  redactedPlaceholder,
} from './redact/placeholder.ts'
export {
  redactSegments,
  type SegmentOutput,
  type SegmentRedaction,
} from './redact/redact-segments.ts'
export { type ScanFinding, type ScanReport, scanSegments } from './redact/scan-segments.ts'
export {
  DEFAULT_NOT_SECRET_NAMES,
  DEFAULT_SECRET_BODY_KEYS,
  DEFAULT_SECRET_HEADERS,
  DEFAULT_SECRET_QUERY_PARAMS,
  type NameRules,
} from './redact/secret-names.ts'
export type { TextPattern, TextRule } from './redact/text-rule.ts'
export {
  DEFAULT_REDACTION_KEY_NOTICE,
  REDACTION_KEY_ADVICE,
  redactionKeyWarning,
} from './redaction-key-warning.ts'
export type { RouteRule, SelectionOptions } from './request-selection.ts'
export { isReplayTraffic, REPLAY_HEADER } from './request-selection.ts'
export {
  createSegmentWriter,
  DEFAULT_WRITER_OPTIONS,
  estimateRecordingBytes,
  type ListedFile,
  nodeWriterFileSystem,
  type SegmentWriter,
  type SegmentWriterOptions,
  type SegmentWriterStats,
  type WriterDropReason,
  type WriterFileSystem,
} from './sink/index.ts'
export { type RunningRecorder, type StartRecorderOptions, startRecorder } from './start-recorder.ts'
