/**
 * The recording layer: the Recording format (types, schema, version), canonical values, and the
 * NDJSON store. Everything parallax reads from disk enters through here.
 */

export { bodyBytes, bodyFromBytes, bodyText } from './body.ts'
export {
  CANONICAL_LIMITS,
  type CanonicalCapture,
  canonicalJson,
  captureValue,
  encodeCanonical,
} from './canonical.ts'
export { CANONICAL_TAG } from './canonical-kind.ts'
export { decodeCanonical } from './decode-canonical.ts'
export {
  deserializeError,
  ERROR_CODES,
  exitCodeFor,
  isParallaxError,
  ParallaxError,
  type ParallaxErrorCode,
  type ParallaxErrorOptions,
  type SerializedError,
  serializeError,
} from './errors.ts'
export { readHarFile, writeHarFile } from './har/har-file.ts'
export { type HarExportOptions, harFromRecordings } from './har/har-from-recordings.ts'
export { HAR_LIMITS } from './har/har-schema.ts'
export type {
  Har,
  HarBodyFacts,
  HarContent,
  HarEntry,
  HarExchangeFacts,
  HarNameValue,
  HarPage,
  HarPostData,
  HarRequest,
  HarResponse,
  HarTimings,
} from './har/har-types.ts'
export { HAR_PARALLAX_VERSION } from './har/har-types.ts'
export { parseHarText } from './har/parse-har-text.ts'
export {
  type HarImportOptions,
  type HarImportResult,
  type HarSkippedEntry,
  recordingsFromHar,
} from './har/recordings-from-har.ts'
export { loadRecordings } from './load-recordings.ts'
export { createNdjsonStore } from './ndjson-store.ts'
export {
  type LoadedRecording,
  type LoadedWriterStatus,
  type LoadProgress,
  type LoadRecordingsOptions,
  type LoadRecordingsResult,
  type LoadWarning,
  type RecorderCounts,
  type RecordingStore,
  SEGMENT_FILE_SUFFIX,
  WRITER_STATUS_FORMAT,
  type WriterStatus,
  type WriteSegmentOptions,
} from './recording-store.ts'
export { countPlaceholders, isPlaceholder, PLACEHOLDER_PATTERN } from './redaction-placeholder.ts'
export {
  describeFirstIssue,
  type FieldProblem,
  parseRecording,
  type RecordingSource,
  recordingSchema,
  SCHEMA_LIMITS,
  segmentHeaderSchema,
} from './schema.ts'
export { SEGMENT_LIMITS } from './segment-lines.ts'
export {
  inboundRoute,
  type RecordersSummary,
  type RecordingsSummary,
  summarizeRecordings,
  type WritersSummary,
} from './summarize-recordings.ts'
export {
  type Body,
  type Checkpoint,
  type Chunk,
  type Exchange,
  type HeaderList,
  type Nondeterminism,
  RECORDING_FORMAT,
  RECORDING_VERSION,
  type RecordedRequest,
  type RecordedResponse,
  type Recording,
  type RecordingMeta,
  type SegmentHeader,
} from './types.ts'
export { writeSegment } from './write-segment.ts'
