/**
 * The production writer: recordings to NDJSON segments on disk, bounded, batched, durable.
 * @example
 * import { createSegmentWriter } from './sink/index.ts'
 * const writer = createSegmentWriter({ dir: 'recordings', service: 'copilot' })
 */
export { checkRecordingFolder, type RecordingFolderCheck } from './check-recording-folder.ts'
export { createSegmentWriter, type SegmentWriter } from './create-segment-writer.ts'
export { estimateRecordingBytes } from './estimate-recording-bytes.ts'
export { nodeWriterFileSystem } from './node-writer-file-system.ts'
/** @example const reason: WriterDropReason = 'queueFull' */
export type { DropReason as WriterDropReason, SegmentWriterStats } from './writer-books.ts'
/** @example const fs: WriterFileSystem = { ...nodeWriterFileSystem, sync: async () => {} } */
export type { ListedFile, WriterFileSystem } from './writer-file-system.ts'
export { DEFAULT_WRITER_OPTIONS, type SegmentWriterOptions } from './writer-options.ts'
