/**
 * Writing an NDJSON segment atomically (see write-atomically.ts): the header and one canonical-key-order
 * line per recording, so a reader never sees a half-written segment and a failure leaves nothing behind.
 */
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGzip } from 'node:zlib'
import packageJson from '../../package.json' with { type: 'json' }
import { isParallaxError, ParallaxError } from './errors.ts'
import { SEGMENT_FILE_SUFFIX, type WriteSegmentOptions } from './recording-store.ts'
import { describeFirstIssue, recordingSchema } from './schema.ts'
import { SEGMENT_LIMITS } from './segment-lines.ts'
import { sortedJson } from './sorted-json.ts'
import { RECORDING_FORMAT, RECORDING_VERSION, type Recording, type SegmentHeader } from './types.ts'
import { OWNER_ONLY_MODE, writeFileAtomically } from './write-atomically.ts'

/** Lines are gathered up to about this many characters before each write, to keep syscalls few. */
const BATCH_CHARS = 1024 * 1024

/**
 * Writes `recordings` as one segment at `file` (creating its folder), replacing any file there atomically,
 * with mode 0600 like the recorder's segments (they hold production traffic, even redacted). Every recording
 * is validated first and written in canonical key order; failures throw PARALLAX_WRITE_FAILED. A file named
 * `.ndjson.gz` (or `.ndjson.gz.open`) is gzip-compressed as it is written, as the loader reads it.
 * @example await writeSegment('recordings/2026-11-24.ndjson', recordings, { createdAt: '2026-11-24T08:00:00.000Z' })
 */
export async function writeSegment(
  file: string,
  recordings: readonly Recording[],
  options: WriteSegmentOptions = {},
): Promise<void> {
  const header: SegmentHeader = {
    format: RECORDING_FORMAT,
    version: RECORDING_VERSION,
    creator: options.creator ?? { name: 'parallax', version: packageJson.version },
    createdAt: options.createdAt ?? new Date().toISOString(),
  }
  try {
    await writeFileAtomically(
      file,
      async (handle) => {
        const batches = segmentBatches(file, header, recordings)
        if (!isGzipName(file)) {
          for (const batch of batches) await handle.write(batch)
          return
        }
        // Written chunk by chunk through the handle (not a stream of it, which would close it): the handle
        // stays open for writeFileAtomically to sync and close once the gzip stream has ended.
        await pipeline(Readable.from(batches), createGzip(), async (compressed: AsyncIterable<Buffer>) => {
          for await (const chunk of compressed) await handle.write(chunk)
        })
      },
      { mode: OWNER_ONLY_MODE },
    )
  } catch (error) {
    if (isParallaxError(error)) throw error
    throw new ParallaxError(
      'PARALLAX_WRITE_FAILED',
      `Failed to write segment ${file}: ${(error as Error).message}.`,
      {
        hint: 'Check that the folder is writable and the disk has room; nothing was written.',
        cause: error,
        details: { file },
      },
    )
  }
}

/** True when the loader reads `file` as gzip: `.ndjson.gz`, finalized or not. */
function isGzipName(file: string): boolean {
  const finalized = file.endsWith(SEGMENT_FILE_SUFFIX.open)
    ? file.slice(0, -SEGMENT_FILE_SUFFIX.open.length)
    : file
  return finalized.endsWith(SEGMENT_FILE_SUFFIX.gzip)
}

/** The header and the recordings' lines, validated, in batches of about BATCH_CHARS characters. */
function* segmentBatches(
  file: string,
  header: SegmentHeader,
  recordings: readonly Recording[],
): Generator<string> {
  let batch = serialize(file, header, 1) + '\n'
  const ids = new Map<string, number>()
  for (const [index, recording] of recordings.entries()) {
    const earlier = ids.get(recording.id)
    if (earlier !== undefined) {
      throw invalidRecording(
        file,
        index,
        `its id ${JSON.stringify(recording.id)} is also the id of recording ${earlier}`,
      )
    }
    ids.set(recording.id, index)
    const issue = describeFirstIssue(recordingSchema, recording)
    if (issue !== undefined) throw invalidRecording(file, index, `${issue.field} ${issue.problem}`)
    batch += serialize(file, recording, index) + '\n'
    if (batch.length >= BATCH_CHARS) {
      yield batch
      batch = ''
    }
  }
  yield batch
}

function invalidRecording(file: string, index: number, reason: string): ParallaxError {
  return new ParallaxError(
    'PARALLAX_WRITE_FAILED',
    `Failed to write segment ${file}: recording ${index} ${reason}.`,
    {
      hint: 'Build recordings with the recorder or bodyFromBytes so they match the format; nothing was written.',
      details: { file, index },
    },
  )
}

function serialize(file: string, value: unknown, index: number): string {
  const result = sortedJson(value, SEGMENT_LIMITS.maxLineDepth)
  if (!('text' in result)) {
    throw invalidRecording(
      file,
      index,
      `at ${result.path} ${result.problem}, which JSON cannot hold as it is`,
    )
  }
  if (Buffer.byteLength(result.text) > SEGMENT_LIMITS.maxLineBytes) {
    throw invalidRecording(
      file,
      index,
      `is more than the ${SEGMENT_LIMITS.maxLineBytes} bytes a line may hold`,
    )
  }
  return result.text
}
