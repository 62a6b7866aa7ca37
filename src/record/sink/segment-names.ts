/**
 * How the writer names its files: `<prefix>-<UTC time>-<pid>-<random>-<sequence>.ndjson[.gz]`, with
 * `.open` appended while it is being written. The pid and random part name one writer process, so no
 * two processes ever share a file; the sequence orders one writer's segments.
 */
import { randomBytes } from 'node:crypto'
import { SEGMENT_FILE_SUFFIX } from '../../recording/recording-store.ts'
import { realSources } from '../real-sources.ts'

/**
 * A writer's identity in file names: `<pid>-<8 hex digits>`.
 * @example newWriterId() // '4242-9f1c2a8e'
 */
export function newWriterId(): string {
  return `${process.pid}-${randomBytes(4).toString('hex')}`
}

/**
 * The UTC time as `YYYYMMDDTHHMMSSZ`, safe in file names on every platform.
 * @example utcStamp(Date.UTC(2026, 10, 24, 8)) // '20261124T080000Z'
 */
export function utcStamp(epochMs: number = realSources.now()): string {
  return new realSources.Date(epochMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')
}

/**
 * The finalized name of a writer's segment number `sequence` (`.open` is appended while it is written).
 * @example segmentName('copilot', '4242-9f1c2a8e', 1, true) // 'copilot-20261124T080000Z-4242-9f1c2a8e-000001.ndjson.gz'
 */
export function segmentName(prefix: string, writer: string, sequence: number, gzip: boolean): string {
  const suffix = gzip ? SEGMENT_FILE_SUFFIX.gzip : SEGMENT_FILE_SUFFIX.plain
  return `${prefix}-${utcStamp()}-${writer}-${String(sequence).padStart(6, '0')}${suffix}`
}

/**
 * The name of a writer's status (counters) file.
 * @example statusName('copilot', '4242-9f1c2a8e', '20261124T080000Z') // 'copilot-20261124T080000Z-4242-9f1c2a8e.writer.json'
 */
export function statusName(prefix: string, writer: string, startedStamp: string): string {
  return `${prefix}-${startedStamp}-${writer}${SEGMENT_FILE_SUFFIX.writerStatus}`
}

/**
 * Matches the segment files (finalized or open, any writer) of one prefix, and no other prefix's
 * (`copilot` does not match `copilot-edge-…`).
 * @example segmentPattern('copilot').test('copilot-20261124T080000Z-4242-9f1c2a8e-000001.ndjson') // true
 */
export function segmentPattern(prefix: string): RegExp {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`^${escaped}-\\d{8}T\\d{6}Z-\\d+-[0-9a-f]{8}-\\d{6}\\.ndjson(?:\\.gz)?(?:\\.open)?$`)
}
