/**
 * Re-applying the redaction rules to recordings already on disk: each segment is loaded, every recording
 * redacted, and the segment written again (atomically, header kept) in place or below another folder —
 * or nothing is written and the report says what would change. Redacting a redacted segment changes nothing.
 */
import { randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { basename, dirname, join, relative } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { createGzip } from 'node:zlib'
import { ParallaxError } from '../../recording/errors.ts'
import { loadRecordings } from '../../recording/load-recordings.ts'
import type { WriteSegmentOptions } from '../../recording/recording-store.ts'
import type { Recording } from '../../recording/types.ts'
import { writeSegment } from '../../recording/write-segment.ts'
import type { RedactionFinding, Redactor } from './create-redactor.ts'
import { isGzip, segmentFiles, segmentHeader } from './segment-files.ts'

/**
 * Where the redacted segments go: `dry-run` writes nothing, `in-place` rewrites changed files, `out`
 * writes every file below a folder, mirroring the input's layout.
 * @example { mode: 'out', out: 'recordings-redacted' }
 */
export type SegmentOutput = { mode: 'dry-run' } | { mode: 'in-place' } | { mode: 'out'; out: string }

/**
 * What happened to one segment file.
 * @example { file: 'recordings/a.ndjson', recordings: 8, changed: 2, values: 3, dropped: 0, written: 'recordings/a.ndjson' }
 */
export interface SegmentRedaction {
  file: string
  recordings: number
  /** Recordings in which at least one value changed. */
  changed: number
  /** Values replaced by a placeholder. */
  values: number
  /** Invalid lines left out (only with `dropInvalid`). */
  dropped: number
  /** Where the redacted segment was written; undefined when nothing was written. */
  written?: string
  /** Set when the file was not rewritten although it changed: an unfinalized (`.open`) segment a writer may still append to. */
  skipped?: string
  /** What was replaced, line by line (safe to print: masked hints and placeholders only). */
  findings: Array<RedactionFinding & { line: number }>
}

/**
 * Redacts every segment at `path`. Throws PARALLAX_RECORDING_INVALID, before writing anything, when a
 * segment has invalid lines and `dropInvalid` is not set (a rewrite would otherwise lose them).
 * @example const report = await redactSegments('recordings', { redactor, output: { mode: 'in-place' } })
 */
export async function redactSegments(
  path: string,
  options: { redactor: Redactor; output: SegmentOutput; dropInvalid?: boolean },
): Promise<SegmentRedaction[]> {
  const { files, folder } = await segmentFiles(path, 'redact recordings')
  // First every file is checked, so that an invalid line stops the run before anything is written; then
  // each file is loaded again, redacted and written in turn, holding one file's recordings at a time.
  if (!options.dropInvalid) {
    for (const file of files) {
      const { errors } = await loadRecordings(file)
      if (errors.length > 0) throw invalidLines(file, errors)
    }
  }
  const root = folder ? path : dirname(path)
  const results: SegmentRedaction[] = []
  for (const file of files) {
    const { recordings, errors } = await loadRecordings(file)
    const result: SegmentRedaction = {
      file,
      recordings: recordings.length,
      changed: 0,
      values: 0,
      dropped: errors.length,
      findings: [],
    }
    results.push(result)
    const redacted = recordings.map(({ recording, line }) => {
      const audit = options.redactor.audit(recording)
      if (audit.findings.length > 0) result.changed++
      result.values += audit.findings.length
      for (const finding of audit.findings) result.findings.push({ ...finding, line })
      return audit.recording
    })
    const { output } = options
    if (output.mode === 'dry-run') continue
    if (output.mode === 'in-place' && result.values === 0 && result.dropped === 0) continue
    if (output.mode === 'in-place' && file.endsWith('.open')) {
      result.skipped = 'it is still open (a writer may be appending to it): run again once it is finalized'
      continue
    }
    const target = output.mode === 'in-place' ? file : join(output.out, relative(root, file))
    const header = await segmentHeader(file)
    await writeSegmentFile(
      target,
      redacted,
      header === undefined ? {} : { creator: header.creator, createdAt: header.createdAt },
    )
    result.written = target
  }
  return results
}

function invalidLines(file: string, errors: readonly ParallaxError[]): ParallaxError {
  const lines = errors.map((error) => Number(error.details?.['line'] ?? 0))
  const what = lines.some((line) => line <= 1)
    ? 'it is not a readable segment'
    : lines.length > 1
      ? `lines ${lines.join(', ')} are invalid`
      : `line ${lines[0]} is invalid`
  return new ParallaxError(
    'PARALLAX_RECORDING_INVALID',
    `Failed to redact ${file}: ${what}, and rewriting it would lose ${lines.length > 1 ? 'them' : 'it'}.`,
    {
      hint: 'Fix or delete the invalid lines (`parallax inspect` lists them), or pass --drop-invalid to leave them out of the redacted file; nothing was written.',
      details: { file, lines },
    },
  )
}

/** Writes a segment atomically, gzip-compressed when its name says so (`.ndjson.gz`). */
async function writeSegmentFile(
  target: string,
  recordings: readonly Recording[],
  options: WriteSegmentOptions,
): Promise<void> {
  if (!isGzip(target)) return writeSegment(target, recordings, options)
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomUUID()}`)
  try {
    await writeSegment(`${temp}.ndjson`, recordings, options)
    await pipeline(createReadStream(`${temp}.ndjson`), createGzip(), createWriteStream(`${temp}.gz`))
    await rename(`${temp}.gz`, target)
  } catch (error) {
    await rm(`${temp}.gz`, { force: true })
    throw new ParallaxError(
      'PARALLAX_WRITE_FAILED',
      `Failed to write segment ${target}: ${(error as Error).message}.`,
      {
        hint: 'Check that the folder is writable and the disk has room; the segment was not replaced.',
        cause: error,
        details: { file: target },
      },
    )
  } finally {
    await rm(`${temp}.ndjson`, { force: true })
  }
}
